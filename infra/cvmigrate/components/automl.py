"""Azure ML AutoML replacement: a workspace (shared per environment by default) with its own storage
account, key vault and workspace-based Application Insights; per workload an AmlCompute cluster that
scales to zero and a managed online endpoint (with no deployment: one is added once a model exists).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi
from pulumi_azure_native import applicationinsights, authorization, keyvault, machinelearningservices as ml, storage

from .. import naming
from ..config.principals import AccessPrincipal
from ..config.replacement import AutoMLConfig, endpoint_name
from .diagnostics import diagnostic_setting
from .replacement_context import ReplacementContext, SharedGrants

# Workspace logs that show what AutoML costs and does: cluster scale events, node events, jobs and runs
# (Azure Monitor supported logs for Microsoft.MachineLearningServices/workspaces; resource-specific tables).
WORKSPACE_LOG_CATEGORIES = ("AmlComputeClusterEvent", "AmlComputeClusterNodeEvent", "AmlComputeJobEvent",
                            "AmlRunStatusChangedEvent")
# Managed online endpoint logs (Microsoft.MachineLearningServices/workspaces/onlineEndpoints).
ENDPOINT_LOG_CATEGORIES = ("AmlOnlineEndpointTrafficLog", "AmlOnlineEndpointConsoleLog", "AmlOnlineEndpointEventLog")
WORKSPACE_SKU = "Basic"


def workspace_scope_path(name: str) -> str:
    return f"Microsoft.MachineLearningServices/workspaces/{name}"


@dataclass
class AutoMLWorkspaceArgs:
    """Required: context. Optional: scope (a workload name for a dedicated workspace; None = shared),
    name, public_network_access (secure default Disabled), location, wave."""
    context: ReplacementContext
    scope: Optional[str] = None
    name: Optional[str] = None
    public_network_access: str = "Disabled"
    location: Optional[str] = None
    wave: Optional[int] = None


class AutoMLWorkspace(pulumi.ComponentResource):
    id: pulumi.Output[str]
    workspace_name: str

    def __init__(self, name: str, args: AutoMLWorkspaceArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:replacement:AutoMLWorkspace", name, None, opts)
        ctx = args.context
        scope = naming.slug(args.scope) if args.scope else "shared"
        location = args.location or ctx.location
        tags = ctx.tags_for(args.scope, args.wave)
        child = pulumi.ResourceOptions(parent=self)
        self.workspace_name = args.name or naming.aml_workspace_name(ctx.names, args.scope)
        self.location = location
        self.resource_group_name = ctx.resource_group_name
        self.public_network_access = args.public_network_access

        store = storage.StorageAccount(
            f"{name}-storage",
            account_name=naming.storage_account_name(ctx.names, f"aml-{scope}"),
            resource_group_name=ctx.resource_group_name, location=location,
            kind=storage.Kind.STORAGE_V2, sku=storage.SkuArgs(name=storage.SkuName.STANDARD_LRS),
            allow_blob_public_access=False, minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
            enable_https_traffic_only=True, tags=tags, opts=child)
        diagnostic_setting(f"{name}-storage-diagnostics", pulumi.Output.concat(store.id, "/blobServices/default"),
                           ctx.sink, categories=(), category_groups=("audit",), metrics=("Transaction",),
                           parent=self, depends_on=[store])

        client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
        vault_props = dict(
            tenant_id=client.tenant_id,
            sku=keyvault.SkuArgs(family=keyvault.SkuFamily.A, name=keyvault.SkuName.STANDARD),
            enable_rbac_authorization=True, enable_soft_delete=True, soft_delete_retention_in_days=90)
        if ctx.key_vault_purge_protection:
            vault_props["enable_purge_protection"] = True  # can never be switched off: only ever send True
        vault = keyvault.Vault(
            f"{name}-key-vault",
            vault_name=naming.key_vault_name(ctx.names, f"aml-{scope}"),
            resource_group_name=ctx.resource_group_name, location=location,
            properties=keyvault.VaultPropertiesArgs(**vault_props), tags=tags, opts=child)
        diagnostic_setting(f"{name}-key-vault-diagnostics", vault.id, ctx.sink, categories=(),
                           category_groups=("audit",), parent=self, depends_on=[vault])

        # Workspace-based: its telemetry lands in the environment's Log Analytics workspace, so it needs no
        # diagnostic setting of its own (one would only duplicate the rows).
        insights = applicationinsights.Component(
            f"{name}-app-insights",
            resource_name_=f"appi-{self.workspace_name}",
            resource_group_name=ctx.resource_group_name, location=location,
            kind="web", application_type=applicationinsights.ApplicationType.WEB,
            workspace_resource_id=ctx.sink.workspace_id,
            ingestion_mode=applicationinsights.IngestionMode.LOG_ANALYTICS,
            disable_local_auth=True, tags=tags, opts=child)

        workspace = ml.Workspace(
            f"{name}-workspace",
            workspace_name=self.workspace_name,
            resource_group_name=ctx.resource_group_name, location=location,
            kind="Default", sku=ml.SkuArgs(name=WORKSPACE_SKU, tier=WORKSPACE_SKU),
            identity=ml.ManagedServiceIdentityArgs(type=ml.ManagedServiceIdentityType.SYSTEM_ASSIGNED),
            storage_account=store.id, key_vault=vault.id, application_insights=insights.id,
            public_network_access=args.public_network_access,
            friendly_name=self.workspace_name,
            description=("cvmigrate AutoML replacement, shared by the environment's workloads" if args.scope is None
                         else f"cvmigrate AutoML replacement for workload {args.scope}"),
            tags=tags,
            # Storage, key vault and Application Insights cannot be swapped on an existing workspace.
            opts=pulumi.ResourceOptions(parent=self, replace_on_changes=["storageAccount", "keyVault"]))
        diagnostic_setting(f"{name}-workspace-diagnostics", workspace.id, ctx.sink,
                           categories=WORKSPACE_LOG_CATEGORIES, dedicated_tables=True, parent=self,
                           depends_on=[workspace])
        self.workspace = workspace
        self.id = workspace.id
        self.principal_id = workspace.identity.apply(lambda i: i.principal_id if i else None)
        self.storage_account_id = store.id
        self.key_vault_id = vault.id
        self.app_insights_id = insights.id
        self.grants = SharedGrants(self, f"{name}-access", workspace.id, workspace_scope_path(self.workspace_name),
                                   ctx.resource_group, depends_on=[workspace])
        self.register_outputs({
            "id": self.id, "name": self.workspace_name, "storageAccountId": store.id, "keyVaultId": vault.id,
            "appInsightsId": insights.id,
        })


@dataclass
class AutoMLStackArgs:
    """Required: workload, config, context. Optional: workspace (the environment's shared one; a workload with
    `dedicatedWorkspace: true` creates its own), access principals, wave."""
    workload: str
    config: AutoMLConfig
    context: ReplacementContext
    workspace: Optional[AutoMLWorkspace] = None
    access: Sequence[AccessPrincipal] = ()
    wave: Optional[int] = None


class AutoMLStack(pulumi.ComponentResource):
    summary: dict[str, Any]

    def __init__(self, name: str, args: AutoMLStackArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:replacement:AutoMLStack", name, None, opts)
        cfg, ctx, w = args.config, args.context, args.workload
        if cfg.dedicated_workspace:
            workspace = AutoMLWorkspace(f"{w}-automl", AutoMLWorkspaceArgs(
                context=ctx, scope=w, public_network_access=cfg.public_network_access or "Disabled",
                location=cfg.location, wave=args.wave), pulumi.ResourceOptions(parent=self))
        elif args.workspace is None:
            raise ValueError(f"{cfg.config_path}: workload '{w}' uses the shared AML workspace, "
                             "but none was passed to AutoMLStack")
        else:
            workspace = args.workspace
        self.workspace = workspace
        tags = ctx.tags_for(w, args.wave)

        compute_name = naming.aml_compute_name(ctx.names, w)
        compute = ml.Compute(
            f"{w}-automl-compute",
            compute_name=compute_name,
            workspace_name=workspace.workspace_name,
            resource_group_name=workspace.resource_group_name,
            location=workspace.location,
            properties=ml.AmlComputeArgs(
                compute_type="AmlCompute",
                disable_local_auth=True,
                description=f"AutoML training for workload {w}",
                properties=ml.AmlComputePropertiesArgs(
                    vm_size=cfg.compute_sku,
                    vm_priority=cfg.vm_priority,
                    os_type="Linux",
                    remote_login_port_public_access="Disabled",
                    scale_settings=ml.ScaleSettingsArgs(
                        min_node_count=cfg.min_nodes, max_node_count=cfg.max_nodes,
                        node_idle_time_before_scale_down=f"PT{cfg.idle_seconds}S"))),
            tags=tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[workspace.workspace]))

        ep_name = endpoint_name(cfg, w, ctx.names)
        endpoint = ml.OnlineEndpoint(
            f"{w}-automl-endpoint",
            endpoint_name=ep_name,
            workspace_name=workspace.workspace_name,
            resource_group_name=workspace.resource_group_name,
            location=workspace.location,
            kind="Managed",
            identity=ml.ManagedServiceIdentityArgs(type=ml.ManagedServiceIdentityType.SYSTEM_ASSIGNED),
            properties=ml.OnlineEndpointPropertiesArgs(
                auth_mode=cfg.endpoint.arm_auth_mode,
                public_network_access=workspace.public_network_access,
                description=f"cvmigrate AutoML replacement for workload {w}"),
            tags=tags,
            # Traffic belongs to the model deployments added later (az ml online-deployment); the stack
            # must not reset it to nothing on the next run.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[workspace.workspace],
                                        ignore_changes=["properties.traffic", "properties.mirrorTraffic"]))
        diagnostic_setting(f"{w}-automl-endpoint-diagnostics", endpoint.id, ctx.sink,
                           categories=ENDPOINT_LOG_CATEGORIES, dedicated_tables=True, parent=self,
                           depends_on=[endpoint])

        workspace.grants.grant(args.access, ["AzureML Data Scientist"])

        self.summary = {
            "workspaceId": workspace.id,
            "workspaceName": workspace.workspace_name,
            "sharedWorkspace": not cfg.dedicated_workspace,
            "computeName": compute_name,
            "computeId": compute.id,
            "computeSku": cfg.compute_sku,
            "endpointId": endpoint.id,
            "endpointName": ep_name,
            "authMode": cfg.endpoint.arm_auth_mode,
            "scoringUri": endpoint.properties.apply(lambda p: getattr(p, "scoring_uri", None) if p else None),
        }
        self.register_outputs({"summary": self.summary})


def shared_workspace_args(ctx: ReplacementContext) -> AutoMLWorkspaceArgs:
    shared = ctx.defaults.automl
    return AutoMLWorkspaceArgs(context=ctx, name=shared.name, public_network_access=shared.public_network_access,
                               location=shared.location)
