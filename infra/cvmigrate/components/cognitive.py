"""Replacement Cognitive Services accounts: AIServices (Foundry), FormRecognizer (Document Intelligence)
and Face, all with the same secure defaults.

- Local (key) auth off unless a user opts out: callers use Entra ID tokens and the `access` roles; no key is
  read, stored or exported by the stack.
- Public network access Disabled unless configured: ARM would otherwise default it to Enabled, and a later
  run that omits it must not silently flip it back (so the value is always sent explicitly).
- A custom subdomain (= the account name): required for Entra ID auth and for network rules, and
  create-only, so it is derived from the name and never changes on its own.
- `kind` changes show as a replacement in preview (an account's kind cannot be updated in place), and a
  soft-deleted account of the same name is recovered with `restore: true` instead of failing with
  FlagMustBeSetForRestore.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import pulumi
from pulumi_azure_native import cognitiveservices

from .diagnostics import DiagnosticsSink, diagnostic_setting

# Diagnostic categories per kind (Azure Monitor supported logs for Microsoft.CognitiveServices/accounts).
# AzureOpenAIRequestUsage is emitted by model deployments, so only AIServices accounts enable it.
LOG_CATEGORIES = {
    "AIServices": ("Audit", "RequestResponse", "AzureOpenAIRequestUsage"),
    "FormRecognizer": ("Audit", "RequestResponse"),
    "Face": ("Audit", "RequestResponse"),
}


@dataclass
class CognitiveAccountSpec:
    """Required: name, kind, location, resource_group_name. Optional: the rest (secure defaults)."""
    name: str
    kind: str
    location: str
    resource_group_name: pulumi.Input[str]
    sku: str = "S0"
    public_network_access: str = "Disabled"
    disable_local_auth: bool = True
    restore: bool = False
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class CognitiveAccountHandle:
    resource: pulumi.CustomResource
    id: pulumi.Output[str]
    name: str
    endpoint: pulumi.Output[str]
    principal_id: pulumi.Output[str]
    diagnostics: pulumi.CustomResource


def cognitive_account(prefix: str, spec: CognitiveAccountSpec, sink: DiagnosticsSink, *,
                      parent: pulumi.Resource) -> CognitiveAccountHandle:
    properties = dict(
        custom_sub_domain_name=spec.name,
        disable_local_auth=spec.disable_local_auth,
        public_network_access=spec.public_network_access,
    )
    if spec.kind == "AIServices":
        # Foundry projects live under the account only when project management is on.
        properties["allow_project_management"] = True
    if spec.restore:
        properties["restore"] = True
    account = cognitiveservices.Account(
        prefix,
        account_name=spec.name,
        resource_group_name=spec.resource_group_name,
        location=spec.location,
        kind=spec.kind,
        sku=cognitiveservices.SkuArgs(name=spec.sku),
        identity=cognitiveservices.IdentityArgs(type=cognitiveservices.ResourceIdentityType.SYSTEM_ASSIGNED),
        properties=cognitiveservices.AccountPropertiesArgs(**properties),
        tags=spec.tags,
        opts=pulumi.ResourceOptions(parent=parent, replace_on_changes=["kind"], delete_before_replace=False,
                                    custom_timeouts=pulumi.CustomTimeouts(create="30m", update="30m")))
    diagnostics = diagnostic_setting(f"{prefix}-diagnostics", account.id, sink,
                                     categories=LOG_CATEGORIES[spec.kind], parent=parent, depends_on=[account])
    return CognitiveAccountHandle(
        resource=account, id=account.id, name=spec.name,
        endpoint=account.properties.apply(lambda p: p.endpoint if p else None),
        principal_id=account.identity.apply(lambda i: i.principal_id if i else None),
        diagnostics=diagnostics)


def account_scope_path(name: str) -> str:
    return f"Microsoft.CognitiveServices/accounts/{name}"


def outputs_of(handle: CognitiveAccountHandle) -> dict:
    """What a workload summary shows for an account (never a key)."""
    return {"id": handle.id, "name": handle.name, "endpoint": handle.endpoint}
