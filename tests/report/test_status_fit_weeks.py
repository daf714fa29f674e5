"""`status --fit-weeks N` (the burn-down fit window; overrides cvmigrate:alerts.thresholds.burndownFitWeeks, same
range) and the replacement series of the chart over the whole burn-down range, complete weeks only (issue #12
item 4's leftovers), on a hand-built archive: 12 complete weeks of legacy and replacement calls before NOW."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cvmigrate.cli import main

from .archive_builder import account_id, aml_record, cs_record, write_blob, write_stack

NOW = "2027-06-01T00:00:00Z"                       # a Tuesday: the current week starts Sunday 2027-05-30
FIRST_WEEK = dt.datetime(2027, 3, 7)               # Sunday; the archive starts Wednesday 2027-03-03
WEEKS = 12                                         # complete weeks 2027-03-07 .. 2027-05-23


@pytest.fixture
def weekly_archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    pred = account_id("Alpha-Pred")
    write_blob(root, [cs_record(pred, dt.datetime(2027, 3, 3, 10, i)) for i in range(7)])        # partial week
    write_blob(root, [aml_record("ep-alpha", dt.datetime(2027, 3, 3, 11, i)) for i in range(3)])
    for k in range(WEEKS):
        monday = FIRST_WEEK + dt.timedelta(days=7 * k + 1, hours=9)
        write_blob(root, [cs_record(pred, monday + dt.timedelta(seconds=i)) for i in range(120 - 5 * k)])
        write_blob(root, [aml_record("ep-alpha", monday + dt.timedelta(hours=1, seconds=i)) for i in range(10 + k)])
    write_blob(root, [aml_record("ep-alpha", dt.datetime(2027, 5, 31, 9, i)) for i in range(50)])  # current week
    return root


def status(capsys, stack: Path, archive: Path, *extra: str) -> tuple[int, dict, str]:
    code = main(["status", "--stack", str(stack), "--source", str(archive), "--now", NOW, "--format", "json",
                 "--no-cache", "--no-progress", *extra])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if out.out else {}), out.err


def test_fit_weeks_sets_the_fit_window_and_overrides_the_stack(capsys, tmp_path, weekly_archive):
    stack = write_stack(tmp_path)
    _, default, _ = status(capsys, stack, weekly_archive)
    assert default["projection"]["weeksUsed"] == 8
    text = stack.read_text().replace("cvmigrate:alerts: {emails: [lead@contoso.com]}",
                                     "cvmigrate:alerts: {emails: [lead@contoso.com], thresholds: {burndownFitWeeks: 10}}")
    stack.write_text(text)
    _, configured, _ = status(capsys, stack, weekly_archive)
    assert configured["projection"]["weeksUsed"] == 10
    _, flagged, _ = status(capsys, stack, weekly_archive, "--fit-weeks", "4")
    assert flagged["projection"]["weeksUsed"] == 4                         # the command line wins
    alpha = next(w for w in flagged["workloads"] if w["name"] == "alpha")
    reasons = [w["reason"] for w in alpha["weekly"] if w["reason"] in ("used", "outside-fit-window")]
    assert reasons == ["outside-fit-window"] * 8 + ["used"] * 4
    # 120 - 5k calls in week k: the last 4 complete weeks fall by 5 a week
    assert alpha["projection"]["slopePerWeek"] == -5.0


def test_the_replacement_series_covers_every_complete_week(capsys, tmp_path, weekly_archive):
    _, report, _ = status(capsys, write_stack(tmp_path), weekly_archive)
    expected = [{"week": (FIRST_WEEK + dt.timedelta(days=7 * k)).date().isoformat(), "replacementCalls": 10 + k}
                for k in range(WEEKS)]
    # 12 weeks (beyond the 30 days of cutover_progress); neither the partial first week (3 calls) nor the current
    # week (50 calls) is in it
    assert report["replacementWeekly"] == expected


@pytest.mark.parametrize("value", ["1", "27", "0", "-3", "eight", "4.5", "9" * 30])
def test_an_out_of_range_fit_window_is_one_line_exit_2(capsys, tmp_path, weekly_archive, value):
    code, report, err = status(capsys, write_stack(tmp_path), weekly_archive, "--fit-weeks", value)
    assert code == 2 and report == {}
    assert err.count("\n") == 1 and "--fit-weeks" in err and "from 2 to 26" in err and "burndownFitWeeks" in err
