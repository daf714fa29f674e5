"""Every Azure Policy definition in policies/azure/ held to what Azure and Microsoft's own built-in require of it.
The tests iterate over the definition files, so a definition added later is held to the same rules.

Sources:
- [BUILTIN] Azure/azure-policy built-in-policies/policyDefinitions/Monitoring/DS_LA_cognitiveservices-accounts_DINE.json,
  definition 55d1f543-d1b0-4811-9663-d6d0dbc6326d "Enable logging by category group for Cognitive Services
  (microsoft.cognitiveservices/accounts) to Log Analytics" v1.1.0: details.evaluationDelay "AfterProvisioning",
  an existence condition on the workspace and on the log entries it needs, roleDefinitionIds
  [92aaf0da-9dab-42b6-94a3-d43ce8d16293 (Log Analytics Contributor)].
- [DINE] learn.microsoft.com/azure/governance/policy/concepts/effect-deploy-if-not-exists: evaluationDelay is
  AfterProvisioning, AfterProvisioningSuccess, AfterProvisioningFailure or an ISO 8601 duration of 0-360
  minutes; roleDefinitionIds are full role definition IDs the assignment's identity is granted.
- [ROLES] learn.microsoft.com/azure/role-based-access-control/built-in-roles: 749f88d5-cbae-40b8-bcfc-e573ddc772fa
  Monitoring Contributor, 92aaf0da-9dab-42b6-94a3-d43ce8d16293 Log Analytics Contributor.
- The categories the stack's queries read: every `Category == "..."` in queries/ (RequestResponse), and the
  categories the stack itself enables on Cognitive Services accounts (components.diagnostics: Audit,
  RequestResponse); [azure-monitor-schemas.md §1.1] both land in AzureDiagnostics.
"""
from __future__ import annotations

import json
import re
from itertools import combinations

import pytest

from cvmigrate.components import policy_assignments as component
from cvmigrate.components.access import ROLE_DEFINITIONS
from cvmigrate.components.diagnostics import COGNITIVE_LOG_CATEGORIES
from cvmigrate.paths import azure_policies_dir, queries_dir

BUILTIN_ROLES = {"749f88d5-cbae-40b8-bcfc-e573ddc772fa": "Monitoring Contributor",
                 "92aaf0da-9dab-42b6-94a3-d43ce8d16293": "Log Analytics Contributor"}          # [ROLES]
BUILTIN_DINE_ROLES = {"92aaf0da-9dab-42b6-94a3-d43ce8d16293"}                                # [BUILTIN]
EVALUATION_DELAYS = {"AfterProvisioning", "AfterProvisioningSuccess", "AfterProvisioningFailure"}   # [DINE]
_ISO_MINUTES = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?$")
WS = "/subscriptions/99999999-1111-2222-3333-444444444444/resourceGroups/rg-ops/providers/" \
     "Microsoft.OperationalInsights/workspaces/law-shared"
PREFIX = "Microsoft.Insights/diagnosticSettings/"


def definitions() -> dict[str, dict]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(azure_policies_dir().glob("*.json"))}


def if_not_exists() -> list[tuple[str, dict]]:
    """Definitions whose effect can be DeployIfNotExists or AuditIfNotExists (they carry `details`)."""
    out = []
    for name, doc in definitions().items():
        effect = doc["properties"]["parameters"].get("effect", {})
        effects = set(effect.get("allowedValues", [])) | {doc["properties"]["policyRule"]["then"]["effect"]}
        if effects & {"DeployIfNotExists", "AuditIfNotExists"}:
            out.append((name, doc))
    return out


def categories_the_queries_read() -> set[str]:
    found = set()
    for path in queries_dir().rglob("*.kql"):
        found |= set(re.findall(r'Category\s*==\s*"(\w+)"', path.read_text(encoding="utf-8")))
    return found


# -- a small evaluator of the policy condition grammar the existence conditions use ------------------------
def _param(value, parameters):
    if isinstance(value, str) and value.startswith("["):
        match = re.fullmatch(r"\[parameters\('(\w+)'\)\]", value)
        assert match, f"unsupported expression in an existence condition: {value}"
        return parameters[match.group(1)]
    return value


def _field(path: str, setting: dict, item: dict | None):
    assert path.startswith(PREFIX), path
    rest = path[len(PREFIX):]
    if rest.startswith("logs[*]."):
        return item.get(rest[len("logs[*]."):]) if item is not None else None
    return setting.get(rest)


def _same(a, b) -> bool:
    return str(a).lower() == str(b).lower()   # policy compares strings case-insensitively; booleans as "true"


def holds(cond: dict, setting: dict, parameters: dict, item: dict | None = None) -> bool:
    if "allOf" in cond:
        return all(holds(c, setting, parameters, item) for c in cond["allOf"])
    if "anyOf" in cond:
        return any(holds(c, setting, parameters, item) for c in cond["anyOf"])
    if "not" in cond:
        return not holds(cond["not"], setting, parameters, item)
    if "count" in cond:
        assert cond["count"]["field"] == PREFIX + "logs[*]"
        where = cond["count"].get("where")
        n = sum(1 for log in setting.get("logs", []) if where is None or holds(where, setting, parameters, log))
        for op, test in (("equals", int.__eq__), ("greaterOrEquals", int.__ge__), ("greater", int.__gt__),
                         ("less", int.__lt__), ("lessOrEquals", int.__le__)):
            if op in cond:
                return test(n, int(cond[op]))
        raise AssertionError(f"unsupported count operator in {cond}")
    value = _field(cond["field"], setting, item)
    if "equals" in cond:
        return value is not None and _same(value, _param(cond["equals"], parameters))
    if "in" in cond:
        return value is not None and any(_same(value, v) for v in _param(cond["in"], parameters))
    raise AssertionError(f"unsupported condition {cond}")


