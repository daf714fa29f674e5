"""The one home of every text pattern the stack config and its consumers check.

Plain strings are full-match patterns for :meth:`reader.Node.string` (``pattern=``); compiled ones are used
directly. Rules for names are Microsoft's "Naming rules and restrictions for Azure resources"
(learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
"""
from __future__ import annotations

import re

# Azure region, short form (westeurope, swedencentral).
LOCATION = r"[a-z0-9]+"

# Cognitive Services account names. An existing (legacy) account may be named in any case (2-64 letters,
# digits and dashes, alphanumeric at both ends). An account the stack creates for a replacement target is
# also its custom subdomain, a DNS label, so it must be lower case.
COGNITIVE_ACCOUNT_NAME = r"[A-Za-z0-9][A-Za-z0-9-]{0,62}[A-Za-z0-9]"
SUBDOMAIN_ACCOUNT_NAME = r"[a-z0-9][a-z0-9-]{0,62}[a-z0-9]"

# cvmigrate's own identifiers.
WORKLOAD_NAME = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}[A-Za-z0-9]"
ENV_NAME = r"[a-z0-9](?:[a-z0-9-]{0,13}[a-z0-9])?"   # ends up inside resource names: no dash at either end

RESOURCE_GROUP_NAME = r"[-\w.()]{1,89}[-\w()]"
AML_WORKSPACE_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]{2,32}"

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# /subscriptions/<sub>/resourceGroups/<rg>/providers/<Namespace>/<type>/<name>[/<type>/<name>...]
ARM_ID = re.compile(
    r"/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)"
    r"/providers/(?P<ns>[^/]+)/(?P<rest>.+)",
    re.IGNORECASE,
)
# A policy or role assignment scope: a subscription or one of its resource groups.
SUBSCRIPTION_SCOPE = re.compile(
    r"/subscriptions/(?P<sub>[0-9a-fA-F-]{36})(?:/resourceGroups/(?P<rg>[-\w.()]{1,90}))?/?", re.IGNORECASE)

# ISO 8601 durations as ARM writes them: PT5M, PT1H, P1D, P1DT12H.
ISO_DURATION = re.compile(r"^P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?)?$", re.IGNORECASE)


def is_guid(value: str) -> bool:
    return bool(GUID.fullmatch(value or ""))


def iso_duration_minutes(value: object) -> int | None:
    """``PT5M`` -> 5, ``P1D`` -> 1440; None when ``value`` is not such a duration."""
    match = ISO_DURATION.match(value.strip()) if isinstance(value, str) else None
    if not match or not any(match.groupdict().values()):
        return None
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return parts["d"] * 1440 + parts["h"] * 60 + parts["m"]
