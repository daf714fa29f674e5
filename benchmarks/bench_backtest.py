"""`cvmigrate backtest` over a simulated year of seasonal traffic with planted regressions, against a floor.

The archive: `examples/Pulumi.backtest.yaml` (three dual-run workloads of different volumes and declines, one
cut over, one planned), ``--days`` of traffic plus the 6 weeks of history the seasonal detection needs, written
by the sample generator (office hours, nights, weekends, holidays, noise, error bursts, duplicates) with the
regressions of :data:`PLANTS`: each 2x its seasonal level for 2-3 hours, on different workloads, hours and
weekdays, at night, at weekends and next to Christmas and New Year. The platform-metrics blobs are not written
(no alert rule reads AzureMetrics; the log records drawn are the same with or without them).

Measured in separate processes in the same run: the floor (loading the archive alone: `open_archive` over the
same window, what any replay must at least do) and the backtest (`cvmigrate backtest --format json`: load,
stage, replay every rule, score). Reported: wall time and peak RSS of both, the ratio to the floor, per rule the
evaluations and seconds, and the criteria of issue #12 (0 false pages from the regression rule, every planted
regression paged within 2 evaluation periods); the benchmark exits 1 when a criterion fails.

    .venv/bin/python benchmarks/bench_backtest.py [--days 365] [--seed 11] [--keep DIR]
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
STACK = ROOT / "examples" / "Pulumi.backtest.yaml"
END = dt.datetime(2027, 6, 2)                  # a Wednesday: the archive ends mid-week
HISTORY_DAYS = 43                              # 5 baseline weeks + the 7-day level window before them + 1 day
PLANTS = [  # workload, start (UTC), hours, factor
    ("shelf-scanner", dt.datetime(2026, 7, 14, 10), 2, 2.0),      # Tuesday office hours
    ("defect-detector", dt.datetime(2026, 8, 22, 2), 3, 2.0),     # Saturday night
    ("receipts", dt.datetime(2026, 10, 5, 7), 2, 2.0),            # Monday morning ramp
    ("shelf-scanner", dt.datetime(2026, 11, 15, 14), 2, 2.0),     # Sunday afternoon
    ("receipts", dt.datetime(2026, 12, 23, 15), 2, 2.0),          # the day before Christmas Eve
    ("defect-detector", dt.datetime(2027, 1, 2, 9), 2, 2.0),      # the Saturday after New Year
    ("shelf-scanner", dt.datetime(2027, 3, 3, 22), 2, 2.0),       # Wednesday late evening
    ("defect-detector", dt.datetime(2027, 5, 20, 11), 2, 2.0),    # Thursday, a year into the decline
]

MEASURE = """
import resource, sys, time
sys.path.insert(0, {infra!r})
t = time.perf_counter()
{body}
print("BENCH", time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
FLOOR = """
import datetime as dt
from cvmigrate.report.archive import open_archive
con, stats = open_archive({src!r}, lookback_days={lookback}, now=dt.datetime.fromisoformat({end!r}))
print("rows", stats.loaded, file=sys.stderr)
"""
BACKTEST = """
from cvmigrate.cli import main
code = main(["backtest", "--stack", {stack!r}, "--source", {src!r}, "--from", {start!r}, "--to", {end!r},
             "--format", "json", "--out", {out!r}, "--no-progress"])
if code not in (0, 3):
    sys.exit(code)
"""


def measure(body: str) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of ``body`` in a fresh interpreter."""
    script = MEASURE.format(infra=str(ROOT / "infra"), body=body)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    line = next((ln for ln in done.stderr.splitlines() if ln.startswith("BENCH")), None)
    if done.returncode or line is None:
        raise SystemExit(f"measurement failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    _, wall, rss = line.split()
    return float(wall), int(rss) / 1024, done.stderr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365, help="days replayed (default 365)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", type=Path, help="write the archive here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "infra"))
    from cvmigrate.config import load_stack_file, replacement_refs
    from cvmigrate.report.synthetic_archive import Plant, write_sample

    with tempfile.TemporaryDirectory(prefix="bench-backtest-") as tmp:
        src = args.keep or Path(tmp) / "archive"
        start = END - dt.timedelta(days=args.days)
        t = time.perf_counter()
        # No platform-metrics blobs: no alert rule reads AzureMetrics, and the records drawn are the same without them.
        cfg = load_stack_file(str(STACK))
        summary = write_sample(cfg, src, refs=replacement_refs(cfg), days=args.days + HISTORY_DAYS, seed=args.seed,
                               end=END, plants=[Plant(*p) for p in PLANTS], metrics=False)
        generated = time.perf_counter() - t
        iso = lambda d: d.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
        lookback = args.days + HISTORY_DAYS + 2                # what run_backtest asks the loader for
        out = Path(tmp) / "backtest.json"
        floor, floor_rss, floor_err = measure(FLOOR.format(src=str(src), lookback=lookback,
                                                           end=END.replace(tzinfo=dt.timezone.utc).isoformat()))
        wall, rss, _ = measure(BACKTEST.format(stack=str(STACK), src=str(src), start=iso(start), end=iso(END),
                                               out=str(out)))
        report = json.loads(out.read_text())
    load = os.getloadavg()
    print(f"archive: {summary.records:,} records in {summary.files:,} files, {args.days} days replayed "
          f"({iso(start)} .. {iso(END)}) + {HISTORY_DAYS} days of history; generated in {generated:.1f} s")
    print(f"floor (load the archive alone): {floor:.1f} s, peak RSS {floor_rss:.0f} MB")
    print(f"backtest: {wall:.1f} s = {wall / floor:.2f}x the floor, peak RSS {rss:.0f} MB ({rss / floor_rss:.2f}x); "
          f"load {report['loadSeconds']} s inside it; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} "
          f"on {os.cpu_count()} CPUs")
    for rule in report["rules"]:
        kind = f"stand-in {rule['query']}" if rule["standIn"] else "log"
        print(f"  {rule['name']:<22} {kind:<28} every {rule['evaluationFrequency']:<6} {rule['evaluations']:>6} "
              f"evaluations {rule['seconds']:>7.1f} s  {len(rule['episodes'])} episode(s)")
    scoring = report["scoring"]
    summary_ = scoring["summary"]
    for r in scoring["regressions"]:
        print(f"  {r['workload']:<16} {r['start']} {r['hours']} h x{r['factor']:g} (baseline "
              f"{r['seasonalBaselineCalls']} calls, {r['callsWritten']} written): {r['result']}"
              + (f" at {r['firstPage']}, {r['delayPeriods']} period(s)" if r["paged"] else ""))
    for f in scoring["falsePages"]:
        print(f"  FALSE PAGE {f['dimensions']} fired {f['fired']} cleared {f['cleared']}: {f['detail']}")
    ok = (summary_["falsePages"] == 0 and summary_["missed"] == 0 and summary_["paged"] == len(PLANTS)
          and (summary_["maxDelayPeriods"] or 0) <= 2)
    print(f"criteria (0 false pages, every planted regression paged within 2 periods): "
          f"{'met' if ok else 'NOT MET'} — {summary_['paged']}/{summary_['planted']} paged, "
          f"{summary_['falsePages']} false page(s), longest delay {summary_['maxDelayPeriods']} period(s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
