"""Policy cvmigrate-alerts-enabled: alert rules are enabled, notify at least one action group and are
evaluated often enough."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from ..config.patterns import iso_duration_minutes
from .values import (
    ACTIVITY_LOG_ALERT, METRIC_ALERT, SCHEDULED_QUERY_RULE, STRING_LIST, UNKNOWN, Finding, PolicySpec, get,
)

ALERTS = PolicySpec(
    name="cvmigrate-alerts-enabled",
    description="Alert rules are enabled, notify at least one action group and are evaluated often enough.",
    schema={
        "maxEvaluationFrequencyMinutes": {"type": "integer", "minimum": 0,
                                          "description": "log alerts must run at least this often (0: not checked)"},
        "exemptRuleNames": {**STRING_LIST, "description": "rule names (the ARM name) that may stay silent"},
    },
    defaults={"maxEvaluationFrequencyMinutes": 60, "exemptRuleNames": []},
)


def _action_groups(resource_type: str, props: Mapping[str, Any]) -> Any:
    """Action group IDs of a rule (UNKNOWN entries kept): SQR actions.actionGroups[] (IDs),
    MetricAlert actions[].actionGroupId, ActivityLogAlert actions.actionGroups[].actionGroupId."""
    if resource_type == METRIC_ALERT:
        items, key = get(props, "actions"), "actionGroupId"
    else:
        items, key = get(props, "actions", "actionGroups"), ("actionGroupId" if resource_type == ACTIVITY_LOG_ALERT
                                                             else None)
    if items is UNKNOWN:
        return UNKNOWN
    if not isinstance(items, Sequence) or isinstance(items, str):
        return []
    return [get(items, i, key) if key else get(items, i) for i in range(len(items))]


def alert_rules(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                name: str = "") -> list[Finding]:
    if resource_type not in (SCHEDULED_QUERY_RULE, METRIC_ALERT, ACTIVITY_LOG_ALERT):
        return []
    cfg = ALERTS.config(config)
    rule_name = get(props, "ruleName")
    label = rule_name if isinstance(rule_name, str) else name
    if label in cfg["exemptRuleNames"] or name in cfg["exemptRuleNames"]:
        return []
    short = resource_type.rsplit(":", 1)[-1]
    findings: list[Finding] = []
    enabled = get(props, "enabled")
    # ActivityLogAlert defaults to enabled when omitted; the others must say so (MetricAlert requires it,
    # and a log alert whose state depends on an API default is one review away from silence).
    if enabled is None and resource_type == ACTIVITY_LOG_ALERT:
        enabled = True
    if enabled is UNKNOWN:
        findings.append(Finding(f"{short} '{label}': enabled is not known during preview.", unknown=True))
    elif enabled is not True:
        findings.append(Finding(f"{short} '{label}' is not enabled (enabled: {enabled!r}): a silent alert hides "
                                "the legacy traffic it watches. Fix: set enabled: true, or list the rule in "
                                "exemptRuleNames."))
    groups = _action_groups(resource_type, props)
    if groups is UNKNOWN or (isinstance(groups, list) and any(g is UNKNOWN for g in groups)
                             and not any(isinstance(g, str) and g for g in groups)):
        findings.append(Finding(f"{short} '{label}': action groups are not known during preview.", unknown=True))
    elif not any(isinstance(g, str) and g.strip() for g in groups or []):
        findings.append(Finding(f"{short} '{label}' notifies no action group: it fires into the void. Fix: add "
                                "the environment's action group to its actions."))
    limit = int(cfg["maxEvaluationFrequencyMinutes"] or 0)
    if limit and resource_type in (SCHEDULED_QUERY_RULE, METRIC_ALERT):
        freq = get(props, "evaluationFrequency")
        if freq is UNKNOWN:
            findings.append(Finding(f"{short} '{label}': evaluationFrequency is not known during preview.",
                                    unknown=True))
        elif isinstance(freq, str):
            minutes = iso_duration_minutes(freq)
            if minutes is None:
                findings.append(Finding(f"{short} '{label}': evaluationFrequency {freq!r} is not an ISO 8601 "
                                        "duration such as PT15M."))
            elif minutes > limit:
                findings.append(Finding(f"{short} '{label}' is evaluated every {minutes} minutes, more than the "
                                        f"allowed {limit}. Fix: evaluate it at least every {limit} minutes."))
    return findings
