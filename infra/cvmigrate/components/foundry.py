"""Azure AI Foundry replacement: an AIServices account (shared per environment by default), and per workload
a Foundry project and its model deployments.

Deployments on one account are created strictly one after another: ARM answers 409 RequestConflict
("Another operation is being performed on the parent resource") to concurrent writes under one account.
The chain runs across every workload sharing the account (project, then its deployments, then the next
workload's project...), through `FoundryAccount.last`, in config order, so it is the same on every run.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
from pulumi_azure_native import cognitiveservices

from ..config.principals import AccessPrincipal
from ..config.replacement import KIND_AISERVICES, FoundryConfig, foundry_account_name, shared_foundry_account_name
from .cognitive import CognitiveAccountSpec, account_scope_path, cognitive_account
from .diagnostics import diagnostic_setting
from .replacement_context import ReplacementContext, SharedGrants
from . import access

# Microsoft.CognitiveServices/accounts/projects emits Audit and Trace (Azure Monitor supported logs).
PROJECT_LOG_CATEGORIES = ("Audit", "Trace")
DEPLOYMENT_TIMEOUTS = pulumi.CustomTimeouts(create="30m", update="30m", delete="30m")


@dataclass
class FoundryAccountArgs:
    """Required: name, context. Optional: the account settings (secure defaults), workload (dedicated)."""
    name: str
    context: ReplacementContext
    location: Optional[str] = None
    sku: str = "S0"
    public_network_access: str = "Disabled"
    disable_local_auth: bool = True
    restore: bool = False
    workload: Optional[str] = None
    wave: Optional[int] = None


class FoundryAccount(pulumi.ComponentResource):
    """An AIServices account with project management on, and its diagnostic setting."""

    id: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    account_name: str
    last: pulumi.Resource  # the latest write on this account; the next one depends on it

    def __init__(self, name: str, args: FoundryAccountArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:replacement:FoundryAccount", name, None, opts)
        ctx = args.context
        handle = cognitive_account(f"{name}-account", CognitiveAccountSpec(
            name=args.name, kind=KIND_AISERVICES, location=args.location or ctx.location,
            resource_group_name=ctx.resource_group_name, sku=args.sku,
            public_network_access=args.public_network_access, disable_local_auth=args.disable_local_auth,
            restore=args.restore, tags=ctx.tags_for(args.workload, args.wave)), ctx.sink, parent=self)
        self.account = handle.resource
        self.id = handle.id
        self.endpoint = handle.endpoint
        self.account_name = args.name
        self.location = args.location or ctx.location
        self.resource_group_name = ctx.resource_group_name
        self.last = handle.resource
        self.grants = SharedGrants(self, f"{name}-access", handle.id, account_scope_path(args.name),
                                   ctx.resource_group, depends_on=[handle.resource])
        self.register_outputs({"id": self.id, "name": self.account_name, "endpoint": self.endpoint})


@dataclass
class FoundryStackArgs:
    """Required: workload, config, context. Optional: account (the environment's shared account; a workload
    with `dedicatedAccount: true` creates its own), access principals, wave."""
    workload: str
    config: FoundryConfig
    context: ReplacementContext
    account: Optional[FoundryAccount] = None
    access: Sequence[AccessPrincipal] = ()
    wave: Optional[int] = None


class FoundryStack(pulumi.ComponentResource):
    summary: dict[str, Any]

    def __init__(self, name: str, args: FoundryStackArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:replacement:FoundryStack", name, None, opts)
        cfg, ctx, w = args.config, args.context, args.workload
        if cfg.dedicated_account:
            account = FoundryAccount(f"{w}-foundry", FoundryAccountArgs(
                name=foundry_account_name(cfg, w, ctx.names, ctx.defaults), context=ctx,
                location=cfg.location, public_network_access=cfg.public_network_access or "Disabled",
                disable_local_auth=cfg.disable_local_auth, restore=cfg.restore, workload=w, wave=args.wave),
                pulumi.ResourceOptions(parent=self))
        elif args.account is None:
            raise ValueError(f"{cfg.config_path}: workload '{w}' uses the shared AIServices account, "
                             "but none was passed to FoundryStack")
        else:
            account = args.account
        self.account = account
        tags = ctx.tags_for(w, args.wave)

        project = cognitiveservices.Project(
            f"{w}-foundry-project",
            account_name=account.account_name,
            resource_group_name=account.resource_group_name,
            project_name=cfg.project_name,
            location=account.location,
            identity=cognitiveservices.IdentityArgs(type=cognitiveservices.ResourceIdentityType.SYSTEM_ASSIGNED),
            properties=cognitiveservices.ProjectPropertiesArgs(
                display_name=cfg.project_name, description=f"cvmigrate replacement for workload {w}"),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[account.last], custom_timeouts=DEPLOYMENT_TIMEOUTS))
        diagnostic_setting(f"{w}-foundry-project-diagnostics", project.id, ctx.sink,
                           categories=PROJECT_LOG_CATEGORIES, metrics=(), parent=self, depends_on=[project])

        previous: pulumi.Resource = project
        self.deployments = []
        for d in cfg.deployments:
            deployment = cognitiveservices.Deployment(
                f"{w}-deployment-{d.name}",
                account_name=account.account_name,
                resource_group_name=account.resource_group_name,
                deployment_name=d.name,
                sku=cognitiveservices.SkuArgs(name=d.sku, capacity=d.capacity),
                properties=cognitiveservices.DeploymentPropertiesArgs(
                    model=cognitiveservices.DeploymentModelArgs(format=d.format, name=d.model, version=d.version)),
                tags=tags,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[previous], custom_timeouts=DEPLOYMENT_TIMEOUTS))
            self.deployments.append(deployment)
            previous = deployment
        account.last = previous

        # Inference runs against the account's deployments, so callers need Cognitive Services User on the
        # account; project work (agents, evaluations) needs Azure AI Developer on the workload's project.
        account.grants.grant(args.access, ["Cognitive Services User"])
        access.grant(f"{w}-foundry-project-access", scope_id=project.id,
                     scope_path=f"{account_scope_path(account.account_name)}/projects/{cfg.project_name}",
                     resource_group=ctx.resource_group, principals=args.access, roles=["Azure AI Developer"],
                     parent=self, depends_on=[project])

        self.summary = {
            "accountId": account.id,
            "accountName": account.account_name,
            "sharedAccount": not cfg.dedicated_account,
            "endpoint": account.endpoint,
            "projectId": project.id,
            "projectName": cfg.project_name,
            "projectEndpoints": project.properties.apply(lambda p: dict(p.endpoints or {}) if p else {}),
            "deployments": [d.name for d in cfg.deployments],
        }
        self.register_outputs({"summary": self.summary})


def shared_account_args(ctx: ReplacementContext) -> FoundryAccountArgs:
    shared = ctx.defaults.foundry
    return FoundryAccountArgs(
        name=shared_foundry_account_name(ctx.names, ctx.defaults), context=ctx, location=shared.location,
        sku=shared.sku, public_network_access=shared.public_network_access,
        disable_local_auth=shared.disable_local_auth, restore=shared.restore)
