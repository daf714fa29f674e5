"""Benchmark the Pulumi program: the whole estate under mocks, against a flat floor in the same run.

For estates of 1, 10, 100 and 1,000 workloads (each: a Custom Vision Training + Prediction pair adopted in
reference mode, an AutoML replacement, and its share of the monitoring: query rows, alert scopes), this runs

- program: ``cvmigrate.program.main`` under the mock runtime of standins/pulumi_harness.py (config parsing and
  validation, components, query rendering, workbook, alert rules: everything `pulumi up` evaluates);
- floor: a flat program that registers the same custom resources with the same inputs directly, one
  ``pulumi.CustomResource`` each (with the type aliases its azure-native class declares), no components,
  no invokes, no config, no rendering, under the same mocks.

Each measurement runs in its own process (peak RSS is that process's own); wall time covers the program
evaluation only, not the interpreter start. Ratios are reported, not asserted.

    .venv/bin/python benchmarks/bench_program.py [--sizes 1 10 100 1000] [--skip-1000] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SUB = "11111111-2222-3333-4444-555555555555"

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {standins!r})
mode, size, graph_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import pulumi
from pulumi_harness import run_program
config = json.loads(open(graph_file + ".config").read())

if mode == "program":
    from cvmigrate.program import main
    import pulumi_azure_native.monitor, pulumi_azure_native.applicationinsights  # imports are not the program
    import pulumi_azure_native.operationalinsights, pulumi_azure_native.cognitiveservices
    import pulumi_azure_native.keyvault, pulumi_azure_native.storage, pulumi_azure_native.resources
    import pulumi_azure_native.machinelearningservices, pulumi_azure_native.authorization
    start = time.perf_counter()
    graph = run_program(main, config)
    elapsed = time.perf_counter() - start
    assert graph.error is None, graph.error
    custom = [dict(type=r.type, name=r.name, inputs=r.inputs) for r in graph.resources if r.custom
              and not r.type.startswith("pulumi:providers:")]
    open(graph_file, "w").write(json.dumps(custom))
    count = len(graph.resources)
else:
    import importlib, inspect, re
    resources = json.loads(open(graph_file).read())

    def sdk_aliases(token):
        # The type aliases the azure-native class declares for older API versions: part of registering
        # that resource with the SDK, so the floor registers them too.
        _, module, cls = token.split(":")
        source = inspect.getsource(getattr(importlib.import_module(f"pulumi_azure_native.{{module}}"), cls))
        return [pulumi.Alias(type_=t) for t in re.findall(r'pulumi\.Alias\(type_="([^"]+)"\)', source)]

    aliases = {{t: sdk_aliases(t) for t in {{r["type"] for r in resources}}}}

    def flat():
        seen = set()
        for r in resources:
            name = r["name"]
            while (r["type"], name) in seen:
                name += "-"
            seen.add((r["type"], name))
            pulumi.CustomResource(r["type"], name, r["inputs"],
                                  opts=pulumi.ResourceOptions(aliases=aliases[r["type"]]))

    start = time.perf_counter()
    graph = run_program(flat, config)
    elapsed = time.perf_counter() - start
    count = len(graph.resources)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"resources": count, "seconds": elapsed, "peak_mb": peak_mb}}))
"""


def estate(size: int) -> dict:
    workloads = []
    for i in range(size):
        name = f"wl-n{i:04d}"  # AmlCompute names need a letter after each dash
        rg = f"rg-app-{i % 50:02d}"
        workloads.append({
            "name": name, "wave": 1 + i % 3,
            "legacy": {"customVision": {
                "mode": "reference",
                "trainingId": f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/cv-{name}-train",
                "predictionId": f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/cv-{name}-pred",
                "storeKeys": False}},
            "cutover": {"state": "dual-run", "date": "2027-06-30"},
            "replacement": {"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1}},
        })
    return {
        "azure-native:location": "westeurope",
        "azure-native:subscriptionId": SUB,
        "cvmigrate:environment": "bench",
        "cvmigrate:resourceGroup": {"name": "rg-cvmigrate-bench", "create": True},
        "cvmigrate:logAnalytics": {"create": True},
        "cvmigrate:keyVault": {"enabled": False},
        "cvmigrate:alerts": {"emails": ["oncall@contoso.com"]},
        "cvmigrate:workloads": workloads,
    }


def measure(mode: str, size: int, graph_file: Path) -> dict:
    script = CHILD.format(standins=str(REPO / "standins"))
    proc = subprocess.run([sys.executable, "-c", script, mode, str(size), str(graph_file)],
                          capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f"{mode} {size} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100, 1000])
    parser.add_argument("--skip-1000", action="store_true", help="leave out the 1,000-workload estate")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    sizes = [s for s in args.sizes if not (args.skip_1000 and s >= 1000)]
    rows = []
    print(f"{'workloads':>9} {'resources':>9} {'program s':>10} {'floor s':>8} {'x floor':>8} "
          f"{'program MB':>10} {'floor MB':>9} {'x floor':>8} {'ms/wl':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            graph_file = Path(tmp) / f"graph-{size}.json"
            Path(str(graph_file) + ".config").write_text(json.dumps(estate(size)))
            program = measure("program", size, graph_file)
            floor = measure("floor", size, graph_file)
            row = {"workloads": size, "resources": program["resources"], "floor_resources": floor["resources"],
                   "program_s": round(program["seconds"], 3), "floor_s": round(floor["seconds"], 3),
                   "time_ratio": round(program["seconds"] / floor["seconds"], 2),
                   "program_mb": round(program["peak_mb"], 1), "floor_mb": round(floor["peak_mb"], 1),
                   "memory_ratio": round(program["peak_mb"] / floor["peak_mb"], 2),
                   "ms_per_workload": round(1000 * program["seconds"] / size, 1)}
            rows.append(row)
            print(f"{size:>9} {row['resources']:>9} {row['program_s']:>10.2f} {row['floor_s']:>8.2f} "
                  f"{row['time_ratio']:>8.2f} {row['program_mb']:>10.1f} {row['floor_mb']:>9.1f} "
                  f"{row['memory_ratio']:>8.2f} {row['ms_per_workload']:>7.1f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
