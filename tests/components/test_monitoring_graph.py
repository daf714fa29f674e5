"""The Monitoring component under Pulumi mocks: workbook, action group, scheduled query rules, the activity
log alert and the query pack, as registered by the full program.

Resource shapes follow the ARM specs: Microsoft.Insights/workbooks (2023-06-01: kind shared, category,
sourceId, serializedData as a string), scheduledQueryRules 2023-12-01 (scopes, criteria.allOf with query,
timeAggregation, operator, threshold, dimensions, failingPeriods; actions.actionGroups), actionGroups
2023-01-01 (location Global, groupShortName <= 12, useCommonAlertSchema), activityLogAlerts 2020-10-01
(scopes are resource-ID prefixes; condition.allOf field/equals), Microsoft.OperationalInsights/queryPacks
and queryPacks/queries (id GUID, body, related.categories/resourceTypes, tags as string lists)."""
from __future__ import annotations

import json

import pytest

from stacks import CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD, IMPORT_WORKLOAD, ONCALL, REFERENCE_WORKLOAD

from cvmigrate.config import parse_stack_config
from cvmigrate.artefacts import QUERY_NAMES, render, render_all
from cvmigrate.artefacts.catalogue import LogAlert, load_catalogue
from cvmigrate.artefacts.workbook import workbook_name
from cvmigrate.naming import stable_uuid
from cvmigrate.policy.rules import alert_rules, required_tags

RULE = "azure-native:monitor:ScheduledQueryRule"
METRIC = "azure-native:monitor:MetricAlert"
ACTIVITY = "azure-native:monitor:ActivityLogAlert"
GROUP = "azure-native:monitor:ActionGroup"
WORKBOOK = "azure-native:applicationinsights:Workbook"
PACK = "azure-native:operationalinsights:QueryPack"
QUERY = "azure-native:operationalinsights:Query"
ACCOUNT = "azure-native:cognitiveservices:Account"
ESTATE = (REFERENCE_WORKLOAD, IMPORT_WORKLOAD, CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD)


def config_of(raw):
    cfg, issues = parse_stack_config(raw, "dev")
    assert cfg is not None, [str(i) for i in issues]
    return cfg


@pytest.fixture(scope="module")
def estate(stack_config, run_stack):
    raw = stack_config(*ESTATE, alerts={"emails": [ONCALL], "webhooks": ["https://hooks.contoso.com/t/abc?sig=s3cr3t"],
                                        "smsNumbers": ["+1 4255550123"], "thresholds": {"regressionTolerance": 0.5}})
    return raw, run_stack(raw), run_stack(raw)


def test_every_rule_sends_the_rendered_query_with_the_catalogued_numbers(estate):
    raw, g, _ = estate
    assert g.error is None
    expected = render(config_of(raw)).alert_rules
    group_id = g.one(GROUP).id
    workspace_id = g.one("azure-native:operationalinsights:Workspace").id
    rules = {r.inputs["ruleName"]: r for r in g.of_type(RULE)}
    assert sorted(rules) == sorted(f"cvm-dev-{name}" for name in expected)
    for name, (resolved, query) in expected.items():
        alert: LogAlert = resolved.alert
        props = rules[f"cvm-dev-{name}"].inputs
        (condition,) = props["criteria"]["allOf"]
        assert condition["query"] == query.text
        assert (props["severity"], props["evaluationFrequency"], props["windowSize"], props["autoMitigate"]) == (
            alert.severity, alert.frequency, resolved.window, alert.auto_mitigate)
        assert props.get("overrideQueryTimeRange") == resolved.query_time_range
        assert props.get("muteActionsDuration") == alert.mute_actions
        assert (condition["operator"], condition["threshold"], condition["timeAggregation"]) == (
            alert.operator, alert.threshold, "Count")
        assert condition["failingPeriods"] == {"numberOfEvaluationPeriods": alert.evaluation_periods,
                                               "minFailingPeriodsToAlert": alert.min_failing}
        assert [d["name"] for d in condition.get("dimensions", [])] == list(alert.dimensions)
        assert props["scopes"] == [workspace_id] and props["enabled"] is True and props["kind"] == "LogAlert"
        assert props["actions"]["actionGroups"] == [group_id]
    assert rules["cvm-dev-deadline-proximity"].inputs["muteActionsDuration"] == "P1D"


