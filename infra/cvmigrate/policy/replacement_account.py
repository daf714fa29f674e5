"""Policy cvmigrate-replacement-account-hardening: replacement accounts disable key auth, have a managed
identity and a custom subdomain, and set public network access as configured."""
from __future__ import annotations

import re
from typing import Any, Mapping

from ..tags import ROLE_REPLACEMENT, TAG_ROLE
from .values import ACCOUNT, UNKNOWN, Finding, PolicySpec, get

REPLACEMENT = PolicySpec(
    name="cvmigrate-replacement-account-hardening",
    description="Replacement accounts (tag cvmigrate-role=replacement) disable local (key) auth, have a "
                "managed identity and a custom subdomain, and set public network access as configured.",
    schema={
        "publicNetworkAccess": {"type": "string", "enum": ["Enabled", "Disabled", "Any"],
                                "description": "required value of properties.publicNetworkAccess; Any: not checked"},
        "requireManagedIdentity": {"type": "boolean"},
    },
    defaults={"publicNetworkAccess": "Any", "requireManagedIdentity": True},
)


def replacement_account(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                        name: str = "") -> list[Finding]:
    """Only accounts tagged as replacements: forcing disableLocalAuth on *legacy* accounts would break
    key-based Training-Key/Prediction-Key clients (anchors-and-pitfalls §4.3)."""
    if resource_type != ACCOUNT:
        return []
    cfg = REPLACEMENT.config(config)
    role = get(props, "tags", TAG_ROLE)
    label = get(props, "accountName")
    label = label if isinstance(label, str) else name
    if role is UNKNOWN:
        return [Finding(f"account '{label}': tag {TAG_ROLE} is not known during preview.", unknown=True)]
    if role != ROLE_REPLACEMENT:
        return []
    findings: list[Finding] = []
    local = get(props, "properties", "disableLocalAuth")
    if local is UNKNOWN:
        findings.append(Finding(f"replacement account '{label}': disableLocalAuth is not known during preview.",
                                unknown=True))
    elif local is not True:
        findings.append(Finding(f"replacement account '{label}' allows key (local) authentication. Fix: set "
                                "properties.disableLocalAuth: true and call it with Entra ID (managed identity)."))
    if cfg["requireManagedIdentity"]:
        identity = get(props, "identity", "type")
        if identity is UNKNOWN:
            findings.append(Finding(f"replacement account '{label}': identity is not known during preview.",
                                    unknown=True))
        elif not isinstance(identity, str) or not re.search(r"(system|user)assigned", identity, re.I):
            findings.append(Finding(f"replacement account '{label}' has no managed identity. Fix: set "
                                    "identity.type: SystemAssigned (or UserAssigned)."))
    subdomain = get(props, "properties", "customSubDomainName")
    if subdomain is UNKNOWN:
        findings.append(Finding(f"replacement account '{label}': customSubDomainName is not known during preview.",
                                unknown=True))
    elif not isinstance(subdomain, str) or not subdomain.strip():
        findings.append(Finding(f"replacement account '{label}' has no custom subdomain: Entra ID token auth "
                                "needs one. Fix: set properties.customSubDomainName."))
    wanted = cfg["publicNetworkAccess"]
    if wanted != "Any":
        public = get(props, "properties", "publicNetworkAccess")
        if public is UNKNOWN:
            findings.append(Finding(f"replacement account '{label}': publicNetworkAccess is not known during "
                                    "preview.", unknown=True))
        elif not isinstance(public, str) or public.lower() != wanted.lower():
            findings.append(Finding(f"replacement account '{label}': publicNetworkAccess is {public!r}, the "
                                    f"policy requires '{wanted}'. Fix: set properties.publicNetworkAccess "
                                    "explicitly (an unset value silently means Enabled)."))
    return findings
