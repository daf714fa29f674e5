"""The policy pack's rules, called directly. Property shapes follow what the engine passes a policy:
the resource's inputs in camelCase as pulumi-azure-native v3 declares them (props["kind"],
props["properties"]["disableLocalAuth"], monitor.ScheduledQueryRule actions.actionGroups ...);
unknown values are the engine's sentinels (pulumi_policy/proxy.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from cvmigrate.policy import rules
from cvmigrate.policy.rules import UNKNOWN_BOOL, UNKNOWN_STRING, SecretValue, StackResource

TODAY = dt.date(2026, 11, 21)
LAW = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law"
ACCT_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/cv-new"


def legacy(kind="CustomVision.Training", name="cv-new", env="dev"):
    return {"accountName": name, "kind": kind, "tags": {"cvmigrate-env": env, "cvmigrate-role": "legacy"}}


def messages(findings):
    return [(f.message, f.unknown) for f in findings]


# --- no new legacy accounts --------------------------------------------------------------------

def test_creating_a_legacy_account_in_production_is_a_violation():
    found = rules.no_new_legacy_accounts(rules.ACCOUNT, legacy(env="prod"), None, today=TODAY)
    assert len(found) == 1 and not found[0].unknown
    assert "creates a new CustomVision.Training account 'cv-new': environment 'prod' may not create legacy " \
           "accounts (allowed: dev)" in found[0].message


def test_dev_may_create_until_the_freeze_date():
    assert rules.no_new_legacy_accounts(rules.ACCOUNT, legacy(), None, today=TODAY) == []
    found = rules.no_new_legacy_accounts(rules.ACCOUNT, legacy(), None, today=dt.date(2027, 9, 25))
    assert "the legacy freeze date 2027-09-25 has passed (today is 2027-09-25)" in found[0].message
    # the freeze date is configurable
    assert rules.no_new_legacy_accounts(rules.ACCOUNT, legacy(), {"freezeDate": "2028-01-01"},
                                        today=dt.date(2027, 9, 25)) == []


def test_adopted_accounts_are_not_new_by_stack_config_name_or_policy_config_id():
    assert rules.no_new_legacy_accounts(rules.ACCOUNT, legacy(env="prod"), None, today=TODAY,
                                        adopted=["CV-NEW"]) == []
    assert rules.no_new_legacy_accounts(rules.ACCOUNT, legacy(env="prod"), {"adoptedAccounts": [ACCT_ID]},
                                        today=TODAY) == []


def test_environment_falls_back_to_the_stack_name_when_untagged():
    props = {"accountName": "cv-ia", "kind": "ComputerVision"}
    assert rules.no_new_legacy_accounts(rules.ACCOUNT, props, None, today=TODAY, environment="dev") == []
    found = rules.no_new_legacy_accounts(rules.ACCOUNT, props, None, today=TODAY, environment="prod")
    assert "ComputerVision account 'cv-ia'" in found[0].message


def test_replacement_kinds_are_not_legacy():
    props = {"accountName": "ais", "kind": "AIServices", "tags": {"cvmigrate-env": "prod"}}
    assert rules.no_new_legacy_accounts(rules.ACCOUNT, props, None, today=TODAY) == []


def test_unknown_kind_is_advisory():
    found = rules.no_new_legacy_accounts(rules.ACCOUNT, {"accountName": "x", "kind": UNKNOWN_STRING}, None,
                                         today=TODAY)
    assert messages(found) == [("account 'x': kind is not known during preview, so it cannot be told whether it "
                                "is a legacy Custom Vision / Image Analysis account.", True)]


def test_bad_freeze_date_config_names_the_key():
    with pytest.raises(ValueError, match="freezeDate"):
        rules.no_new_legacy_accounts(rules.ACCOUNT, legacy(), {"freezeDate": "soon"}, today=TODAY)


# --- diagnostics required ----------------------------------------------------------------------

def account(urn="urn:acct", id_=ACCT_ID):
    return StackResource(rules.ACCOUNT, "acct", urn, {"accountName": "cv-new", "id": id_})


def setting(uri=ACCT_ID, workspace=LAW, logs=None, deps=None, name="diag"):
    logs = [{"category": "Audit", "enabled": True}] if logs is None else logs
    return StackResource(rules.DIAGNOSTIC_SETTING, name, f"urn:{name}",
                         {"resourceUri": uri, "workspaceId": workspace, "logs": logs},
                         {"resourceUri": deps or []})


def test_account_with_a_setting_to_log_analytics_is_compliant():
    assert rules.diagnostics_required([account(), setting(uri=ACCT_ID.upper())], None) == []


def test_setting_matched_through_property_dependencies_when_ids_are_unknown():
    resources = [account(id_=UNKNOWN_STRING), setting(uri=UNKNOWN_STRING, deps=["urn:acct"])]
    assert rules.diagnostics_required(resources, None) == []


def test_account_without_setting_is_a_violation():
    found = rules.diagnostics_required([account(), setting(uri="/other")], None)
    assert len(found) == 1 and not found[0].unknown and found[0].urn == "urn:acct"
    assert found[0].message.startswith("Account 'cv-new' has no diagnostic setting sending logs to Log Analytics")


def test_setting_to_a_storage_account_only_is_a_violation():
    found = rules.diagnostics_required([account(), setting(workspace=None)], None)
    assert found[0].message.startswith("Account 'cv-new': setting 'diag' sends to no Log Analytics workspace")


def test_required_categories_threshold():
    cfg = {"requiredCategories": ["Audit", "RequestResponse"]}
    found = rules.diagnostics_required([account(), setting()], cfg)
    assert "does not enable RequestResponse" in found[0].message
    all_logs = setting(logs=[{"categoryGroup": "allLogs", "enabled": True}])
    assert rules.diagnostics_required([account(), all_logs], cfg) == []


def test_unknown_workspace_is_advisory():
    found = rules.diagnostics_required([account(), setting(workspace=UNKNOWN_STRING)], None)
    assert messages(found) == [("Account 'cv-new': diagnostic setting cannot be checked during preview (its "
                                "workspaceId is not known during preview).", True)]


def test_unmatchable_setting_during_preview_is_advisory():
    found = rules.diagnostics_required([account(id_=UNKNOWN_STRING), setting(uri=UNKNOWN_STRING)], None)
    assert found[0].unknown and "no diagnostic setting could be matched" in found[0].message


def test_ml_workspace_and_endpoint_are_checked_and_types_configurable():
    ws = StackResource(rules.ML_WORKSPACE, "mlw", "urn:mlw", {"id": "/w"})
    ep = StackResource(rules.ONLINE_ENDPOINT, "ep", "urn:ep", {"id": "/e"})
    found = rules.diagnostics_required([ws, ep, setting(uri="/w")], None)
    assert [f.urn for f in found] == ["urn:ep"]
    assert rules.diagnostics_required([ws, ep], {"resourceTypes": [rules.ACCOUNT]}) == []


# --- replacement accounts ----------------------------------------------------------------------

def replacement(**properties):
    base = {"disableLocalAuth": True, "customSubDomainName": "ais-x", "publicNetworkAccess": "Disabled"}
    base.update(properties)
    return {"accountName": "ais-x", "kind": "AIServices", "identity": {"type": "SystemAssigned"},
            "tags": {"cvmigrate-role": "replacement"}, "properties": base}


def test_hardened_replacement_is_compliant():
    assert rules.replacement_account(rules.ACCOUNT, replacement(), {"publicNetworkAccess": "Disabled"}) == []


def test_replacement_with_keys_no_identity_no_subdomain_is_three_violations():
    props = replacement(disableLocalAuth=False, customSubDomainName="")
    del props["identity"]
    found = rules.replacement_account(rules.ACCOUNT, props, None)
    assert [f.message.split(" ", 3)[3].split(".")[0] for f in found] == [
        "allows key (local) authentication", "has no managed identity", "has no custom subdomain: Entra ID token "
        "auth needs one"]


def test_public_network_access_as_configured():
    props = replacement(publicNetworkAccess=None)
    assert rules.replacement_account(rules.ACCOUNT, props, None) == []  # Any: not checked
    found = rules.replacement_account(rules.ACCOUNT, props, {"publicNetworkAccess": "Disabled"})
    assert "publicNetworkAccess is None, the policy requires 'Disabled'" in found[0].message


def test_legacy_accounts_keep_local_auth():
    props = legacy()
    props["properties"] = {"disableLocalAuth": False}
    assert rules.replacement_account(rules.ACCOUNT, props, None) == []


def test_unknown_disable_local_auth_is_advisory():
    found = rules.replacement_account(rules.ACCOUNT, replacement(disableLocalAuth=UNKNOWN_BOOL), None)
    assert messages(found) == [("replacement account 'ais-x': disableLocalAuth is not known during preview.", True)]


# --- required tags -----------------------------------------------------------------------------

TAGS = {"cvmigrate-workload": "shelf", "cvmigrate-role": "replacement", "cvmigrate-env": "dev"}


def test_tagged_resource_is_compliant_and_untagged_types_are_skipped():
    assert rules.required_tags(rules.ML_WORKSPACE, {"tags": TAGS}, None, name="mlw") == []
    assert rules.required_tags(rules.DIAGNOSTIC_SETTING, {}, None, name="d") == []


def test_missing_tags_and_bad_role_are_violations():
    found = rules.required_tags(rules.ML_WORKSPACE, {"tags": {"cvmigrate-role": "prod"}}, None, name="mlw")
    assert found[0].message.startswith("Workspace 'mlw' lacks tag(s) cvmigrate-workload, cvmigrate-env:")
    assert found[1].message == ("Workspace 'mlw': tag cvmigrate-role='prod' is not one of legacy, replacement, "
                                "monitoring.")


def test_required_tag_list_is_configurable():
    assert rules.required_tags(rules.ML_WORKSPACE, {"tags": {"team": "x"}}, {"requiredTags": ["team"]},
                               name="mlw") == []


def test_unknown_tags_are_advisory():
    found = rules.required_tags(rules.ML_WORKSPACE, {"tags": {**TAGS, "cvmigrate-env": UNKNOWN_STRING}}, None,
                                name="mlw")
    assert messages(found) == [("Workspace 'mlw': tag cvmigrate-env is not known during preview.", True)]


# --- alerts ------------------------------------------------------------------------------------

def sqr(**over):
    props = {"ruleName": "legacy-errors", "enabled": True, "evaluationFrequency": "PT15M",
             "actions": {"actionGroups": ["/ag/ops"]}}
    props.update(over)
    return props


def test_enabled_wired_alert_is_compliant():
    assert rules.alert_rules(rules.SCHEDULED_QUERY_RULE, sqr(), None) == []
    assert rules.alert_rules(rules.METRIC_ALERT, {"ruleName": "m", "enabled": True, "evaluationFrequency": "PT1M",
                                                  "actions": [{"actionGroupId": "/ag"}]}, None) == []
    assert rules.alert_rules(rules.ACTIVITY_LOG_ALERT, {"activityLogAlertName": "a",
                                                        "actions": {"actionGroups": [{"actionGroupId": "/ag"}]}},
                             None) == []


def test_disabled_unwired_alert_is_two_violations():
    found = rules.alert_rules(rules.SCHEDULED_QUERY_RULE, sqr(enabled=False, actions={"actionGroups": []}), None)
    assert [f.message.split(":")[0] for f in found] == [
        "ScheduledQueryRule 'legacy-errors' is not enabled (enabled", "ScheduledQueryRule 'legacy-errors' notifies no action group"]


def test_evaluation_frequency_threshold_and_exemptions():
    found = rules.alert_rules(rules.SCHEDULED_QUERY_RULE, sqr(evaluationFrequency="P1D"), None)
    assert "is evaluated every 1440 minutes, more than the allowed 60" in found[0].message
    assert rules.alert_rules(rules.SCHEDULED_QUERY_RULE, sqr(evaluationFrequency="P1D"),
                             {"maxEvaluationFrequencyMinutes": 1440}) == []
    assert rules.alert_rules(rules.SCHEDULED_QUERY_RULE, sqr(enabled=False),
                             {"exemptRuleNames": ["legacy-errors"]}) == []


def test_unknown_action_group_is_advisory():
    found = rules.alert_rules(rules.SCHEDULED_QUERY_RULE, sqr(actions={"actionGroups": [UNKNOWN_STRING]}), None)
    assert messages(found) == [("ScheduledQueryRule 'legacy-errors': action groups are not known during preview.",
                                True)]


# --- secrets -----------------------------------------------------------------------------------

def test_key_vault_secret_value_must_be_secret():
    secret = {"secretName": "shelf-training-key", "properties": {"value": SecretValue("k")}}
    assert rules.key_vault_secret(rules.KEY_VAULT_SECRET, secret, None) == []
    found = rules.key_vault_secret(rules.KEY_VAULT_SECRET, {"secretName": "s", "properties": {"value": "k"}}, None)
    assert found[0].message.startswith("Key Vault secret 's' gets a value that is not a Pulumi secret")
    unknown = rules.key_vault_secret(rules.KEY_VAULT_SECRET, {"secretName": "s", "properties": {"value": UNKNOWN_STRING}},
                                     None)
    assert unknown[0].unknown
    # a secret whose value is not known yet is fine: the secret flag is known
    assert rules.key_vault_secret(rules.KEY_VAULT_SECRET,
                                  {"properties": {"value": SecretValue(UNKNOWN_STRING)}}, None) == []


def test_secret_like_stack_outputs():
    outputs = {"keyVaultName": "kv-cvm", "workloads": {"shelf": {"trainingKey": "abc", "endpoint": "https://x"}},
               "archive": "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=abc==",
               "predictionKey": SecretValue("k"), "sasToken": UNKNOWN_STRING}
    found = rules.secret_outputs(outputs, None)
    assert messages(found) == [
        ("stack output 'workloads.shelf.trainingKey' looks like a credential and is exported in plain text. Fix: "
         "export pulumi.Output.secret(...) or drop the output.", False),
        ("stack output 'archive' contains a key or SAS signature in plain text. Fix: export it as "
         "pulumi.Output.secret(...).", False),
        ("stack output 'sasToken' is not known during preview and not marked secret.", True),
    ]
    assert rules.secret_outputs(outputs, {"allowedOutputs": ["workloads.shelf.trainingKey", "archive",
                                                             "sasToken"]}) == []


def test_metric_alert_with_malformed_actions_notifies_nobody():
    found = rules.alert_rules(rules.METRIC_ALERT, {"ruleName": "m", "enabled": True, "evaluationFrequency": "PT5M",
                                                   "actions": {"actionGroupId": "/ag"}}, None)
    assert [f.message.split(":")[0] for f in found] == ["MetricAlert 'm' notifies no action group"]