def test_activity_log_alert_covers_every_resource_carrying_the_diagnostic_setting(estate):
    raw, g, _ = estate
    alerts = g.of_type(ACTIVITY)
    group_id = g.one(GROUP).id
    cfg = config_of(raw)
    ids = [str(a.id) for a in cfg.legacy_accounts if a.id is not None]
    ids += [r.id for r in g.of_type(ACCOUNT) if r.import_id == ""]   # create mode: the IDs Azure assigns
    assert len(ids) == len(cfg.legacy_accounts) == 7
    # every resource the stack puts its diagnostic setting on: legacy accounts and the rest (key vault ...)
    diagnosed = [d.inputs["resourceUri"] for d in g.of_type("azure-native:monitor:DiagnosticSetting")]
    assert set(map(str.lower, ids)) < set(map(str.lower, diagnosed))
    scopes = [s.lower() for a in alerts for s in a.inputs["scopes"]]
    for target in diagnosed:
        assert any(target.lower() == s or target.lower().startswith(s + "/") for s in scopes), target
    for alert in alerts:
        props = alert.inputs
        assert props["location"] == "Global" and props["enabled"] is True
        assert props["condition"]["allOf"] == [
            {"field": "category", "equals": "Administrative"},
            {"field": "operationName", "equals": "Microsoft.Insights/diagnosticSettings/delete"}]
        assert props["actions"]["actionGroups"] == [{"actionGroupId": group_id}]
    # one per subscription: the import workload's accounts live in another subscription, alerted from there
    by_rg = {a.inputs["resourceGroupName"]: a for a in alerts}
    assert sorted(by_rg) == ["rg-cv", "rg-cvmigrate-test"]
    assert by_rg["rg-cv"].provider and "99999999-8888-7777-6666-555555555555" in by_rg["rg-cv"].provider
    assert all("99999999" in s for s in by_rg["rg-cv"].inputs["scopes"])


def test_regression_pages_through_a_dynamic_threshold_on_each_dual_run_legacy_accounts_total_calls(estate):
    # Shape: azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/stable/2018-03-01/
    # examples/createOrUpdateDynamicMetricAlertSingleResource.json.
    raw, g, _ = estate
    cfg = config_of(raw)
    dual_run = sorted(a.name for w in cfg.workloads if w.cutover.state == "dual-run" for a in w.legacy_accounts)
    alerts = {a.inputs["ruleName"]: a.inputs for a in g.of_type(METRIC)}
    assert dual_run and len(alerts) == len(dual_run)
    assert all(name.startswith("cvm-dev-legacy-regression-") for name in alerts)
    for props in alerts.values():
        assert (props["location"], props["evaluationFrequency"], props["windowSize"], props["severity"]) == (
            "global", "PT15M", "PT1H", 1)
        assert len(props["scopes"]) == 1 and props["enabled"] is True
        criteria = props["criteria"]
        assert criteria["odataType"] == "Microsoft.Azure.Monitor.MultipleResourceMultipleMetricCriteria"
        (criterion,) = criteria["allOf"]
        assert {k: criterion[k] for k in ("criterionType", "metricName", "metricNamespace", "operator",
                                          "timeAggregation", "alertSensitivity")} == {
            "criterionType": "DynamicThresholdCriterion", "metricName": "TotalCalls",
            "metricNamespace": "Microsoft.CognitiveServices/accounts", "operator": "GreaterThan",
            "timeAggregation": "Total", "alertSensitivity": "Low"}
        assert criterion["failingPeriods"] == {"numberOfEvaluationPeriods": 1, "minFailingPeriodsToAlert": 1}
        assert props["actions"][0]["actionGroupId"] == g.one(GROUP).id


def test_action_group_is_global_with_common_schema_and_secret_webhook(estate):
    _, g, _ = estate
    group = g.one(GROUP)
    props = group.inputs
    assert (props["location"], props["groupShortName"], props["actionGroupName"], props["enabled"]) == (
        "Global", "cvm-dev", "ag-cvmigrate-dev", True)
    assert props["emailReceivers"] == [{"name": "email-1", "emailAddress": ONCALL, "useCommonAlertSchema": True}]
    assert props["webhookReceivers"] == [{"name": "webhook-1", "serviceUri": "https://hooks.contoso.com/t/abc?sig=s3cr3t",
                                          "useCommonAlertSchema": True, "useAadAuth": False}]
    assert props["smsReceivers"] == [{"name": "sms-1", "countryCode": "1", "phoneNumber": "4255550123"}]
    assert "webhookReceivers[0].serviceUri" in group.secret_paths


