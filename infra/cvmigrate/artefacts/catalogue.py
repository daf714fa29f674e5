"""The alert catalogue (queries/alerts/catalogue.yaml), resolved for one environment.

The catalogue is data; this module turns an entry into the numbers a rule is deployed with: the window
(literal, or hours taken from ``cvmigrate:alerts.thresholds``), how far back the query reads, and the
query time range override Azure needs when that is longer than the window.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Union

from ..config.alerts import Thresholds, threshold_attr
from ..config.patterns import iso_duration_minutes
from ..paths import load_data_yaml, queries_dir

# Azure caps a log search alert's query time range at two days, whatever ago() the query uses
# (learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule, "Override query time range").
MAX_QUERY_RANGE_HOURS = 48


@dataclass(frozen=True)
class LogAlert:
    name: str
    title: str
    query: str
    lookback: str                 # "range"
    severity: int
    frequency: str                # ISO 8601
    window: Any                   # ISO 8601 text, or {"thresholdHours": key}
    operator: str
    threshold: float
    evaluation_periods: int
    min_failing: int
    auto_mitigate: bool
    dimensions: tuple[str, ...]
    action_group: str
    description: str
    first_action: str
    mute_actions: Optional[str] = None
    min_calls: Optional[int] = None
    kind: str = "log"


@dataclass(frozen=True)
class ActivityAlert:
    name: str
    title: str
    operation_name: str
    category: str
    scope: str
    action_group: str
    description: str
    first_action: str
    kind: str = "activityLog"


@dataclass(frozen=True)
class MetricAlert:
    """A metric alert with a dynamic threshold (Microsoft.Insights/metricAlerts 2018-03-01,
    DynamicThresholdCriterion): Azure learns the band; ``stand_in`` is the library query the backtest replays."""
    name: str
    title: str
    metric_name: str
    metric_namespace: str
    time_aggregation: str
    operator: str
    alert_sensitivity: str
    scope: str                    # "dualRunLegacyAccounts"
    stand_in: str
    severity: int
    frequency: str
    window: str
    evaluation_periods: int
    min_failing: int
    auto_mitigate: bool
    action_group: str
    description: str
    first_action: str
    kind: str = "metric"


Alert = Union[LogAlert, MetricAlert, ActivityAlert]


@dataclass(frozen=True)
class ResolvedLogAlert:
    """A log alert with everything that depends on the environment's thresholds worked out."""
    alert: LogAlert
    window: str                   # ISO 8601, one of the windowSize values Azure accepts
    lookback_minutes: int         # how far back the query reads
    query_time_range: Optional[str]   # overrideQueryTimeRange, when the lookback is longer than the range
    thresholds: Thresholds        # what the query is rendered with

    @property
    def window_minutes(self) -> int:
        """The rule's aggregation granularity: the period a multi-period query summarizes by."""
        return minutes(self.window)

    @property
    def evaluation_range_minutes(self) -> int:
        """The time range Azure runs the query over: the override, else window x evaluation periods."""
        if self.query_time_range:
            return minutes(self.query_time_range)
        return self.window_minutes * self.alert.evaluation_periods


def catalogue_path() -> Path:
    return queries_dir() / "alerts" / "catalogue.yaml"


@lru_cache(maxsize=1)
def allowed_durations() -> dict[str, tuple[str, ...]]:
    """The ISO 8601 values Azure accepts per scheduledQueryRules property, from queries/alerts/catalogue.schema.json
    (one list per fact): ``frequency``, ``window``, ``queryTimeRange``, ``muteActions``."""
    schema = json.loads((queries_dir() / "alerts" / "catalogue.schema.json").read_text(encoding="utf-8"))
    return {key: tuple(schema["definitions"][key]["enum"])
            for key in ("frequency", "window", "queryTimeRange", "muteActions")}


def smallest_allowed(kind: str, at_least_minutes: int) -> str:
    """The shortest ``kind`` duration Azure accepts that is at least ``at_least_minutes`` long."""
    fitting = [d for d in allowed_durations()[kind] if minutes(d) >= at_least_minutes]
    if not fitting:
        raise ValueError(f"no {kind} value Azure accepts holds {at_least_minutes} minutes "
                         f"(longest: {allowed_durations()[kind][-1]})")
    return min(fitting, key=minutes)


@lru_cache(maxsize=4)
def load_catalogue(path: Optional[Path] = None) -> tuple[Alert, ...]:
    doc = load_data_yaml((path or catalogue_path()).read_text(encoding="utf-8"))
    out: list[Alert] = []
    for entry in doc["alerts"]:
        if entry["kind"] == "activityLog":
            out.append(ActivityAlert(
                name=entry["name"], title=entry["title"], operation_name=entry["operationName"],
                category=entry["category"], scope=entry["scope"], action_group=entry["actionGroup"],
                description=entry["description"], first_action=entry["firstAction"]))
            continue
        periods = entry["failingPeriods"]
        if entry["kind"] == "metric":
            out.append(MetricAlert(
                name=entry["name"], title=entry["title"], metric_name=entry["metricName"],
                metric_namespace=entry["metricNamespace"], time_aggregation=entry["timeAggregation"],
                operator=entry["operator"], alert_sensitivity=entry["alertSensitivity"], scope=entry["scope"],
                stand_in=entry["standIn"], severity=int(entry["severity"]), frequency=entry["frequency"],
                window=entry["window"], evaluation_periods=int(periods["evaluationPeriods"]),
                min_failing=int(periods["minFailing"]), auto_mitigate=bool(entry["autoMitigate"]),
                action_group=entry["actionGroup"], description=entry["description"],
                first_action=entry["firstAction"]))
            continue
        out.append(LogAlert(
            name=entry["name"], title=entry["title"], query=entry["query"], lookback=entry["lookback"],
            severity=int(entry["severity"]), frequency=entry["frequency"], window=entry["window"],
            operator=entry["operator"], threshold=float(entry["threshold"]),
            evaluation_periods=int(periods["evaluationPeriods"]), min_failing=int(periods["minFailing"]),
            auto_mitigate=bool(entry["autoMitigate"]), dimensions=tuple(entry.get("dimensions") or ()),
            action_group=entry["actionGroup"], description=entry["description"],
            first_action=entry["firstAction"], mute_actions=entry.get("muteActions"),
            min_calls=entry.get("minCalls")))
    return tuple(out)


def minutes(duration: str) -> int:
    value = iso_duration_minutes(duration)
    if value is None:
        raise ValueError(f"{duration!r} is not an ISO 8601 duration like PT15M, PT1H or P1D")
    return value


def resolve(alert: LogAlert, thresholds: Thresholds) -> ResolvedLogAlert:
    if isinstance(alert.window, dict):
        # Hours from the stack's thresholds (1-24) -> the smallest windowSize Azure accepts that holds them:
        # 7-23 hours become P1D (Azure has no PT7H..PT23H); the query still reads exactly those hours.
        hours = int(getattr(thresholds, threshold_attr(alert.window["thresholdHours"])))
        window = smallest_allowed("window", hours * 60)
    else:
        window = alert.window
    window_minutes = minutes(window)
    span = window_minutes * alert.evaluation_periods   # the range Azure queries by default
    lookback = span
    override = smallest_allowed("queryTimeRange", lookback) if lookback > span else None
    return ResolvedLogAlert(alert=alert, window=window, lookback_minutes=lookback, query_time_range=override,
                            thresholds=thresholds)
