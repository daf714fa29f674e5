"""Azure Policy: the JSON definitions, the cvmigrate:azurePolicy config and the AzurePolicy component
graph under mocks.

Aliases the definitions may use were checked against Azure Policy built-ins (Azure/azure-policy
built-in-policies/policyDefinitions: "Cognitive Services/*.json" use `type`, `kind` and
`Microsoft.CognitiveServices/accounts/*` aliases; Microsoft's diagnostic-settings DINE definitions
use `Microsoft.Insights/diagnosticSettings/workspaceId`, `.../logs[*]`, `.../logs[*].enabled` and list
role definitions 749f88d5-cbae-40b8-bcfc-e573ddc772fa (Monitoring Contributor) and
92aaf0da-9dab-42b6-94a3-d43ce8d16293 (Log Analytics Contributor))."""
from __future__ import annotations

import json
import re

import pytest

from cvmigrate.components import policy_assignments as component
from cvmigrate.components.access import ROLE_DEFINITIONS
from cvmigrate.config.loader import load_from_pulumi
from cvmigrate.config.parse import parse_stack_config
from cvmigrate.naming import stable_uuid
from cvmigrate.paths import azure_policies_dir

# Fields Azure Policy accepts for these types (standard fields + the aliases verified above).
KNOWN_FIELDS = {
    "Microsoft.CognitiveServices/accounts": {
        "type", "kind", "name", "location", "tags", "identity.type",
        "Microsoft.CognitiveServices/accounts/disableLocalAuth",
        "Microsoft.CognitiveServices/accounts/publicNetworkAccess",
        "Microsoft.CognitiveServices/accounts/customSubDomainName",
    },
    "Microsoft.Insights/diagnosticSettings": {
        "Microsoft.Insights/diagnosticSettings/workspaceId",
        "Microsoft.Insights/diagnosticSettings/logs[*]",
        "Microsoft.Insights/diagnosticSettings/logs[*].enabled",
        "Microsoft.Insights/diagnosticSettings/logs[*].categoryGroup",
        "Microsoft.Insights/diagnosticSettings/logs[*].category",
    },
}
SUB = "00000000-1111-2222-3333-444444444444"
WS = "/subscriptions/99999999-1111-2222-3333-444444444444/resourceGroups/rg-ops/providers/" \
     "Microsoft.OperationalInsights/workspaces/law-shared"
SCOPE = f"/subscriptions/{SUB}/resourceGroups/rg-cv"
# alert receivers are another section's concern: switched off so only azurePolicy is validated here
BASE = {"azure-native:location": "westeurope", "azure-native:subscriptionId": "11111111-2222-3333-4444-555555555555",
         "cvmigrate:alerts": {"enabled": False}}


def fields(node, out):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "field" and isinstance(value, str):
                out.append(value)
            fields(value, out)
    elif isinstance(node, list):
        for item in node:
            fields(item, out)
    return out


def definitions():
    return {p.name: json.loads(p.read_text()) for p in sorted(azure_policies_dir().glob("*.json"))}


def test_definitions_parse_and_reference_only_known_fields():
    docs = definitions()
    assert sorted(docs) == ["cognitive-diagnostics-dine.json", "legacy-vision-accounts.json"]
    legacy = docs["legacy-vision-accounts.json"]["properties"]
    assert fields(legacy["policyRule"]["if"], []) == ["type", "kind"]
    assert set(fields(legacy["policyRule"], [])) <= KNOWN_FIELDS["Microsoft.CognitiveServices/accounts"]
    assert legacy["parameters"]["effect"]["allowedValues"] == ["Audit", "Deny", "Disabled"]
    assert legacy["parameters"]["effect"]["defaultValue"] == "Audit"
    assert legacy["parameters"]["legacyKinds"]["defaultValue"] == [
        "CustomVision.Training", "CustomVision.Prediction", "ComputerVision"]
    dine = docs["cognitive-diagnostics-dine.json"]["properties"]
    details = dine["policyRule"]["then"]["details"]
    assert fields(dine["policyRule"]["if"], []) == ["type"]
    assert set(fields(details["existenceCondition"], [])) <= KNOWN_FIELDS["Microsoft.Insights/diagnosticSettings"]
    assert details["roleDefinitionIds"] == [
        f"/providers/Microsoft.Authorization/roleDefinitions/{ROLE_DEFINITIONS[component.MONITORING_CONTRIBUTOR]}",
        f"/providers/Microsoft.Authorization/roleDefinitions/{ROLE_DEFINITIONS[component.LOG_ANALYTICS_CONTRIBUTOR]}"]
    # every parameter the rule uses is declared, and the deployment passes every template parameter
    used = set(re.findall(r"parameters\('(\w+)'\)", json.dumps(dine["policyRule"])))
    template = details["deployment"]["properties"]
    assert used - set(template["template"]["parameters"]) <= set(dine["parameters"])
    assert set(template["parameters"]) == set(template["template"]["parameters"])


def parse(section, **extra):
    return parse_stack_config({**BASE, "cvmigrate:azurePolicy": section, **extra}, "dev")


