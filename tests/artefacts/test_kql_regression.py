"""legacy_regression, the seasonal detection run by `status`, the workbook and `cvmigrate backtest`, executed by
duckdb-kql with now() frozen, against numbers worked out by hand (defaults of queries/thresholds.yaml:
regressionBaselineWeeks 5, regressionTolerance 0.5, regressionNoiseSigmas 3, regressionMinCalls 20, at least 3
comparable weeks).

Level windows: window j = [HOUR - (j+1) weeks, HOUR - j weeks) holds the answered calls of the 7 days before
comparable hour j (j = 0: before the hour judged); week k's count N_k is scaled by L_0 / L_k. ``levelled`` fills
each window to a chosen level so the numbers stay hand-workable; a week counts as history when its whole level
window lies after the start of the day of the stack's first legacy record."""
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


def levelled(resource, counts, levels=(200,) * 6, in_window0=0):
    """counts[k-1] calls at the comparable hour of week k (k = 1..5), fillers so that level window j holds
    levels[j] calls (``in_window0``: calls the test itself puts in window 0), and one call at HOUR - 6 weeks (the
    oldest window's start) so all five weeks are history."""
    rows = calls(resource, HOUR - 6 * WEEK, 1)
    for k, n in enumerate(counts, start=1):
        rows += calls(resource, HOUR - k * WEEK + dt.timedelta(seconds=30), n, dt.timedelta(minutes=50))
    for j, level in enumerate(levels):
        inside = (counts[j] if j < len(counts) else 0) + (in_window0 if j == 0 else 0) + (1 if j == 5 else 0)
        rows += calls(resource, HOUR - j * WEEK - dt.timedelta(days=3), level - inside)
    return rows


def run(rows):
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows)
    return {r["Workload"]: r for r in duck.run_query(con, render_all(STACK)["legacy_regression"].text, NOW)}


def test_same_hour_of_week_median_with_a_holiday_tolerance_and_noise_allowance():
    # alpha, Wednesday 11:00 in the 5 weeks before: 40, 0 (a holiday: no calls at all), 44, 38, 42; every level
    # window holds 200 calls, so the scaled counts are the counts: median 40.
    rows = levelled("CV-ALPHA-PRED", (40, 0, 44, 38, 42), in_window0=160)
    # Office-hour peaks of the previous hour and of the day before: other hours of the week, not compared.
    rows += calls("cv-alpha-pred", HOUR - dt.timedelta(hours=1), 80)
    rows += calls("cv-alpha-pred", HOUR - dt.timedelta(days=1), 80)
    rows += calls("CV-ALPHA-TRAIN", HOUR + dt.timedelta(minutes=1), 80)       # the closed hour: 80 calls
    rows += calls("cv-alpha-pred", HOUR + dt.timedelta(hours=1, minutes=1), 300, dt.timedelta(minutes=15))  # open hour
    # beta: 20 a week at that hour, 30 now. Threshold 20 x 1.5 + 3 sqrt(20) = 43.42: normal.
    rows += levelled("BETA-VISION", (20,) * 5)
    rows += calls("beta-vision", HOUR, 30)
    rows += calls("GAMMA-VISION", HOUR, 300)      # planned: never regresses
    rows += calls("DELTA-VISION", HOUR, 300)      # cut-over: legacy-after-cutover's job
    got = run(rows)
    assert set(got) == {"alpha", "beta"}
    alpha, beta = got["alpha"], got["beta"]
    assert (alpha["HourStart"], alpha["RecentCalls"], alpha["BaselineCalls"], alpha["WeeksUsed"]) == (HOUR, 80, 40.0, 5)
    assert alpha["Threshold"] == pytest.approx(60 + 3 * math.sqrt(40))      # 78.97 < 80
    assert (alpha["Regressed"], alpha["Reason"]) == (True, "above-baseline")
    assert (beta["RecentCalls"], beta["BaselineCalls"], beta["Threshold"]) == (30, 20.0, pytest.approx(30 + 3 * math.sqrt(20)))
    assert (beta["Regressed"], beta["Reason"], beta["CutoverState"]) == (False, "normal", "dual-run")


def test_one_call_less_is_normal_and_a_401_or_429_storm_is_not_traffic():
    rows = levelled("CV-ALPHA-PRED", (40, 0, 44, 38, 42))
    rows += calls("CV-ALPHA-PRED", HOUR, 78)           # 78 < 78.97
    rows += repeat(200, lambda i: diag("CV-ALPHA-PRED", HOUR + dt.timedelta(seconds=i), 429))  # a throttling storm
    assert run(rows)["alpha"]["Reason"] == "normal"


