"""Policy cvmigrate-required-tags: resources the stack creates carry the cvmigrate-workload, cvmigrate-role
and cvmigrate-env tags."""
from __future__ import annotations

from typing import Any, Mapping

from ..tags import REQUIRED_TAGS, ROLES, TAG_ROLE
from .values import (
    ACCOUNT, ACTIVITY_LOG_ALERT, METRIC_ALERT, ML_WORKSPACE, ONLINE_ENDPOINT, SCHEDULED_QUERY_RULE, STRING_LIST,
    UNKNOWN, Finding, PolicySpec, get,
)

TAGGED_TYPES = (
    ACCOUNT, ML_WORKSPACE, ONLINE_ENDPOINT,
    "azure-native:resources:ResourceGroup",
    "azure-native:operationalinsights:Workspace",
    "azure-native:storage:StorageAccount",
    "azure-native:keyvault:Vault",
    SCHEDULED_QUERY_RULE, METRIC_ALERT, ACTIVITY_LOG_ALERT,
    "azure-native:monitor:ActionGroup",
    "azure-native:applicationinsights:Workbook",
)

REQUIRED_TAGS_SPEC = PolicySpec(
    name="cvmigrate-required-tags",
    description="Resources the stack creates carry the cvmigrate-workload, cvmigrate-role and cvmigrate-env tags.",
    schema={
        "requiredTags": {**STRING_LIST, "description": "tag names every checked resource needs"},
        "resourceTypes": {**STRING_LIST, "description": "type tokens that are checked"},
    },
    defaults={"requiredTags": list(REQUIRED_TAGS), "resourceTypes": list(TAGGED_TYPES)},
)


def required_tags(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                  name: str = "") -> list[Finding]:
    cfg = REQUIRED_TAGS_SPEC.config(config)
    if resource_type not in set(cfg["resourceTypes"]):
        return []
    tags = get(props, "tags")
    short = resource_type.rsplit(":", 1)[-1]
    if tags is UNKNOWN:
        return [Finding(f"{short} '{name}': tags are not known during preview.", unknown=True)]
    tags = tags if isinstance(tags, Mapping) else {}
    findings: list[Finding] = []
    missing: list[str] = []
    for tag in cfg["requiredTags"]:
        value = get(tags, tag)
        if value is UNKNOWN:
            findings.append(Finding(f"{short} '{name}': tag {tag} is not known during preview.", unknown=True))
        elif not isinstance(value, str) or not value.strip():
            missing.append(tag)
    if missing:
        findings.append(Finding(f"{short} '{name}' lacks tag(s) {', '.join(missing)}: cost reports, queries and "
                                "policies find migration resources by them. Fix: build tags with "
                                "cvmigrate.tags.cvmigrate_tags()."))
    role = get(tags, TAG_ROLE)
    if isinstance(role, str) and role.strip() and TAG_ROLE in cfg["requiredTags"] and role not in ROLES:
        findings.append(Finding(f"{short} '{name}': tag {TAG_ROLE}={role!r} is not one of {', '.join(ROLES)}."))
    return findings
