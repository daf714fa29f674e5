"""The seasonal detection (legacy_regression) replayed hour by hour, with now() frozen at each hour, over a week of
the synthetic archive: seasonal traffic (office hours, nights, a weekend, 401/404/429 bursts, duplicates, a
steep decline) never regresses; the planted 2x / 2 h regression is found in its first evaluation period."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from cvmigrate.artefacts import render_all
from cvmigrate.backtest.replay import Replayer, evaluation_times
from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.archive import open_archive
from cvmigrate.report.synthetic_archive import MANIFEST, Plant, write_sample

DEMO = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.demo.yaml"
UTC = dt.timezone.utc
END = dt.datetime(2027, 6, 2, tzinfo=UTC)                       # a Wednesday: the archive ends mid-week
PLANT = Plant("shelf-scanner", dt.datetime(2027, 5, 27, 10), 2, 2.0)   # Thursday office hours


def test_a_week_of_seasonal_traffic_pages_only_the_planted_regression(tmp_path):
    cfg = load_stack_file(str(DEMO))
    summary = write_sample(cfg, tmp_path / "a", refs=replacement_refs(cfg), days=43, seed=3, end=END, records=60000,
                           plants=[PLANT])
    manifest = yaml.safe_load((tmp_path / "a" / MANIFEST).read_text())
    assert manifest["startsMidWeek"] and manifest["endsMidWeek"] and manifest["duplicates"] == summary.duplicates > 0
    (planted,) = manifest["regressions"]
    assert (planted["workload"], planted["start"], planted["hours"], planted["factor"]) == (
        "shelf-scanner", "2027-05-27T10:00:00Z", 2, 2.0)
    assert planted["callsWritten"] >= 2 * planted["seasonalBaselineCalls"]
    con, _ = open_archive(tmp_path / "a", progress=False)
    query = render_all(cfg)["legacy_regression"].text
    flagged = []
    replayer = Replayer(con)                                    # the backtest's replay (batched, now() frozen)
    hours = evaluation_times(END.replace(tzinfo=None) - dt.timedelta(days=7), END.replace(tzinfo=None),
                             dt.timedelta(hours=1))             # every closed hour of the last 7 days
    results = replayer.evaluate(replayer.compile("legacy_regression", query, dt.timedelta(weeks=7)), hours)
    for now in hours:
        flagged += [(r["HourStart"], r["Workload"]) for r in results[now] if r["Regressed"]]
    start = PLANT.start.replace(tzinfo=UTC)
    assert flagged == [(start, "shelf-scanner"), (start + dt.timedelta(hours=1), "shelf-scanner")]
