"""The per-workload burn-down on generated seasonal traffic (issue #12, must hold): for a linear decline the
projected zero date lands within 7 days of the generator's true zero date, and the true date lies inside the
reported range.

The generator (report/synthetic_archive._legacy_daily) declines shelf-scanner (position 0) linearly from
BASE_DAILY[0] calls a day to FINAL_SHARE[0] of it on the last day: calls(d) = base * (1 - (1 - final) * d / (days - 1))
for day d counted from the archive's start, so the line reaches zero at d0 = (days - 1) / (1 - final), a day's
calls spread over the day (+0.5). Office hours, weekends, day noise and Poisson counts ride on top; the report
fits complete weeks only, so the weekly cycle cancels and the mid-week start and end are left out."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cvmigrate.cli import main
from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.synthetic_archive import FINAL_SHARE, write_sample

DEMO = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.demo.yaml"
UTC = dt.timezone.utc
END = dt.datetime(2027, 6, 2, tzinfo=UTC)          # a Wednesday: the current week is partial


@pytest.mark.parametrize("days,seed", [(84, 1), (126, 2)])
def test_projection_within_7_days_of_the_true_zero_date(tmp_path, capsys, days, seed):
    cfg = load_stack_file(str(DEMO))
    position = [w.name for w in cfg.workloads].index("shelf-scanner")
    write_sample(cfg, tmp_path / "a", refs=replacement_refs(cfg), days=days, seed=seed, end=END, plants=[])
    start = END - dt.timedelta(days=days)
    true_zero = (start + dt.timedelta(days=(days - 1) / (1 - FINAL_SHARE[position]) + 0.5)).date()

    capsys.readouterr()
    main(["status", "--stack", str(DEMO), "--source", str(tmp_path / "a"), "--now", END.isoformat(),
          "--format", "json", "--no-progress"])
    report = json.loads(capsys.readouterr().out)
    (shelf,) = [w for w in report["workloads"] if w["name"] == "shelf-scanner"]
    p = shelf["projection"]
    projected = dt.date.fromisoformat(p["projectedZeroDate"])
    assert abs((projected - true_zero).days) <= 7, (projected, true_zero, p)
    assert dt.date.fromisoformat(p["earliest"]) <= true_zero <= dt.date.fromisoformat(p["latest"]), (true_zero, p)
    assert p["weeksUsed"] == 8
