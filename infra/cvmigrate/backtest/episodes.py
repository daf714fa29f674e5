"""The rules a backtest replays, how an evaluation's rows become a violation, and violations become episodes.

Every log alert rule of the stack (``Artefacts.alert_rules``) is replayed as deployed: its rendered query at its
own ``evaluationFrequency``; the rows are counted per combination of its ``dimensions`` (timeAggregation Count)
and compared with ``threshold`` by ``operator``; with more than one evaluation period the rows are split into
periods by their ``TimeGenerated`` (the period's start, which such queries return) and the combination violates
when at least ``minFailingPeriodsToAlert`` periods do. A metric alert whose threshold Azure learns (dynamic
thresholds) cannot be replayed: its catalogue ``standIn`` query (``legacy_regression``) is replayed hourly in
its place, a row violating when ``Regressed`` is true, per ``Workload``, and the report says so.

An episode is a run of consecutive violating evaluations of one dimension combination: ``fired`` at the first,
``cleared`` at the first evaluation after the run that does not violate (None: still violating at the end of
the window). With ``autoMitigate`` Azure resolves the alert at ``cleared``; without it (stateless rules, actions
muted for ``muteActionsDuration``) the condition stops at ``cleared`` and the fired alerts are closed by hand.
"""
from __future__ import annotations

import datetime as dt
import operator as op
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Optional, Sequence

from ..artefacts import Artefacts
from ..artefacts.alert_index import LOG_TIME_AGGREGATION
from ..artefacts.catalogue import minutes

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThan": op.gt, "GreaterThanOrEqual": op.ge, "LessThan": op.lt, "LessThanOrEqual": op.le,
    "Equal": op.eq,
}
STAND_IN_FREQUENCY = dt.timedelta(hours=1)      # the seasonal detection judges one closed hour per run
STAND_IN_FLAG = "Regressed"                     # a stand-in row violates when this column is true
STAND_IN_DIMENSIONS = ("Workload",)


@dataclass(frozen=True)
class ReplayedRule:
    """One rule as the backtest replays it."""
    name: str
    kind: str                        # "log" (replayed as deployed) or "metric" (replayed through its stand-in)
    query: str                       # the query name replayed
    text: str                        # its rendered KQL
    frequency: dt.timedelta
    window: dt.timedelta
    operator: str
    threshold: float
    evaluation_periods: int
    min_failing: int
    dimensions: tuple[str, ...]
    auto_mitigate: bool
    reach: dt.timedelta              # how far before now() the query reads
    severity: Optional[int] = None
    stand_in_for: Optional[str] = None   # the metric rule's name when the query stands in for it
    note: str = ""

    @property
    def row_filter(self) -> Optional[str]:
        return STAND_IN_FLAG if self.stand_in_for else None

    def settings(self) -> dict[str, Any]:
        return {"evaluationFrequency": _iso(self.frequency), "windowSize": _iso(self.window),
                "timeAggregation": LOG_TIME_AGGREGATION, "operator": self.operator, "threshold": self.threshold,
                "failingPeriods": {"numberOfEvaluationPeriods": self.evaluation_periods,
                                   "minFailingPeriodsToAlert": self.min_failing},
                "dimensions": list(self.dimensions), "autoMitigate": self.auto_mitigate}


