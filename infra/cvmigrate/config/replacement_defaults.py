"""``cvmigrate:replacement``: the environment's shared replacement resources, one AML workspace and one
AIServices account that serve every workload unless a workload asks for its own.

    cvmigrate:replacement:
      automl: {workspaceName: mlw-cvmigrate-dev, publicNetworkAccess: Disabled, location: swedencentral}
      foundry: {accountName: ais-contoso-dev, publicNetworkAccess: Enabled, sku: S0}
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .patterns import AML_WORKSPACE_NAME, LOCATION, SUBDOMAIN_ACCOUNT_NAME
from .reader import Node

PUBLIC_NETWORK_ACCESS = ("Enabled", "Disabled")
ACCOUNT_SKUS = ("S0", "F0")


@dataclass(frozen=True)
class SharedWorkspaceConfig:
    name: Optional[str] = None
    public_network_access: str = "Disabled"
    location: Optional[str] = None


@dataclass(frozen=True)
class SharedAccountConfig:
    name: Optional[str] = None
    public_network_access: str = "Disabled"
    disable_local_auth: bool = True
    restore: bool = False
    location: Optional[str] = None
    sku: str = "S0"


@dataclass(frozen=True)
class ReplacementDefaults:
    """`cvmigrate:replacement`: the environment's shared AML workspace and AIServices account."""
    automl: SharedWorkspaceConfig = SharedWorkspaceConfig()
    foundry: SharedAccountConfig = SharedAccountConfig()


def parse_defaults(node: Node) -> ReplacementDefaults:
    if not node.is_object(example="{foundry: {publicNetworkAccess: Enabled}}"):
        return ReplacementDefaults()
    node.only_keys(["automl", "foundry"])
    automl = SharedWorkspaceConfig()
    a = node.get("automl")
    if a.is_object():
        a.only_keys(["workspaceName", "publicNetworkAccess", "location"])
        automl = SharedWorkspaceConfig(
            name=a.string("workspaceName", pattern=AML_WORKSPACE_NAME,
                          pattern_help="3-33 letters, digits, '-' and '_'", example="mlw-cvmigrate-dev"),
            public_network_access=a.choice("publicNetworkAccess", PUBLIC_NETWORK_ACCESS, default="Disabled"),
            location=a.string("location", pattern=LOCATION, example="swedencentral"))
    foundry = SharedAccountConfig()
    f = node.get("foundry")
    if f.is_object():
        f.only_keys(["accountName", "publicNetworkAccess", "disableLocalAuth", "restore", "location", "sku"])
        foundry = SharedAccountConfig(
            name=f.string("accountName", pattern=SUBDOMAIN_ACCOUNT_NAME,
                          pattern_help="2-64 lower-case letters, digits and dashes (it is also the custom subdomain)",
                          example="ais-cvmigrate-dev"),
            public_network_access=f.choice("publicNetworkAccess", PUBLIC_NETWORK_ACCESS, default="Disabled"),
            disable_local_auth=f.boolean("disableLocalAuth", default=True),
            restore=f.boolean("restore"),
            location=f.string("location", pattern=LOCATION, example="swedencentral"),
            sku=f.choice("sku", ACCOUNT_SKUS, default="S0"))
    return ReplacementDefaults(automl=automl, foundry=foundry)
