"""Every alert rule of a stack as files anyone can replay (`cvmigrate render`): ``alerts/<name>.kql`` (the
query text each log alert rule sends) and one ``alerts.json`` index with every rule's settings (log, metric
and activity log alerts; metric rules use dynamic thresholds Azure learns, so they have no query file)."""
from __future__ import annotations

from typing import Any

from .bundle import Artefacts

LOG_TIME_AGGREGATION = "Count"   # what the Monitoring component deploys for every log alert criterion


def alert_index(artefacts: Artefacts) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """(``{"<name>.kql": query text}`` for the log rules, the alerts.json entries for every rule)."""
    files: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    for name, rule in artefacts.alert_rules.items():
        resolved, alert = rule.resolved, rule.resolved.alert
        files[f"{name}.kql"] = rule.query.text
        entries.append({
            "name": name, "kind": "log", "severity": alert.severity, "windowSize": resolved.window,
            "evaluationFrequency": alert.frequency, "queryTimeRange": resolved.query_time_range,
            "timeAggregation": LOG_TIME_AGGREGATION, "operator": alert.operator, "threshold": alert.threshold,
            "failingPeriods": {"numberOfEvaluationPeriods": alert.evaluation_periods,
                               "minFailingPeriodsToAlert": alert.min_failing},
            "dimensions": list(alert.dimensions), "query": f"alerts/{name}.kql"})
    for metric in artefacts.metric_alerts:
        entries.append({
            "name": metric.name, "kind": "metric", "severity": metric.severity, "windowSize": metric.window,
            "evaluationFrequency": metric.frequency, "timeAggregation": metric.time_aggregation,
            "operator": metric.operator, "threshold": None, "criterionType": "DynamicThresholdCriterion",
            "alertSensitivity": metric.alert_sensitivity, "metricName": metric.metric_name,
            "metricNamespace": metric.metric_namespace, "scope": metric.scope,
            "failingPeriods": {"numberOfEvaluationPeriods": metric.evaluation_periods,
                               "minFailingPeriodsToAlert": metric.min_failing},
            "dimensions": [], "query": None})
    for activity in artefacts.activity_alerts:
        entries.append({"name": activity.name, "kind": "activityLog", "severity": None,
                        "operationName": activity.operation_name, "category": activity.category,
                        "scope": activity.scope, "query": None})
    return files, entries
