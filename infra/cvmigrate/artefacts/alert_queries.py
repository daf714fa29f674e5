"""The query text of every log alert rule: its queries/<name>.kql, rendered once for the environment.

The bundled library queries (legacy_regression) go through :func:`cvmigrate.artefacts.queries_query`; the
alert-only templates (queries/alerts/alert_*.kql) use the same Jinja environment, includes and header rules,
plus parameters of their own: ``lookback_minutes`` (how far back the query reads: the rule's evaluation
range), ``window_minutes`` (the rule's windowSize: the period a multi-period query summarizes by) and
``min_calls``.
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Optional, Sequence

from ..config.model import StackConfig
from ..config.replacement_refs import ReplacementRef
from .params import build_params
from .queries import QUERY_NAMES, RenderedQuery, parse_header, render_query
from .catalogue import LogAlert, ResolvedLogAlert, load_catalogue, resolve


def render_alert_template(name: str, params: Mapping[str, Any]) -> str:
    """Render a library query (queries/<name>.kql) or an alert template (queries/alerts/<name>.kql)."""
    if name in QUERY_NAMES:
        return render_query(name, params)
    from .queries import template_environment
    from ..paths import queries_dir

    text = template_environment(str(queries_dir())).get_template(f"alerts/{name}.kql").render(**params)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def alert_params(cfg: StackConfig, resolved: ResolvedLogAlert,
                 refs: Optional[Sequence[ReplacementRef]] = None) -> dict[str, Any]:
    params = build_params(cfg, refs=refs, thresholds=resolved.thresholds)
    params["lookback_minutes"] = resolved.lookback_minutes
    params["window_minutes"] = resolved.window_minutes
    params["min_calls"] = resolved.alert.min_calls or 1
    return params


def stack_thresholds(cfg: StackConfig):
    return cfg.alerts.thresholds


def rule_queries(cfg: StackConfig, refs: Optional[Sequence[ReplacementRef]] = None
                 ) -> dict[str, tuple[ResolvedLogAlert, RenderedQuery]]:
    """Every log alert of the catalogue, keyed by alert name: its resolved numbers and rendered query."""
    thresholds = stack_thresholds(cfg)
    out: dict[str, tuple[ResolvedLogAlert, RenderedQuery]] = {}
    for alert in load_catalogue():
        if not isinstance(alert, LogAlert):
            continue
        resolved = resolve(alert, thresholds)
        text = render_alert_template(alert.query, alert_params(cfg, resolved, refs))
        out[alert.name] = (resolved, parse_header(alert.query, text))
    return out
