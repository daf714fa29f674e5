"""Diagnostic settings: one per resource, a stable name, to the workspace (and the archive when set).

A renamed setting that keeps its sink fails with "Data sink ... is already used in diagnostic setting
... for category ..." (Azure allows one setting per sink and category), so the name never changes
between runs and is configurable (`cvmigrate:diagnosticSettingName`) for estates where a policy
already created its own setting.

Every setting attached through :func:`diagnostic_setting` is recorded on the sink (``sink.diagnosed``), so
the deletion alert (Monitoring) covers exactly the resources that carry the stack's setting.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
from pulumi_azure_native import monitor

# What Microsoft's guidance asks for on Cognitive Services accounts.
COGNITIVE_LOG_CATEGORIES = ("Audit", "RequestResponse")
METRIC_CATEGORIES = ("AllMetrics",)


@dataclass(frozen=True)
class DiagnosedResource:
    """A resource that carries the stack's diagnostic setting. ``subscription_id`` is set when the resource
    lives in a subscription known from config (adopted legacy accounts); None means the stack's own."""
    target_id: pulumi.Input[str]
    subscription_id: Optional[str] = None
    resource_group: Optional[str] = None


@dataclass(frozen=True)
class DiagnosticsSink:
    workspace_id: pulumi.Input[str]
    storage_account_id: Optional[pulumi.Input[str]] = None
    setting_name: str = "cvmigrate"
    diagnosed: list[DiagnosedResource] = field(default_factory=list, compare=False, hash=False, repr=False)


def diagnostic_setting(
    resource_name: str,
    target_id: pulumi.Input[str],
    sink: DiagnosticsSink,
    *,
    categories: Sequence[str] = COGNITIVE_LOG_CATEGORIES,
    category_groups: Sequence[str] = (),
    metrics: Sequence[str] = METRIC_CATEGORIES,
    dedicated_tables: bool = False,
    parent: pulumi.Resource,
    depends_on: Optional[Sequence[pulumi.Resource]] = None,
    subscription_id: Optional[str] = None,
    resource_group: Optional[str] = None,
):
    """Attach one diagnostic setting to ``target_id`` and record it on ``sink.diagnosed``
    (``subscription_id``/``resource_group``: where the target lives when config names it).

    ``categories`` and ``category_groups`` are exclusive: Azure rejects a setting that enables a
    category group and one of its categories at once.
    """
    if categories and category_groups:
        raise ValueError(f"{resource_name}: pass categories or category_groups, never both")
    if len(set(categories)) != len(categories):
        raise ValueError(f"{resource_name}: duplicate log categories {list(categories)}")
    sink.diagnosed.append(DiagnosedResource(target_id, subscription_id, resource_group))
    logs = [monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in categories]
    logs += [monitor.DiagnosticsLogSettingsArgs(category_group=g, enabled=True) for g in category_groups]
    return monitor.DiagnosticSetting(
        resource_name,
        name=sink.setting_name,
        resource_uri=target_id,
        workspace_id=sink.workspace_id,
        storage_account_id=sink.storage_account_id,
        log_analytics_destination_type="Dedicated" if dedicated_tables else None,
        logs=logs,
        metrics=[monitor.DiagnosticsMetricSettingsArgs(category=m, enabled=True) for m in metrics],
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on or [])),
    )
