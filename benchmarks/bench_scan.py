"""`cvmigrate scan` on a generated 100,000-file / 1 GB source tree, against a plain read of the same files.

The tree: source and config files of the languages the scanner reads (Python, C#, JS/TS, Java, Go, JSON, YAML,
shell), ~10 KB each, realistic text (imports, functions, comments, URLs of other services); 1 in 200 files also
holds a legacy use (an import + a call, a REST URL with a key header, an endpoint with a key). Plus a vendored
node_modules folder and a .gitignore'd build folder the scan must skip.

The floor: the same walk reading every file's bytes in the same number of processes (what any scanner must at
least do). Both run as separate processes, after one untimed warm-up read so both see a warm page cache.
Goal: scan under 60 s on 2 cores.

    .venv/bin/python benchmarks/bench_scan.py [--files 100000] [--mb 1024] [--jobs 2] [--keep DIR]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FILLER = {
    ".py": "def handler_{i}(event, context):\n    # normalise the payload before it reaches the queue\n"
           "    value = event.get('value_{i}', 0) * {i}\n    return {{'status': 200, 'url': "
           "'https://api.contoso.com/v1/items/{i}'}}\n\n",
    ".cs": "    public int Compute{i}(int x)\n    {{\n        // cache the intermediate result\n"
           "        return _cache.GetOrAdd(x, v => v * {i});\n    }}\n\n",
    ".ts": "export function compute{i}(x: number): number {{\n  // keep the interface stable\n"
           "  return fetch(`https://api.contoso.com/v2/items/${{x}}`).then(r => r.status + {i});\n}}\n\n",
    ".js": "function compute{i}(x) {{\n  /* legacy shim */\n  return x * {i} + Math.floor(Math.random() * 10);\n}}\n\n",
    ".java": "    public int compute{i}(int x) {{\n        // see the design doc\n        return x * {i};\n    }}\n\n",
    ".go": "func compute{i}(x int) int {{\n\t// interface satisfied by the worker\n\treturn x * {i}\n}}\n\n",
    ".json": '  "setting_{i}": {{"enabled": true, "endpoint": "https://api.contoso.com/v1/{i}", "retries": 3}},\n',
    ".yaml": "setting_{i}:\n  enabled: true\n  endpoint: https://api.contoso.com/v1/{i}\n  retries: 3\n",
    ".sh": 'curl -s "https://api.contoso.com/v1/items/{i}" -H "Accept: application/json"\n',
}
LEGACY = {
    ".py": "from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient\n"
           "result = predictor.classify_image(project_id, 'prod', data)\n",
    ".cs": "using Azure.AI.Vision.ImageAnalysis;\nvar r = client.Analyze(uri, VisualFeatures.Read | VisualFeatures.Caption);\n",
    ".ts": 'const u = "https://westeurope.api.cognitive.microsoft.com/customvision/v3.0/Prediction/p/classify/iterations/prod/url";\n'
           'headers["Prediction-Key"] = key;\n',
    ".js": 'const { PredictionAPIClient } = require("@azure/cognitiveservices-customvision-prediction");\n'
           "client.detectImageUrl(projectId, 'prod', { url });\n",
    ".java": "import com.azure.ai.vision.imageanalysis.ImageAnalysisClient;\n"
             "client.analyzeFromUrl(url, Arrays.asList(VisualFeatures.TAGS), null);\n",
    ".go": '\t"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v3.0/customvision/prediction"\n'
           '\tpredictor.ClassifyImage(ctx, id, "prod", body, "")\n',
    ".json": '  "Endpoint": "https://contoso-cv.cognitiveservices.azure.com/",\n  "Key": "00000000000000000000000000000000",\n',
    ".yaml": "vision:\n  endpoint: https://contoso-vision.cognitiveservices.azure.com/\n",
    ".sh": 'curl "$E/computervision/imageanalysis:analyze?api-version=2024-02-01&features=read" '
           '-H "Ocp-Apim-Subscription-Key: $K"\n',
}


def generate(root: Path, files: int, total_bytes: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    exts = list(FILLER)
    per_file = total_bytes // files
    legacy = 0
    for n in range(files):
        ext = exts[n % len(exts)]
        folder = root / f"svc{n % 50:02d}" / f"pkg{(n // 50) % 40:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        parts = []
        size = 0
        i = rng.randrange(1_000_000)
        while size < per_file:
            chunk = FILLER[ext].format(i=i)
            parts.append(chunk)
            size += len(chunk)
            i += 1
        if n % 200 == 0:
            parts.insert(len(parts) // 2, LEGACY[ext])
            legacy += 1
        (folder / f"file{n}{ext}").write_text("".join(parts), encoding="utf-8")
    vendored = root / "node_modules" / "left-pad"
    vendored.mkdir(parents=True)
    (vendored / "index.js").write_text(LEGACY[".js"] * 100)
    (root / "build").mkdir()
    (root / "build" / "gen.py").write_text(LEGACY[".py"] * 100)
    (root / ".gitignore").write_text("build/\n")
    return legacy


FLOOR = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
def read(paths):
    n = 0
    for p in paths:
        with open(p, 'rb') as fh:
            n += len(fh.read())
    return n
t = time.perf_counter()
paths = []
for folder, dirs, files in os.walk({root!r}):
    dirs.sort(); paths.extend(os.path.join(folder, f) for f in sorted(files))
chunks = [paths[i:i + 256] for i in range(0, len(paths), 256)]
with ProcessPoolExecutor({jobs}) as pool:
    total = sum(pool.map(read, chunks))
print("BENCH", time.perf_counter() - t, total, len(paths), file=sys.stderr)
"""

SCAN = """
import json, sys, time
from pathlib import Path
from cvmigrate.scan.scanner import scan
t = time.perf_counter()
r = scan([{root!r}], base=Path({root!r}), jobs={jobs})
print("BENCH", time.perf_counter() - t, r.bytes_scanned, r.files_scanned, file=sys.stderr)
print("FINDINGS", len(r.findings), json.dumps(dict(r.skipped)), file=sys.stderr)
"""


def run(code: str) -> tuple[float, list[str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "infra")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    lines = proc.stderr.splitlines()
    bench = [l for l in lines if l.startswith("BENCH ")][-1].split()
    return float(bench[1]), lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--mb", type=int, default=1024)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (reused when it exists)")
    args = ap.parse_args()
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cvm-scan-bench-"))
    root = workdir / "tree"
    try:
        if not root.exists():
            t = time.perf_counter()
            legacy = generate(root, args.files, args.mb * 1024 * 1024)
            print(f"generated {args.files} files ({args.mb} MB, {legacy} with legacy use) in "
                  f"{time.perf_counter() - t:.1f} s")
        run(FLOOR.format(root=str(root), jobs=args.jobs))          # warm the page cache, untimed
        floor, _ = run(FLOOR.format(root=str(root), jobs=args.jobs))
        wall, lines = run(SCAN.format(root=str(root), jobs=args.jobs))
        findings = [l for l in lines if l.startswith("FINDINGS ")][-1]
        print(f"floor (walk + read every file, {args.jobs} processes): {floor:.1f} s")
        print(f"cvmigrate scan ({args.jobs} processes):                {wall:.1f} s  "
              f"= {wall / floor:.2f}x the floor; goal < 60 s: {'met' if wall < 60 else 'MISSED'}")
        print(f"{findings.split(' ', 1)[1]} (findings, skipped)")
        print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the end")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
