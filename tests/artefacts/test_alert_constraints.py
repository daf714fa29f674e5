"""Every log alert rule of the catalogue (queries/alerts/catalogue.yaml), resolved and rendered as the stack deploys it,
held to the constraints Microsoft publishes for Microsoft.Insights/scheduledQueryRules. The tests iterate over
the catalogue, so a rule added later is held to the same limits without touching this file.

Sources (the value lists below are copied from them, not from cvmigrate's own schema):
- [SPEC] Azure/azure-rest-api-specs specification/monitor/resource-manager/Microsoft.Insights/stable/2023-12-01/
  scheduledQueryRule_API.json: evaluationFrequency, windowSize, overrideQueryTimeRange, muteActionsDuration are
  ISO 8601 durations; failingPeriods {numberOfEvaluationPeriods, minFailingPeriodsToAlert}, defaults 1/1.
- [DOCS] learn.microsoft.com/azure/azure-monitor/alerts/alerts-create-log-alert-rule (MicrosoftDocs/
  azure-monitor-docs articles/azure-monitor/alerts/alerts-create-log-alert-rule.md, ms.date 07/22/2025):
  "Number of violations ... in order to use this the query should include 'datetime' column in the query
  results"; "The alert time range is limited to a maximum of two days"; ago() "with timespan literals only";
  frequency "from one minute to one day".
- [TF] hashicorp/terraform-provider-azurerm website/docs/r/monitor_scheduled_query_rules_alert_v2.html.markdown
  (the provider validates against what the API accepts): evaluation_frequency PT1M..PT6H, P1D; window_duration
  PT1M..PT6H when the frequency is PT1M, else PT5M..PT6H, P1D, P2D; query_time_range_override PT5M..P2D and
  never less than window x periods; failing periods 1-6 with min <= number; "number_of_evaluation_periods must
  be 1 for queries that do not project timestamp column"; window x periods <= 48 hours; the frequency not
  greater than window x periods nor than the mute duration; auto-mitigation and mute duration exclusive.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from itertools import product

import pytest

from kql_stacks import EMPTY, MIXED, MIXED_REFS
from kusto_check import result_columns

from cvmigrate.config.alerts import Thresholds
from cvmigrate.report import duck
from cvmigrate.artefacts import build_params
from cvmigrate.artefacts.alert_queries import alert_params, render_alert_template
from cvmigrate.artefacts.catalogue import LogAlert, MetricAlert, load_catalogue, minutes, resolve, smallest_allowed

FREQUENCIES = ["PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H",
               "P1D"]                                                                          # [TF]
WINDOWS_AT_1M = ["PT1M", "PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H"]
WINDOWS = ["PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H", "P1D", "P2D"]
QUERY_TIME_RANGES = ["PT5M", "PT10M", "PT15M", "PT20M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H",
                     "PT6H", "P1D", "P2D"]                                                    # [TF]
MUTE_DURATIONS = ["PT5M", "PT10M", "PT15M", "PT30M", "PT45M", "PT1H", "PT2H", "PT3H", "PT4H", "PT5H", "PT6H", "P1D",
                  "P2D"]                                                                       # [TF]
MAX_RANGE_MINUTES = 48 * 60                                                                   # [DOCS], [TF]
DATETIME = {"datetime"}
_AGO = re.compile(r"\bago\(")
_AGO_LITERAL = re.compile(r"\bago\((\d+)([dhm])\)")
_UNIT = {"d": 1440, "h": 60, "m": 1}

# The defaults, and each accepted seasonal baseline length: no log rule may depend on it (the regression pages
# through a metric alert), so every log rule must stay within Azure's limits whatever it is.
SCENARIOS = [Thresholds.defaults()] + [
    replace(Thresholds.defaults(), regression_baseline_weeks=w) for w in range(3, 13)]
STACKS = {"mixed": (MIXED, MIXED_REFS), "zero_workloads": (EMPTY, [])}


def log_alerts() -> list[LogAlert]:
    return [a for a in load_catalogue() if isinstance(a, LogAlert)]


def rendered(alert: LogAlert, thresholds: Thresholds, stack: str = "mixed"):
    cfg, refs = STACKS[stack]
    resolved = resolve(alert, thresholds)
    return resolved, render_alert_template(alert.query, alert_params(build_params(cfg, refs=refs), resolved))


def test_the_catalogue_has_log_alerts_to_hold():
    assert log_alerts(), "no log alert in queries/alerts/catalogue.yaml: nothing below would be checked"


@pytest.mark.parametrize("alert", log_alerts(), ids=lambda a: a.name)
def test_every_rule_payload_is_one_azure_accepts(alert):
    for thresholds in SCENARIOS:
        r = resolve(alert, thresholds)
        where = f"{alert.name} with {thresholds}"
        assert alert.frequency in FREQUENCIES, where
        assert r.window in (WINDOWS_AT_1M if alert.frequency == "PT1M" else WINDOWS), where
        n, m = alert.evaluation_periods, alert.min_failing
        assert 1 <= m <= n <= 6, where
        span = minutes(r.window) * n
        assert span <= MAX_RANGE_MINUTES, where
        assert minutes(alert.frequency) <= span, where
        if r.query_time_range is not None:
            assert r.query_time_range in QUERY_TIME_RANGES, where
            assert minutes(r.query_time_range) >= span, where
        if alert.mute_actions is not None:
            assert alert.mute_actions in MUTE_DURATIONS and not alert.auto_mitigate, where
            assert minutes(alert.frequency) <= minutes(alert.mute_actions), where


@pytest.mark.parametrize("alert", log_alerts(), ids=lambda a: a.name)
def test_every_query_reads_only_inside_the_rules_range(alert):
    """The query's own ago() lookbacks fit the range Azure runs it over (override, else window x periods),
    which itself never exceeds the two-day cap: data the query asks for and Azure does not give would make
    a baseline or a rate silently wrong."""
    for thresholds, stack in product(SCENARIOS, STACKS):
        r, text = rendered(alert, thresholds, stack)
        where = f"{alert.name} ({stack}) with {thresholds}"
        assert r.evaluation_range_minutes <= MAX_RANGE_MINUTES, where
        assert r.lookback_minutes <= r.evaluation_range_minutes, where
        agos = _AGO_LITERAL.findall(text)
        assert len(agos) == len(_AGO.findall(text)) > 0, f"{where}: ago() takes timespan literals only [DOCS]"
        assert max(int(v) * _UNIT[u] for v, u in agos) <= r.evaluation_range_minutes, where


@pytest.fixture(scope="module")
def inferred_columns():
    texts = {f"{a.name}/{stack}": rendered(a, Thresholds.defaults(), stack)[1]
             for a in log_alerts() for stack in STACKS}
    return result_columns(texts)


@pytest.mark.parametrize("alert", log_alerts(), ids=lambda a: a.name)
def test_multi_period_rules_return_a_datetime_column(alert, inferred_columns):
    """"Number of violations" (failingPeriods > 1) needs a datetime column in the query results [DOCS], [TF]:
    checked on the result schema Microsoft's Kusto language service infers, and on the one DuckDB returns when
    the query actually runs."""
    if alert.evaluation_periods == 1:
        pytest.skip(f"{alert.name}: one evaluation period, no datetime column needed")
    for stack in STACKS:
        columns = inferred_columns[f"{alert.name}/{stack}"]
        assert columns, f"{alert.name}: the language service inferred no result schema"
        assert {t for _, t in columns} & DATETIME, f"{alert.name} ({stack}): {columns}"
        con = duck.connect()
        relation = __import__("duckdb_kql").kql(con, rendered(alert, Thresholds.defaults(), stack)[1],
                                                query_now=dt.datetime(2027, 3, 10, 12, tzinfo=dt.timezone.utc))
        assert any(str(t).startswith("TIMESTAMP") for t in relation.types), (alert.name, relation.types)


@pytest.mark.parametrize("alert", log_alerts(), ids=lambda a: a.name)
def test_dimensions_are_string_or_numeric_result_columns(alert, inferred_columns):
    """Dimensions "can be only string or numeric columns", at most six [DOCS]."""
    assert len(alert.dimensions) <= 6
    columns = dict(inferred_columns[f"{alert.name}/mixed"])
    for dimension in alert.dimensions:
        assert columns.get(dimension) in {"string", "long", "int", "real", "decimal"}, (alert.name, dimension, columns)


def test_the_checks_catch_what_azure_refuses():
    """The same checks, fed the findings this suite was written for, fail: PT7H windows, a 2-of-2 rule
    without a datetime column, a PT25H query time range."""
    assert "PT7H" not in WINDOWS and "PT25H" not in QUERY_TIME_RANGES
    seven = smallest_allowed("window", 7 * 60)
    assert seven in WINDOWS and seven == "P1D"
    no_datetime = "AzureDiagnostics | summarize Calls = count() by Resource"
    assert not {t for _, t in result_columns({"q": no_datetime})["q"]} & DATETIME


# Metric alerts (Microsoft.Insights/metricAlerts 2018-03-01): [TF-M] hashicorp/terraform-provider-azurerm
# website/docs/r/monitor_metric_alert.html.markdown (frequency PT1M, PT5M, PT15M, PT30M, PT1H; window_size PT1M,
# PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D); [SPEC-M] azure-rest-api-specs .../stable/2018-03-01/
# metricAlert_API.json DynamicThresholdCriterion: operator GreaterThan/LessThan/GreaterOrLessThan, alertSensitivity
# Low/Medium/High, failingPeriods {numberOfEvaluationPeriods, minFailingPeriodsToAlert <= it}.
METRIC_FREQUENCIES = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H"]
METRIC_WINDOWS = ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"]


@pytest.mark.parametrize("alert", [a for a in load_catalogue() if isinstance(a, MetricAlert)], ids=lambda a: a.name)
def test_every_metric_alert_is_one_azure_accepts(alert):
    assert alert.frequency in METRIC_FREQUENCIES and alert.window in METRIC_WINDOWS
    assert minutes(alert.frequency) <= minutes(alert.window)
    assert alert.operator in ("GreaterThan", "LessThan", "GreaterOrLessThan")
    assert alert.alert_sensitivity in ("Low", "Medium", "High")
    assert 1 <= alert.min_failing <= alert.evaluation_periods <= 6
