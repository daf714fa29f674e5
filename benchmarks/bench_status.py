"""`cvmigrate status --source` against DuckDB's own read of the same files, on the two archive layouts, and the
incremental re-run from the cache.

Layouts:
- ``small``: the storage-export layout at estate scale: one small PT1H.json blob per account and hour, one
  record each (default 200,000 blobs: 50 accounts x 24 h x 167 days);
- ``big``: 1,000,000 records in few files (`cvmigrate sample --records 1000000`, 120 days).

The floor: one DuckDB ``read_json`` of every file with the loader's columns, materialised into a table (what any
DuckDB-based reader must at least do). Measured in separate processes in the same run: wall time and peak RSS
of the floor, of `status --no-cache`, of a first run into an empty ``--cache`` and of the re-run on the unchanged
archive; reported with the ratios to the floor. Goals (issue #16): small <= 1.5x the floor's time within 4 GiB,
big <= 2x, re-run <= 5 % of the first run.

    .venv/bin/python benchmarks/bench_status.py [--layout small|big|both] [--blobs 200000] [--records 1000000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "Pulumi.demo.yaml"
END = "2027-06-01T00:00:00Z"
SUB = "00000000-1111-2222-3333-444444444444"

MEASURE = """
import resource, sys, time
t = time.perf_counter()
{body}
wall = time.perf_counter() - t
print("BENCH", wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

FLOOR = """
import duckdb, os
from cvmigrate.report.archive_staging import RAW_COLUMNS, columns_arg, file_list
files = sorted(os.path.join(d, f) for d, _, names in os.walk({src!r}) for f in names if f.endswith(".json"))
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE TABLE t AS SELECT * FROM read_json({{file_list(files)}}, format = 'newline_delimited', "
            f"columns = {{columns_arg(RAW_COLUMNS)}}, ignore_errors = true, hive_partitioning = false)")
print(con.execute("SELECT count(*) FROM t").fetchall()[0][0], file=sys.stderr)
"""

STATUS = """
from cvmigrate.cli import main
with open("/dev/null", "w") as devnull:
    sys.stdout = devnull
    code = main(["status", "--stack", {stack!r}, "--source", {src!r}, "--now", {end!r}, "--format", "json",
                 "--no-progress", *{extra!r}])
    sys.stdout = sys.__stdout__
if code not in (0, 3):
    raise SystemExit(f"status exited {{code}}")
"""

STACK = """config:
  azure-native:location: westeurope
  azure-native:subscriptionId: "{sub}"
  cvmigrate:environment: bench
  cvmigrate:resourceGroup: {{name: rg-bench, create: true}}
  cvmigrate:alerts: {{emails: [lead@contoso.com]}}
  cvmigrate:workloads:
{workloads}
"""
WORKLOAD = """    - name: w{i:02d}
      legacy:
        imageAnalysis:
          mode: reference
          id: /subscriptions/{sub}/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts/acct{i:02d}
      cutover: {{state: dual-run, date: "2027-09-01"}}
"""


def write_small(root: Path, blobs: int, accounts: int = 50) -> Path:
    """``blobs`` one-record PT1H.json blobs: ``accounts`` accounts x consecutive hours back from END."""
    end = dt.datetime(2027, 6, 1)
    hours = -(-blobs // accounts)
    n = 0
    for h in range(hours):
        t = end - dt.timedelta(hours=h + 1)
        for a in range(accounts):
            if n == blobs:
                break
            rid = (f"/SUBSCRIPTIONS/{SUB.upper()}/RESOURCEGROUPS/RG-LEGACY/PROVIDERS/MICROSOFT.COGNITIVESERVICES/"
                   f"ACCOUNTS/ACCT{a:02d}")
            folder = root / "insights-logs-requestresponse" / f"resourceId={rid}" / \
                f"y={t:%Y}/m={t:%m}/d={t:%d}/h={t:%H}/m=00"
            folder.mkdir(parents=True, exist_ok=True)
            record = {"time": t.strftime("%Y-%m-%dT%H:%M:%S.0000000Z"), "resourceId": rid,
                      "category": "RequestResponse", "operationName": "AnalyzeImage", "resultSignature": "200",
                      "durationMs": 90, "callerIpAddress": "10.0.0.***", "correlationId": f"c-{n}",
                      "location": "westeurope", "properties": {"apiName": "Computer Vision"}}
            (folder / "PT1H.json").write_text(json.dumps(record) + "\n", encoding="utf-8")
            n += 1
    stack = root.parent / "Pulumi.bench.yaml"
    stack.write_text(STACK.format(sub=SUB, workloads="".join(WORKLOAD.format(i=i, sub=SUB) for i in range(accounts))),
                     encoding="utf-8")
    return stack


def measure(body: str) -> tuple[float, int]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "infra"))
    proc = subprocess.run([sys.executable, "-c", MEASURE.format(body=body)], capture_output=True, text=True,
                          cwd=ROOT, env=env)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("BENCH ")][-1]
    _, wall, rss = line.split()
    return float(wall), int(rss) * 1024


def run_layout(name: str, src: Path, stack: Path, work: Path) -> dict:
    files = sum(1 for _ in src.rglob("*.json"))
    size = sum(p.stat().st_size for p in src.rglob("*.json"))
    cache = work / f"{name}.duckdb"
    floor = measure(FLOOR.format(src=str(src)))
    fresh = measure(STATUS.format(stack=str(stack), src=str(src), end=END, extra=["--no-cache"]))
    first = measure(STATUS.format(stack=str(stack), src=str(src), end=END, extra=["--cache", str(cache)]))
    rerun = measure(STATUS.format(stack=str(stack), src=str(src), end=END, extra=["--cache", str(cache)]))

    def row(m):
        return {"wallSeconds": round(m[0], 2), "peakRssMiB": round(m[1] / 2**20)}

    return {
        "layout": name, "files": files, "bytes": size,
        "floor": row(floor), "noCache": row(fresh), "firstRunIntoCache": row(first), "rerunFromCache": row(rerun),
        "ratio": {"noCacheWall": round(fresh[0] / floor[0], 2), "noCachePeakRss": round(fresh[1] / floor[1], 2),
                  "firstRunWall": round(first[0] / floor[0], 2),
                  "rerunOfFirstRun": round(rerun[0] / first[0], 3)},
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--layout", choices=("small", "big", "both"), default="both")
    ap.add_argument("--blobs", type=int, default=200_000)
    ap.add_argument("--records", type=int, default=1_000_000)
    args = ap.parse_args()
    results = {"cpus": os.cpu_count(), "loadavg": os.getloadavg(), "layouts": []}
    with tempfile.TemporaryDirectory(prefix="cvmigrate-bench-") as tmp:
        work = Path(tmp)
        if args.layout in ("small", "both"):
            t = time.perf_counter()
            stack = write_small(work / "small", args.blobs)
            print(f"wrote {args.blobs} blobs in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            results["layouts"].append(run_layout("small", work / "small", stack, work))
        if args.layout in ("big", "both"):
            subprocess.run([sys.executable, "-m", "cvmigrate.cli", "sample", "--stack", str(DEMO), "--out",
                            str(work / "big"), "--days", "120", "--seed", "1", "--end", END, "--records",
                            str(args.records)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, PYTHONPATH=str(ROOT / "infra")))
            results["layouts"].append(run_layout("big", work / "big", DEMO, work))
    results["loadavgAfter"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
