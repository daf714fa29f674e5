"""`cvmigrate status --source` against DuckDB's own read of the same files, measured in the same run, on the four
cases of issue #16:

- ``big``: 1,000,000 records in few files (`cvmigrate sample --records 1000000`, 120 days): ``status --no-cache``
  and a first run into an empty ``--cache``, against one DuckDB ``read_json`` of every file (goal <= 2x);
- ``rerun``: the re-run from that cache on the unchanged archive (goal <= 5 % of the first run);
- ``day``: the archive without its last two days into a fresh cache; the day before the last added; then the last
  day added to that cache, and both days added at once to the first one (each the median of 3 runs from the same
  state), against the first run of the whole archive divided by its days (1.0 = exactly in proportion to a day)
  and against DuckDB's read of that day's files. A run is split into what any changed run costs (the final cache
  with its query answers forgotten, re-run: start-up, listing, the report's queries over their lookback) and the
  rest, the days' own cost (reading their files, rebuilding their rows); the second day's cost is the two days'
  own cost minus the one day's: what each further day adds;
- ``small``: the real storage-export layout at estate scale, one one-record ``PT1H.json`` blob per account and hour
  (default 200,000 blobs: 50 accounts x 24 h x 167 days), on local disk: ``status --no-cache`` against DuckDB's
  ``read_json`` of the same files (goal <= 1.5x its time, within 4 GiB);
- ``blob``: the same layout read in place from Azurite (default 5,000 blobs) behind a proxy that delays every
  request (default 10 ms, a round trip to a storage account in the same region), against DuckDB's ``read_json``
  of the same blobs through the same adlfs filesystem (``register_filesystem``).

Every measured run is its own process (wall time from its start to its exit, peak RSS from
``resource.getrusage``); load averages before
and after are printed, because a shared machine changes the figures. Python's bytecode is written once before
the runs (an installed cvmigrate has it), in the benchmark's own folder, whatever ``PYTHONDONTWRITEBYTECODE`` says.

    .venv/bin/python benchmarks/bench_status.py [--only big,small,blob] [--records 1000000] [--days 120]
        [--blobs 200000] [--azurite-blobs 5000] [--latency-ms 10]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "Pulumi.demo.yaml"
END = "2027-06-01T00:00:00Z"
SUB = "00000000-1111-2222-3333-444444444444"

# Process bodies: <<name>> is replaced by repr(value) (see fill).
MEASURE = """
import resource, sys, time
t = time.perf_counter()
<<body>>
wall = time.perf_counter() - t
print("BENCH", wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
# The floor: list the files, one DuckDB read_json of all of them with the loader's columns, materialised into a
# table (what any DuckDB-based reader must at least do). <<only>>: a path fragment the files must hold.
LOCAL_FILES = """
import os
files = sorted(os.path.join(d, f) for d, _, names in os.walk(<<src>>) for f in names
               if f.endswith(".json") and <<only>> in os.path.join(d, f))
"""
# The blob floor: the same through the adlfs filesystem registered in DuckDB (DuckDB's own read of the blobs).
BLOB_FILES = """
import os
from adlfs import AzureBlobFileSystem
fs = AzureBlobFileSystem(connection_string=os.environ["AZURE_STORAGE_CONNECTION_STRING"], skip_instance_cache=True)
files = sorted("abfs://" + p for p in fs.find(<<container>>) if p.endswith(".json"))
"""
READ = """
import duckdb
from cvmigrate.report.archive_staging import RAW_COLUMNS, columns_arg, file_list
con = duckdb.connect()
if "fs" in globals():
    con.register_filesystem(fs)
con.execute("SET TimeZone = 'UTC'")
con.execute(f"CREATE TABLE t AS SELECT * FROM read_json({file_list(files)}, format = 'newline_delimited', "
            f"columns = {columns_arg(RAW_COLUMNS)}, ignore_errors = true, hive_partitioning = false)")
print("ROWS", con.execute("SELECT count(*) FROM t").fetchall()[0][0], file=sys.stderr)
"""
STATUS = """
from cvmigrate.cli import main
with open("/dev/null", "w") as devnull:
    sys.stdout = devnull
    code = main(["status", "--stack", <<stack>>, "--source", <<src>>, "--now", <<end>>, "--format", "json",
                 "--no-progress", *<<extra>>])
    sys.stdout = sys.__stdout__
if code not in (0, 3):
    raise SystemExit(f"status exited {code}")
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


def fill(template: str, **values: object) -> str:
    for name, value in values.items():
        template = template.replace(f"<<{name}>>", repr(value))
    return template


# Where the measured processes keep their bytecode (set by main: a folder of the benchmark's work directory).
PYCACHE: dict[str, str] = {}


def measure(body: str, env: dict | None = None) -> dict:
    """Run ``body`` in a fresh process: wall seconds from start to exit (what a scheduled job waits for, including
    the interpreter's start and what DuckDB writes when the process ends), peak RSS (MiB), what it printed on
    stderr."""
    env = dict(os.environ, **(env or {}), PYTHONPATH=str(ROOT / "infra"), **PYCACHE)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", MEASURE.replace("<<body>>", body)], capture_output=True, text=True,
                          cwd=ROOT, env=env)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    line = [ln for ln in proc.stderr.splitlines() if ln.startswith("BENCH ")][-1]
    rss = line.split()[2]
    return {"wallSeconds": round(wall, 2), "peakRssMiB": round(int(rss) / 1024), "stderr": proc.stderr}


def floor(src: Path, only: str = "") -> dict:
    return measure(fill(LOCAL_FILES, src=str(src), only=only) + READ)


def status(stack: Path, src: str, *extra: str, env: dict | None = None) -> dict:
    return measure(fill(STATUS, stack=str(stack), src=src, end=END, extra=list(extra)), env)


def shown(m: dict) -> dict:
    return {k: v for k, v in m.items() if k != "stderr"}


def ratio(a: dict, b: dict) -> float:
    return round(a["wallSeconds"] / b["wallSeconds"], 3)


def files_read(m: dict) -> int:
    """How many files a status run read (the rest came from the cache), from its stderr line."""
    found = re.search(r"archive: ([\d,]+) new or changed file", m["stderr"])
    return int(found.group(1).replace(",", "")) if found else -1


def forget_results(cache: Path, copy: Path) -> Path:
    """A copy of ``cache`` without the kept query results: a run on it answers every query afresh."""
    shutil.copyfile(cache, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("DELETE FROM cvm_results")
    return copy


def files_of(src: Path) -> tuple[int, int]:
    paths = [p for p in src.rglob("*.json")]
    return len(paths), sum(p.stat().st_size for p in paths)


def run_big(src: Path, work: Path, days: int) -> list[dict]:
    """Cases big, rerun and day on a `cvmigrate sample` archive."""
    files, size = files_of(src)
    cache, day_cache = work / "big.duckdb", work / "day.duckdb"
    base = floor(src)
    fresh = status(DEMO, str(src), "--no-cache")
    first = status(DEMO, str(src), "--cache", str(cache))
    rerun = status(DEMO, str(src), "--cache", str(cache))
    # The last two days: every blob under their d= folders moved aside, the rest read into a fresh cache, then put
    # back: the last day added to a cache holding the day before it, and both days added at once.
    end = dt.datetime.fromisoformat(END.replace("Z", "+00:00"))
    last, before = (f"/y={d:%Y}/m={d:%m}/d={d:%d}/" for d in (end - dt.timedelta(days=1), end - dt.timedelta(days=2)))
    last_files, before_files = aside(src, work / "aside", last), aside(src, work / "aside", before)
    without = status(DEMO, str(src), "--cache", str(day_cache))
    shutil.copyfile(day_cache, work / "without-two.duckdb")
    put_back(src, work / "aside", before_files)
    status(DEMO, str(src), "--cache", str(day_cache))              # now holds all but the last day
    put_back(src, work / "aside", last_files)
    added = median_run(lambda: status(DEMO, str(src), "--cache", str(copy(day_cache, work / "run.duckdb"))))
    added_two = median_run(lambda: status(DEMO, str(src), "--cache",
                                          str(copy(work / "without-two.duckdb", work / "run.duckdb"))))
    status(DEMO, str(src), "--cache", str(day_cache))              # the whole archive, its answers then forgotten
    afresh = median_run(lambda: status(DEMO, str(src), "--cache", str(forget_results(day_cache, work / "run.duckdb"))))
    day_floor = floor(src, last)
    per_day = first["wallSeconds"] / days
    own = max(added["wallSeconds"] - afresh["wallSeconds"], 0.0)
    own_two = max(added_two["wallSeconds"] - afresh["wallSeconds"], 0.0)
    return [
        {"case": "big", "files": files, "bytes": size, "floor": shown(base), "noCache": shown(fresh),
         "firstRunIntoCache": shown(first), "ratio": {"noCacheWall": ratio(fresh, base),
                                                      "firstRunWall": ratio(first, base),
                                                      "noCachePeakRss": round(fresh["peakRssMiB"] / base["peakRssMiB"], 2)},
         "goal": "noCache <= 2x the floor", "met": ratio(fresh, base) <= 2},
        {"case": "rerun", "rerunFromCache": shown(rerun), "filesRead": files_read(rerun), "ratio": {"ofFirstRun": ratio(rerun, first),
                                                                    "ofFloor": ratio(rerun, base)},
         "goal": "<= 5 % of the first run", "met": ratio(rerun, first) <= 0.05},
        {"case": "day", "days": days, "dayFiles": len(last_files), "twoDayFiles": len(last_files) + len(before_files),
         "filesRead": files_read(added), "filesReadTwo": files_read(added_two), "withoutLastTwoDays": shown(without),
         "addedDay": shown(added), "addedTwoDays": shown(added_two), "queriesAfresh": shown(afresh),
         "filesReadAfresh": files_read(afresh), "dayFloor": shown(day_floor), "firstRunPerDaySeconds": round(per_day, 3),
         "daysOwnSeconds": round(own, 2), "twoDaysOwnSeconds": round(own_two, 2),
         "secondDaySeconds": round(own_two - own, 2),
         "ratio": {"addedDayOfFirstRunPerDay": round(added["wallSeconds"] / per_day, 2),
                   "daysOwnOfFirstRunPerDay": round(own / per_day, 2),
                   "secondDayOfFirstRunPerDay": round((own_two - own) / per_day, 2),
                   "addedDayOfDayFloor": ratio(added, day_floor), "addedDayOfFirstRun": ratio(added, first)},
         "goal": "adding a day costs in proportion to a day: a further day adds about a day's share of the first run "
                 "(secondDayOfFirstRunPerDay <= 1.5); daysOwnSeconds - secondDaySeconds is what any batch of new "
                 "files costs",
         "met": own_two - own <= 1.5 * per_day},
    ]


def aside(src: Path, folder: Path, fragment: str) -> list[Path]:
    """Move every blob whose path holds ``fragment`` (a day's y=/m=/d= folders) from ``src`` into ``folder``."""
    moved = [p.relative_to(src) for p in src.rglob("*.json") if fragment in p.as_posix()]
    for rel in moved:
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).rename(folder / rel)
    return moved


def put_back(src: Path, folder: Path, moved: list[Path]) -> None:
    for rel in moved:
        (folder / rel).rename(src / rel)


def copy(cache: Path, to: Path) -> Path:
    shutil.copyfile(cache, to)
    return to


def median_run(run, times: int = 3) -> dict:
    """The run of median wall time of ``times`` runs (each from the same starting state)."""
    runs = sorted((run() for _ in range(times)), key=lambda m: m["wallSeconds"])
    return runs[len(runs) // 2]


def run_small(src: Path, stack: Path) -> dict:
    files, size = files_of(src)
    base = floor(src)
    fresh = status(stack, str(src), "--no-cache")
    gib = fresh["peakRssMiB"] / 1024
    return {"case": "small", "files": files, "bytes": size, "floor": shown(base), "noCache": shown(fresh),
            "ratio": {"noCacheWall": ratio(fresh, base), "noCachePeakRss": round(fresh["peakRssMiB"] / base["peakRssMiB"], 2)},
            "goal": "<= 1.5x the floor within 4 GiB", "met": ratio(fresh, base) <= 1.5 and gib <= 4}


def run_blob(src: Path, stack: Path, work: Path, latency_ms: float) -> dict:
    """The small layout uploaded to Azurite, read through a proxy that delays every request."""
    sys.path.insert(0, str(ROOT / "standins"))
    import azurite_server
    from latency_proxy import delayed
    from azure.storage.blob import BlobServiceClient

    files, size = files_of(src)
    with azurite_server.running(work / "azurite") as url:
        service = BlobServiceClient.from_connection_string(azurite_server.connection_string(url))
        container = service.create_container("insights-logs-requestresponse")
        top = src / "insights-logs-requestresponse"
        jobs = [(p.relative_to(top).as_posix(), p) for p in top.rglob("*.json")]
        t = time.perf_counter()
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda job: container.upload_blob(job[0], job[1].read_bytes()), jobs))
        print(f"uploaded {len(jobs)} blobs in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        with delayed("127.0.0.1", port, latency_ms / 1000) as slow:
            slow_url = f"http://127.0.0.1:{slow}/{azurite_server.ACCOUNT}"
            env = {"AZURE_STORAGE_CONNECTION_STRING": azurite_server.connection_string(slow_url)}
            base = measure(fill(BLOB_FILES, container="insights-logs-requestresponse") + READ, env)
            fresh = status(stack, f"{slow_url}/insights-logs-requestresponse", "--no-cache", env=env)
    return {"case": "blob", "files": files, "bytes": size, "latencyMs": latency_ms, "floor": shown(base),
            "noCache": shown(fresh), "ratio": {"noCacheWall": ratio(fresh, base),
                                               "noCachePeakRss": round(fresh["peakRssMiB"] / base["peakRssMiB"], 2)},
            "goal": "<= 1.5x the floor within 4 GiB",
            "met": ratio(fresh, base) <= 1.5 and fresh["peakRssMiB"] <= 4096}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="big,small,blob", help="comma-separated: big (also rerun, day), small, blob")
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=120)
    ap.add_argument("--blobs", type=int, default=200_000)
    ap.add_argument("--azurite-blobs", type=int, default=5_000)
    ap.add_argument("--latency-ms", type=float, default=10.0)
    args = ap.parse_args(argv)
    only = set(args.only.split(","))
    results: dict = {"cpus": os.cpu_count(), "loadavgBefore": os.getloadavg(), "cases": []}
    with tempfile.TemporaryDirectory(prefix="cvmigrate-bench-") as tmp:
        work = Path(tmp)
        PYCACHE["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        measure("import cvmigrate.cli, duckdb_kql")             # bytecode written once, as an install has it
        if "big" in only:
            subprocess.run([sys.executable, "-m", "cvmigrate.cli", "sample", "--stack", str(DEMO), "--out",
                            str(work / "big"), "--days", str(args.days), "--seed", "1", "--end", END, "--records",
                            str(args.records)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                           env=dict(os.environ, PYTHONPATH=str(ROOT / "infra")))
            results["cases"] += run_big(work / "big", work, args.days)
        if "small" in only:
            t = time.perf_counter()
            stack = write_small(work / "small", args.blobs)
            print(f"wrote {args.blobs} blobs in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            results["cases"].append(run_small(work / "small", stack))
            shutil.rmtree(work / "small")
        if "blob" in only:
            stack = write_small(work / "blobs", args.azurite_blobs)
            results["cases"].append(run_blob(work / "blobs", stack, work, args.latency_ms))
    results["loadavgAfter"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
