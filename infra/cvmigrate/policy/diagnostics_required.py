"""Policy cvmigrate-diagnostics-required (a stack policy): every Cognitive Services account, ML workspace and
online endpoint has a diagnostic setting sending logs to a Log Analytics workspace."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from .values import (
    ACCOUNT, DIAGNOSTIC_SETTING, ML_WORKSPACE, ONLINE_ENDPOINT, STRING_LIST, UNKNOWN, Finding, PolicySpec, get,
)

DIAGNOSED_TYPES = (ACCOUNT, ML_WORKSPACE, ONLINE_ENDPOINT)

DIAGNOSTICS = PolicySpec(
    name="cvmigrate-diagnostics-required",
    description="Every Cognitive Services account, ML workspace and online endpoint in the stack has a "
                "diagnostic setting that sends logs to a Log Analytics workspace.",
    schema={
        "resourceTypes": {**STRING_LIST, "description": "type tokens that need a diagnostic setting"},
        "requiredCategories": {**STRING_LIST, "description": "log categories that must be enabled "
                               "(the allLogs category group covers every category); empty: any enabled log"},
    },
    defaults={"resourceTypes": list(DIAGNOSED_TYPES), "requiredCategories": []},
    stack=True,
)


@dataclass(frozen=True)
class StackResource:
    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)  # prop -> URNs


_LAW = "/providers/microsoft.operationalinsights/workspaces/"


def _setting_state(setting: StackResource, required: Sequence[str]) -> str:
    """'ok', 'bad: <why>' or 'unknown: <why>' for one diagnostic setting's destination and logs."""
    workspace = get(setting.props, "workspaceId")
    if workspace is UNKNOWN:
        return "unknown: its workspaceId is not known during preview"
    if not isinstance(workspace, str) or _LAW not in workspace.lower():
        return f"bad: setting '{setting.name}' sends to no Log Analytics workspace"
    logs = get(setting.props, "logs")
    if logs is UNKNOWN:
        return "unknown: its logs are not known during preview"
    enabled: set[str] = set()
    undecided = False
    for i, _ in enumerate(logs or []):
        on = get(logs, i, "enabled")
        if on is UNKNOWN:
            undecided = True
            continue
        if on is True:
            enabled.add(str(get(logs, i, "category") or "").lower())
            enabled.add("group:" + str(get(logs, i, "categoryGroup") or "").lower())
    enabled.discard("")
    enabled.discard("group:")
    if not enabled:
        return ("unknown: whether its logs are enabled is not known during preview" if undecided
                else f"bad: setting '{setting.name}' enables no log category")
    if "group:alllogs" in enabled:
        return "ok"
    missing = [c for c in required if c.lower() not in enabled]
    if missing:
        return (f"unknown: categories {', '.join(missing)} are not known during preview" if undecided
                else f"bad: setting '{setting.name}' does not enable {', '.join(missing)}")
    return "ok"


def diagnostics_required(resources: Sequence[StackResource], config: Mapping[str, Any] | None) -> list[Finding]:
    """Match diagnostic settings to their targets through ``resourceUri``: equal to the target's ID,
    or (when the ID is not known yet) the target's URN among resourceUri's property dependencies."""
    cfg = DIAGNOSTICS.config(config)
    types = set(cfg["resourceTypes"])
    required = list(cfg["requiredCategories"])
    settings = [r for r in resources if r.type == DIAGNOSTIC_SETTING]
    findings: list[Finding] = []
    for target in (r for r in resources if r.type in types):
        target_id = get(target.props, "id")
        matched: list[StackResource] = []
        undecidable = False
        for s in settings:
            uri = get(s.props, "resourceUri")
            deps = s.property_dependencies.get("resourceUri", ())
            if target.urn in deps:
                matched.append(s)
            elif isinstance(uri, str) and isinstance(target_id, str) and uri.lower() == target_id.lower():
                matched.append(s)
            elif (uri is UNKNOWN or target_id in (None, UNKNOWN)) and not deps:
                undecidable = True
        states = [_setting_state(s, required) for s in matched]
        if "ok" in states:
            continue
        unknown = [st for st in states if st.startswith("unknown")]
        label = f"{target.type.rsplit(':', 1)[-1]} '{get(target.props, 'accountName') or target.name}'"
        if unknown:
            findings.append(Finding(f"{label}: diagnostic setting cannot be checked during preview ("
                                    f"{unknown[0].split(': ', 1)[1]}).", unknown=True, urn=target.urn))
        elif states:
            findings.append(Finding(f"{label}: {states[0].split(': ', 1)[1]}. Fix: send its logs to the "
                                    "Log Analytics workspace (components/diagnostics.py).", urn=target.urn))
        elif undecidable:
            findings.append(Finding(f"{label}: no diagnostic setting could be matched to it during preview "
                                    "(resource IDs not known yet).", unknown=True, urn=target.urn))
        else:
            findings.append(Finding(f"{label} has no diagnostic setting sending logs to Log Analytics: its "
                                    "traffic would be invisible to the migration dashboards. Fix: add one "
                                    "(cvmigrate.components.diagnostics.diagnostic_setting).", urn=target.urn))
    return findings