def replayed_rules(artefacts: Artefacts) -> list[ReplayedRule]:
    """Every log alert rule as deployed, then each dynamic-threshold metric rule through its stand-in query."""
    rules = []
    for name, rule in artefacts.alert_rules.items():
        resolved, alert = rule.resolved, rule.resolved.alert
        rules.append(ReplayedRule(
            name=name, kind="log", query=alert.query, text=rule.query.text,
            frequency=dt.timedelta(minutes=minutes(alert.frequency)),
            window=dt.timedelta(minutes=resolved.window_minutes), operator=alert.operator,
            threshold=alert.threshold, evaluation_periods=alert.evaluation_periods, min_failing=alert.min_failing,
            dimensions=alert.dimensions, auto_mitigate=alert.auto_mitigate, severity=alert.severity,
            # the rule's evaluation range (tests/artefacts/test_alert_constraints.py: every ago() reads inside it)
            reach=dt.timedelta(minutes=resolved.evaluation_range_minutes)))
    weeks = int(artefacts.params["thresholds"]["regressionBaselineWeeks"])
    for metric in artefacts.metric_alerts:
        stand_in = artefacts.queries[metric.stand_in]
        rules.append(ReplayedRule(
            name=metric.name, kind="metric", query=metric.stand_in, text=stand_in.text,
            frequency=STAND_IN_FREQUENCY, window=STAND_IN_FREQUENCY, operator="GreaterThan", threshold=0,
            evaluation_periods=1, min_failing=1, dimensions=STAND_IN_DIMENSIONS,
            auto_mitigate=metric.auto_mitigate, severity=metric.severity, stand_in_for=metric.name,
            # the hour judged, its baseline weeks and the 7-day level window before the oldest of them
            reach=dt.timedelta(weeks=weeks + 1, hours=3),
            note=(f"{metric.metric_name} {metric.operator} a dynamic threshold Azure learns (sensitivity "
                  f"{metric.alert_sensitivity}); not reproducible offline, so the seasonal detection "
                  f"{metric.stand_in} stands in for it, evaluated hourly ({STAND_IN_FLAG} per Workload)")))
    return rules


@dataclass
class Episode:
    dimensions: dict[str, Any]
    fired: dt.datetime
    last: dt.datetime                # the last violating evaluation
    cleared: Optional[dt.datetime] = None
    evaluations: int = 0             # violating evaluations in the run
    detail: list[dict] = field(default_factory=list)   # the first violating evaluation's rows

    def as_dict(self) -> dict[str, Any]:
        return {"dimensions": {k: _plain(v) for k, v in self.dimensions.items()}, "fired": _iso_time(self.fired),
                "cleared": _iso_time(self.cleared) if self.cleared else None, "evaluations": self.evaluations,
                "detail": [{k: _plain(v) for k, v in row.items()} for row in self.detail]}


def violations(rule: ReplayedRule, rows: Sequence[Mapping[str, Any]]) -> dict[tuple, list[Mapping[str, Any]]]:
    """The dimension combinations that violate in one evaluation's rows, each with its rows."""
    if rule.row_filter:
        rows = [r for r in rows if r.get(rule.row_filter) is True]
    groups: dict[tuple, list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(_plain(row.get(d)) for d in rule.dimensions), []).append(row)
    compare = OPERATORS[rule.operator]
    out = {}
    for combo, members in groups.items():
        if rule.evaluation_periods == 1:
            failing = 1 if compare(len(members), rule.threshold) else 0
        else:
            per_period = Counter(_plain(r.get("TimeGenerated")) for r in members)
            failing = sum(1 for n in per_period.values() if compare(n, rule.threshold))
        if failing >= rule.min_failing:
            out[combo] = members
    return out


def episodes(rule: ReplayedRule, results: Mapping[dt.datetime, Sequence[Mapping[str, Any]]]) -> list[Episode]:
    """Episodes per dimension combination over the evaluations (``results``: rows by evaluation time)."""
    open_: dict[tuple, Episode] = {}
    done: list[Episode] = []
    for when in sorted(results):
        violating = violations(rule, results[when])
        for combo in list(open_):
            if combo not in violating:
                episode = open_.pop(combo)
                episode.cleared = when
                done.append(episode)
        for combo, members in violating.items():
            episode = open_.get(combo)
            if episode is None:
                episode = open_[combo] = Episode(dict(zip(rule.dimensions, combo)), when, when,
                                                 detail=[dict(r) for r in members])
            episode.last = when
            episode.evaluations += 1
    done.extend(open_.values())
    return sorted(done, key=lambda e: (e.fired, sorted(map(str, e.dimensions.values()))))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _iso_time(value)
    return value


def _iso_time(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(delta: dt.timedelta) -> str:
    total = int(delta.total_seconds() // 60)
    if total % (24 * 60) == 0:
        return f"P{total // (24 * 60)}D"
    if total % 60 == 0:
        return f"PT{total // 60}H"
    return f"PT{total}M"
