"""error_classes for the support ticket (issue #12 item 8), executed by duckdb-kql with now() frozen over the
hand-made AzureDiagnostics rows below: per class and account the sample ResultDescription values, the resource
ID and region of the record, the SKU the stack declares (create/import mode; reference mode: unknown) and the
403 hint for that SKU (queries/error_classes.yaml skuHints); then the same rows through `cvmigrate status`'s
report (JSON, table and Markdown)."""
from __future__ import annotations

import pytest

from kql_stacks import stack
from test_kql_executed import NOW, at, diag, repeat

from cvmigrate.artefacts import load_error_classes, render_all
from cvmigrate.config.replacement_refs import replacement_refs
from cvmigrate.report import duck
from cvmigrate.report.cutover import QueryResults, build_report
from cvmigrate.report.output import to_markdown, to_terminal

SUB = "11111111-2222-3333-4444-555555555555"
RID = f"/subscriptions/{SUB}/resourceGroups/rg-legacy/providers/Microsoft.CognitiveServices/accounts"
CFG = stack({"cvmigrate:workloads": [
    {"name": "free-shelf", "legacy": {"customVision": {"mode": "create", "trainingName": "cv-free-train",
                                                       "predictionName": "cv-free-pred", "sku": "F0"}}},
    {"name": "receipts", "legacy": {"imageAnalysis": {"mode": "create", "name": "ia-receipts", "sku": "S1"}}},
    {"name": "ref-shelf", "legacy": {"customVision": {"mode": "reference", "trainingId": f"{RID}/cv-ref-train",
                                                      "predictionId": f"{RID}/cv-ref-pred"}}},
]})
QUOTA = "Out of call volume quota for project. Quota will be replenished in 2 days."


def described(resource, when, status, description, location="westeurope"):
    return {**diag(resource, when, status), "ResultDescription": description, "location_s": location}


def rows():
    d = []
    # free-shelf (F0): 5 x 200 and 6 x 403 with 4 distinct non-empty descriptions, one empty
    d += repeat(5, lambda i: described("CV-FREE-PRED", at(9, 9, i), 200, "OK"))
    d += repeat(2, lambda i: described("CV-FREE-PRED", at(9, 10, i), 403, QUOTA))
    d.append(described("CV-FREE-PRED", at(9, 10, 5), 403, ""))
    d.append(described("CV-FREE-PRED", at(9, 10, 6), 403, "Quota Exceeded"))
    d.append(described("CV-FREE-PRED", at(9, 10, 7), 403, "Access denied due to invalid subscription key."))
    d.append(described("CV-FREE-PRED", at(9, 10, 8), 403, "Rate limit is exceeded."))
    # receipts (S1): 3 x 200, 3 x 403 behind a firewall, in northeurope
    d += repeat(3, lambda i: described("IA-RECEIPTS", at(9, 11, i), 200, "OK", "northeurope"))
    d += repeat(3, lambda i: described("IA-RECEIPTS", at(9, 12, i), 403,
                                       "Access denied due to Virtual Network/Firewall rules.", "northeurope"))
    # ref-shelf (reference mode: SKU unknown): 1 x 403 without description, 1 x 401
    d.append(described("CV-REF-PRED", at(9, 13), 403, ""))
    d.append(described("CV-REF-PRED", at(9, 13, 1), 401, "Access denied due to invalid subscription key."))
    d.append(described("CV-REF-PRED", at(1, 13, month=2), 403, "older than 7 days"))
    return d


@pytest.fixture(scope="module")
def error_rows():
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows())
    query = render_all(CFG, names=("error_classes",))["error_classes"]
    return duck.run_query(con, query.text, NOW)


def hints():
    cls = next(c for c in load_error_classes() if c["class"] == "quota_403")
    return cls["hint"], {h["sku"]: h["hint"] for h in cls["sku_hints"]}