def test_workbook_is_shared_attached_to_the_workspace_with_canonical_json(estate):
    raw, g, _ = estate
    cfg = config_of(raw)
    workbook = g.one(WORKBOOK).inputs
    assert (workbook["kind"], workbook["category"], workbook["sourceId"], workbook["version"]) == (
        "shared", "workbook", g.one("azure-native:operationalinsights:Workspace").id, "Notebook/1.0")
    assert workbook["resourceName"] == workbook_name("dev") == stable_uuid("workbook", "dev", "cvmigrate migration (dev)")
    assert workbook["serializedData"] == render(cfg).workbook_json
    assert json.loads(workbook["serializedData"])["version"] == "Notebook/1.0"


def test_query_pack_holds_every_log_analytics_query_with_stable_ids(estate):
    raw, g, _ = estate
    cfg = config_of(raw)
    pack = g.one(PACK)
    assert pack.inputs["queryPackName"] == "pack-cvmigrate-dev"
    rendered = {n: q for n, q in render_all(cfg).items() if q.source == "logs"}
    queries = {r.name.removeprefix("query-"): r.inputs for r in g.of_type(QUERY)}
    assert sorted(queries) == sorted(rendered)    # inventory (Resource Graph) is not a workspace query
    for name, props in queries.items():
        assert props["id"] == stable_uuid("query-pack-query", "dev", name)
        assert props["body"] == rendered[name].text and props["description"] == rendered[name].description
        assert props["queryPackName"] == "pack-cvmigrate-dev"
        assert props["related"] == {"categories": ["monitor"], "resourceTypes": [
            "microsoft.operationalinsights/workspaces", "microsoft.cognitiveservices/accounts"]}
        assert props["tags"] == {"cvmigrate-env": ["dev"], "cvmigrate-role": ["monitoring"],
                                 "cvmigrate-workload": ["shared"], "cvmigrate-query": [name]}


def test_component_parents_its_children_and_passes_the_policy_pack(estate):
    _, g, _ = estate
    root = g.one("cvmigrate:index:Monitoring")
    children = [r for r in g.resources if r.parent == root.urn]
    assert sorted({r.type for r in children}) == sorted({RULE, METRIC, ACTIVITY, GROUP, WORKBOOK, PACK, QUERY})
    logs_queries = sum(1 for name in QUERY_NAMES if name != "inventory")   # inventory runs on Resource Graph
    # the log rules, 2 metric alerts (the dual-run workload's account pair), 2 activity log alerts, group, workbook,
    # pack and its queries
    log_rules = sum(1 for a in load_catalogue() if isinstance(a, LogAlert))
    assert len(children) == log_rules + 2 + 2 + 1 + 1 + 1 + logs_queries
    for r in children:
        findings = alert_rules(r.type, r.inputs, None, name=r.name)
        if r.type != QUERY:    # query-pack queries carry label lists, not resource tags
            findings += required_tags(r.type, r.inputs, None, name=r.name)
        assert not findings, (r.name, [f.message for f in findings])


def test_nothing_changes_between_two_runs(estate):
    _, first, second = estate
    assert first.snapshot() == second.snapshot()


def test_alerts_disabled_keeps_workbook_and_query_pack_only(stack_config, run_stack):
    g = run_stack(stack_config(REFERENCE_WORKLOAD, alerts={"enabled": False}))
    assert g.error is None
    assert not g.of_type(RULE) and not g.of_type(ACTIVITY) and not g.of_type(GROUP) and not g.of_type(METRIC)
    assert len(g.of_type(WORKBOOK)) == 1 and len(g.of_type(PACK)) == 1


def test_catalogue_entries_all_become_rules():
    names = {a.name for a in load_catalogue()}
    assert names == {"legacy-regression", "legacy-after-cutover", "error-spike", "deadline-proximity",
                     "cutover-overdue", "replacement-health", "pipeline-broken", "diagnostic-setting-deleted"}
