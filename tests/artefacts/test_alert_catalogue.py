"""queries/alerts/catalogue.yaml is valid against queries/alerts/catalogue.schema.json (Draft 7, like AMBA's alert YAML
validation) and every entry can be deployed as written."""
from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml

from cvmigrate.config.alerts import Thresholds
from cvmigrate.artefacts.catalogue import (
    MAX_QUERY_RANGE_HOURS, ActivityAlert, LogAlert, MetricAlert, load_catalogue, minutes, resolve,
)
from cvmigrate.paths import queries_dir
from cvmigrate.policy.rules import ALERTS


@pytest.fixture(scope="module")
def schema():
    doc = json.loads((queries_dir() / "alerts" / "catalogue.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(doc)
    return doc


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load((queries_dir() / "alerts" / "catalogue.yaml").read_text())


def test_catalogue_validates_against_its_schema(schema, raw):
    jsonschema.validate(raw, schema)


@pytest.mark.parametrize("mutate, word", [
    (lambda a: a[0].update(operator="Equals"), "Equals"),      # the enum the service rejects (bicep-types-az#2308)
    (lambda a: a[0].update(severity=5), "5"),
    (lambda a: a[0].pop("actionGroup"), "actionGroup"),
    (lambda a: a[0].update(frequency="15m"), "15m"),
    (lambda a: a[5].update(scope="subscription"), "subscription"),
    (lambda a: a[1].update(colour="red"), "colour"),
])
def test_schema_rejects_what_azure_or_the_team_rules_reject(schema, raw, mutate, word):
    doc = copy.deepcopy(raw)
    mutate(doc["alerts"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


def test_catalogue_holds_the_alerts_the_issue_lists():
    alerts = {a.name: a for a in load_catalogue()}
    assert [(a.name, a.severity, a.query) for a in alerts.values() if isinstance(a, LogAlert)] == [
        ("legacy-after-cutover", 1, "alert_legacy_after_cutover"),
        ("error-spike", 3, "alert_error_spike"),
        ("deadline-proximity", 2, "alert_deadline_proximity"),
        ("cutover-overdue", 2, "alert_cutover_overdue"),
        ("replacement-health", 2, "alert_replacement_health"),
        ("pipeline-broken", 2, "alert_pipeline_broken"),
    ]
    regression = alerts["legacy-regression"]
    assert isinstance(regression, MetricAlert)
    assert (regression.metric_name, regression.alert_sensitivity, regression.stand_in, regression.severity) == (
        "TotalCalls", "Low", "legacy_regression", 1)
    deleted = alerts["diagnostic-setting-deleted"]
    assert isinstance(deleted, ActivityAlert)
    assert (deleted.operation_name, deleted.category, deleted.scope) == (
        "Microsoft.Insights/diagnosticSettings/delete", "Administrative", "diagnosedResources")


def test_every_log_alert_can_run_as_catalogued():
    limit = ALERTS.defaults["maxEvaluationFrequencyMinutes"]
    for alert in load_catalogue():
        if not isinstance(alert, LogAlert):
            continue
        assert ((queries_dir() / f"{alert.query}.kql").is_file()
                or (queries_dir() / "alerts" / f"{alert.query}.kql").is_file()), alert.name
        r = resolve(alert, Thresholds.defaults())
        assert minutes(alert.frequency) <= minutes(r.window), alert.name       # no unread gaps between runs
        assert minutes(alert.frequency) <= limit, alert.name                   # the policy pack's own rule
        assert r.lookback_minutes <= MAX_QUERY_RANGE_HOURS * 60, alert.name
        assert alert.min_failing <= alert.evaluation_periods, alert.name
        assert not (alert.mute_actions and alert.auto_mitigate), alert.name    # Azure: mute needs autoMitigate off