def test_each_class_and_account_with_sku_region_resource_and_hint(error_rows):
    generic, by_sku = hints()
    got = {(r["Account"], r["ErrorClass"]): (r["Calls"], round(r["ErrorRate"], 6), r["Sku"], r["Region"], r["Hint"])
           for r in error_rows}
    assert got == {
        ("cv-free-pred", "quota_403"): (6, round(6 / 11, 6), "F0", "westeurope", by_sku["F0"]),
        ("ia-receipts", "quota_403"): (3, 0.5, "S1", "northeurope", by_sku["S1"]),
        ("cv-ref-pred", "quota_403"): (1, 0.5, "unknown SKU", "westeurope", generic),
        ("cv-ref-pred", "key_mismatch_401"): (1, 0.5, "unknown SKU", "westeurope",
                                              next(c["hint"] for c in load_error_classes()
                                                   if c["class"] == "key_mismatch_401")),
    }
    assert "quota is spent" in by_sku["F0"] and "network rules" in by_sku["S1"] and "private endpoint" in by_sku["S1"]
    free = next(r for r in error_rows if r["Account"] == "cv-free-pred")
    assert free["ResourceId"].endswith("/ACCOUNTS/CV-FREE-PRED")


def test_the_report_keeps_three_distinct_descriptions_per_class(error_rows):
    report = build_report(CFG, QueryResults(rows={"error_classes": error_rows}), now=NOW, refs=replacement_refs(CFG),
                          source={"kind": "archive", "location": "x"})
    by_name = {w["name"]: w for w in report["workloads"]}
    free = by_name["free-shelf"]["errorClasses"]
    assert [(d["class"], d["account"], d["calls"], d["sku"], d["region"]) for d in free] == [
        ("quota_403", "cv-free-pred", 6, "F0", "westeurope")]
    # 4 distinct non-empty descriptions (the empty one dropped): the first 3 in sorted order
    assert free[0]["samples"] == ["Access denied due to invalid subscription key.", QUOTA, "Quota Exceeded"]
    ref = by_name["ref-shelf"]["errorClasses"]
    assert [(d["class"], d["sku"], d["samples"]) for d in ref] == [
        ("key_mismatch_401", "unknown SKU", ["Access denied due to invalid subscription key."]),
        ("quota_403", "unknown SKU", [])]
    assert by_name["receipts"]["errorClasses"][0]["samples"] == ["Access denied due to Virtual Network/Firewall rules."]
    text, md = to_terminal(report), to_markdown(report)
    line = ('quota_403 on ia-receipts (S1, northeurope): 3 call(s) in 7 days; e.g. "Access denied due to Virtual '
            'Network/Firewall rules."; resource /SUBSCRIPTIONS/SUB/RESOURCEGROUPS/RG/PROVIDERS/'
            'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/IA-RECEIPTS. ' + hints()[1]["S1"])
    assert f"  {line}" in text.splitlines()
    assert f"- **receipts** {line}" in md.splitlines()
    assert "quota_403 on cv-ref-pred (unknown SKU, westeurope): 1 call(s) in 7 days; e.g. no ResultDescription logged" in text


def test_a_key_in_a_description_never_reaches_the_report(error_rows, monkeypatch):
    key = "0123456789abcdef0123456789abcdef"
    rows = [dict(r) for r in error_rows]
    rows[0]["Samples"] = f'["Invalid key Ocp-Apim-Subscription-Key: {key}"]'
    report = build_report(CFG, QueryResults(rows={"error_classes": rows}), now=NOW, refs=replacement_refs(CFG),
                          source={"kind": "archive", "location": "x"})
    assert key not in to_terminal(report) and key not in to_markdown(report)


def test_a_sku_hint_file_is_validated(tmp_path):
    from cvmigrate.artefacts import ErrorClassesError
    bad = tmp_path / "classes.yaml"
    bad.write_text("classes:\n  - {class: quota_403, statuses: [403], hint: x, skuHints: {free: y}}\n")
    with pytest.raises(ErrorClassesError, match=r"classes\[0\]\.skuHints must map a pricing tier"):
        load_error_classes(bad)
