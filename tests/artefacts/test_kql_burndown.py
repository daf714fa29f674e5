"""burndown, executed by duckdb-kql with now() frozen on hand-built weeks: complete weeks only, Theil-Sen fit over
the last burndownFitWeeks (8), per workload and overall, with the range and the two on-track verdicts.

NOW 2027-03-10 (Wednesday): End = startofweek = Sunday 2027-03-07, Start = End - 26 weeks = 2026-09-06 (x = 0),
the fit window starts 2027-01-10 (x = 18)."""
from __future__ import annotations

import datetime as dt

from kql_stacks import stack
from test_kql_executed import diag, repeat

from cvmigrate.artefacts import render_all
from cvmigrate.config.replacement_refs import replacement_refs
from cvmigrate.report import duck

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 10, 12, tzinfo=UTC)
START = dt.datetime(2026, 9, 6, tzinfo=UTC)
FIT_FROM = dt.datetime(2027, 1, 10, tzinfo=UTC)
FIRST = dt.datetime(2026, 12, 2, 10, tzinfo=UTC)        # Wednesday: the archive starts mid-week

STACK = stack({"cvmigrate:workloads": [
    {"name": "alpha", "cutover": {"state": "dual-run", "date": "2027-06-01"},
     "legacy": {"imageAnalysis": {"mode": "create", "name": "alpha-vision"}}},
    {"name": "beta", "legacy": {"imageAnalysis": {"mode": "create", "name": "beta-vision"}}},
    {"name": "gamma", "cutover": {"state": "dual-run", "date": "2027-04-01"},
     "legacy": {"imageAnalysis": {"mode": "create", "name": "gamma-vision"}}},
]})


def week(k: int) -> dt.datetime:
    """Monday 09:00 of the k-th week of the fit window (k = 0..7)."""
    return FIT_FROM + dt.timedelta(days=7 * k + 1, hours=9)


def calls(resource, when, n):
    return repeat(n, lambda i: diag(resource, when + dt.timedelta(seconds=i), 200))


def run(rows):
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows)
    result = duck.run_query(con, render_all(STACK)["burndown"].text, NOW)
    weeks = {}
    for r in result:
        if r["RowType"] == "week":
            weeks.setdefault(r["Workload"], []).append(r)
    return weeks, {r["Workload"]: r for r in result if r["RowType"] == "fit"}


def test_complete_recent_weeks_only_robust_fit_per_workload_and_overall():
    rows = calls("ALPHA-VISION", FIRST, 20)                                       # partial first week
    for k in range(5):                                                             # a step in the past (ignored)
        rows += calls("alpha-vision", FIRST + dt.timedelta(days=4 + 7 * k), 600)
    for k in range(8):
        rows += calls("ALPHA-VISION", week(k), 160 - 10 * k)                       # 160 ... 90: -10 a week
        rows += calls("BETA-VISION", week(k), 20)                                 # flat
        rows += calls("GAMMA-VISION", week(k), 1000 if k == 3 else 160 - 10 * k)  # one 429 storm week
    rows += calls("ALPHA-VISION", dt.datetime(2027, 3, 8, 9, tzinfo=UTC), 1000)  # current week: never read
    weeks, fits = run(rows)

    alpha_weeks = weeks["alpha"]
    assert len(alpha_weeks) == 26
    reasons = [r["Reason"] for r in alpha_weeks]
    # 2026-09-06 .. 2026-11-22 (12 weeks) before the first record; 2026-11-29 partial; 5 complete weeks before
    # the fit window; the last 8 used.
    assert reasons == ["before-first-record"] * 12 + ["partial-first-week"] + ["outside-fit-window"] * 5 + ["used"] * 8
    assert [r["LegacyCalls"] for r in alpha_weeks[-8:]] == [160 - 10 * k for k in range(8)]
    assert alpha_weeks[12]["LegacyCalls"] == 20

    # alpha: y = 160 - 10 (x - 18) reaches 0 at x = 34 = Start + 238 days = 2027-05-02; every pairwise slope is
    # -10, so the range is that date too; before the cutover (2027-06-01) and the retirement.
    alpha = fits["alpha"]
    zero = dt.datetime(2027, 5, 2, tzinfo=UTC)
    assert (alpha["ProjectedZeroDate"], alpha["Earliest"], alpha["Latest"]) == (zero, zero, zero)
    assert (alpha["WeeksUsed"], alpha["SlopePerWeek"], alpha["OnTrack"], alpha["OnTrackForCutover"]) == (8, -10.0, True, True)
    # beta: flat, never reaches zero: off track; no cutover date, so no cutover verdict.
    beta = fits["beta"]
    assert (beta["ProjectedZeroDate"], beta["Latest"], beta["OnTrack"], beta["OnTrackForCutover"]) == (None, None, False, None)
    # gamma: the outlier week moves 7 of the 28 pairwise slopes, not their median nor the median intercept: the same
    # zero date as alpha, which is after gamma's own cutover date (2027-04-01).
    gamma = fits["gamma"]
    assert (gamma["ProjectedZeroDate"], gamma["SlopePerWeek"], gamma["OnTrack"], gamma["OnTrackForCutover"]) == (
        zero, -10.0, True, False)
    assert gamma["Earliest"] <= zero
    # overall: the sum of the three per week.
    total = [r["LegacyCalls"] for r in weeks["(all)"][-8:]]
    assert total == [(160 - 10 * k) + 20 + (1000 if k == 3 else 160 - 10 * k) for k in range(8)]
    assert fits["(all)"]["WeeksUsed"] == 8 and fits["(all)"]["DaysToRetirement"] == 565


