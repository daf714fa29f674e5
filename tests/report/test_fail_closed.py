"""The verdict fails closed (build_report on hand-made query rows): on_track and ready only over complete,
readable data."""
from __future__ import annotations

import datetime as dt

import pytest

from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.cutover import QueryResults, build_report
from cvmigrate.report.platform_metrics import PlatformTotals

NOW = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)
FITS = [{"RowType": "fit", "Workload": w, "ProjectedZeroDate": dt.datetime(2027, 9, 1), "Earliest": dt.datetime(2027, 8, 1),
         "Latest": dt.datetime(2027, 10, 1), "WeeksUsed": 8, "SlopePerWeek": -10.0, "OnTrack": True,
         "OnTrackForCutover": None, "DaysToRetirement": 482} for w in ("(all)", "alpha", "beta")]
READY = [{"Workload": "alpha", "Account": a, "Kind": k, "LastLegacyCall": None, "DaysSilent": 90, "Ready": True}
         for a, k in (("alpha-train", "Training"), ("alpha-pred", "Prediction"))]


def results(**overrides):
    r = QueryResults(rows={"burndown": FITS, "decommission_readiness": READY, "legacy_regression": []})
    for key, value in overrides.items():
        setattr(r, key, value)
    return r


def load(unreadable):
    return {"kind": "archive", "location": "/a", "load": {"skipped": {"corrupt": 0, "unreadable": unreadable}}}


@pytest.fixture
def cfg(stack):
    return load_stack_file(str(stack))


def silent_store(**errors):
    return PlatformTotals(dt.datetime(2027, 5, 2), dt.datetime(2027, 6, 1),
                          calls={"alpha-train": 0.0, "alpha-pred": 0.0, "beta-ia": 0.0}, errors=errors)


def test_complete_readable_data_is_on_track_and_ready(cfg):
    report = build_report(cfg, results(), now=NOW, refs=replacement_refs(cfg), source=load(0), platform=silent_store())
    assert (report["verdict"], report["exitCode"], report["workloads"][0]["ready"]) == ("on_track", 0, True)
    assert {a["state"] for a in report["workloads"][0]["accounts"]} == {"ready"}


def test_without_the_platform_metrics_silent_accounts_are_unconfirmed_never_ready(cfg):
    report = build_report(cfg, results(), now=NOW, refs=replacement_refs(cfg), source=load(0),
                          platform_note="offline archive")
    assert {a["state"] for a in report["workloads"][0]["accounts"]} == {"unconfirmed"}
    assert not report["workloads"][0]["ready"] and report["source"]["platformMetrics"]["status"] == "not_read"


def test_a_failed_platform_metrics_read_is_never_ready_nor_on_track(cfg):
    report = build_report(cfg, results(), now=NOW, refs=replacement_refs(cfg), source=load(0),
                          platform=silent_store(**{"alpha-pred": "HTTP 500"}))
    assert (report["verdict"], report["exitCode"]) == ("incomplete", 3) and not report["workloads"][0]["ready"]
    states = {a["account"]: a["state"] for a in report["workloads"][0]["accounts"]}
    assert states == {"alpha-train": "ready", "alpha-pred": "unconfirmed"}


def test_unreadable_archive_data_is_never_ready_nor_on_track(cfg):
    report = build_report(cfg, results(), now=NOW, refs=replacement_refs(cfg), source=load(2), platform=silent_store())
    assert (report["verdict"], report["exitCode"]) == ("incomplete", 3)
    assert not any(w["ready"] for w in report["workloads"])
    (problem,) = report["source"]["problems"]
    assert problem["query"] == "archive" and problem["message"].startswith("2 unreadable file(s) or folder(s)")


@pytest.mark.parametrize("how", ["failed", "partial"])
def test_a_failed_or_partial_regression_query_is_never_on_track(cfg, how):
    regressed = [{"Workload": "alpha", "Regressed": True, "HourStart": NOW, "RecentCalls": 90, "BaselineCalls": 10.0,
                  "WeeksUsed": 5, "Threshold": 24.5}]
    rows = {"burndown": FITS, "decommission_readiness": READY, "legacy_regression": regressed if how == "partial" else []}
    r = QueryResults(rows=rows, problems={"legacy_regression": f"{how}: x"},
                     partial={"legacy_regression"} if how == "partial" else set())
    report = build_report(cfg, r, now=NOW, refs=replacement_refs(cfg), source=load(0))
    assert (report["verdict"], report["exitCode"]) == ("incomplete", 3)


def test_one_workload_at_risk_makes_the_overall_verdict_off_track_and_names_it(cfg):
    fits = [dict(f, OnTrack=False, ProjectedZeroDate=dt.datetime(2029, 7, 1)) if f["Workload"] == "beta" else f
            for f in FITS]
    report = build_report(cfg, results(rows={"burndown": fits, "decommission_readiness": READY,
                                             "legacy_regression": []}), now=NOW, refs=replacement_refs(cfg), source=load(0))
    assert (report["verdict"], report["projection"]["atRisk"]) == ("off_track", ["beta"])
    beta = report["workloads"][1]["projection"]
    assert (beta["projectedZeroDate"], beta["earliest"], beta["latest"], beta["onTrack"], beta["weeksUsed"]) == (
        "2029-07-01", "2027-08-01", "2027-10-01", False, 8)
