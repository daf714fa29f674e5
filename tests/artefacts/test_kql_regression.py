"""legacy_regression, the seasonal detection run by `status`, the workbook and `cvmigrate backtest`, executed by
duckdb-kql with now() frozen, against numbers worked out by hand (defaults of queries/thresholds.yaml:
regressionBaselineWeeks 5, regressionTolerance 0.5, regressionNoiseSigmas 3, regressionMinCalls 20, at least 3
comparable weeks)."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from kql_stacks import stack
from test_kql_executed import diag, repeat

from cvmigrate.artefacts import render_all
from cvmigrate.report import duck

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 10, 12, 20, tzinfo=UTC)     # Wednesday; the last closed hour is 11:00-12:00
HOUR = dt.datetime(2027, 3, 10, 11, tzinfo=UTC)
WEEK = dt.timedelta(days=7)

STACK = stack({"cvmigrate:workloads": [
    {"name": "alpha", "cutover": {"state": "dual-run", "date": "2027-06-01"},
     "legacy": {"customVision": {"mode": "create", "trainingName": "cv-alpha-train", "predictionName": "CV-Alpha-Pred"}}},
    {"name": "beta", "cutover": {"state": "dual-run", "date": "2027-06-01"},
     "legacy": {"imageAnalysis": {"mode": "create", "name": "beta-vision"}}},
    {"name": "gamma", "legacy": {"imageAnalysis": {"mode": "create", "name": "gamma-vision"}}},
    {"name": "delta", "cutover": {"state": "cut-over", "date": "2027-01-10"},
     "legacy": {"imageAnalysis": {"mode": "create", "name": "delta-vision"}}},
]})


def calls(resource, start, n, spread=dt.timedelta(minutes=59)):
    return repeat(n, lambda i: diag(resource, start + spread * i / max(1, n), 200))


def run(rows):
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows)
    return {r["Workload"]: r for r in duck.run_query(con, render_all(STACK)["legacy_regression"].text, NOW)}


def test_same_hour_of_week_median_with_a_holiday_tolerance_and_noise_allowance():
    rows = []
    # alpha, Wednesday 11:00 in the 5 weeks before: 40, 0 (a holiday: no calls at all), 44, 38, 42 -> median 40.
    for k, n in zip(range(1, 6), (40, 0, 44, 38, 42)):
        rows += calls("CV-ALPHA-PRED", HOUR - k * WEEK + dt.timedelta(seconds=30), n, dt.timedelta(minutes=50))
    # Office-hour peak of the previous hour and of the day before: other hours of the week, not compared.
    rows += calls("cv-alpha-pred", HOUR - dt.timedelta(hours=1), 500)
    rows += calls("cv-alpha-pred", HOUR - dt.timedelta(days=1), 500)
    rows += calls("CV-ALPHA-TRAIN", HOUR + dt.timedelta(minutes=1), 80)       # the closed hour: 80 calls
    rows += calls("cv-alpha-pred", HOUR + dt.timedelta(hours=1, minutes=1), 300, dt.timedelta(minutes=15))  # open hour
    # beta: 20 a week at that hour, 30 now. Threshold 20 x 1.5 + 3 sqrt(20) = 43.42: normal.
    for k in range(1, 6):
        rows += calls("BETA-VISION", HOUR - k * WEEK, 20)
    rows += calls("beta-vision", HOUR, 30)
    rows += calls("GAMMA-VISION", HOUR, 1000)     # planned: never regresses
    rows += calls("DELTA-VISION", HOUR, 1000)     # cut-over: legacy-after-cutover's job
    got = run(rows)
    assert set(got) == {"alpha", "beta"}
    alpha, beta = got["alpha"], got["beta"]
    assert (alpha["HourStart"], alpha["RecentCalls"], alpha["BaselineCalls"], alpha["WeeksUsed"]) == (HOUR, 80, 40.0, 5)
    assert alpha["Threshold"] == pytest.approx(60 + 3 * math.sqrt(40))      # 78.97 < 80
    assert (alpha["Regressed"], alpha["Reason"]) == (True, "above-baseline")
    assert (beta["RecentCalls"], beta["BaselineCalls"], beta["Threshold"]) == (30, 20.0, pytest.approx(30 + 3 * math.sqrt(20)))
    assert (beta["Regressed"], beta["Reason"], beta["CutoverState"]) == (False, "normal", "dual-run")


def test_one_call_less_is_normal():
    rows = []
    for k, n in zip(range(1, 6), (40, 0, 44, 38, 42)):
        rows += calls("CV-ALPHA-PRED", HOUR - k * WEEK, n)
    rows += calls("CV-ALPHA-PRED", HOUR, 78)           # 78 < 78.97
    assert run(rows)["alpha"]["Reason"] == "normal"


def test_a_mid_week_archive_start_is_insufficient_history_not_a_zero_baseline():
    # The first legacy record is Saturday 2027-02-20: only 2027-03-03 and 2027-02-24 are comparable weeks.
    rows = calls("CV-ALPHA-PRED", dt.datetime(2027, 2, 20, 9, tzinfo=UTC), 10)
    rows += calls("CV-ALPHA-PRED", HOUR - WEEK, 5) + calls("CV-ALPHA-PRED", HOUR - 2 * WEEK, 5)
    rows += calls("CV-ALPHA-PRED", HOUR, 400)
    # beta had no call at that hour in any of the 5 weeks (the stack's history covers them: zeros) and 19 now.
    rows += calls("beta-vision", HOUR, 19)
    got = run(rows)
    assert (got["alpha"]["WeeksUsed"], got["alpha"]["Regressed"], got["alpha"]["Reason"]) == (2, False, "insufficient-history")
    assert (got["beta"]["WeeksUsed"], got["beta"]["BaselineCalls"], got["beta"]["Reason"]) == (2, 0.0, "insufficient-history")


def test_silent_weeks_count_as_zero_and_volume_below_the_minimum_never_regresses():
    # The stack's history in the range starts with a planned workload's call at the oldest comparable hour.
    rows = calls("GAMMA-VISION", HOUR - 5 * WEEK + dt.timedelta(minutes=10), 1)
    rows += calls("beta-vision", HOUR, 19)                       # baseline 0, 19 < regressionMinCalls
    rows += calls("CV-ALPHA-PRED", HOUR, 20)                     # baseline 0, 20 >= 20 and > 0: back from silence
    got = run(rows)
    assert (got["beta"]["WeeksUsed"], got["beta"]["BaselineCalls"], got["beta"]["Reason"]) == (5, 0.0, "low-volume")
    assert (got["alpha"]["Threshold"], got["alpha"]["Regressed"]) == (0.0, True)


def test_no_data_at_all_is_insufficient_history():
    got = run([])
    assert {w: (r["RecentCalls"], r["WeeksUsed"], r["Reason"]) for w, r in got.items()} == {
        "alpha": (0, 0, "insufficient-history"), "beta": (0, 0, "insufficient-history")}
