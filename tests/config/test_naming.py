"""Names unique per adopter and per scope (issue #13 item 1).

Globally unique names carry a digest of subscription | resource group | environment | logical name |
generation (Bicep's uniqueString takes resourceGroup().id the same way); every planned name passes its
type's rule from name_rules.yaml (sources: learn "Naming rules and restrictions for Azure resources",
azure-ai-docs how-to-manage-quotas for endpoints, compute-cluster how-to for computes); collisions inside the
stack are reported at validation naming both workloads; the mock graph of every example stack uses exactly
the planned names, identically on a second run.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from cvmigrate import naming
from cvmigrate.config import parse_stack_config
from cvmigrate.config.names import name_rules, planned_names
from stacks import IMAGE_ANALYSIS_WORKLOAD, REFERENCE_WORKLOAD

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {"dev": ROOT / "Pulumi.dev.yaml", "prod": ROOT / "Pulumi.prod.yaml",
            "demo": ROOT / "examples" / "Pulumi.demo.yaml"}
TODAY = dt.date(2026, 11, 21)
OTHER_SUB = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
GLOBAL = ("storageAccount", "keyVault", "subdomainAccount")
LONG_A = "manufacturing-defect-detector-line1"
LONG_B = "manufacturing-defect-detector-line2"


def example(env: str) -> dict:
    return yaml.safe_load(EXAMPLES[env].read_text(encoding="utf-8"))["config"]


def parsed(raw: dict, stack_name: str = "dev"):
    cfg, issues = parse_stack_config(raw, stack_name, today=TODAY)
    assert cfg is not None, [str(i) for i in issues if not i.warning]
    return cfg


@pytest.fixture(scope="session")
def everything(stack_config):
    def everything(env: str = "prod-1") -> dict:
        """Every kind of generated name, with long workload names that share a 30-character head."""
        a, b = (copy.deepcopy(REFERENCE_WORKLOAD), copy.deepcopy(IMAGE_ANALYSIS_WORKLOAD))
        a.update(name=LONG_A, replacement={"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1},
                                           "foundry": {"projectName": "p1", "dedicatedAccount": True}})
        b.update(name=LONG_B, replacement={"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1,
                                                      "dedicatedWorkspace": True},
                                           "documentIntelligence": {}, "face": {}, "foundry": {"projectName": "p2"}})
        return stack_config(a, b, environment=env)
    return everything


@pytest.mark.parametrize("env", sorted(EXAMPLES))
def test_stacks_differing_only_in_subscription_share_no_global_name(env):
    mine = parsed(example(env), env)
    theirs = parsed({**example(env), "azure-native:subscriptionId": OTHER_SUB}, env)
    ours = {p.name.lower() for p in planned_names(mine) if p.kind in GLOBAL}
    assert ours, "every example creates at least one globally named resource"
    assert ours.isdisjoint(p.name.lower() for p in planned_names(theirs) if p.kind in GLOBAL)


def test_resource_group_and_generation_change_every_global_name_and_nothing_else_does(everything):
    base = parsed(everything())
    moved = parsed({**everything(), "cvmigrate:resourceGroup": {"name": "rg-other", "create": True}})
    bumped = parsed({**everything(), "cvmigrate:nameGeneration": 1})
    again = parsed(everything())
    assert planned_names(base) == planned_names(again)
    for other in (moved, bumped):
        before = {p.name for p in planned_names(base) if p.kind in GLOBAL + ("amlEndpoint", "amlCompute")}
        after = {p.name for p in planned_names(other) if p.kind in GLOBAL + ("amlEndpoint", "amlCompute")}
        assert before.isdisjoint(after)


@pytest.mark.parametrize("env", ["prod-1", "prod1", "a", "abcdefghijklmno"])
def test_every_planned_name_passes_its_rule_after_truncation(everything, env):
    cfg = parsed(everything(env))
    rules = name_rules()
    plan = planned_names(cfg)
    assert {"amlEndpoint", "amlCompute", "amlWorkspace", "subdomainAccount", "storageAccount", "keyVault",
            "foundryProject", "logAnalytics", "keyVaultSecret"} <= {p.kind for p in plan}
    for p in plan:
        assert rules[p.kind].problem(p.name) is None, (p, rules[p.kind].problem(p.name))
    endpoints = sorted(p.name for p in plan if p.kind == "amlEndpoint")
    assert len(set(endpoints)) == 2 and all(len(e) <= 32 for e in endpoints)


def test_endpoint_names_of_similar_environments_differ(everything):
    one, two = parsed(everything("prod-1")), parsed(everything("prod1"))
    assert {p.name for p in planned_names(one) if p.kind == "amlEndpoint"}.isdisjoint(
        p.name for p in planned_names(two) if p.kind == "amlEndpoint")


def test_rules_reject_what_azure_rejects():
    rules = name_rules()
    assert "24" in rules["storageAccount"].problem("st" + "a" * 23)
    assert rules["storageAccount"].problem("stLogs01") is not None           # upper case
    assert rules["keyVault"].problem("kv--cvm") is not None                  # consecutive dashes
    assert rules["keyVault"].problem("1kv-cvm") is not None                  # starts with a digit
    assert rules["amlCompute"].problem("c-shelf-234567") is not None          # dash not followed by a letter
    assert rules["amlEndpoint"].problem("ep-x-") is not None
    assert rules["subdomainAccount"].problem("Ais-Shared") is not None       # a DNS label is lower case
    assert rules["scheduledQueryRule"].problem("cvm-dev-rule.") is not None   # trailing dot
    assert rules["amlEndpoint"].problem("ep-shelf-scanner-dev-abc234") is None


def test_collision_inside_the_stack_names_both_workloads(stack_config):
    # A lab workload's generated legacy account name, pinned by another workload for its Document
    # Intelligence account: one resource group holds one Cognitive Services account of a name.
    first = {"name": "lab", "legacy": {"customVision": {"mode": "create"}}}
    second = copy.deepcopy(IMAGE_ANALYSIS_WORKLOAD)
    second["replacement"] = {"documentIntelligence": {"name": "cv-lab-dev-train"}}
    cfg, issues = parse_stack_config(stack_config(first, second), "dev", today=TODAY)
    errors = [str(i) for i in issues if not i.warning]
    assert cfg is None
    clash = [e for e in errors if "is also the name" in e]
    assert len(clash) == 1 and "workload 'lab'" in clash[0] and "workload 'receipts'" in clash[0]
    assert clash[0].startswith("cvmigrate:workloads[1].replacement.documentIntelligence.name:")
    assert "cvmigrate:workloads[0].legacy.customVision.trainingName" in clash[0]
    assert "once per resource group" in clash[0]


def test_pinned_name_breaking_the_rule_is_reported_at_its_path(stack_config):
    w = copy.deepcopy(IMAGE_ANALYSIS_WORKLOAD)
    w["replacement"] = {"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1,
                                   "endpoint": {"name": "ep--double"}}}
    cfg, issues = parse_stack_config(stack_config(w), "dev", today=TODAY)
    errors = {i.path: str(i) for i in issues if not i.warning}
    assert cfg is None and "contains '--'" in errors["cvmigrate:workloads[0].replacement.automl.endpoint.name"]


def test_subscription_is_required_and_must_be_a_guid(stack_config):
    raw = stack_config(REFERENCE_WORKLOAD)
    del raw["azure-native:subscriptionId"]
    _, issues = parse_stack_config(raw, "dev", today=TODAY)
    assert any(i.path == "azure-native:subscriptionId" and "pulumi config set" in str(i) for i in issues)
    _, issues = parse_stack_config({**raw, "azure-native:subscriptionId": "my-sub"}, "dev", today=TODAY)
    assert any(i.path == "azure-native:subscriptionId" and "GUID" in str(i) for i in issues)


def test_stack_name_obeys_the_environment_rule_when_it_stands_in_for_it(stack_config):
    cfg, issues = parse_stack_config(stack_config(REFERENCE_WORKLOAD), "envdefault_upper", today=TODAY)
    assert cfg is None
    assert any(i.path == "cvmigrate:environment" and "envdefault_upper" in str(i) for i in issues)
    cfg, _ = parse_stack_config(stack_config(REFERENCE_WORKLOAD), "Dev", today=TODAY)
    assert cfg is not None and cfg.environment == "dev"
    _, issues = parse_stack_config(stack_config(REFERENCE_WORKLOAD, environment="dev-"), "dev", today=TODAY)
    assert any(i.path == "cvmigrate:environment" for i in issues)


NAME_INPUTS = {
    "azure-native:storage:StorageAccount": "accountName", "azure-native:keyvault:Vault": "vaultName",
    "azure-native:cognitiveservices:Account": "accountName",
    "azure-native:machinelearningservices:Workspace": "workspaceName",
    "azure-native:machinelearningservices:Compute": "computeName",
    "azure-native:machinelearningservices:OnlineEndpoint": "endpointName",
    "azure-native:operationalinsights:Workspace": "workspaceName", "azure-native:keyvault:Secret": "secretName",
    "azure-native:cognitiveservices:Project": "projectName",
}


@pytest.mark.parametrize("env", sorted(EXAMPLES))
def test_the_program_deploys_exactly_the_planned_names_and_the_same_ones_twice(run_stack, env):
    config = example(env)
    plan = {p.name for p in planned_names(parsed(config, env))}
    runs = []
    for _ in range(2):
        graph = run_stack(config, stack=env)
        assert graph.error is None
        runs.append(sorted((r.type, r.inputs[key]) for r in graph.resources
                           for t, key in NAME_INPUTS.items() if r.type == t and r.inputs.get(key)))
    assert runs[0] == runs[1] and runs[0]
    assert {name for _, name in runs[0]} <= plan


def test_digest_is_stable_and_spread():
    scope = naming.NameScope("11111111-2222-3333-4444-555555555555", "rg", "dev")
    assert scope.digest("x") == scope.digest("X")                       # case-insensitive, like Azure names
    assert len({scope.digest(str(i)) for i in range(2000)}) == 2000
    assert scope.digest("x", length=6, letters_only=True).isalpha()