def test_config_defaults_and_errors_name_the_key():
    cfg, issues = parse({"enabled": True, "scope": SCOPE})
    policy = cfg.azure_policy
    assert (policy.enabled, policy.scope, policy.subscription_id, policy.effect, policy.diagnostics,
            policy.diagnostics_effect, policy.category_group) == (
        True, SCOPE, SUB, "Audit", True, "DeployIfNotExists", "allLogs")
    cfg, issues = parse({"enabled": True, "scope": "/subscriptions/nope", "effect": "Block",
                         "diagnostics": {"categoryGroup": "everything"}, "locaton": "x"})
    assert cfg is None
    assert sorted(i.path for i in issues) == [
        "cvmigrate:azurePolicy.diagnostics.categoryGroup", "cvmigrate:azurePolicy.effect",
        "cvmigrate:azurePolicy.locaton", "cvmigrate:azurePolicy.scope"]
    cfg, issues = parse({"enabled": True})
    assert [i.path for i in issues] == ["cvmigrate:azurePolicy.scope"]
    cfg, _ = parse(None)
    assert cfg.azure_policy.enabled is False


def program():
    cfg, issues = load_from_pulumi()
    assert cfg is not None, issues
    return component.build_azure_policy(cfg, WS)


@pytest.fixture
def principal(provider_outputs):
    """A policy assignment with a system-assigned identity gets a principal ID, as Azure gives it."""
    def identity(typ, name, inputs, out):
        if typ == "azure-native:authorization:PolicyAssignment" and inputs.get("identity"):
            out["identity"] = {**inputs["identity"], "principalId": f"{name}-principal"}

    provider_outputs(identity)


def policy_stack(section):
    return {**BASE, "cvmigrate:azurePolicy": section}


def test_component_graph(principal, run_stack):
    graph = run_stack(policy_stack({"enabled": True, "scope": SCOPE, "effect": "Deny"}), program=program)
    assert graph.error is None
    assert graph.types() == sorted(["cvmigrate:policy:AzurePolicy"] + ["azure-native:authorization:PolicyDefinition"] * 2
                                   + ["azure-native:authorization:PolicyAssignment"] * 2
                                   + ["azure-native:authorization:RoleAssignment"] * 3)
    root = graph.one("cvmigrate:policy:AzurePolicy")
    assert all(r.parent == root.urn for r in graph.resources if r is not root)
    legacy = graph.one("azure-native:authorization:PolicyAssignment", "azure-policy-legacy-kinds")
    assert legacy.inputs["scope"] == SCOPE
    assert legacy.inputs["parameters"] == {"effect": {"value": "Deny"}}
    assert legacy.inputs["policyAssignmentName"] == stable_uuid("policy-assignment", "legacy-kinds", "dev", SCOPE)
    assert "identity" not in legacy.inputs
    definition = graph.one("azure-native:authorization:PolicyDefinition", "azure-policy-legacy-kinds")
    assert definition.inputs["policyRule"]["if"]["allOf"][1] == {"field": "kind", "in": "[parameters('legacyKinds')]"}
    assert definition.inputs["parameters"]["effect"]["defaultValue"] == "Audit"
    dine = graph.one("azure-native:authorization:PolicyAssignment", "azure-policy-diagnostics")
    assert dine.inputs["identity"] == {"type": "SystemAssigned"}
    assert dine.inputs["location"] == "westeurope"
    assert dine.inputs["parameters"] == {"effect": {"value": "DeployIfNotExists"}, "logAnalytics": {"value": WS},
                                         "diagnosticSettingName": {"value": "cvmigrate"},
                                         "categoryGroup": {"value": "allLogs"}}
    grants = {r.name: r.inputs for r in graph.of_type("azure-native:authorization:RoleAssignment")}
    roles = "/providers/Microsoft.Authorization/roleDefinitions/"
    assert {n: (g["scope"], g["roleDefinitionId"], g["principalId"], g["principalType"]) for n, g in grants.items()} == {
        "azure-policy-scope-monitoring": (SCOPE, f"/subscriptions/{SUB}{roles}749f88d5-cbae-40b8-bcfc-e573ddc772fa",
                                          "azure-policy-diagnostics-principal", "ServicePrincipal"),
        "azure-policy-scope-log-analytics": (SCOPE, f"/subscriptions/{SUB}{roles}92aaf0da-9dab-42b6-94a3-d43ce8d16293",
                                             "azure-policy-diagnostics-principal", "ServicePrincipal"),
        "azure-policy-workspace-log-analytics": (
            WS, f"/subscriptions/99999999-1111-2222-3333-444444444444{roles}92aaf0da-9dab-42b6-94a3-d43ce8d16293",
            "azure-policy-diagnostics-principal", "ServicePrincipal"),
    }
    assert all(dine.urn in r.dependencies for r in graph.of_type("azure-native:authorization:RoleAssignment"))


def test_component_is_deterministic_and_absent_when_disabled(principal, run_stack):
    config = policy_stack({"enabled": True, "scope": SCOPE, "diagnostics": False})
    first, second = run_stack(config, program=program), run_stack(config, program=program)
    assert first.snapshot() == second.snapshot()
    assert first.types() == sorted(["cvmigrate:policy:AzurePolicy", "azure-native:authorization:PolicyDefinition",
                                    "azure-native:authorization:PolicyAssignment"])
    assert run_stack(policy_stack({"enabled": False}), program=program).resources == []
    assert run_stack(BASE, program=program).resources == []
