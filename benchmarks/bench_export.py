"""Benchmark `cvmigrate export`: 20,000 images from the local fake Training API (tests/export/cv_fake.py).

Reports images/s and the peak resident memory of the export process, against a floor measured in the same run:
a plain sequential download of the same image URLs (one httpx client, one file per image, nothing else). The fake
server runs in its own process and both clients run as further child processes, so they get the same
interpreter start-up and do not share the server's GIL; the ratio is reported, not asserted.

    .venv/bin/python benchmarks/bench_export.py [--images 20000] [--bytes 4096] [--concurrency 8]
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
sys.path.insert(0, str(REPO / "tests" / "export"))

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


def build(service: FakeTrainingService, n: int, size: int, classes: int) -> FakeProject:
    tags = [tag(f"t{k}", f"class-{k:02d}") for k in range(classes)]
    project = FakeProject("bbbbbbbb-0000-4000-8000-00000000bench", "bench", DOMAINS["classification"],
                          "Multiclass", tags)
    filler = os.urandom(max(0, size - len(PNG) - 36))
    for i in range(n):
        image_id = f"{i:08x}-0000-4000-8000-000000000000"
        rec = image(service, project, image_id, i, ({"id": f"t{i % classes}"},), payload=PNG + filler)
        project.tagged.append(rec)
    return service.add(project)


def serve(conn, n: int, size: int, classes: int, urls: str) -> None:
    """The fake service in its own process: the measuring parent stays small, because Linux carries a parent's
    resident size into a child's ru_maxrss across fork+exec."""
    service = FakeTrainingService().start()
    project = build(service, n, size, classes)
    Path(urls).write_text("\n".join(i["originalImageUri"] for i in project.tagged))
    conn.send((service.endpoint, service.key))
    conn.recv()
    service.stop()


def run_child(cmd: list[str], env: dict) -> tuple[float, int]:
    """(seconds, peak RSS in KiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=20_000)
    ap.add_argument("--bytes", type=int, default=4096, help="size of each image")
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()

    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="cvm-bench-") as tmp:
        urls = Path(tmp) / "urls.txt"
        parent_end, child_end = ctx.Pipe()
        server = ctx.Process(target=serve, args=(child_end, args.images, args.bytes, args.classes, str(urls)))
        server.start()
        try:
            endpoint, key = parent_end.recv()
            env = {**os.environ, "CUSTOM_VISION_TRAINING_KEY": key,
                   "PYTHONPATH": str(REPO / "infra") + os.pathsep + os.environ.get("PYTHONPATH", "")}
            floor_s, floor_rss = run_child([sys.executable, "-c", FLOOR, str(urls), str(Path(tmp) / "floor")], env)
            out = Path(tmp) / "export"
            export_s, export_rss = run_child(
                [sys.executable, "-m", "cvmigrate.cli", "export", "--endpoint", endpoint,
                 "--project", "bench", "--out", str(out), "--concurrency", str(args.concurrency),
                 "--no-progress"], env)
            manifest = json.loads((out / "manifest.json").read_text())
            exported = manifest["counts"]["exported"]["train"] + manifest["counts"]["exported"]["validation"]
            assert exported == args.images, exported
            rerun_s, _ = run_child(
                [sys.executable, "-m", "cvmigrate.cli", "export", "--endpoint", endpoint,
                 "--project", "bench", "--out", str(out), "--no-progress"], env)
        finally:
            parent_end.send("stop")
            server.join(timeout=30)

    results = {
        "images": args.images, "image_bytes": args.bytes, "concurrency": args.concurrency,
        "floor_sequential_s": round(floor_s, 2), "floor_images_per_s": round(args.images / floor_s, 1),
        "export_s": round(export_s, 2), "export_images_per_s": round(args.images / export_s, 1),
        "export_over_floor": round(export_s / floor_s, 2),
        "export_peak_rss_mib": round(export_rss / 1024, 1), "floor_peak_rss_mib": round(floor_rss / 1024, 1),
        "resume_noop_s": round(rerun_s, 2),
    }
    width = max(map(len, results))
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
