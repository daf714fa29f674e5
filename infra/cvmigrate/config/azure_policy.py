"""``cvmigrate:azurePolicy``: Azure Policy assignments the stack deploys for accounts it does not manage.

    cvmigrate:azurePolicy:
      enabled: true
      scope: /subscriptions/<id>                 # or /subscriptions/<id>/resourceGroups/<rg>
      effect: Audit                              # Audit | Deny | Disabled (legacy account kinds)
      location: westeurope                       # of the DINE assignment's identity; default azure-native:location
      diagnostics: {enabled: true, effect: DeployIfNotExists, categoryGroup: allLogs}
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .patterns import LOCATION, SUBSCRIPTION_SCOPE
from .reader import Node

EFFECTS = ("Audit", "Deny", "Disabled")
DIAGNOSTIC_EFFECTS = ("DeployIfNotExists", "AuditIfNotExists", "Disabled")
CATEGORY_GROUPS = ("allLogs", "audit")
_SCOPE_EXAMPLE = "/subscriptions/<subscription-id> or /subscriptions/<subscription-id>/resourceGroups/rg-cv"


@dataclass(frozen=True)
class AzurePolicyConfig:
    enabled: bool = False
    scope: str = ""
    subscription_id: str = ""
    effect: str = "Audit"
    location: Optional[str] = None
    diagnostics: bool = True
    diagnostics_effect: str = "DeployIfNotExists"
    category_group: str = "allLogs"


def parse_azure_policy(node: Node) -> AzurePolicyConfig:
    if not node.is_object(example="{enabled: true, scope: /subscriptions/<id>}"):
        return AzurePolicyConfig()
    node.only_keys(["enabled", "scope", "effect", "location", "diagnostics"])
    enabled = node.boolean("enabled", default=False)
    effect = node.choice("effect", EFFECTS, default="Audit") or "Audit"
    location = node.string("location", pattern=LOCATION, pattern_help="an Azure region name",
                           example="westeurope")
    scope = node.string("scope", required=enabled, example=_SCOPE_EXAMPLE)
    subscription = ""
    if scope:
        match = SUBSCRIPTION_SCOPE.fullmatch(scope)
        if not match:
            node.get("scope").error(f"'{scope}' is not a subscription or resource group ID.",
                                    f"use {_SCOPE_EXAMPLE}.")
            scope = ""
        else:
            subscription = match.group("sub")
            scope = scope.rstrip("/")
    diag = node.get("diagnostics")
    diag_on, diag_effect, group = True, "DeployIfNotExists", "allLogs"
    if isinstance(diag.value, bool) or isinstance(diag.value, str):
        diag_on = node.boolean("diagnostics", default=True)
    elif diag.is_object(example="{enabled: true, effect: DeployIfNotExists, categoryGroup: allLogs}"):
        diag.only_keys(["enabled", "effect", "categoryGroup"])
        diag_on = diag.boolean("enabled", default=True)
        diag_effect = diag.choice("effect", DIAGNOSTIC_EFFECTS, default="DeployIfNotExists") or diag_effect
        group = diag.choice("categoryGroup", CATEGORY_GROUPS, default="allLogs") or group
    return AzurePolicyConfig(enabled=enabled, scope=scope or "", subscription_id=subscription, effect=effect,
                             location=location, diagnostics=diag_on, diagnostics_effect=diag_effect,
                             category_group=group)
