"""`cvmigrate render --stack <env> --out DIR` writes every query, offline; bad input exits 2 with one line."""
from __future__ import annotations

import json
from pathlib import Path

from cvmigrate.cli import main
from cvmigrate.artefacts import QUERY_NAMES, render
from cvmigrate.artefacts.catalogue import load_catalogue
from cvmigrate.config import load_stack_file

ROOT = Path(__file__).resolve().parents[2]


def test_render_writes_every_query_of_the_dev_stack(tmp_path, capsys):
    assert main(["render", "--stack", str(ROOT / "Pulumi.dev.yaml"), "--out", str(tmp_path)]) == 0
    written = sorted(p.stem for p in (tmp_path / "queries").glob("*.kql"))
    assert written == sorted(QUERY_NAMES)
    traffic = (tmp_path / "queries" / "legacy_traffic.kql").read_text()
    assert traffic.startswith("// legacy_traffic:") and "AzureDiagnostics\n| where TimeGenerated > ago(30d)" in traffic
    assert f"wrote {len(QUERY_NAMES)} queries" in capsys.readouterr().out


def test_render_rejects_a_bad_error_classes_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "classes.yaml"
    bad.write_text("classes: []\n")
    code = main(["render", "--stack", str(ROOT / "Pulumi.dev.yaml"), "--out", str(tmp_path),
                 "--error-classes", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "--error-classes" in err and "Traceback" not in err


def test_render_writes_every_alert_rule_with_its_query_and_settings(tmp_path, capsys):
    # The Monitoring component deploys Artefacts.alert_rules[name].query.text and the resolved settings, so the
    # files are compared with render(cfg) of the same stack.
    stack = str(ROOT / "Pulumi.dev.yaml")
    assert main(["render", "--stack", stack, "--out", str(tmp_path)]) == 0
    artefacts = render(load_stack_file(stack), evidence_base=ROOT)
    index = {e["name"]: e for e in json.loads((tmp_path / "alerts.json").read_text())}
    assert set(index) == {a.name for a in load_catalogue()}
    assert sorted(p.stem for p in (tmp_path / "alerts").glob("*.kql")) == sorted(artefacts.alert_rules)
    assert not list(tmp_path.rglob(".*.part"))
    for name, rule in artefacts.alert_rules.items():
        entry, alert = index[name], rule.resolved.alert
        assert (tmp_path / entry["query"]).read_text(encoding="utf-8") == rule.query.text
        assert entry["kind"] == "log" and entry["timeAggregation"] == "Count"
        assert (entry["severity"], entry["windowSize"], entry["evaluationFrequency"], entry["operator"],
                entry["threshold"], entry["dimensions"], entry["queryTimeRange"]) == (
            alert.severity, rule.resolved.window, alert.frequency, alert.operator, alert.threshold,
            list(alert.dimensions), rule.resolved.query_time_range)
        assert entry["failingPeriods"] == {"numberOfEvaluationPeriods": alert.evaluation_periods,
                                           "minFailingPeriodsToAlert": alert.min_failing}
    assert artefacts.metric_alerts, "the catalogue has dynamic-threshold metric alerts"
    for metric in artefacts.metric_alerts:
        entry = index[metric.name]
        assert entry["kind"] == "metric" and entry["query"] is None
        assert (entry["metricName"], entry["criterionType"], entry["alertSensitivity"], entry["severity"],
                entry["windowSize"], entry["timeAggregation"]) == (
            metric.metric_name, "DynamicThresholdCriterion", metric.alert_sensitivity, metric.severity,
            metric.window, metric.time_aggregation)
    assert f"wrote {len(index)} alert rules" in capsys.readouterr().out