def test_a_declining_workload_is_judged_against_its_current_level():
    # Levels halve every week towards now: L_j = 100 x 2^j; counts at the hour N_k = 5 x 2^k (10, 20, 40, 80, 160).
    # Scaled: N_k x L_0 / L_k = 5 x 2^k x 100 / (100 x 2^k) = 5 every week: baseline 5, threshold
    # max(7.5 + 3 sqrt(5), 5 + 20) = 25; 30 calls now regress. The unscaled median (40) would have hidden it.
    rows = levelled("CV-ALPHA-PRED", tuple(5 * 2 ** k for k in range(1, 6)), levels=tuple(100 * 2 ** j for j in range(6)))
    rows += calls("CV-ALPHA-PRED", HOUR, 30)
    alpha = run(rows)["alpha"]
    assert (alpha["BaselineCalls"], alpha["WeeksUsed"]) == (pytest.approx(5.0), 5)
    assert alpha["Threshold"] == pytest.approx(25.0)
    assert (alpha["Regressed"], alpha["Reason"]) == (True, "above-baseline")


def test_a_mid_week_archive_start_is_insufficient_history_not_a_zero_baseline():
    # The first legacy record is Saturday 2027-02-20: only week 1 has its whole level window (from 02-24) after
    # that day's start; week 2's starts 2027-02-17.
    rows = calls("CV-ALPHA-PRED", dt.datetime(2027, 2, 20, 9, tzinfo=UTC), 10)
    rows += calls("CV-ALPHA-PRED", HOUR - WEEK, 5) + calls("CV-ALPHA-PRED", HOUR - 2 * WEEK, 5)
    rows += calls("CV-ALPHA-PRED", HOUR, 400)
    rows += calls("beta-vision", HOUR, 19)
    got = run(rows)
    assert (got["alpha"]["WeeksUsed"], got["alpha"]["Regressed"], got["alpha"]["Reason"]) == (1, False, "insufficient-history")
    assert (got["beta"]["WeeksUsed"], got["beta"]["BaselineCalls"], got["beta"]["Reason"]) == (1, 0.0, "insufficient-history")


def test_silent_weeks_count_as_zero_and_volume_below_the_minimum_never_regresses():
    # The stack's history starts with a planned workload's call at the oldest level window's start.
    rows = calls("GAMMA-VISION", HOUR - 6 * WEEK + dt.timedelta(minutes=10), 1)
    rows += calls("beta-vision", HOUR, 19)                       # baseline 0, 19 < regressionMinCalls
    rows += calls("CV-ALPHA-PRED", HOUR, 21)                     # baseline 0, 21 > 0 + 20: back from silence
    got = run(rows)
    assert (got["beta"]["WeeksUsed"], got["beta"]["BaselineCalls"], got["beta"]["Reason"]) == (5, 0.0, "low-volume")
    assert (got["alpha"]["Threshold"], got["alpha"]["Regressed"]) == (20.0, True)


@pytest.mark.parametrize("now,regressed", [(30, False), (31, True)])
def test_a_regression_adds_at_least_the_minimum_calls_to_a_small_noisy_baseline(now, regressed):
    # What the year backtest (benchmarks/bench_backtest.py) caught: a quiet office hour at 6-23 calls a week
    # (Poisson noise around ~13) has a median of 10; 10 x 1.5 + 3 sqrt(10) = 24.5 would page on an ordinary 25.
    # The threshold is max(24.5, 10 + regressionMinCalls) = 30.
    rows = levelled("CV-ALPHA-PRED", (9, 15, 6, 10, 23))
    rows += calls("CV-ALPHA-PRED", HOUR, now)
    alpha = run(rows)["alpha"]
    assert (alpha["BaselineCalls"], alpha["Threshold"]) == (10.0, pytest.approx(30.0))
    assert alpha["Regressed"] is regressed


def test_no_data_at_all_is_insufficient_history():
    got = run([])
    assert {w: (r["RecentCalls"], r["WeeksUsed"], r["Reason"]) for w, r in got.items()} == {
        "alpha": (0, 0, "insufficient-history"), "beta": (0, 0, "insufficient-history")}
