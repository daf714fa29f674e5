"""`cvmigrate backtest` on a hand-built archive: exact episodes of legacy-after-cutover (worked out below), every
format, --out written whole, a manifest whose regression was not paged exits 3, and every bad input is one line
naming the flag and the fix, exit 2, nothing written."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvmigrate.cli import main
from report.archive_builder import account_id, cs_record, write_blob, write_stack

WINDOW = ["--from", "2027-05-10T09:00:00Z", "--to", "2027-05-10T16:00:00Z"]


@pytest.fixture
def archive(tmp_path):
    """Workload alpha is cut over (2027-05-01); its prediction account is still called at 10:05, 10:20, 14:50.

    legacy-after-cutover runs every 15 min over the 15 min before: the evaluations at 10:15 and 10:30 see a call
    (fired 10:15), 10:45 sees none (cleared); 15:00 sees the 14:50 call (fired), 15:15 clears it."""
    root = tmp_path / "archive"
    pred = account_id("Alpha-Pred")
    for minute in ((10, 5), (10, 20), (14, 50)):
        write_blob(root, [cs_record(pred, dt.datetime(2027, 5, 10, *minute))])
    write_blob(root, [cs_record(pred, dt.datetime(2027, 5, 3, 12))])     # history before the window
    return root


def run(capsys, *args):
    code = main(["backtest", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_exact_episodes_and_every_rule_replayed(tmp_path, archive, capsys):
    code, out, err = run(capsys, "--stack", str(write_stack(tmp_path)), "--source", str(archive), *WINDOW,
                         "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    rules = {r["name"]: r for r in report["rules"]}
    assert set(rules) == {"legacy-regression", "legacy-after-cutover", "error-spike", "deadline-proximity",
                          "cutover-overdue", "replacement-health", "pipeline-broken"}
    after = rules["legacy-after-cutover"]
    assert (after["evaluationFrequency"], after["windowSize"], after["evaluations"]) == ("PT15M", "PT15M", 28)
    assert [(e["dimensions"], e["fired"], e["cleared"], e["evaluations"]) for e in after["episodes"]] == [
        ({"Workload": "alpha", "Account": "alpha-pred"}, "2027-05-10T10:15:00Z", "2027-05-10T10:45:00Z", 2),
        ({"Workload": "alpha", "Account": "alpha-pred"}, "2027-05-10T15:00:00Z", "2027-05-10T15:15:00Z", 1)]
    assert all(not r["episodes"] for name, r in rules.items() if name != "legacy-after-cutover")
    regression = rules["legacy-regression"]
    assert regression["standIn"] and regression["kind"] == "metric" and "stands in" in regression["note"]
    assert (regression["evaluationFrequency"], regression["evaluations"]) == ("PT1H", 7)
    assert report["scoring"] is None and report["verdict"] == "ok"


@pytest.mark.parametrize("fmt,expect", [("table", "fired 2027-05-10T10:15:00Z, cleared 2027-05-10T10:45:00Z"),
                                        ("markdown", "| Workload=alpha, Account=alpha-pred | 2027-05-10T10:15:00Z |")])
def test_text_formats_to_a_file_written_whole(tmp_path, archive, capsys, fmt, expect):
    out = tmp_path / f"report.{fmt}"
    code, stdout, err = run(capsys, "--stack", str(write_stack(tmp_path)), "--source", str(archive), *WINDOW,
                            "--format", fmt, "--out", str(out))
    assert code == 0 and stdout == "" and str(out) in err
    text = out.read_text()
    assert expect in text and "stands in" in text
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_a_planted_regression_nobody_paged_exits_3(tmp_path, archive, capsys):
    (archive / "sample-manifest.yaml").write_text(
        "regressions:\n- {workload: alpha, start: '2027-05-10T11:00:00Z', hours: 2, factor: 2.0}\n")
    code, out, _ = run(capsys, "--stack", str(write_stack(tmp_path)), "--source", str(archive), *WINDOW,
                       "--format", "json")
    report = json.loads(out)
    assert code == 3 and report["verdict"] == "findings"
    assert report["scoring"]["summary"] == {"planted": 1, "paged": 0, "missed": 1, "outsideWindow": 0,
                                            "falsePages": 0, "maxDelayPeriods": None}


@pytest.mark.parametrize("args,flag,fix", [
    (["--to", "2027-05-10T16:00:00Z"], "--from", "--from 2026-06-01"),
    (["--from", "2027-05-10T09:00:00Z"], "--to", "--to 2027-06-01"),
    (["--from", "yesterday", "--to", "2027-05-10T16:00:00Z"], "--from", "e.g. 2027-06-01T00:00:00Z"),
    (["--from", "2027-05-10T16:00:00Z", "--to", "2027-05-10T16:00:00Z"], "--to", "--from"),
    (["--from", "2027-05-11T00:00:00Z", "--to", "2027-05-10T00:00:00Z"], "--to", "ends after it starts"),
    (["--from", "2025-01-01T00:00:00Z", "--to", "2027-05-10T00:00:00Z"], "--from", "at most 400 days"),
    (["--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z"], "--from", "choose a window"),
    (["--from", "2027-05-11T00:00:00Z", "--to", "2027-05-12T00:00:00Z"], "--from", "choose a window"),
    ([*WINDOW, "--out", "/nonexistent/folder/report.txt"], "--out", "create it"),
])
def test_bad_input_is_one_line_naming_the_flag(tmp_path, archive, capsys, args, flag, fix):
    code, out, err = run(capsys, "--stack", str(write_stack(tmp_path)), "--source", str(archive), *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert flag in err and fix in err, err


@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(start=st.text(max_size=40), end=st.one_of(st.text(max_size=40), st.datetimes().map(dt.datetime.isoformat)))
def test_hostile_times_never_crash(tmp_path, archive, capsys, start, end):
    code = main(["backtest", "--stack", str(write_stack(tmp_path)), "--source", str(archive), "--from", start,
                 "--to", end])
    err = capsys.readouterr().err
    assert code in (0, 2, 3) and "Traceback" not in err
