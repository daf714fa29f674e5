"""Per-environment foundation: resource group, Log Analytics, the optional archive storage account and
the Key Vault that holds legacy keys. Everything else in the stack sends its diagnostics here."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi_azure_native import authorization, keyvault, operationalinsights, resources, storage

from .. import naming
from ..config import StackConfig
from ..tags import ROLE_MONITORING, cvmigrate_tags
from .diagnostics import DiagnosticsSink, diagnostic_setting
from .providers import SubscriptionProviders


@dataclass
class FoundationArgs:
    """Required. The validated stack configuration."""
    config: StackConfig


@dataclass(frozen=True)
class KeyVaultTarget:
    """Where legacy keys are written: ARM control plane (no data-plane access needed to write)."""
    resource_group_name: pulumi.Input[str]
    vault_name: str
    vault_uri: pulumi.Input[str]


class Foundation(pulumi.ComponentResource):
    resource_group_name: pulumi.Output[str]
    workspace_id: pulumi.Output[str]
    workspace_customer_id: pulumi.Output[str]
    archive_id: Optional[pulumi.Output[str]]
    key_vault: Optional[KeyVaultTarget]
    sink: DiagnosticsSink

    def __init__(self, name: str, args: FoundationArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:index:Foundation", name, None, opts)
        cfg = args.config
        tags = cvmigrate_tags(cfg.environment, ROLE_MONITORING, extra=cfg.tags)
        child = pulumi.ResourceOptions(parent=self)
        # One explicit provider per foreign subscription, shared by everything in the environment.
        self.providers = SubscriptionProviders(parent=self)

        if cfg.resource_group.create:
            group = resources.ResourceGroup(
                "resource-group", resource_group_name=cfg.resource_group.name, location=cfg.location,
                tags=tags, opts=child)
            self.resource_group_name = group.name
        else:
            self.resource_group_name = pulumi.Output.from_input(cfg.resource_group.name)

        law = cfg.log_analytics
        if law.create:
            workspace = operationalinsights.Workspace(
                "log-analytics",
                workspace_name=law.name or f"law-cvmigrate-{cfg.environment}",
                resource_group_name=self.resource_group_name,
                location=cfg.location,
                retention_in_days=law.retention_in_days,
                sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
                tags=tags,
                opts=child,
            )
            self.workspace_id = workspace.id
            self.workspace_customer_id = workspace.customer_id
        else:
            self.workspace_id = pulumi.Output.from_input(str(law.existing_id))
            existing = operationalinsights.get_workspace_output(
                resource_group_name=law.existing_id.resource_group, workspace_name=law.existing_id.name,
                opts=pulumi.InvokeOutputOptions(
                    parent=self, provider=self.providers.for_subscription(law.existing_id.subscription_id)))
            self.workspace_customer_id = existing.customer_id

        self.archive_id = None
        if cfg.archive.create:
            archive = storage.StorageAccount(
                "archive",
                account_name=naming.archive_account_name(cfg),
                resource_group_name=self.resource_group_name,
                location=cfg.location,
                kind=storage.Kind.STORAGE_V2,
                sku=storage.SkuArgs(name=storage.SkuName.STANDARD_LRS),
                access_tier=storage.AccessTier.COOL,
                allow_blob_public_access=False,
                minimum_tls_version=storage.MinimumTlsVersion.TLS1_2,
                enable_https_traffic_only=True,
                tags=tags,
                opts=child,
            )
            self.archive_id = archive.id
        elif cfg.archive.existing_id is not None:
            self.archive_id = pulumi.Output.from_input(str(cfg.archive.existing_id))

        self.sink = DiagnosticsSink(workspace_id=self.workspace_id, storage_account_id=self.archive_id,
                                    setting_name=cfg.diagnostic_setting_name)

        self.key_vault = None
        if cfg.key_vault.enabled:
            vault_name = naming.stack_key_vault_name(cfg)
            if cfg.key_vault.create:
                client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=self))
                properties = dict(
                    tenant_id=client.tenant_id,
                    sku=keyvault.SkuArgs(family=keyvault.SkuFamily.A, name=keyvault.SkuName.STANDARD),
                    # RBAC, not access policies: the stack writes secrets through ARM; readers get
                    # "Key Vault Secrets User" explicitly.
                    enable_rbac_authorization=True,
                    enable_soft_delete=True,
                    soft_delete_retention_in_days=cfg.key_vault.soft_delete_retention_days,
                )
                if cfg.key_vault.purge_protection:
                    # Purge protection cannot be switched off once on; only ever send True.
                    properties["enable_purge_protection"] = True
                vault = keyvault.Vault(
                    "key-vault", vault_name=vault_name, resource_group_name=self.resource_group_name,
                    location=cfg.location, properties=keyvault.VaultPropertiesArgs(**properties),
                    tags=tags, opts=child)
                diagnostic_setting("key-vault-diagnostics", vault.id, self.sink, categories=(),
                                   category_groups=("audit",), parent=self)
                self.key_vault = KeyVaultTarget(self.resource_group_name, vault_name,
                                                vault.properties.vault_uri)
            else:
                existing_id = cfg.key_vault.existing_id
                self.key_vault = KeyVaultTarget(existing_id.resource_group, vault_name,
                                                f"https://{vault_name}.vault.azure.net/")

        self.register_outputs({
            "resourceGroupName": self.resource_group_name,
            "workspaceId": self.workspace_id,
            "workspaceCustomerId": self.workspace_customer_id,
            "archiveId": self.archive_id,
            "keyVaultName": self.key_vault.vault_name if self.key_vault else None,
        })
