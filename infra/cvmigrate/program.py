"""The Pulumi program: one environment (stack) of the migration estate.

Configuration is parsed and validated completely before the first resource is registered: a typo
stops the run with every problem listed, and nothing is half-deployed.
"""
from __future__ import annotations

from typing import Any

import pulumi

from .artefacts import render
from .config import ConfigError, StackConfig, load_from_pulumi
from .redaction import redact
from .components.foundation import Foundation, FoundationArgs
from .components.legacy import LegacyContext
from .components.policy_assignments import build_azure_policy
from .components.workload import Workload, WorkloadArgs
from .components.monitoring import Monitoring, MonitoringArgs, legacy_account_refs
from .components.replacement_estate import ReplacementEstate


def load_config() -> StackConfig:
    cfg, issues = load_from_pulumi()
    for issue in issues:
        if issue.warning:
            pulumi.log.warn(redact(str(issue)))
    if cfg is None:
        # RunError is shown to the user without a Python traceback; config values it quotes (a webhook with a
        # token, a key pasted in the wrong field) are masked like every CLI message.
        raise pulumi.RunError(redact(ConfigError(issues).render()))
    return cfg


def build(cfg: StackConfig) -> dict[str, Any]:
    """Declare the whole environment; returns what the stack exports."""
    foundation = Foundation("foundation", FoundationArgs(config=cfg))
    legacy = LegacyContext(
        environment=cfg.environment,
        resource_group_name=foundation.resource_group_name,
        sink=foundation.sink,
        key_vault=foundation.key_vault,
        providers=foundation.providers,
        tags=cfg.tags,
    )
    artefacts = render(cfg)   # pure, computed once: the replacement refs and everything Monitoring deploys
    # Shared replacement pieces (AML workspace, AIServices account) are created once, before any workload.
    replacement = ReplacementEstate.create(cfg, refs=artefacts.refs, resource_group_name=foundation.resource_group_name,
                                           sink=foundation.sink)
    workloads = {w.name: Workload(w.name, WorkloadArgs(config=w, legacy=legacy, replacement=replacement))
                 for w in cfg.workloads}
    build_azure_policy(cfg, foundation.workspace_id)  # cvmigrate:azurePolicy (nothing unless enabled)
    # Workbook, alerts, action group and query pack, after every resource whose diagnostic setting they watch.
    monitoring = Monitoring("monitoring", MonitoringArgs(
        config=cfg, artefacts=artefacts, workspace_id=foundation.workspace_id, resource_group_name=foundation.resource_group_name,
        diagnosed=list(foundation.sink.diagnosed), providers=foundation.providers,
        legacy_accounts=legacy_account_refs(cfg, workloads)))

    return {
        "environment": cfg.environment,
        "retirementDate": cfg.retirement_date.isoformat(),
        "resourceGroupName": foundation.resource_group_name,
        "logAnalyticsWorkspaceId": foundation.workspace_id,
        "logAnalyticsCustomerId": foundation.workspace_customer_id,
        "archiveStorageAccountId": foundation.archive_id,
        "keyVaultName": foundation.key_vault.vault_name if foundation.key_vault else None,
        "workloads": {name: w.summary for name, w in workloads.items()},
        "workbookId": monitoring.workbook_id,
        "actionGroupId": monitoring.action_group_id,
        "alertRules": monitoring.rule_names,
    }


def main() -> None:
    cfg = load_config()
    for key, value in build(cfg).items():
        pulumi.export(key, value)
