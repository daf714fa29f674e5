"""cutover_checklist: the checklist steps decided from the stack and the reports it names (cvmigrate.checklist),
production-switched from the logs (executed on duckdb-kql, shares worked out by hand below) and the overdue flag."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from kql_stacks import stack
from test_kql_executed import aml, at, diag, repeat

from cvmigrate.config.replacement_refs import replacement_refs
from cvmigrate.artefacts import render_all
from cvmigrate.report import duck

NOW = dt.datetime(2027, 3, 10, 12, 0, tzinfo=dt.timezone.utc)   # last 7 days: from 2027-03-03 12:00


def cv(name: str) -> dict:
    return {"customVision": {"mode": "create", "trainingName": f"{name}-train", "predictionName": f"{name}-pred"}}


def compare_report(verdict: str, passed: bool) -> dict:
    """The fields of a compare.json (compare.schema.json) that cutover.evidence reads."""
    return {"tool": {"name": "cvmigrate"}, "schemaVersion": 1, "verdict": verdict, "task": "multiclass",
            "gate": {"expression": "macroF1 >= legacy - 0.02", "passed": passed},
            "legacy": {"metrics": {"macroF1": 0.9}}, "replacement": {"metrics": {"macroF1": 0.91 if passed else 0.5}}}


def evidence_stack(folder: Path):
    scan = {"tool": "cvmigrate scan", "findings": [
        {"kind": "sdk", "feature": "classify"}, {"kind": "rest", "feature": "detect"}, {"kind": "secret", "feature": "secret"}]}
    (folder / "shelf.scan.json").write_text(json.dumps(scan))
    (folder / "export").mkdir()
    (folder / "export" / "manifest.json").write_text(json.dumps({
        "manifest_version": 1, "status": "complete", "exported_at": "2027-02-20T10:00:00Z", "task": "classification",
        "project": {"id": "p1", "name": "Shelf"}}))
    (folder / "shelf.compare.json").write_text(json.dumps(compare_report("pass", True)))
    (folder / "receipts.compare.json").write_text(json.dumps(compare_report("fail", False)))
    (folder / "later.export.json").write_text(json.dumps({"manifest_version": 1, "status": "incomplete",
                                                          "project": {"id": "p9"}}))
    return stack({"cvmigrate:workloads": [
        {"name": "shelf", "cutover": {"state": "dual-run", "date": "2027-03-01", "evidence": "shelf.compare.json"},
         "legacy": cv("cv-shelf"),
         "replacement": {"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1, "endpoint": {"name": "ep-shelf"}}},
         "evidence": {"scan": "shelf.scan.json", "export": "export"}},
        {"name": "receipts", "cutover": {"state": "cut-over", "date": "2027-01-02", "evidence": "receipts.compare.json"},
         "legacy": {"imageAnalysis": {"mode": "create", "name": "ia-receipts"}},
         "replacement": {"documentIntelligence": {"name": "di-receipts"}},
         "evidence": {"scan": "missing.scan.json"}},
        {"name": "old", "cutover": {"state": "decommissioned", "date": "2027-02-01"}, "legacy": cv("cv-old")},
        {"name": "later", "cutover": {"state": "planned", "date": "2027-06-30"}, "legacy": cv("cv-later"),
         "evidence": {"export": "later.export.json"}},
    ]})


@pytest.fixture
def checklist(tmp_path: Path):
    cfg = evidence_stack(tmp_path)
    refs = replacement_refs(cfg)
    di = next(r.name for r in refs if r.workload == "receipts")
    con = duck.connect()
    d = repeat(3, lambda i: diag("CV-SHELF-PRED", at(9, 10, i), 200))
    d.append(diag("CV-SHELF-PRED", at(1, 10), 200))                      # older than 7 days
    d += repeat(2, lambda i: diag("IA-RECEIPTS", at(8, 10, i), 200, operation="Read"))
    d += repeat(8, lambda i: diag(di.upper(), at(8, 11, i), 200, operation="Read"))
    d += repeat(4, lambda i: diag("cv-later-pred", at(7, 9, i), 200))
    a = repeat(57, lambda i: aml("ep-shelf", at(9, 12, i % 60)))
    duck.insert_rows(con, "AzureDiagnostics", d)
    duck.insert_rows(con, "AmlOnlineEndpointTrafficLog", a)
    query = render_all(cfg, names=("cutover_checklist",), evidence_base=tmp_path)["cutover_checklist"]
    return duck.run_query(con, query.text, NOW)


def test_every_step_of_every_workload_with_its_state(checklist):
    got = {(r["Workload"], r["Step"]): r["State"] for r in checklist}
    assert got == {
        ("shelf", "assessed"): "done", ("shelf", "data-exported"): "done", ("shelf", "replacement-deployed"): "done",
        ("shelf", "staging-tested"): "done",
        ("shelf", "production-switched"): "done",          # 3 legacy / (3 + 57) = 5.0 % <= 5 %
        ("shelf", "decommissioned"): "pending",
        ("receipts", "assessed"): "unknown",               # the named scan report does not exist: never done
        ("receipts", "data-exported"): "not-applicable",   # Image Analysis: nothing labelled to export
        ("receipts", "replacement-deployed"): "done", ("receipts", "staging-tested"): "failed",
        ("receipts", "production-switched"): "in-progress",  # 2 / (2 + 8) = 20 %, replacement serving
        ("receipts", "decommissioned"): "pending",
        ("old", "assessed"): "pending", ("old", "data-exported"): "pending", ("old", "replacement-deployed"): "pending",
        ("old", "staging-tested"): "pending",
        ("old", "production-switched"): "done",            # no calls at all and decommissioned
        ("old", "decommissioned"): "done",
        ("later", "assessed"): "pending", ("later", "data-exported"): "in-progress",
        ("later", "replacement-deployed"): "pending", ("later", "staging-tested"): "pending",
        ("later", "production-switched"): "pending",       # 4 legacy, no replacement: 100 %
        ("later", "decommissioned"): "pending",
    }
    order = [(r["Workload"], r["Order"]) for r in checklist]
    assert order == sorted(order)


def test_evidence_names_the_numbers_and_the_reports(checklist):
    ev = {(r["Workload"], r["Step"]): r["Evidence"] for r in checklist}
    assert ev[("shelf", "production-switched")] == ("legacy share 5.0% of 60 calls in the last 7 days "
                                                    "(switched at <= 5.0%)")
    assert ev[("receipts", "production-switched")].startswith("legacy share 20.0% of 10 calls")
    assert ev[("shelf", "assessed")] == ("scan shelf.scan.json: 3 findings (1 sdk, 1 rest, 1 secret); "
                                         "features: classify, detect, secret")
    assert ev[("shelf", "data-exported")] == "project Shelf exported 2027-02-20T10:00:00Z (classification)"
    assert ev[("receipts", "assessed")] == "evidence.scan: missing.scan.json not found"
    assert ev[("old", "production-switched")] == "no legacy or replacement calls in the last 7 days"


def test_overdue_only_past_the_date_and_not_cut_over(checklist):
    overdue = {r["Workload"]: r["Overdue"] for r in checklist}
    # shelf: 2027-03-01 passed, still dual-run. receipts/old: cut over. later: 2027-06-30 is ahead.
    assert overdue == {"shelf": True, "receipts": False, "old": False, "later": False}
