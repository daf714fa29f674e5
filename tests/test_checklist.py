"""Feature coverage warnings (validate from the scan report, status from the traffic) and the checklist in the
status report, including fail-closed when the checklist query did not answer."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cvmigrate.cli import main
from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.cutover import QueryResults, build_report

NOW = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def write_stack(stack_file):
    def write(folder: Path, replacement: dict, evidence: dict) -> Path:
        return stack_file(folder, {
            "name": "receipts", "cutover": {"state": "dual-run", "date": "2027-03-31"},
            "legacy": {"imageAnalysis": {"mode": "create", "name": "ia-receipts"}},
            "replacement": replacement, "evidence": evidence})
    return write


def scan_report(folder: Path, features: list[str]) -> None:
    (folder / "scan.json").write_text(json.dumps({"tool": "cvmigrate scan", "findings": [
        {"kind": "sdk", "feature": f} for f in features]}))


def test_validate_warns_when_scanned_code_uses_a_feature_the_replacement_does_not_cover(tmp_path, capsys, write_stack):
    scan_report(tmp_path, ["read", "faces", "analyze", "package"])
    stack = write_stack(tmp_path, {"face": {}}, {"scan": "scan.json"})
    assert main(["validate", "--stack", str(stack)]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["warning: workload receipts uses read (scan scan.json) but its replacement (face) does not cover "
                   "it; add documentIntelligence under cvmigrate:workloads[0].replacement (Document Intelligence "
                   "(prebuilt-read model))."]


def test_validate_is_quiet_when_every_feature_is_covered_and_names_a_bad_report(tmp_path, capsys, write_stack):
    scan_report(tmp_path, ["read", "faces"])
    stack = write_stack(tmp_path, {"face": {}, "documentIntelligence": {}}, {"scan": "scan.json"})
    assert main(["validate", "--stack", str(stack)]) == 0
    assert capsys.readouterr().err == ""
    stack = write_stack(tmp_path, {"face": {}}, {"scan": "nope.json"})
    assert main(["validate", "--stack", str(stack)]) == 0
    assert "cvmigrate:workloads[0].evidence.scan: nope.json not found" in capsys.readouterr().err



def test_validate_names_an_inventory_evidence_file_it_cannot_read(tmp_path, capsys, write_stack):
    (tmp_path / "scan.json").write_text("{}")
    for name, why in (("missing.json", "missing.json not found"),
                      ("scan.json", "not the JSON of `cvmigrate inventory --format json`")):
        stack = write_stack(tmp_path, {"documentIntelligence": {}}, {"inventory": name})
        assert main(["validate", "--stack", str(stack)]) == 0
        assert capsys.readouterr().err.splitlines() == [
            f"warning: cvmigrate:workloads[0].evidence.inventory: {why}; point it at the output of "
            "`cvmigrate inventory --format json`."]
    (tmp_path / "inventory.json").write_text(json.dumps({"inventory_version": 1, "status": "complete",
                                                         "projects": []}))
    stack = write_stack(tmp_path, {"documentIntelligence": {}}, {"inventory": "inventory.json"})
    assert main(["validate", "--stack", str(stack)]) == 0
    assert capsys.readouterr().err == ""

def _rows(workload="receipts"):
    return {
        "cutover_checklist": [
            {"Workload": workload, "Order": 5, "Step": "production-switched", "State": "in-progress",
             "Evidence": "legacy share 20.0% ...", "Overdue": True},
            {"Workload": workload, "Order": 1, "Step": "assessed", "State": "done", "Evidence": "scan", "Overdue": True},
        ],
        "ia_feature_usage": [
            {"Workload": workload, "Account": "a", "Feature": "read", "Destination": "Document Intelligence",
             "CoveredBy": "documentIntelligence", "Calls": 5, "Errors": 1},
            {"Workload": workload, "Account": "b", "Feature": "read", "Destination": "Document Intelligence",
             "CoveredBy": "documentIntelligence", "Calls": 3, "Errors": 0},
            {"Workload": workload, "Account": "a", "Feature": "analyze", "Destination": "per feature",
             "CoveredBy": "", "Calls": 9, "Errors": 0},
        ],
    }


def test_status_lists_features_warns_on_uncovered_ones_and_orders_the_checklist(tmp_path, write_stack):
    cfg = load_stack_file(str(write_stack(tmp_path, {"face": {}}, {})))
    report = build_report(cfg, QueryResults(rows=_rows()), now=NOW, refs=replacement_refs(cfg),
                          source={"kind": "archive", "location": "x"})
    w = report["workloads"][0]
    assert [c["step"] for c in w["checklist"]] == ["assessed", "production-switched"]
    assert w["overdue"] is True
    assert [(f["feature"], f["calls"], f["errors"], f["covered"]) for f in w["features"]] == [
        ("analyze", 9, 0, True), ("read", 8, 1, False)]
    assert w["warnings"] == ["uses read (8 calls in 30 days), which its replacement (face) does not cover: "
                             "Document Intelligence"]


def test_status_checklist_fails_closed_when_its_query_failed(tmp_path, write_stack):
    cfg = load_stack_file(str(write_stack(tmp_path, {"documentIntelligence": {}}, {})))
    results = QueryResults(rows={"ia_feature_usage": _rows()["ia_feature_usage"]},
                           problems={"cutover_checklist": "query failed"})
    w = build_report(cfg, results, now=NOW, refs=replacement_refs(cfg),
                     source={"kind": "archive", "location": "x"})["workloads"][0]
    assert (w["checklist"], w["overdue"], w["warnings"]) == ([], None, [])
