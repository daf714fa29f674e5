"""The checklist's `assessed` step accepts `cvmigrate inventory --format json` output as evidence
(workloads[].evidence.inventory), next to a scan report: the inventory is produced by the real command against
the fake Training API v3.3 (standins/cv_fake.py), then read back by cvmigrate.checklist."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from cv_domains import CLASSIFICATION
from cv_fake import FakeProject, tag
from cvmigrate.checklist import static_steps
from cvmigrate.cli import main
from cvmigrate.config import load_stack_file, replacement_refs

P1, P2 = "11111111-0000-4000-8000-000000000001", "22222222-0000-4000-8000-000000000002"


def write_stack(folder: Path, evidence: dict) -> Path:
    config = {
        "azure-native:location": "westeurope", "cvmigrate:retirementDate": "2028-09-25",
        "azure-native:subscriptionId": "11111111-2222-3333-4444-555555555555",
        "cvmigrate:alerts": {"emails": ["oncall@contoso.com"]},
        "cvmigrate:workloads": [{
            "name": "shelf", "cutover": {"state": "dual-run", "date": "2027-03-31"},
            "legacy": {"customVision": {"mode": "create", "trainingName": "cv-shelf-train",
                                        "predictionName": "cv-shelf-pred"}},
            "evidence": evidence}],
    }
    path = folder / "Pulumi.t.yaml"
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def assessed(folder: Path, evidence: dict) -> tuple[str, str]:
    cfg = load_stack_file(str(write_stack(folder, evidence)))
    step = next(s for s in static_steps(cfg, folder, replacement_refs(cfg)) if s.step == "assessed")
    return step.state, step.evidence


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


def test_a_complete_inventory_makes_the_workload_assessed(inventory_file, tmp_path):
    code, path = inventory_file()
    assert code == 0
    collected = json.loads(path.read_text())["collected_at"]
    assert assessed(tmp_path, {"inventory": path.name}) == (
        "done", f"inventory inv.json: 2 project(s), 1 iteration(s), 1 published, collected {collected}")


def test_an_incomplete_inventory_is_in_progress_and_a_scan_report_still_counts(inventory_file, training_api,
                                                                               tmp_path):
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


def test_a_named_inventory_that_cannot_be_read_is_unknown_even_beside_a_good_scan(tmp_path):
    (tmp_path / "scan.json").write_text(json.dumps({"tool": "cvmigrate scan", "findings": []}))
    (tmp_path / "notinv.json").write_text(json.dumps({"tool": "cvmigrate scan", "findings": []}))
    assert assessed(tmp_path, {"inventory": "missing.json"}) == (
        "unknown", "evidence.inventory: missing.json not found")
    assert assessed(tmp_path, {"inventory": "notinv.json", "scan": "scan.json"}) == (
        "unknown", "scan scan.json: 0 findings (0 sdk, 0 rest, 0 secret); features: none; "
                   "evidence.inventory: not the JSON of `cvmigrate inventory --format json`")


def test_without_either_report_the_step_is_pending_and_names_both_commands(tmp_path):
    state, evidence = assessed(tmp_path, {})
    assert state == "pending"
    assert "cvmigrate scan" in evidence and "cvmigrate inventory --format json" in evidence


def test_validate_rejects_an_unknown_evidence_key(tmp_path, capsys):
    assert main(["validate", "--stack", str(write_stack(tmp_path, {"inventroy": "inv.json"}))]) == 2
    assert "inventroy" in capsys.readouterr().err
