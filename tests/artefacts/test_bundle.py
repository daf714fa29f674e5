"""artefacts.render(cfg) -> Artefacts: computed once per run and consumed by `cvmigrate render`, the Pulumi
program (the Monitoring component) and `cvmigrate status`; the replacement refs are worked out once per run too
(in render, or by the one entry point that does not render) and handed down."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pulumi
import pytest
import yaml

from stacks import CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD, IMPORT_WORKLOAD, REFERENCE_WORKLOAD

from cvmigrate.artefacts import params as params_module
from cvmigrate.artefacts import render
from cvmigrate.artefacts.catalogue import LogAlert, load_catalogue
from cvmigrate.cli import main as cli_main
from cvmigrate.program import build, load_config

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


@pytest.fixture
def replacement_refs_calls(monkeypatch):
    """Counts replacement_refs calls wherever a cvmigrate module imported it."""
    calls = []
    # the module, not the function cvmigrate.config re-exports under the same name
    original = importlib.import_module("cvmigrate.config.replacement_refs").replacement_refs

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    patched = [name for name, module in list(sys.modules.items())
               if name.startswith("cvmigrate") and getattr(module, "replacement_refs", None) is original]
    for name in patched:
        monkeypatch.setattr(sys.modules[name], "replacement_refs", counting)
    assert "cvmigrate.config.replacement_refs" in patched
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


GPT4O = {"name": "gpt-4o", "model": "gpt-4o", "version": "2024-11-20", "sku": "GlobalStandard", "capacity": 10}
WITH_REPLACEMENTS = (
    {**REFERENCE_WORKLOAD, "replacement": {"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1},
                                           "foundry": {"deployments": [GPT4O]}}},
    {**IMAGE_ANALYSIS_WORKLOAD, "replacement": {"documentIntelligence": {}, "face": {}}},
    IMPORT_WORKLOAD,
)


def test_the_program_works_out_replacement_refs_once(replacement_refs_calls, run_stack, stack_config):
    refs: dict = {}

    def program():        # the real program, keeping the workload summaries it exports
        pulumi.Output.from_input(build(load_config())["workloads"]).apply(refs.update)

    graph = run_stack(stack_config(*WITH_REPLACEMENTS), program=program)
    assert graph.error is None
    assert {r["target"] for r in refs["shelf-scanner"]["replacementRefs"]} == {"automl", "foundry"}  # handed down
    assert {r["target"] for r in refs["receipts"]["replacementRefs"]} == {"documentIntelligence", "face"}
    assert len(replacement_refs_calls) == 1


def test_render_works_out_replacement_refs_once(replacement_refs_calls, parsed_config, stack_config):
    artefacts = render(parsed_config(stack_config(*WITH_REPLACEMENTS)))
    assert {r.target for r in artefacts.refs} == {"automl", "foundry", "documentIntelligence", "face"}
    assert len(replacement_refs_calls) == 1


DEMO = ROOT / "examples" / "Pulumi.demo.yaml"


def test_status_sample_validate_and_render_each_work_out_replacement_refs_once(replacement_refs_calls, tmp_path,
                                                                            capsys):
    archive = tmp_path / "archive"
    end = "2027-06-01T00:00:00Z"
    assert cli_main(["sample", "--stack", str(DEMO), "--out", str(archive), "--days", "15", "--records", "3000",
                     "--end", end]) == 0
    assert len(replacement_refs_calls) == 1
    replacement_refs_calls.clear()
    code = cli_main(["status", "--stack", str(DEMO), "--source", str(archive), "--now", end, "--format", "json",
                     "--no-progress"])
    assert code in (0, 3) and '"workloads"' in capsys.readouterr().out
    assert len(replacement_refs_calls) == 1
    replacement_refs_calls.clear()
    assert cli_main(["validate", "--stack", str(DEMO)]) == 0
    assert len(replacement_refs_calls) == 1
    replacement_refs_calls.clear()
    assert cli_main(["render", "--stack", str(DEMO), "--out", str(tmp_path / "rendered")]) == 0
    assert cli_main(["render", "--stack", str(DEMO), "--out", str(tmp_path / "adx"), "--target", "adx",
                     "--storage-account", "stcvmarchive", "--subscription", "00000000-0000-0000-0000-000000000000"]) == 0
    assert len(replacement_refs_calls) == 2
