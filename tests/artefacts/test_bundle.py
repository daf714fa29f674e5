"""artefacts.render(cfg) -> Artefacts: computed once per run and consumed by `cvmigrate render`, the Pulumi
program (the Monitoring component) and `cvmigrate status`."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from stacks import CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD, IMPORT_WORKLOAD, REFERENCE_WORKLOAD

from cvmigrate.artefacts import params as params_module
from cvmigrate.artefacts import render
from cvmigrate.artefacts.catalogue import LogAlert, load_catalogue
from cvmigrate.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
WORKBOOK = "azure-native:applicationinsights:Workbook"
RULE = "azure-native:monitor:ScheduledQueryRule"


@pytest.fixture
def build_params_calls(monkeypatch):
    """Counts build_params calls wherever a cvmigrate module imported it."""
    calls = []
    original = params_module.build_params

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("cvmigrate") and getattr(module, "build_params", None) is original:
            monkeypatch.setattr(module, "build_params", counting)
    return calls


@pytest.mark.parametrize("workloads", [(REFERENCE_WORKLOAD,),
                                       (REFERENCE_WORKLOAD, IMPORT_WORKLOAD, CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD)])
def test_the_program_builds_render_parameters_once_whatever_the_number_of_alerts(workloads, build_params_calls,
                                                                                 run_stack, stack_config):
    graph = run_stack(stack_config(*workloads))
    assert graph.error is None
    log_alerts = [a for a in load_catalogue() if isinstance(a, LogAlert)]
    assert len(graph.of_type(RULE)) == len(log_alerts) > 1
    assert len(build_params_calls) == 1


def test_render_builds_parameters_once(build_params_calls, parsed_config, stack_config):
    cfg = parsed_config(stack_config(REFERENCE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD))
    artefacts = render(cfg)
    assert artefacts.alert_rules and artefacts.queries and artefacts.workbook_json
    assert len(build_params_calls) == 1


@pytest.mark.parametrize("example", ["Pulumi.dev.yaml", "Pulumi.prod.yaml", "examples/Pulumi.demo.yaml"])
def test_the_workbook_the_cli_writes_is_the_workbook_the_stack_deploys(example, tmp_path, capsys, run_stack):
    path = ROOT / example
    assert cli_main(["render", "--stack", str(path), "--out", str(tmp_path)]) == 0
    written = (tmp_path / "workbook.json").read_text(encoding="utf-8")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))["config"]
    graph = run_stack(config, stack=path.name.split(".")[1])
    assert graph.error is None
    assert graph.one(WORKBOOK).inputs["serializedData"] == written


def test_every_deployed_rule_query_is_the_rendered_alert_rule(run_stack, parsed_config, stack_config):
    raw = stack_config(REFERENCE_WORKLOAD, IMPORT_WORKLOAD)
    rules = render(parsed_config(raw)).alert_rules
    graph = run_stack(raw)
    deployed = {r.inputs["ruleName"]: r.inputs["criteria"]["allOf"][0]["query"] for r in graph.of_type(RULE)}
    assert deployed == {f"cvm-dev-{name}": rule.query.text for name, rule in rules.items()}


def test_the_query_pack_holds_the_log_analytics_queries_only(parsed_config, stack_config):
    artefacts = render(parsed_config(stack_config(REFERENCE_WORKLOAD)))
    assert {q.name for q in artefacts.query_pack} == {n for n, q in artefacts.queries.items() if q.source == "logs"}
    assert "inventory" in artefacts.queries and "inventory" not in {q.name for q in artefacts.query_pack}
