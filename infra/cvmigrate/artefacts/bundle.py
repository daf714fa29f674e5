"""Everything a stack renders, computed once per run: :func:`render` (``cvmigrate.artefacts.render``).

`cvmigrate render` writes it, the Pulumi program deploys it (the Monitoring component takes an
:class:`Artefacts`), `cvmigrate status` runs its queries: the three consume one value, so the workbook the
CLI writes and the workbook the stack deploys are equal by construction. The replacement refs and the render
parameters are built once here, whatever the number of queries and alert rules, and handed down: every other
consumer of the refs (the replacement estate, the checklist, the cutover report, the ADX export) takes
``Artefacts.refs``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from ..compare.evidence import evidence_rows
from ..config.stack_config import StackConfig
from ..config.replacement_refs import ReplacementRef, replacement_refs
from .alert_queries import AlertRule, alert_rules
from .catalogue import ActivityAlert, MetricAlert, load_catalogue
from .params import build_params, load_error_classes
from .queries import RenderedQuery, render_queries
from .workbook import render_workbook_json


@dataclass(frozen=True)
class Artefacts:
    """The stack's rendered artefacts.

    ``queries``: the KQL library (queries/*.kql) by name; ``alert_rules``: every log alert rule of the
    catalogue with its query text and evaluation settings; ``activity_alerts``: the catalogue's activity log
    alerts; ``metric_alerts``: its dynamic-threshold metric alerts (one rule per dual-run legacy account);
    ``workbook_json``: the Notebook/1.0 workbook (canonical JSON); ``params``: the render parameters all of them
    were rendered with; ``refs``: the replacement refs (what replacement traffic is attributed by) they used."""
    params: Mapping[str, Any]
    queries: Mapping[str, RenderedQuery]
    alert_rules: Mapping[str, AlertRule]
    activity_alerts: tuple[ActivityAlert, ...]
    workbook_json: str
    metric_alerts: tuple[MetricAlert, ...] = ()
    refs: tuple[ReplacementRef, ...] = ()

    @property
    def query_pack(self) -> tuple[RenderedQuery, ...]:
        """The queries the workspace's query pack holds: the Log Analytics ones (Resource Graph queries such
        as inventory do not run in a workspace)."""
        return tuple(q for q in self.queries.values() if q.source == "logs")


def render(cfg: StackConfig, *, refs: Optional[Sequence[ReplacementRef]] = None,
           error_classes_path: Optional[Path] = None, evidence_base: Optional[Path] = None) -> Artefacts:
    """Render every artefact of ``cfg``. ``refs``: replacement refs (default: the stack's own);
    ``error_classes_path``: a user file merged over queries/error_classes.yaml (raises
    :class:`cvmigrate.errors.ErrorClassesError` when it is invalid); ``evidence_base``: the folder the
    workloads' evidence paths (``evidence.*``, ``cutover.evidence``) are relative to (the stack file's; default
    the working folder: the project folder under Pulumi)."""
    refs = tuple(replacement_refs(cfg) if refs is None else refs)
    thresholds = cfg.alerts.thresholds
    params = build_params(cfg, refs=refs, error_classes=load_error_classes(error_classes_path),
                          thresholds=thresholds, evidence_base=evidence_base)
    queries = render_queries(params)
    return Artefacts(
        params=params,
        queries=queries,
        alert_rules=alert_rules(params, thresholds),
        activity_alerts=tuple(a for a in load_catalogue() if isinstance(a, ActivityAlert)),
        workbook_json=render_workbook_json(cfg, queries, params,
                                           evidence_rows(cfg, evidence_base or Path.cwd())),
        metric_alerts=tuple(a for a in load_catalogue() if isinstance(a, MetricAlert)),
        refs=refs,
    )
