"""Parsing and validation of the workload `replacement` / `access` sections and `cvmigrate:replacement`,
and the ReplacementRef list the KQL library attributes replacement traffic by."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from cvmigrate.config import parse_stack_config
from cvmigrate.config.replacement import (
    AccessPrincipal, AutoMLConfig, CognitiveTargetConfig, EndpointConfig, FoundryConfig, ModelDeployment,
    ReplacementDefaults, SharedAccountConfig,
)
from cvmigrate.config.replacement_refs import ReplacementRef, replacement_refs
from stacks import IMAGE_ANALYSIS_WORKLOAD, REFERENCE_WORKLOAD, stack

TODAY = dt.date(2026, 11, 21)
GPT4O = {"name": "gpt-4o", "model": "gpt-4o", "version": "2024-11-20", "sku": "GlobalStandard", "capacity": 10}
SP = "0a1b2c3d-0000-4000-8000-00000000000a"


def workload(base=REFERENCE_WORKLOAD, name=None, **sections):
    w = copy.deepcopy(base)
    if name:  # another workload: its own name, no legacy accounts (those belong to one workload only)
        w["name"] = name
        w.pop("legacy", None)
    w.update(copy.deepcopy(sections))
    return w


def parse(*workloads, **top):
    return parse_stack_config(stack(*workloads, **top), "dev", today=TODAY)


def errors(issues):
    return [str(i) for i in issues if not i.warning]


def warnings(issues):
    return [str(i) for i in issues if i.warning]


def test_issue_example_parses_into_typed_config():
    w = workload(replacement={
        "automl": {"computeSku": "Standard_NC6s_v3", "maxNodes": 2,
                   "endpoint": {"name": "shelf-scanner", "authMode": "aad_token"}},
        "foundry": {"projectName": "shelf-scanner", "deployments": [GPT4O]},
        "documentIntelligence": {}, "face": {}},
        access=[{"principalId": SP.upper(), "principalType": "ServicePrincipal"}])
    cfg, issues = parse(w)
    assert issues == []
    r = cfg.workloads[0].replacement
    assert r.automl == AutoMLConfig(
        compute_sku="Standard_NC6s_v3", max_nodes=2, min_nodes=0, idle_seconds=120,
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
    assert cfg.extra["replacement"] == ReplacementDefaults()


def test_workload_without_replacement_is_valid_and_only_tracked():
    cfg, issues = parse(workload())
    assert issues == []
    assert cfg.workloads[0].replacement is None and cfg.workloads[0].access == ()
    assert replacement_refs(cfg) == []


def test_replacement_refs_name_endpoint_accounts_and_deployments():
    automl = workload(replacement={"automl": {"computeSku": "Standard_NC6s_v3", "maxNodes": 1}})
    foundry = workload(name="catalog", replacement={"foundry": {"deployments": [
        GPT4O, {**GPT4O, "name": "gpt-4o-mini", "model": "gpt-4o-mini", "version": "2024-07-18"}]}})
    dedicated = workload(name="labels", replacement={"foundry": {"dedicatedAccount": True}})
    ia = workload(IMAGE_ANALYSIS_WORKLOAD, replacement={"documentIntelligence": {}, "face": {"name": "face-receipts"}})
    cfg, issues = parse(automl, foundry, dedicated, ia)
    assert errors(issues) == []
    assert replacement_refs(cfg) == [
        # naming.aml_endpoint_name: ep-<workload>-<env>
        ReplacementRef("shelf-scanner", "automl", "ep-shelf-scanner-dev"),
        # naming.foundry_account_name: the shared account, "ais-shared-<env>-<hash>"
        ReplacementRef("catalog", "foundry", "ais-shared-dev-efdfe7", ("gpt-4o", "gpt-4o-mini")),
        # dedicated: "ais-<workload>-<env>-<hash>"
        ReplacementRef("labels", "foundry", "ais-labels-dev-6c95cc"),
        # naming.cognitive_account_name: "di-<workload>-<env>-<hash4>"
        ReplacementRef("receipts", "documentIntelligence", "di-receipts-dev-ce80"),
        ReplacementRef("receipts", "face", "face-receipts"),
    ]


def test_shared_account_name_from_environment_section_reaches_refs():
    w = workload(replacement={"foundry": {"deployments": [GPT4O]}})
    cfg, issues = parse(w, replacement={"foundry": {"accountName": "ais-contoso-dev", "publicNetworkAccess": "Enabled"}})
    assert issues == []
    assert cfg.extra["replacement"].foundry == SharedAccountConfig(name="ais-contoso-dev", public_network_access="Enabled")
    assert replacement_refs(cfg) == [ReplacementRef("shelf-scanner", "foundry", "ais-contoso-dev", ("gpt-4o",))]
