"""Parsing and validation of the workload `replacement` / `access` sections and `cvmigrate:replacement`,
and the ReplacementRef list the KQL library attributes replacement traffic by."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from cvmigrate.config import parse_stack_config
from cvmigrate.config import (
    AccessPrincipal, AutoMLConfig, CognitiveTargetConfig, FoundryConfig, ModelDeployment, ReplacementDefaults,
    SharedAccountConfig,
)
from cvmigrate.config.replacement import EndpointConfig
from cvmigrate import naming
from cvmigrate.config.replacement_refs import ReplacementRef, replacement_refs
from stacks import IMAGE_ANALYSIS_WORKLOAD, REFERENCE_WORKLOAD, SUB

TODAY = dt.date(2026, 11, 21)
NAMES = naming.NameScope(SUB, "rg-cvmigrate-test", "dev")
GPT4O = {"name": "gpt-4o", "model": "gpt-4o", "version": "2024-11-20", "sku": "GlobalStandard", "capacity": 10}
SP = "0a1b2c3d-0000-4000-8000-00000000000a"


def workload(base=REFERENCE_WORKLOAD, name=None, **sections):
    w = copy.deepcopy(base)
    if name:  # another workload: its own name, no legacy accounts (those belong to one workload only)
        w["name"] = name
        w.pop("legacy", None)
    w.update(copy.deepcopy(sections))
    return w


@pytest.fixture(scope="session")
def parse(stack_config):
    def parse(*workloads, **top):
        return parse_stack_config(stack_config(*workloads, **top), "dev", today=TODAY)
    return parse


def errors(issues):
    return [str(i) for i in issues if not i.warning]


def warnings(issues):
    return [str(i) for i in issues if i.warning]


def test_issue_example_parses_into_typed_config(parse):
    w = workload(replacement={
        "automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 2,
                   "endpoint": {"name": "shelf-scanner", "authMode": "aad_token"}},
        "foundry": {"projectName": "shelf-scanner", "deployments": [GPT4O]},
        "documentIntelligence": {}, "face": {}},
        access=[{"principalId": SP.upper(), "principalType": "ServicePrincipal"}])
    cfg, issues = parse(w)
    assert issues == []
    r = cfg.workloads[0].replacement
    assert r.automl == AutoMLConfig(
        compute_sku="Standard_NC4as_T4_v3", max_nodes=2, min_nodes=0, idle_seconds=120,
        endpoint=EndpointConfig(name="shelf-scanner", auth_mode="aad_token"),
        config_path="cvmigrate:workloads[0].replacement.automl")
    assert r.automl.endpoint.arm_auth_mode == "AADToken"
    assert r.foundry == FoundryConfig(
        project_name="shelf-scanner",
        deployments=(ModelDeployment("gpt-4o", "gpt-4o", "2024-11-20", "GlobalStandard", 10, "OpenAI",
                                     "cvmigrate:workloads[0].replacement.foundry.deployments[0]"),),
        config_path="cvmigrate:workloads[0].replacement.foundry")
    assert r.document_intelligence == CognitiveTargetConfig(
        kind="FormRecognizer", config_path="cvmigrate:workloads[0].replacement.documentIntelligence")
    assert r.face.kind == "Face" and r.face.disable_local_auth is True and r.face.public_network_access is None
    # Object IDs are stored lower-case so role assignment names do not depend on how they were typed.
    assert cfg.workloads[0].access == (AccessPrincipal(SP, "ServicePrincipal", "cvmigrate:workloads[0].access[0]"),)
    assert cfg.replacement == ReplacementDefaults()


def test_workload_without_replacement_is_valid_and_only_tracked(parse):
    cfg, issues = parse(workload())
    assert issues == []
    assert cfg.workloads[0].replacement is None and cfg.workloads[0].access == ()
    assert replacement_refs(cfg) == []


def test_replacement_refs_name_endpoint_accounts_and_deployments(parse):
    automl = workload(replacement={"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1}})
    foundry = workload(name="catalog", replacement={"foundry": {"deployments": [
        GPT4O, {**GPT4O, "name": "gpt-4o-mini", "model": "gpt-4o-mini", "version": "2024-07-18"}]}})
    dedicated = workload(name="labels", replacement={"foundry": {"dedicatedAccount": True}})
    ia = workload(IMAGE_ANALYSIS_WORKLOAD, replacement={"documentIntelligence": {}, "face": {"name": "face-receipts"}})
    cfg, issues = parse(automl, foundry, dedicated, ia)
    assert errors(issues) == []
    assert replacement_refs(cfg) == [
        # naming.aml_endpoint_name: ep-<workload>-<env>-<digest>
        ReplacementRef("shelf-scanner", "automl", naming.aml_endpoint_name(NAMES, "shelf-scanner")),
        # naming.foundry_account_name: the shared account, "ais-shared-<env>-<digest>"
        ReplacementRef("catalog", "foundry", naming.foundry_account_name(NAMES), ("gpt-4o", "gpt-4o-mini")),
        # dedicated: "ais-<workload>-<env>-<digest>"
        ReplacementRef("labels", "foundry", naming.foundry_account_name(NAMES, "labels")),
        # naming.cognitive_account_name: "di-<workload>-<env>-<digest>"
        ReplacementRef("receipts", "documentIntelligence", naming.cognitive_account_name("di", NAMES, "receipts")),
        ReplacementRef("receipts", "face", "face-receipts"),
    ]


def test_shared_account_name_from_environment_section_reaches_refs(parse):
    w = workload(replacement={"foundry": {"deployments": [GPT4O]}})
    cfg, issues = parse(w, replacement={"foundry": {"accountName": "ais-contoso-dev", "publicNetworkAccess": "Enabled"}})
    assert issues == []
    assert cfg.replacement.foundry == SharedAccountConfig(name="ais-contoso-dev", public_network_access="Enabled")
    assert replacement_refs(cfg) == [ReplacementRef("shelf-scanner", "foundry", "ais-contoso-dev", ("gpt-4o",))]


# --- validation -------------------------------------------------------------------------------------------

P = "cvmigrate:workloads[0]"


def foundry_with(*deployments, **extra):
    return workload(replacement={"foundry": {"deployments": list(deployments), **extra}})


@pytest.mark.parametrize("sku, message", [
    ("Premium", f"{P}.replacement.foundry.deployments[0].sku: 'Premium' is not one of Standard, GlobalStandard, "),
    (["GlobalStandard"], f"{P}.replacement.foundry.deployments[0].sku: must be a SKU name or {{name, capacity}}, "
                         "got list ['GlobalStandard']."),
    ({"name": "GlobalStandrd", "capacity": 1},
     f"{P}.replacement.foundry.deployments[0].sku.name: 'GlobalStandrd' is not one of "),
])
def test_unknown_deployment_sku_shapes_are_errors_naming_the_key(parse, sku, message):
    deployment = {**GPT4O, "sku": sku}
    if isinstance(sku, dict):
        del deployment["capacity"]  # given inside the sku mapping
    cfg, issues = parse(foundry_with(deployment))
    assert cfg is None
    assert len(errors(issues)) == 1 and errors(issues)[0].startswith(message), errors(issues)


def test_capacity_in_both_places_is_an_error(parse):
    cfg, issues = parse(foundry_with({**GPT4O, "sku": {"name": "GlobalStandard", "capacity": 1}}))
    assert errors(issues) == [f"{P}.replacement.foundry.deployments[0].capacity: is set both here and in "
                              "sku.capacity. Fix: keep one of them."]


def test_sku_as_mapping_is_accepted(parse):
    cfg, issues = parse(foundry_with({"name": "gpt-4o", "model": "gpt-4o", "sku": {"name": "Standard", "capacity": 3}}))
    assert issues == []
    d = cfg.workloads[0].replacement.foundry.deployments[0]
    assert (d.sku, d.capacity, d.version, d.format) == ("Standard", 3, None, "OpenAI")


@pytest.mark.parametrize("capacity", [0, -5])
def test_capacity_must_be_positive(parse, capacity):
    cfg, issues = parse(foundry_with({**GPT4O, "capacity": capacity}))
    assert cfg is None
    assert errors(issues) == [
        f"{P}.replacement.foundry.deployments[0].capacity: {capacity} is not a usable capacity: a deployment needs "
        "at least 1 unit. Fix: set capacity to 1 or more."]


def test_duplicate_deployment_names_are_errors(parse):
    cfg, issues = parse(foundry_with(GPT4O, {**GPT4O, "name": "GPT-4o", "capacity": 1}))
    assert cfg is None
    assert errors(issues) == [
        f"{P}.replacement.foundry.deployments[1].name: deployment 'GPT-4o' is declared twice (first at "
        f"{P}.replacement.foundry.deployments[0].name). Fix: give every deployment a unique name."]


def test_same_deployment_name_in_two_workloads_on_the_shared_account_is_an_error(parse):
    a = foundry_with(GPT4O)
    b = workload(name="catalog", replacement={"foundry": {"deployments": [GPT4O]}})
    cfg, issues = parse(a, b)
    assert cfg is None
    assert errors(issues) == [
        "cvmigrate:workloads[1].replacement.foundry.deployments[0].name: deployment name 'gpt-4o' is already used "
        f"at {P}.replacement.foundry.deployments[0].name. Fix: deployments on one AIServices account need distinct "
        "names; rename it or set dedicatedAccount: true."]
    # On its own account the name is free again.
    b["replacement"]["foundry"]["dedicatedAccount"] = True
    _, issues = parse(a, b)
    assert errors(issues) == []


@pytest.mark.parametrize("principal", ["not-a-guid", "00000000-0000-0000-0000-00000000000", "shelf@contoso.com"])
def test_malformed_principal_ids_are_errors(parse, principal):
    cfg, issues = parse(workload(access=[{"principalId": principal, "principalType": "User"}]))
    assert cfg is None
    assert len(errors(issues)) == 1
    assert errors(issues)[0].startswith(
        f"{P}.access[0].principalId: '{principal}' is not an object ID (a GUID like "
        "00000000-0000-0000-0000-000000000000). Fix: use the principal's object ID from Entra ID")


def test_principal_type_must_be_known_and_principals_listed_once(parse):
    cfg, issues = parse(workload(access=[{"principalId": SP, "principalType": "ServicePrincipal"},
                                         {"principalId": SP.upper(), "principalType": "ServicePrincipal"},
                                         {"principalId": SP, "principalType": "App"}]))
    assert cfg is None
    assert errors(issues) == [
        f"{P}.access[1].principalId: is already listed at {P}.access[0]. Fix: list each principal once.",
        f"{P}.access[2].principalType: 'App' is not one of User, Group, ServicePrincipal. "
        "Fix: use one of: User, Group, ServicePrincipal.",
    ]


def test_gpu_less_compute_for_automl_image_training_is_a_warning_with_the_reason(parse):
    cfg, issues = parse(workload(replacement={"automl": {"computeSku": "Standard_D4s_v3", "maxNodes": 1}}))
    assert cfg is not None and errors(issues) == []
    assert warnings(issues) == [
        f"{P}.replacement.automl.computeSku: 'Standard_D4s_v3' has no GPU: AutoML image classification and object "
        "detection only train on GPU VM sizes, so jobs on this cluster fail. Fix: use an N-series GPU size, "
        "e.g. Standard_NC4as_T4_v3 (T4) or Standard_NC24ads_A100_v4 (A100)."]
    assert cfg.warnings == tuple(warnings(issues))


# Dates from infra/cvmigrate/gpu_sizes.yaml, which cites MicrosoftDocs/azure-docs
# articles/virtual-machines/ncv3-nc6s-nc12s-nc24s-retirement.md (NCv3: 2025-09-30) and the NC/NCv2/ND/NV
# migration guides (2023-09-06).
@pytest.mark.parametrize("sku, retired", [("Standard_NC6s_v3", "2025-09-30"), ("Standard_NC24s_v3", "2025-09-30"),
                                          ("Standard_NC6", "2023-09-06"), ("Standard_ND24rs", "2023-09-06")])
def test_retired_gpu_sizes_fail_validation_with_their_date(parse, sku, retired):
    cfg, issues = parse(workload(replacement={"automl": {"computeSku": sku, "maxNodes": 1}}))
    assert cfg is None
    (error,) = errors(issues)
    assert error.startswith(f"{P}.replacement.automl.computeSku: '{sku}' ") and f"retired on {retired}" in error
    assert "Standard_NC4as_T4_v3" in error


def test_a_size_retiring_later_is_a_warning_with_its_date(stack_config):
    early = dt.date(2025, 6, 1)
    cfg, issues = parse_stack_config(stack_config(workload(replacement={"automl": {"computeSku": "Standard_NC6s_v3",
                                                                            "maxNodes": 1}})), "dev", today=early)
    assert cfg is not None and "retires on 2025-09-30" in warnings(issues)[0]


@pytest.mark.parametrize("sku, expect", [("Standard_NV8as_v4", "no NVIDIA GPU"),
                                         ("Standard_NC999zz_v9", "not in cvmigrate's table")])
def test_non_cuda_and_unknown_gpu_sizes_warn(parse, sku, expect):
    cfg, issues = parse(workload(replacement={"automl": {"computeSku": sku, "maxNodes": 1}}))
    assert cfg is not None and expect in warnings(issues)[0]


@pytest.mark.parametrize("sku", ["Standard_NC4as_T4_v3", "Standard_NC24ads_A100_v4", "Standard_ND96asr_v4",
                                 "Standard_NV12s_v3"])
def test_gpu_sizes_raise_no_warning(parse, sku):
    _, issues = parse(workload(replacement={"automl": {"computeSku": sku, "maxNodes": 1}}))
    assert issues == []


def test_automl_bounds_and_shared_only_keys_are_reported_together(parse):
    cfg, issues = parse(workload(replacement={
        "automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 2, "minNodes": 3, "publicNetworkAccess": "Enabled",
                   "endpoint": {"name": "1-bad", "authMode": "token"}},
        "foundry": {"restore": True}}))
    assert cfg is None
    paths = [e.split(":", 2)[1] for e in errors(issues)]
    assert paths == [
        "workloads[0].replacement.automl.minNodes",
        "workloads[0].replacement.automl.publicNetworkAccess",
        "workloads[0].replacement.automl.endpoint.name",
        "workloads[0].replacement.automl.endpoint.authMode",
        "workloads[0].replacement.foundry.restore",
    ]
    assert errors(issues)[1] == (
        f"{P}.replacement.automl.publicNetworkAccess: applies only to a dedicated resource (dedicatedWorkspace: "
        "true); this workload uses the environment's shared one. Fix: set dedicatedWorkspace: true, or set it for "
        "the shared resource under cvmigrate:replacement.automl.")


def test_min_nodes_above_zero_warns_about_idle_cost(parse):
    _, issues = parse(workload(replacement={"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 2, "minNodes": 1}}))
    assert [str(i) for i in issues] == [
        f"{P}.replacement.automl.minNodes: keeps 1 node(s) running, and billed, even when no training job runs. "
        "Fix: use minNodes: 0 unless jobs cannot wait for a node to start."]


def test_unknown_keys_and_duplicate_endpoint_names_are_errors(parse):
    a = workload(replacement={"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1, "endpoint": {"name": "scan"}},
                              "openai": {}})
    b = workload(name="catalog", replacement={"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1,
                                                         "endpoint": {"name": "SCAN"}}})
    _, issues = parse(a, b)
    assert errors(issues) == [
        f"{P}.replacement.openai: is not a known key. Fix: use one of: automl, contentUnderstanding, documentIntelligence, face, foundry.",
        "cvmigrate:workloads[1].replacement.automl.endpoint.name: endpoint name 'SCAN' is already used at "
        f"{P}.replacement.automl.endpoint.name. Fix: online endpoint names are unique per region; give each "
        "workload its own.",
    ]