def setting(*logs, workspace=WS):
    return {"workspaceId": workspace, "logs": [dict(entry) for entry in logs]}


def cat(name, enabled=True):
    return {"category": name, "enabled": enabled}


def group(name, enabled=True):
    return {"categoryGroup": name, "enabled": enabled}


def test_there_are_definitions_to_hold():
    assert if_not_exists(), "no DeployIfNotExists/AuditIfNotExists definition in policies/azure/"


@pytest.mark.parametrize("name, doc", if_not_exists(), ids=lambda v: v if isinstance(v, str) else "")
def test_if_not_exists_details_are_what_azure_requires(name, doc):
    details = doc["properties"]["policyRule"]["then"]["details"]
    delay = details.get("evaluationDelay")
    assert delay is not None, f"{name}: no evaluationDelay ([BUILTIN] uses AfterProvisioning)"
    if delay not in EVALUATION_DELAYS:
        match = _ISO_MINUTES.fullmatch(delay)
        assert match and int(match.group(1) or 0) * 60 + int(match.group(2) or 0) <= 360, (name, delay)
    assert details.get("existenceCondition"), f"{name}: without an existence condition any {details['type']} passes"
    roles = details.get("roleDefinitionIds") or []
    assert roles, name
    guids = set()
    for role in roles:
        match = re.fullmatch(r"/providers/Microsoft\.Authorization/roleDefinitions/([0-9a-f-]{36})", role)
        assert match, (name, role)
        guids.add(match.group(1))
    assert guids <= set(BUILTIN_ROLES), (name, guids - set(BUILTIN_ROLES))
    if details["type"] == "Microsoft.Insights/diagnosticSettings":
        assert BUILTIN_DINE_ROLES <= guids, f"{name}: the built-in's own role is missing"


def test_the_component_grants_exactly_the_roles_the_definition_lists():
    details = definitions()[component.DIAGNOSTICS_DEFINITION_FILE]["properties"]["policyRule"]["then"]["details"]
    listed = {r.rsplit("/", 1)[1] for r in details["roleDefinitionIds"]}
    assert listed == {ROLE_DEFINITIONS[component.MONITORING_CONTRIBUTOR], ROLE_DEFINITIONS[component.LOG_ANALYTICS_CONTRIBUTOR]}


def diagnostics_definitions():
    return [(n, d) for n, d in if_not_exists()
            if d["properties"]["policyRule"]["then"]["details"]["type"] == "Microsoft.Insights/diagnosticSettings"]


@pytest.mark.parametrize("name, doc", diagnostics_definitions(), ids=lambda v: v if isinstance(v, str) else "")
def test_existence_condition_requires_every_category_the_queries_read(name, doc):
    """A setting counts only when it sends RequestResponse and Audit (by category or by a group holding them)
    to the workspace: an account whose setting sends only Audit still gets remediated."""
    needed = set(COGNITIVE_LOG_CATEGORIES)
    assert categories_the_queries_read() <= needed and needed == {"Audit", "RequestResponse"}
    condition = doc["properties"]["policyRule"]["then"]["details"]["existenceCondition"]
    params = {"logAnalytics": WS}
    present = lambda s: holds(condition, s, params)   # noqa: E731
    assert present(setting(group("allLogs")))
    assert present(setting(cat("Audit"), cat("RequestResponse")))
    assert present(setting(group("audit"), cat("RequestResponse"), cat("Trace", enabled=False)))
    for size in range(len(needed)):
        for subset in combinations(sorted(needed), size):     # any strict subset of the needed categories
            assert not present(setting(*(cat(c) for c in subset))), subset
    assert not present(setting(group("audit")))
    assert not present(setting(cat("Audit"), cat("RequestResponse", enabled=False)))
    assert not present(setting(group("allLogs", enabled=False)))
    assert not present(setting(group("allLogs"), workspace=WS.replace("law-shared", "law-other")))


@pytest.mark.parametrize("name, doc", diagnostics_definitions(), ids=lambda v: v if isinstance(v, str) else "")
def test_the_remediation_deploys_a_setting_its_own_condition_accepts(name, doc):
    """For every categoryGroup the assignment may pass, the deployed setting satisfies the existence condition,
    so a remediated account becomes compliant instead of being redeployed forever."""
    props = doc["properties"]
    details = props["policyRule"]["then"]["details"]
    template = details["deployment"]["properties"]["template"]
    (resource,) = template["resources"]
    logs = resource["properties"]["logs"]
    match = re.fullmatch(r"\[variables\('(\w+)'\)\[parameters\('(\w+)'\)\]\]", logs)
    assert match, logs
    table, param = template["variables"][match.group(1)], match.group(2)
    for value in props["parameters"][param]["allowedValues"]:
        deployed = {"workspaceId": WS, "logs": table[value]}
        assert holds(details["existenceCondition"], deployed, {"logAnalytics": WS}), value
