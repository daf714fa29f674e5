"""Benchmark `cvmigrate export` under modelled network latency, against a sequential floor measured in the same run.

The local fake Training API (standins/cv_fake.py) runs in its own process and sleeps ``--image-ms`` on every
image read and ``--page-ms`` on every API call (listing pages, counts, tags...), standing in for the round trips
to the real service and its storage. Three children then download the same project:

- floor: a plain sequential GET of every image URL into a file (one httpx client, nothing else);
- `cvmigrate export --concurrency 1` (sequential, with everything the export adds);
- `cvmigrate export` at the default concurrency.

A second scenario throttles: the fake answers 429 (Retry-After 1 s) to image reads beyond ``--throttle-above``
in flight; the export halves its window on 429s and grows it back, and the run reports how far the window fell,
where it ended, and the throughput. Ratios are reported, not asserted.

    .venv/bin/python benchmarks/bench_export.py [--images 600] [--image-ms 40] [--page-ms 80] [--bytes 4096]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "standins"))

from cv_fake import DOMAINS, PNG, FakeProject, FakeTrainingService, image, tag  # noqa: E402

FLOOR = r"""
import sys, httpx
from pathlib import Path
urls, out = sys.argv[1], Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
with httpx.Client(timeout=60) as client:
    for n, url in enumerate(Path(urls).read_text().split()):
        r = client.get(url)
        r.raise_for_status()
        (out / f"{n}.img").write_bytes(r.content)
"""

EXPORT = r"""
import json, resource, sys, time
from pathlib import Path
from cvmigrate.export import ExportOptions, run_export
endpoint, key, out, concurrency = sys.argv[1], sys.argv[2], Path(sys.argv[3]), sys.argv[4]
kw = {} if concurrency == "default" else {"concurrency": int(concurrency)}
start = time.perf_counter()
r = run_export(ExportOptions(endpoint=endpoint, key=key, project="bench", out=out, progress=False, **kw))
print(json.dumps({"seconds": time.perf_counter() - start, "images": r.train + r.validation,
                  "throttled": r.throttled, "retries": r.retries, "smallest_window": r.smallest_window,
                  "final_window": r.final_window,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build(service: FakeTrainingService, n: int, size: int, classes: int) -> FakeProject:
    tags = [tag(f"t{k}", f"class-{k:02d}") for k in range(classes)]
    project = FakeProject("bbbbbbbb-0000-4000-8000-000000000b0b", "bench",
                          DOMAINS["classification"], "Multiclass", tags)
    filler = os.urandom(max(0, size - len(PNG) - 36))
    for i in range(n):
        image_id = f"{i:08x}-0000-4000-8000-000000000000"
        project.tagged.append(image(service, project, image_id, i, ({"id": f"t{i % classes}"},), payload=PNG + filler))
    return service.add(project)


def serve(conn, n: int, size: int, classes: int, urls: str, image_s: float, page_s: float) -> None:
    """The fake service in its own process, with the modelled latency; ``conn`` sets throttling per scenario."""
    service = FakeTrainingService().start()
    project = build(service, n, size, classes)
    service.blob_latency, service.page_latency = image_s, page_s
    Path(urls).write_text("\n".join(i["originalImageUri"] for i in project.tagged))
    conn.send((service.endpoint, service.key))
    while True:
        message = conn.recv()
        if message == "stop":
            break
        service.max_concurrent_blobs = message      # None or a number
        conn.send("ok")
    service.stop()


def run_child(cmd: list[str], env: dict) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed: {proc.stderr[-2000:]}")
    return time.perf_counter() - start, proc.stdout


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=600)
    ap.add_argument("--bytes", type=int, default=4096, help="size of each image")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--image-ms", type=float, default=40.0, help="modelled latency of one image read")
    ap.add_argument("--page-ms", type=float, default=80.0, help="modelled latency of one API call (page, count...)")
    ap.add_argument("--throttle-above", type=int, default=6, help="429 for image reads beyond this many in flight")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="cvm-bench-") as tmp:
        urls = Path(tmp) / "urls.txt"
        parent_end, child_end = ctx.Pipe()
        server = ctx.Process(target=serve, args=(child_end, args.images, args.bytes, args.classes, str(urls),
                                                 args.image_ms / 1000, args.page_ms / 1000))
        server.start()
        try:
            endpoint, key = parent_end.recv()
            env = {**os.environ, "PYTHONPATH": str(REPO / "infra") + os.pathsep + os.environ.get("PYTHONPATH", "")}
            floor_s, _ = run_child([sys.executable, "-c", FLOOR, str(urls), str(Path(tmp) / "floor")], env)
            runs = {}
            for name, concurrency, throttle in (("sequential", "1", None), ("default", "default", None),
                                                 ("throttled", "default", args.throttle_above)):
                parent_end.send(throttle)
                parent_end.recv()
                _, stdout = run_child([sys.executable, "-c", EXPORT, endpoint, key, str(Path(tmp) / name),
                                       concurrency], env)
                runs[name] = json.loads(stdout)
                assert runs[name]["images"] == args.images, runs[name]
        finally:
            parent_end.send("stop")
            server.join(timeout=30)

    from cvmigrate.export.exporter import DEFAULT_CONCURRENCY

    results = {
        "images": args.images, "image_ms": args.image_ms, "page_ms": args.page_ms,
        "default_concurrency": DEFAULT_CONCURRENCY, "cpus": os.cpu_count(),
        "floor_sequential_get_s": round(floor_s, 2), "floor_images_per_s": round(args.images / floor_s, 1),
        "export_concurrency_1_s": round(runs["sequential"]["seconds"], 2),
        "export_default_s": round(runs["default"]["seconds"], 2),
        "export_default_images_per_s": round(args.images / runs["default"]["seconds"], 1),
        "speedup_over_floor": round(floor_s / runs["default"]["seconds"], 2),
        "export_default_peak_rss_mib": round(runs["default"]["peak_rss_mib"], 1),
        "throttled_above": args.throttle_above,
        "throttled_s": round(runs["throttled"]["seconds"], 2),
        "throttled_images_per_s": round(args.images / runs["throttled"]["seconds"], 1),
        "throttled_429s": runs["throttled"]["throttled"],
        "throttled_smallest_window": runs["throttled"]["smallest_window"],
        "throttled_final_window": runs["throttled"]["final_window"],
    }
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
