"""The year criterion of issue #12 on a shorter span (the benchmark runs the year): generated seasonal traffic
over Christmas and New Year with planted regressions (2x their seasonal level for 2 h) on three dual-run
workloads, at night, on a Saturday and next to the holidays. Replayed hour by hour through the backtest's own
replay and scoring: every planted regression is paged within 2 evaluation periods, and nothing else pages."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from cvmigrate.artefacts import render
from cvmigrate.backtest.episodes import episodes, replayed_rules
from cvmigrate.backtest.replay import Replayer, evaluation_times
from cvmigrate.backtest.scoring import load_manifest, score
from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.archive import open_archive
from cvmigrate.report.synthetic_archive import MANIFEST, Plant, write_sample

STACK = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.backtest.yaml"
END = dt.datetime(2027, 1, 6)                        # a Wednesday; 8 weeks: 6 of history, 2 replayed
FROM = dt.datetime(2026, 12, 22)
PLANTS = [Plant("receipts", dt.datetime(2026, 12, 23, 15), 2, 2.0),          # the day before Christmas Eve
          Plant("shelf-scanner", dt.datetime(2026, 12, 30, 2), 2, 2.0),      # a night between the holidays
          Plant("defect-detector", dt.datetime(2027, 1, 2, 9), 2, 2.0)]      # the Saturday after New Year


def test_two_holiday_weeks_page_every_planted_regression_and_nothing_else(tmp_path):
    cfg = load_stack_file(str(STACK))
    write_sample(cfg, tmp_path, refs=replacement_refs(cfg), days=56, seed=5, end=END, plants=PLANTS)
    con, stats = open_archive(tmp_path, lookback_days=56, now=END.replace(tzinfo=dt.timezone.utc))
    assert stats.complete
    (rule,) = [r for r in replayed_rules(render(cfg)) if r.stand_in_for]
    replayer = Replayer(con)
    times = evaluation_times(FROM, END, rule.frequency)
    found = episodes(rule, replayer.evaluate(replayer.compile(rule.query, rule.text, rule.reach), times))
    result = score(rule, found, load_manifest(tmp_path / MANIFEST), FROM, END)
    assert result["falsePages"] == []
    assert result["summary"] == {"planted": 3, "paged": 3, "missed": 0, "outsideWindow": 0, "falsePages": 0,
                                 "maxDelayPeriods": result["summary"]["maxDelayPeriods"]}
    assert result["summary"]["maxDelayPeriods"] <= 2
    # The holidays are quiet, not regressions: the detection judged them with full history.
    judged = replayer.evaluate(replayer.compile(rule.query, rule.text, rule.reach), [dt.datetime(2026, 12, 25, 11)])
    assert {r["Workload"]: r["WeeksUsed"] for r in judged[dt.datetime(2026, 12, 25, 11)]} == {
        "shelf-scanner": 5, "defect-detector": 5, "receipts": 5}
