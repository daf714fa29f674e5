"""Behaviour snapshots (issue #11): the renovation of the package layout must not change what users see or
what the stack deploys. These record, for every example stack, the `render` output, the recorded mock graph
(types, names, inputs, options), the `status --format json` report of the demo archive (generated
deterministically with a fixed seed and `--now`), and the `validate` messages of a set of bad configs.

A change that is meant to alter one of them updates the snapshot in the same commit
(`pytest --snapshot-update tests/snapshots`), so the diff shows exactly what changed.
Temporary paths are replaced by `<tmp>` so the snapshots are stable across machines.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from stacks import IMAGE_ANALYSIS_WORKLOAD, REFERENCE_WORKLOAD

from cvmigrate.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "dev": ROOT / "Pulumi.dev.yaml",
    "prod": ROOT / "Pulumi.prod.yaml",
    "demo": ROOT / "examples" / "Pulumi.demo.yaml",
}
DEMO_END = "2027-06-01T00:00:00Z"


def scrub(text: str, tmp_path: Path) -> str:
    return text.replace(str(tmp_path), "<tmp>").replace(str(ROOT), "<repo>")


@pytest.mark.parametrize("env", sorted(EXAMPLES))
def test_render_output(env, tmp_path, capsys, snapshot):
    out = tmp_path / "out"
    assert main(["render", "--stack", str(EXAMPLES[env]), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    files = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*"))
             if p.is_file()}
    assert snapshot(name="stdout") == scrub(captured.out, tmp_path)
    assert snapshot(name="stderr") == scrub(captured.err, tmp_path)
    assert snapshot(name="files") == files


def graph_record(graph) -> list[dict]:
    return sorted(({
        "urn": r.urn, "type": r.type, "name": r.name, "custom": r.custom, "inputs": r.inputs,
        "secretPaths": sorted(r.secret_paths), "parent": r.parent, "protect": r.protect,
        "retainOnDelete": r.retain_on_delete, "dependencies": sorted(r.dependencies),
        "ignoreChanges": list(r.ignore_changes), "replaceOnChanges": list(r.replace_on_changes),
        "importId": r.import_id, "deleteBeforeReplace": r.delete_before_replace, "provider": r.provider,
    } for r in graph.resources), key=lambda r: r["urn"])


@pytest.mark.parametrize("env", sorted(EXAMPLES))
def test_mock_graph(run_stack, env, snapshot):
    config = yaml.safe_load(EXAMPLES[env].read_text(encoding="utf-8"))["config"]
    graph = run_stack(config, stack=env)
    assert graph.error is None
    assert snapshot(name="resources") == graph_record(graph)
    assert snapshot(name="invokes") == sorted(
        json.dumps({"token": i.token, "args": i.args, "provider": i.provider}, sort_keys=True) for i in graph.invoked)


def test_status_json_of_the_demo_archive(tmp_path, capsys, snapshot):
    archive = tmp_path / "archive"
    demo = str(EXAMPLES["demo"])
    assert main(["sample", "--stack", demo, "--out", str(archive), "--days", "120", "--records", "20000",
                 "--seed", "7",
                 "--end", DEMO_END]) == 0
    sample_out = capsys.readouterr()
    code = main(["status", "--stack", demo, "--source", str(archive), "--now", DEMO_END, "--format", "json",
                 "--no-progress"])
    captured = capsys.readouterr()
    assert snapshot(name="sample") == scrub(sample_out.out + sample_out.err, tmp_path)
    assert snapshot(name="exit code") == code
    assert snapshot(name="report") == json.loads(scrub(captured.out, tmp_path))
    assert snapshot(name="stderr") == scrub(captured.err, tmp_path)


@pytest.fixture(scope="session")
def broken_config(stack_config):
    def broken_config(mutate):
        config = stack_config(copy.deepcopy(REFERENCE_WORKLOAD), copy.deepcopy(IMAGE_ANALYSIS_WORKLOAD))
        mutate(config)
        return config
    return broken_config


def _set(path: list, value):
    def mutate(config):
        node = config
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


BAD_CONFIGS = {
    "unknown top-level key": _set(["cvmigrate:workloadz"], []),
    "bad cutover state and wave": lambda c: c["cvmigrate:workloads"][0].update(cutover={"state": "nope"}, wave=-1),
    "retirement not a date": _set(["cvmigrate:retirementDate"], "25/09/2028"),
    "duplicate workload names": lambda c: c["cvmigrate:workloads"].append(copy.deepcopy(REFERENCE_WORKLOAD)),
    "legacy mode typo": lambda c: c["cvmigrate:workloads"][0]["legacy"]["customVision"].update(mode="refrence"),
    "bad ARM id": lambda c: c["cvmigrate:workloads"][1]["legacy"]["imageAnalysis"].update(id="not-an-arm-id"),
    "no alert receiver": _set(["cvmigrate:alerts"], {}),
    "bad alert email and threshold": _set(["cvmigrate:alerts"], {
        "emails": ["not-an-email"], "thresholds": {"regressionTolerance": "high", "nope": 1}}),
    "bad location": _set(["azure-native:location"], "west europe!"),
    "log analytics retention out of range": _set(["cvmigrate:logAnalytics"], {"create": True, "retentionInDays": 5}),
    "replacement unknown kind": lambda c: c["cvmigrate:workloads"][0].update(replacement={"autml": {}}),
    "replacement bad sku": lambda c: c["cvmigrate:workloads"][0].update(
        replacement={"automl": {"computeSku": 7, "maxNodes": 0}}),
    "azure policy bad effect": _set(["cvmigrate:azurePolicy"], {"enabled": True, "effect": "Block"}),
    "access bad principal": lambda c: c["cvmigrate:workloads"][0].update(
        access=[{"principalId": "not-a-guid", "principalType": "Robot"}]),
    "workloads not a list": _set(["cvmigrate:workloads"], {"name": "x"}),
    "resource group bad name": _set(["cvmigrate:resourceGroup"], {"name": "rg with spaces?", "create": "yes"}),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_validate_messages(broken_config, case, tmp_path, capsys, snapshot):
    path = tmp_path / "Pulumi.qa.yaml"
    path.write_text(yaml.safe_dump({"config": broken_config(BAD_CONFIGS[case])}), encoding="utf-8")
    code = main(["validate", "--stack", str(path)])
    captured = capsys.readouterr()
    assert snapshot(name="exit code") == code
    assert snapshot(name="stdout") == scrub(captured.out, tmp_path)
    assert snapshot(name="stderr") == scrub(captured.err, tmp_path)
