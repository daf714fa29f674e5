"""The query text of every log alert rule: its queries/<name>.kql, rendered once for the environment.

The bundled library queries (legacy_regression) and the alert-only templates (queries/alerts/alert_*.kql)
render through the same :func:`cvmigrate.artefacts.queries.render_template`, with the stack's render
parameters plus three of the rule's own: ``lookback_minutes`` (how far back the query reads: the rule's
evaluation range), ``window_minutes`` (the rule's windowSize: the period a multi-period query summarizes by)
and ``min_calls``. The stack's parameters are built once, whatever the number of alerts.
"""
from __future__ import annotations

from typing import Any, Mapping, NamedTuple

from ..config.alerts import Thresholds
from .catalogue import LogAlert, ResolvedLogAlert, load_catalogue, resolve
from .params import thresholds_dict
from .queries import QUERY_NAMES, RenderedQuery, parse_header, render_query, render_template


class AlertRule(NamedTuple):
    """A log alert rule as deployed: the catalogue entry resolved for the stack (window, query time range,
    evaluation settings, thresholds) and its rendered query."""
    resolved: ResolvedLogAlert
    query: RenderedQuery


def render_alert_template(name: str, params: Mapping[str, Any]) -> str:
    """Render a library query (queries/<name>.kql) or an alert template (queries/alerts/<name>.kql)."""
    if name in QUERY_NAMES:
        return render_query(name, params)
    return render_template(f"alerts/{name}.kql", params)


def alert_params(params: Mapping[str, Any], resolved: ResolvedLogAlert) -> dict[str, Any]:
    """The stack's render ``params`` with the rule's own: its resolved thresholds, lookback, window, min calls."""
    return {**params, "thresholds": thresholds_dict(resolved.thresholds),
            "lookback_minutes": resolved.lookback_minutes, "window_minutes": resolved.window_minutes,
            "min_calls": resolved.alert.min_calls or 1}


def alert_rules(params: Mapping[str, Any], thresholds: Thresholds) -> dict[str, AlertRule]:
    """Every log alert of the catalogue, keyed by alert name, resolved against ``thresholds`` (the stack's)
    and rendered with ``params`` (the stack's render parameters, built once by the caller)."""
    out: dict[str, AlertRule] = {}
    for alert in load_catalogue():
        if not isinstance(alert, LogAlert):
            continue
        resolved = resolve(alert, thresholds)
        text = render_alert_template(alert.query, alert_params(params, resolved))
        out[alert.name] = AlertRule(resolved, parse_header(alert.query, text))
    return out
