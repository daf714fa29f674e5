"""The checklist's `assessed` step accepts `cvmigrate inventory --format json` output as evidence
(workloads[].evidence.inventory), next to a scan report: the inventory is produced by the real command against
the fake Training API v3.3 (standins/cv_fake.py), then read back by cvmigrate.checklist."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cv_domains import CLASSIFICATION
from cv_fake import FakeProject, tag
from cvmigrate.checklist import static_steps
from cvmigrate.cli import main
from cvmigrate.config import load_stack_file, replacement_refs

P1, P2 = "11111111-0000-4000-8000-000000000001", "22222222-0000-4000-8000-000000000002"


@pytest.fixture
def write_stack(stack_file):
    def write(folder: Path, evidence: dict) -> Path:
        return stack_file(folder, {
            "name": "shelf", "cutover": {"state": "dual-run", "date": "2027-03-31"},
            "legacy": {"customVision": {"mode": "create", "trainingName": "cv-shelf-train",
                                        "predictionName": "cv-shelf-pred"}},
            "evidence": evidence})
    return write


@pytest.fixture
def assessed(write_stack):
    def decide(folder: Path, evidence: dict) -> tuple[str, str]:
        cfg = load_stack_file(str(write_stack(folder, evidence)))
        step = next(s for s in static_steps(cfg, folder, replacement_refs(cfg)) if s.step == "assessed")
        return step.state, step.evidence
    return decide


@pytest.fixture
def inventory_file(training_api, tmp_path, capsys, monkeypatch):
    """Write `cvmigrate inventory --format json` of a resource with two projects (one published iteration)."""
    shelf = FakeProject(P1, "shelf", CLASSIFICATION, "Multiclass", [tag("t1", "cat", count=60)])
    shelf.iterations = [{"id": "it-1", "name": "Iteration 1", "status": "Completed", "created": "2024-01-01T00:00:00Z",
                         "lastModified": "2024-01-01T00:00:00Z", "trainedAt": "2024-01-01T00:00:00Z",
                         "projectId": P1, "exportable": False, "exportableTo": [], "domainId": CLASSIFICATION["id"],
                         "classificationType": None, "trainingType": "Regular", "reservedBudgetInHours": 0,
                         "trainingTimeInMinutes": 3, "publishName": "shelf-prod", "originalPublishResourceId": ""}]
    shelf.performance = {"it-1": {"perTagPerformance": [], "precision": 0.9, "recall": 0.8, "averagePrecision": 0.85}}
    training_api.add(shelf)
    training_api.add(FakeProject(P2, "cars", CLASSIFICATION, "Multiclass", [tag("c1", "car", count=60)]))
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", training_api.key)
    monkeypatch.setattr("cvmigrate.customvision.training_api.time.sleep", lambda s: None)

    def run(name: str = "inv.json") -> tuple[int, Path]:
        code = main(["inventory", "--endpoint", training_api.endpoint, "--format", "json"])
        path = tmp_path / name
        path.write_text(capsys.readouterr().out)
        return code, path
    return run


def test_a_complete_inventory_makes_the_workload_assessed(inventory_file, tmp_path, assessed):
    code, path = inventory_file()
    assert code == 0
    collected = json.loads(path.read_text())["collected_at"]
    assert assessed(tmp_path, {"inventory": path.name}) == (
        "done", f"inventory inv.json: 2 project(s), 1 iteration(s), 1 published, collected {collected}")


def test_an_incomplete_inventory_is_in_progress_and_a_scan_report_still_counts(inventory_file, training_api,
                                                                               tmp_path, assessed):
    training_api.fail(rf"/projects/{P2}/tags$", 503, times=-1)
    code, path = inventory_file()
    assert code == 3
    state, evidence = assessed(tmp_path, {"inventory": path.name})
    assert state == "in-progress"
    assert "incomplete (1 project(s) not read)" in evidence
    (tmp_path / "scan.json").write_text(json.dumps({"tool": "cvmigrate scan", "findings": [
        {"kind": "sdk", "feature": "classify"}]}))
    state, evidence = assessed(tmp_path, {"inventory": path.name, "scan": "scan.json"})
    assert state == "done"                           # scan or inventory: the scan report is enough
    assert evidence.startswith("scan scan.json: 1 findings (1 sdk, 0 rest, 0 secret); features: classify; inventory")


def test_a_named_inventory_that_cannot_be_read_is_unknown_even_beside_a_good_scan(tmp_path, assessed):
    (tmp_path / "scan.json").write_text(json.dumps({"tool": "cvmigrate scan", "findings": []}))
    (tmp_path / "notinv.json").write_text(json.dumps({"tool": "cvmigrate scan", "findings": []}))
    assert assessed(tmp_path, {"inventory": "missing.json"}) == (
        "unknown", "evidence.inventory: missing.json not found")
    assert assessed(tmp_path, {"inventory": "notinv.json", "scan": "scan.json"}) == (
        "unknown", "scan scan.json: 0 findings (0 sdk, 0 rest, 0 secret); features: none; "
                   "evidence.inventory: not the JSON of `cvmigrate inventory --format json`")


def test_without_either_report_the_step_is_pending_and_names_both_commands(tmp_path, assessed):
    state, evidence = assessed(tmp_path, {})
    assert state == "pending"
    assert "cvmigrate scan" in evidence and "cvmigrate inventory --format json" in evidence


def test_validate_rejects_an_unknown_evidence_key(tmp_path, capsys, write_stack):
    assert main(["validate", "--stack", str(write_stack(tmp_path, {"inventroy": "inv.json"}))]) == 2
    assert "inventroy" in capsys.readouterr().err
