"""The environment's replacement side: shared pieces created once, and each workload's replacement.

Sharing decision (README "Replacement targets"): one AML workspace and one AIServices account per environment
serve every workload by default. A workspace costs nothing idle but carries its own storage, key vault and
Application Insights, and a Foundry account is where quota, networking and diagnostics are set: one of each
keeps an environment to one place to secure and watch. Attribution still works per workload (endpoint names,
deployment names, per-workload projects). A workload that needs isolation (its own network rules, its own
RBAC boundary, a different region for model availability) sets `dedicatedWorkspace` / `dedicatedAccount`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi

from ..config import StackConfig, WorkloadConfig
from ..config.replacement_refs import ReplacementRef
from .automl import AutoMLStack, AutoMLStackArgs, AutoMLWorkspace, shared_workspace_args
from .foundry import FoundryAccount, FoundryStack, FoundryStackArgs, shared_account_args
from .replacement_context import ReplacementContext
from .vision_services import VisionServicesArgs, VisionServicesStack


@dataclass
class ReplacementEstate:
    """Created once per environment by the program and handed to every Workload."""
    config: StackConfig
    context: ReplacementContext
    refs: tuple[ReplacementRef, ...] = ()
    workspace: Optional[AutoMLWorkspace] = None
    account: Optional[FoundryAccount] = None

    @classmethod
    def create(cls, cfg: StackConfig, *, refs: Sequence[ReplacementRef], resource_group_name: pulumi.Input[str],
               sink) -> "ReplacementEstate":
        """``refs``: the run's replacement refs (``Artefacts.refs``), which the workloads' summaries report."""
        ctx = ReplacementContext(
            environment=cfg.environment, location=cfg.location, resource_group_name=resource_group_name,
            resource_group=cfg.resource_group.name, sink=sink, names=cfg.names, tags=cfg.tags, defaults=cfg.replacement,
            key_vault_purge_protection=cfg.key_vault.purge_protection)
        estate = cls(config=cfg, context=ctx, refs=tuple(refs))
        replacements = [w.replacement for w in cfg.workloads if w.replacement is not None]
        # Shared resources exist only while some workload uses them: nothing idle is left behind.
        if any(r.automl and not r.automl.dedicated_workspace for r in replacements):
            estate.workspace = AutoMLWorkspace("replacement-automl", shared_workspace_args(ctx))
        # Content Understanding analyzers run on the shared AIServices account too (and use its diagnostics).
        if any((r.foundry and not r.foundry.dedicated_account) or r.content_understanding for r in replacements):
            estate.account = FoundryAccount("replacement-foundry", shared_account_args(ctx))
        return estate

    def add_workload(self, parent: pulumi.ComponentResource, w: WorkloadConfig) -> dict[str, Any]:
        """Declare ``w``'s replacement under ``parent``; returns its summary (IDs, endpoints, names)."""
        r = w.replacement
        if r is None or r.empty:
            return {}
        principals = w.access
        opts = pulumi.ResourceOptions(parent=parent)
        out: dict[str, Any] = {}
        if r.automl:
            stack = AutoMLStack(f"{w.name}-automl-replacement", AutoMLStackArgs(
                workload=w.name, config=r.automl, context=self.context, workspace=self.workspace,
                access=principals, wave=w.wave), opts)
            out["automl"] = stack.summary
        if r.foundry:
            stack = FoundryStack(f"{w.name}-foundry-replacement", FoundryStackArgs(
                workload=w.name, config=r.foundry, context=self.context, account=self.account,
                access=principals, wave=w.wave), opts)
            out["foundry"] = stack.summary
        if r.document_intelligence or r.face:
            stack = VisionServicesStack(f"{w.name}-vision-replacement", VisionServicesArgs(
                workload=w.name, context=self.context, document_intelligence=r.document_intelligence,
                face=r.face, access=principals, wave=w.wave), opts)
            out.update(stack.summary)
        return out

    def monitoring_names(self, workload: str) -> list[dict[str, Any]]:
        """The names the KQL library attributes this workload's replacement traffic by (the run's refs)."""
        return [{"target": ref.target, "name": ref.name, "deployments": list(ref.deployments)}
                for ref in self.refs if ref.workload == workload]