def test_a_series_falling_from_6891_to_5191_projects_a_zero_date_despite_a_partial_first_week():
    # The case at a tenth of its volume: 8 complete weeks falling steadily from 689 to 519 (~24.3 a week)
    # after a partial first week of 90 calls.
    ys = [689 - round(k * (689 - 519) / 7) for k in range(8)]
    rows = calls("alpha-vision", FIT_FROM - dt.timedelta(days=3), 90)           # Thursday before: partial week
    for k, y in enumerate(ys):
        rows += calls("alpha-vision", week(k), y)
    weeks, fits = run(rows)
    assert [r["Reason"] for r in weeks["alpha"][-9:]] == ["partial-first-week"] + ["used"] * 8
    alpha = fits["alpha"]
    assert alpha["ProjectedZeroDate"] is not None and alpha["OnTrack"] is True
    # slope ~ -24.3 / week: zero about 519 / 24.3 = 21.4 weeks after the last used week (2027-02-28).
    expected = dt.datetime(2027, 2, 28, tzinfo=UTC) + dt.timedelta(weeks=519 / ((689 - 519) / 7))
    assert abs(alpha["ProjectedZeroDate"] - expected) < dt.timedelta(days=2)
    assert alpha["Earliest"] <= alpha["ProjectedZeroDate"] <= alpha["Latest"]


def test_no_legacy_calls_at_all_is_zero_already_and_no_data_is_no_projection():
    weeks, fits = run(calls("beta-vision", FIRST, 10))     # the archive starts; alpha never calls
    assert fits["alpha"]["ProjectedZeroDate"] == FIT_FROM and fits["alpha"]["OnTrack"] is True
    weeks, fits = run([])
    assert {r["Reason"] for r in weeks["alpha"]} == {"before-first-record"}
    assert (fits["alpha"]["ProjectedZeroDate"], fits["alpha"]["WeeksUsed"], fits["alpha"]["OnTrack"]) == (None, 0, False)


def test_replacement_calls_per_week_over_the_whole_range_complete_weeks_only():
    """RowType "replacement": all workloads' replacement calls per week of the same 26 weeks; the week holding the
    first legacy OR replacement record is partial (here a replacement call on Wednesday 2026-11-18, before the
    first legacy record), the current week never read."""
    cfg = stack({"cvmigrate:workloads": [
        {"name": "alpha", "cutover": {"state": "dual-run", "date": "2027-06-01"},
         "legacy": {"imageAnalysis": {"mode": "create", "name": "alpha-vision"}},
         "replacement": {"documentIntelligence": {"name": "di-alpha"}}}]})
    di = next(r.name for r in replacement_refs(cfg)).upper()
    rows = calls("ALPHA-VISION", FIRST, 20)
    rows += calls(di, dt.datetime(2026, 11, 18, 9, tzinfo=UTC), 4)                      # partial week 2026-11-15
    for k in range(15):                                                                  # 2026-11-22 .. 2027-02-28
        rows += calls(di, dt.datetime(2026, 11, 23, 9, tzinfo=UTC) + dt.timedelta(days=7 * k), 10 + k)
    rows += calls(di, dt.datetime(2027, 3, 8, 9, tzinfo=UTC), 500)                       # current week
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows)
    result = [r for r in duck.run_query(con, render_all(cfg)["burndown"].text, NOW) if r["RowType"] == "replacement"]
    assert len(result) == 26 and {r["Workload"] for r in result} == {"(all)"}
    reasons = [r["Reason"] for r in result]
    # 2026-09-06 .. 2026-11-08 (10 weeks) before the first record, 2026-11-15 partial, then 15 complete weeks
    assert reasons == ["before-first-record"] * 10 + ["partial-first-week"] + ["complete"] * 15
    assert result[10]["ReplacementCalls"] == 4
    assert [r["ReplacementCalls"] for r in result[11:]] == [10 + k for k in range(15)]
    assert result[-1]["Week"] == dt.datetime(2027, 2, 28, tzinfo=UTC)                   # the last complete week
