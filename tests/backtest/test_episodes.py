"""Violations and episodes, worked by hand: rows counted per dimension combination against the rule's operator
and threshold, failing periods split by TimeGenerated, runs of violating evaluations -> fired / cleared."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cvmigrate.backtest.episodes import ReplayedRule, episodes, replayed_rules, violations

H = dt.timedelta(hours=1)
T0 = dt.datetime(2027, 3, 1, 9)


def rule(**kw) -> ReplayedRule:
    base = dict(name="r", kind="log", query="q", text="", frequency=H, window=H, operator="GreaterThan",
                threshold=0, evaluation_periods=1, min_failing=1, dimensions=("Workload",), auto_mitigate=True,
                reach=H)
    return ReplayedRule(**{**base, **kw})


def test_rows_are_counted_per_dimension_combination():
    rows = [{"Workload": "a"}, {"Workload": "a"}, {"Workload": "b"}]
    assert set(violations(rule(threshold=1), rows)) == {("a",)}
    assert set(violations(rule(threshold=0), rows)) == {("a",), ("b",)}
    assert set(violations(rule(operator="LessThan", threshold=2), rows)) == {("b",)}
    assert violations(rule(), []) == {}


def test_failing_periods_count_the_periods_that_violate():
    p1, p2 = T0 - 2 * H, T0 - H
    two_of_two = rule(evaluation_periods=2, min_failing=2, dimensions=("Workload", "Target"))
    both = [{"Workload": "a", "Target": "automl", "TimeGenerated": p} for p in (p1, p2)]
    assert set(violations(two_of_two, both)) == {("a", "automl")}
    assert violations(two_of_two, both[:1]) == {}            # one failing period of two: no alert


def test_a_stand_in_row_violates_only_when_regressed():
    stand_in = rule(kind="metric", stand_in_for="legacy-regression")
    rows = [{"Workload": "a", "Regressed": False}, {"Workload": "b", "Regressed": True}]
    assert set(violations(stand_in, rows)) == {("b",)}


def test_episodes_fire_at_the_first_violation_and_clear_at_the_first_quiet_evaluation():
    a, b = {"Workload": "a"}, {"Workload": "b"}
    results = {T0: [], T0 + H: [a], T0 + 2 * H: [a, b], T0 + 3 * H: [b], T0 + 4 * H: [], T0 + 5 * H: [a]}
    got = [(e.dimensions, e.fired, e.cleared, e.evaluations) for e in episodes(rule(), results)]
    assert got == [({"Workload": "a"}, T0 + H, T0 + 3 * H, 2),
                   ({"Workload": "b"}, T0 + 2 * H, T0 + 4 * H, 2),
                   ({"Workload": "a"}, T0 + 5 * H, None, 1)]          # still violating at the end


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c"]), max_size=4), min_size=1, max_size=30))
def test_episodes_partition_the_violating_evaluations(pattern):
    results = {T0 + i * H: [{"Workload": w} for w in ws] for i, ws in enumerate(pattern)}
    found = episodes(rule(), results)
    for w in "abc":
        violating = [t for t, rows in results.items() if any(r["Workload"] == w for r in rows)]
        mine = [e for e in found if e.dimensions["Workload"] == w]
        assert sum(e.evaluations for e in mine) == len(violating)
        for e in mine:                                  # a run: every evaluation from fired to last violates
            assert all(t in violating for t in results if e.fired <= t <= e.last)
            assert e.cleared is None or (e.cleared not in violating and e.cleared > e.last)


def test_every_log_rule_is_replayed_as_rendered_and_the_metric_rule_through_its_stand_in(demo_artefacts):
    rules = {r.name: r for r in replayed_rules(demo_artefacts)}
    assert set(demo_artefacts.alert_rules) <= set(rules)
    for name, deployed in demo_artefacts.alert_rules.items():
        r = rules[name]
        assert (r.kind, r.text, r.operator, r.threshold, r.dimensions) == (
            "log", deployed.query.text, deployed.resolved.alert.operator, deployed.resolved.alert.threshold,
            deployed.resolved.alert.dimensions)
        assert r.reach == dt.timedelta(minutes=deployed.resolved.evaluation_range_minutes)
    regression = rules["legacy-regression"]
    assert (regression.kind, regression.query, regression.stand_in_for) == ("metric", "legacy_regression",
                                                                            "legacy-regression")
    assert regression.text == demo_artefacts.queries["legacy_regression"].text
    assert regression.frequency == H and "stands in" in regression.note


@pytest.mark.parametrize("delta,iso", [(dt.timedelta(minutes=15), "PT15M"), (H, "PT1H"), (dt.timedelta(days=1), "P1D")])
def test_settings_spell_durations_as_alerts_json_does(delta, iso):
    assert rule(frequency=delta).settings()["evaluationFrequency"] == iso
