"""`cvmigrate status --source` on a 1,000,000-record archive against DuckDB's own read of the same files.

The floor: one DuckDB ``read_json`` of every blob with the loader's columns, materialised into a table (what
any DuckDB-based reader must at least do). Both run as separate processes in the same run; the report is wall
time and peak RSS of each, and the ratios. Goal: status <= 3x the floor.

    .venv/bin/python benchmarks/bench_status.py [--records 1000000] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STACK = ROOT / "examples" / "Pulumi.demo.yaml"
END = "2027-06-01T00:00:00Z"

MEASURE = """
import resource, sys, time
t = time.perf_counter()
{body}
wall = time.perf_counter() - t
print("BENCH", wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

FLOOR = """
import duckdb
from cvmigrate.report.archive import discover, file_list, columns_arg, RAW_COLUMNS
files = discover({src!r})
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE TABLE t AS SELECT * FROM read_json({{file_list(files.raw)}}, format = 'newline_delimited', "
            f"columns = {{columns_arg(RAW_COLUMNS)}}, ignore_errors = true, hive_partitioning = false)")
print(con.execute("SELECT count(*) FROM t").fetchall()[0][0], file=sys.stderr)
"""

STATUS = """
from cvmigrate.cli import main
with open("/dev/null", "w") as devnull:
    sys.stdout = devnull
    code = main(["status", "--stack", {stack!r}, "--source", {src!r}, "--now", {end!r}, "--format", "json",
                 "--no-progress"])
    sys.stdout = sys.__stdout__
"""


def measure(body: str) -> tuple[float, int]:
    proc = subprocess.run([sys.executable, "-c", MEASURE.format(body=body)], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    line = [l for l in proc.stderr.splitlines() if l.startswith("BENCH ")][-1]
    _, wall, rss = line.split()
    return float(wall), int(rss) * 1024


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--keep", metavar="DIR", help="reuse / keep the archive in DIR")
    args = ap.parse_args()
    tmp = None
    if args.keep:
        src = Path(args.keep)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="cvmigrate-bench-")
        src = Path(tmp.name) / "archive"
    if not src.exists():
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cvmigrate.cli", "sample", "--stack", str(STACK), "--out", str(src),
                        "--days", str(args.days), "--seed", "1", "--end", END, "--records", str(args.records)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        print(f"generated the archive in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    files = sum(1 for p in src.rglob("*.json"))
    size = sum(p.stat().st_size for p in src.rglob("*.json"))
    floor = measure(FLOOR.format(src=str(src)))
    status = measure(STATUS.format(stack=str(STACK), src=str(src), end=END))
    result = {
        "records": args.records, "files": files, "bytes": size,
        "floor": {"wallSeconds": round(floor[0], 2), "peakRssMiB": round(floor[1] / 2**20)},
        "status": {"wallSeconds": round(status[0], 2), "peakRssMiB": round(status[1] / 2**20)},
        "ratio": {"wall": round(status[0] / floor[0], 2), "peakRss": round(status[1] / floor[1], 2)},
        "goal": "status <= 3x floor",
    }
    print(json.dumps(result, indent=2))
    if tmp:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
