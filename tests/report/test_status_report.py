"""`cvmigrate status --source` on hand-built archives: every number below is counted by hand from the
records written in conftest.py / the tests (NOW = 2027-06-01T00:00Z)."""
from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest

from cvmigrate.cli import main

from .archive_builder import account_id, cs_record, write_blob
from .conftest import NOW, SCHEMA, at


def status_json(capsys, stack, source, *extra):
    code = main(["status", "--stack", str(stack), "--source", str(source), "--now", NOW, "--format", "json",
                 "--no-progress", *extra])
    out = capsys.readouterr().out
    report = json.loads(out)
    jsonschema.validate(report, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    return code, report


def test_counts_legacy_replacement_and_errors_per_workload(capsys, stack, mixed_archive):
    code, report = status_json(capsys, stack, mixed_archive)
    alpha, beta = report["workloads"]
    # alpha: 10 prediction calls (6x200, 3x401, 1x404) + 2 training calls; replacement 4 raw + 1 exported.
    assert (alpha["name"], alpha["legacyCalls"], alpha["replacementCalls"]) == ("alpha", 12, 5)
    assert alpha["legacyShare"] == pytest.approx(12 / 17)
    assert alpha["errors"] == {"key_mismatch_401": 3, "not_found_404": 1}
    assert "training key" in alpha["errorHints"]["key_mismatch_401"]
    assert alpha["legacyTrend"] == {"last7Days": 12, "previous7Days": 0}
    assert alpha["lastLegacyCall"] == "2027-05-30T10:09:00Z"
    assert alpha["topCallers"][0] == {"account": "alpha-pred", "callerIPAddress": "10.1.1.***", "calls": 10,
                                      "lastSeen": "2027-05-30T10:09:00Z"}
    # beta: 5 raw calls + 3 exported rows (one 429); no replacement configured.
    assert (beta["legacyCalls"], beta["replacementCalls"], beta["legacyShare"]) == (8, 0, 1.0)
    assert beta["errors"] == {"throttled_429": 1}
    assert beta["regression"] is None and alpha["regression"] is None
    # Burn-down: the week from Sunday 2027-05-23 holds 2 + 5 + 3 = 10 calls, but the archive starts in it
    # (2027-05-27): a partial week, so no complete week is left to fit: incomplete, with the cause, exit 3.
    assert report["weekly"][-1] == {"week": "2027-05-23", "legacyCalls": 10, "reason": "partial-first-week"}
    assert sum(w["legacyCalls"] for w in report["weekly"]) == 10
    assert (report["projection"]["projectedZeroDate"], report["projection"]["weeksUsed"]) == (None, 0)
    assert report["source"]["problems"][0]["query"] == "burndown"
    assert (report["verdict"], report["exitCode"], code) == ("incomplete", 3, 3)
    assert report["daysToRetirement"] == 482


def test_skipped_records_are_counted_by_reason(capsys, stack, mixed_archive):
    _, report = status_json(capsys, stack, mixed_archive)
    load = report["source"]["load"]
    assert load["skipped"] == {"corrupt": 2, "invalid_time": 1, "unknown_category": 2, "other_resource_type": 2,
                               "other_table": 1, "oversize": 0, "duplicate": 0, "future_time": 0, "unreadable": 0}
    assert load["complete"] is True and load["problems"] == {"byReason": {}, "listed": []}
    assert load["rowsLoaded"] == {"AzureDiagnostics": 20, "AmlOnlineEndpointTrafficLog": 5, "AzureMetrics": 0}
    assert (load["files"], load["ignoredFiles"]) == (8, 1)
    assert report["source"]["partial"] is False


def test_regressing_workload_is_reported_with_exit_code_3(capsys, stack, tmp_path):
    stack.write_text(stack.read_text().replace("state: cut-over", "state: dual-run"))
    root = tmp_path / "regress"
    pred = account_id("Alpha-Pred")
    # The last closed hour before NOW is Monday 2027-05-31 23:00. The same hour in the 5 weeks before holds
    # 10 calls each; each level window (the 7 days before a comparable hour) holds the next older hour's 10 calls,
    # so the scaling is 1: median 10, threshold max(10 x 1.5 + 3 x sqrt(10), 10 + 20) = 30; 31 calls now. The
    # oldest week's level window starts before the archive's first day: 4 weeks of history.
    for k in range(1, 6):
        hour = dt.datetime(2027, 5, 31, 23) - dt.timedelta(days=7 * k)
        write_blob(root, [cs_record(pred, hour + dt.timedelta(minutes=i)) for i in range(10)])
    write_blob(root, [cs_record(pred, at(31, 23, 10 + i)) for i in range(31)])
    code, report = status_json(capsys, stack, root)
    alpha = report["workloads"][0]
    assert alpha["regression"] == {"hourStart": "2027-05-31T23:00:00Z", "recentCalls": 31, "baselineCalls": 10.0,
                                   "weeksUsed": 4, "threshold": pytest.approx(30.0)}
    assert report["workloads"][1]["regression"] is None          # beta is planned: never regresses
    assert (report["verdict"], code) == ("regression", 3)


def test_no_legacy_traffic_in_complete_weeks_is_on_track_exit_0(capsys, stack, tmp_path):
    root = tmp_path / "quiet"
    # The archive starts Sunday 2027-05-09 00:10 (that week is complete) with alpha's last call; beta calls only
    # in the current week (never read). Weeks 05-09, 05-16, 05-23 (x = 23, 24, 25 from Start 2026-11-29): alpha
    # 1, 0, 0 -> pairwise slopes -1, -0.5, 0 (median -0.5), intercept median(12.5, 12, 12.5) = 12.5, zero at
    # x = 25 = 2027-05-23; beta all 0 -> zero at its first used week, 2027-05-09.
    write_blob(root, [cs_record(account_id("Alpha-Pred"), dt.datetime(2027, 5, 9, 0, 10))])
    write_blob(root, [cs_record(account_id("beta-ia"), at(31, 9, i)) for i in range(5)])
    code, report = status_json(capsys, stack, root)
    p = report["projection"]
    assert (p["projectedZeroDate"], p["weeksUsed"], p["onTrack"], p["atRisk"]) == ("2027-05-23", 3, True, [])
    alpha, beta = (w["projection"] for w in report["workloads"])
    assert (alpha["projectedZeroDate"], alpha["slopePerWeek"]) == ("2027-05-23", -0.5)
    assert beta["projectedZeroDate"] == "2027-05-09"
    assert (report["verdict"], code) == ("on_track", 0)
    assert report["workloads"][1]["legacyCalls"] == 5


def test_markdown_and_table_carry_the_verdict(capsys, stack, mixed_archive):
    assert main(["status", "--stack", str(stack), "--source", str(mixed_archive), "--now", NOW,
                 "--format", "markdown", "--no-progress"]) == 3
    md = capsys.readouterr().out
    assert "**INCOMPLETE" in md and "| alpha | cut-over | 12 |" in md
    assert "- **alpha** key_mismatch_401 on alpha-pred (unknown SKU, westeurope): 3 call(s) in 7 days" in md
    assert main(["status", "--stack", str(stack), "--source", str(mixed_archive), "--now", NOW,
                 "--no-progress"]) == 3
    table = capsys.readouterr().out
    assert "skipped: 2 corrupt, 1 invalid_time, 2 unknown_category, 2 other_resource_type, 1 other_table" in table
    # reference-mode accounts: the SKU is unknown; the archive's records carry no resultDescription
    assert ("  key_mismatch_401 on alpha-pred (unknown SKU, westeurope): 3 call(s) in 7 days; e.g. no "
            "ResultDescription logged; resource /subscriptions/") in table


def test_chart_is_written(capsys, stack, mixed_archive, tmp_path):
    chart = tmp_path / "out" / "status.png"
    main(["status", "--stack", str(stack), "--source", str(mixed_archive), "--now", NOW, "--no-progress",
          "--chart", str(chart)])
    data = chart.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # One panel for all workloads and one per workload (2 here), 3.2 inches each at 100 dpi (IHDR height).
    assert int.from_bytes(data[20:24], "big") == 3 * 320
