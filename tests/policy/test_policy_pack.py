"""The pack as the engine drives it: pulumi_policy's own analyzer servicer receives Analyze /
AnalyzeStack / Configure requests shaped like the engine's (pulumi analyzer_plugin.go marshals
properties with KeepUnknowns and KeepSecrets, so secrets arrive wrapped in the secret signature
and unknowns as sentinels). PulumiPolicy.yaml follows Pulumi's "Policy pack project file"
reference (docs: discovery-governance/reference/policy-project-file, Python runtime options)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from google.protobuf import json_format, struct_pb2

pytest.importorskip("pulumi_policy")
from pulumi.runtime.proto import analyzer_pb2  # noqa: E402
from pulumi_policy import EnforcementLevel  # noqa: E402
from pulumi_policy.policy import _PolicyAnalyzerServicer  # noqa: E402

from cvmigrate.policy import pack, rules  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SIG, SECRET = "4dabf18193072939515e22adb298388d", "1b47061264138c4ac30d75fd1eb44270"
UNKNOWN = rules.UNKNOWN_STRING


def servicer(today=dt.date(2026, 11, 21), env="prod", adopted=()):
    pack.install_secret_marking()
    policies = pack.build_policies(today=lambda: today, environment=lambda: env, adopted=lambda: list(adopted))
    return _PolicyAnalyzerServicer(pack.PACK_NAME, "0.1.0", policies, EnforcementLevel.MANDATORY)


def struct(props):
    return json_format.ParseDict(props, struct_pb2.Struct())


def analyze(svc, typ, props, name="r", skip=("cvmigrate-required-tags",)):
    request = analyzer_pb2.AnalyzeRequest(type=typ, properties=struct(props), urn=f"urn:{name}", name=name)
    return [(d.policyName, d.message, analyzer_pb2.EnforcementLevel.Name(d.enforcementLevel))
            for d in svc.Analyze(request, None).diagnostics if d.policyName not in skip]


def configure(svc, policy, level="MANDATORY", **props):
    request = analyzer_pb2.ConfigureAnalyzerRequest(policyConfig={policy: analyzer_pb2.PolicyConfig(
        enforcementLevel=analyzer_pb2.EnforcementLevel.Value(level), properties=struct(props))})
    svc.Configure(request, None)


def test_new_legacy_account_in_production_is_mandatory_and_unknown_kind_is_advisory():
    svc = servicer()
    found = analyze(svc, rules.ACCOUNT, {"accountName": "cv-x", "kind": "CustomVision.Prediction",
                                         "tags": {"cvmigrate-env": "prod"}})
    assert [(p, level) for p, _, level in found] == [("cvmigrate-no-new-legacy-accounts", "MANDATORY")]
    assert "creates a new CustomVision.Prediction account 'cv-x'" in found[0][1]
    unknown = analyze(svc, rules.ACCOUNT, {"accountName": "cv-x", "kind": UNKNOWN})
    assert [(p, level) for p, _, level in unknown] == [("cvmigrate-no-new-legacy-accounts", "ADVISORY")]
    assert "during preview: account 'cv-x': kind is not known during preview" in unknown[0][1]


def test_adopted_accounts_from_the_stack_config_pass():
    svc = servicer(adopted=["cv-x"])
    assert analyze(svc, rules.ACCOUNT, {"accountName": "cv-x", "kind": "CustomVision.Prediction",
                                        "tags": {"cvmigrate-env": "prod"}}) == []


def test_config_switches_rules_off_and_changes_thresholds():
    svc = servicer(env="qa")
    props = {"accountName": "cv-x", "kind": "ComputerVision"}
    assert len(analyze(svc, rules.ACCOUNT, props)) == 1
    configure(svc, "cvmigrate-no-new-legacy-accounts", allowCreateEnvironments=["qa"])
    assert analyze(svc, rules.ACCOUNT, props) == []
    configure(svc, "cvmigrate-no-new-legacy-accounts", level="DISABLED")
    assert analyze(svc, rules.ACCOUNT, {**props, "tags": {"cvmigrate-env": "prod"}}) == []

    alert = {"ruleName": "a", "enabled": True, "evaluationFrequency": "PT2H", "actions": {"actionGroups": ["/ag"]}}
    assert "every 120 minutes, more than the allowed 60" in analyze(svc, rules.SCHEDULED_QUERY_RULE, alert)[0][1]
    configure(svc, "cvmigrate-alerts-enabled", maxEvaluationFrequencyMinutes=180)
    assert analyze(svc, rules.SCHEDULED_QUERY_RULE, alert) == []


def test_definite_violations_are_reported_before_the_preview_advisory():
    svc = servicer()
    props = {"accountName": "ais", "tags": {"cvmigrate-role": "replacement", "cvmigrate-env": "prod",
                                            "cvmigrate-workload": "w"},
             "identity": {"type": "SystemAssigned"},
             "properties": {"disableLocalAuth": False, "customSubDomainName": UNKNOWN}}
    found = analyze(svc, rules.ACCOUNT, props)
    assert [(p, level) for p, _, level in found] == [("cvmigrate-replacement-account-hardening", "MANDATORY"),
                                                     ("cvmigrate-replacement-account-hardening", "ADVISORY")]


def test_secret_marker_survives_to_the_rule():
    svc = servicer()
    plain = {"secretName": "k", "properties": {"value": "abc"}}
    secret = {"secretName": "k", "properties": {"value": {SIG: SECRET, "value": "abc"}}}
    assert [p for p, _, _ in analyze(svc, rules.KEY_VAULT_SECRET, plain)] == ["cvmigrate-no-plaintext-secrets"]
    assert analyze(svc, rules.KEY_VAULT_SECRET, secret) == []


def test_stack_policies_see_diagnostics_and_outputs():
    svc = servicer()
    account = analyzer_pb2.AnalyzerResource(type=rules.ACCOUNT, name="acct", urn="urn:acct",
                                            properties=struct({"accountName": "cv", "id": "/a"}))
    ws = analyzer_pb2.AnalyzerResource(type=rules.ML_WORKSPACE, name="mlw", urn="urn:mlw",
                                       properties=struct({"id": "/w"}))
    diag = analyzer_pb2.AnalyzerResource(
        type=rules.DIAGNOSTIC_SETTING, name="d", urn="urn:d",
        properties=struct({"resourceUri": UNKNOWN, "logs": [{"category": "Audit", "enabled": True}],
                           "workspaceId": "/subscriptions/s/resourceGroups/r/providers/"
                                          "Microsoft.OperationalInsights/workspaces/law"}),
        propertyDependencies={"resourceUri": analyzer_pb2.AnalyzerPropertyDependencies(urns=["urn:acct"])})
    stack = analyzer_pb2.AnalyzerResource(
        type=rules.STACK, name="cvmigrate-dev", urn="urn:stack",
        properties=struct({"trainingKey": {SIG: SECRET, "value": "k"}, "adminPassword": "hunter2"}))
    response = svc.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=[account, ws, diag, stack]), None)
    found = sorted((d.policyName, d.urn) for d in response.diagnostics)
    assert found == [("cvmigrate-diagnostics-required", "urn:mlw"),
                     ("cvmigrate-no-plaintext-secret-outputs", "urn:stack")]


def test_every_policy_has_a_config_schema_with_defaults():
    svc = servicer()
    info = svc.GetAnalyzerInfo(None, None)
    names = sorted(p.name for p in info.policies)
    assert names == sorted(spec.name for spec in rules.POLICIES)
    legacy = next(p for p in info.policies if p.name == "cvmigrate-no-new-legacy-accounts")
    schema = json_format.MessageToDict(legacy.configSchema.properties)
    assert schema["freezeDate"]["default"] == "2027-09-25"
    assert schema["allowCreateEnvironments"]["default"] == ["dev"]


def test_pulumi_policy_yaml_runs_python_in_the_repo_venv():
    doc = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert doc["runtime"] == {"name": "python", "options": {"virtualenv": "../.venv"}}
    assert set(doc) <= {"runtime", "version", "main", "description", "author", "website", "license"}
    main = (ROOT / "policies" / "__main__.py").read_text()
    assert "from cvmigrate.policy.pack import serve" in main
