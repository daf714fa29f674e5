"""ia_feature_usage, executed by duckdb-kql over AzureDiagnostics rows of the MIXED stack (see kql_stacks), gives
the per-feature numbers worked out by hand below; and it passes the Kusto language service (test_kql_static
checks every query of QUERY_NAMES)."""
from __future__ import annotations

import json

from kql_stacks import MIXED, MIXED_REFS
from test_kql_executed import NOW, at, diag, repeat

from cvmigrate.artefacts import render_all
from cvmigrate.report import duck


def rows():
    d = []
    # receipts (ImageAnalysis account Receipts-Vision-01): operation names as CV 3.2 / IA 4.0 name them.
    d += repeat(5, lambda i: diag("RECEIPTS-VISION-01", at(9, 10, i), 200, operation="Read"))
    d.append(diag("RECEIPTS-VISION-01", at(9, 10, 30), 429, operation="Read"))
    d += repeat(2, lambda i: diag("RECEIPTS-VISION-01", at(9, 11, i), 200, operation="GetReadResult"))
    d += repeat(3, lambda i: diag("RECEIPTS-VISION-01", at(9, 12, i), 200, operation="Analyze"))
    d += repeat(4, lambda i: diag("RECEIPTS-VISION-01", at(8, 12, i), 200, operation="Vectorize_Image"))
    d.append(diag("RECEIPTS-VISION-01", at(8, 13), 500, operation="TagImage"))
    d.append(diag("RECEIPTS-VISION-01", at(8, 14), 200, operation="Mystery-Op"))
    d.append(diag("RECEIPTS-VISION-01", at(1, 14, month=2), 200, operation="Read"))     # older than 30 days
    d.append(diag("RECEIPTS-VISION-01", at(9, 15), 200, operation="Read", category="Audit"))   # not a call
    # Silent-One (ImageAnalysis account silent-vision): one DetectObjects call (objects, not Custom Vision detect).
    d.append(diag("SILENT-VISION", at(7, 9), 200, operation="DetectObjects"))
    # Shelf (Custom Vision): never part of this query.
    d += repeat(3, lambda i: diag("CV-SHELF-PRED", at(9, 9, i), 200, operation="DetectImage"))
    return d


def test_ia_calls_are_classified_by_feature_with_their_destination():
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows())
    query = render_all(MIXED, refs=MIXED_REFS, names=("ia_feature_usage",))["ia_feature_usage"]
    # Operations is dynamic: DuckDB returns it as JSON text.
    got = {(r["Workload"], r["Feature"]): (r["Calls"], r["Errors"], sorted(json.loads(r["Operations"])), r["CoveredBy"])
           for r in duck.run_query(con, query.text, NOW)}
    assert got == {
        # Read 6 (1 x 429) + GetReadResult 2 = 8 calls, 1 error.
        ("receipts", "read"): (8, 1, ["GetReadResult", "Read"], "documentIntelligence"),
        ("receipts", "analyze"): (3, 0, ["Analyze"], ""),
        # "Vectorize_Image" -> "vectorizeimage"
        ("receipts", "vectorize"): (4, 0, ["Vectorize_Image"], "foundry"),
        ("receipts", "tags"): (1, 1, ["TagImage"], "foundry,contentUnderstanding"),
        ("receipts", "unclassified"): (1, 0, ["Mystery-Op"], ""),
        ("Silent-One", "objects"): (1, 0, ["DetectObjects"], "foundry,contentUnderstanding"),
    }
    ordered = [(r["Workload"], r["Feature"]) for r in duck.run_query(con, query.text, NOW)]
    assert ordered[0] == ("Silent-One", "objects")          # Workload asc (case-sensitive: "S" < "r")
    assert ordered[1:3] == [("receipts", "read"), ("receipts", "vectorize")]   # then Calls desc
    destinations = {r["Feature"]: r["Destination"] for r in duck.run_query(con, query.text, NOW)}
    assert destinations["read"] == "Document Intelligence (prebuilt-read model)"
    assert destinations["unclassified"].startswith("unknown: add this OperationName")
    last = {r["Feature"]: r["LastCall"] for r in duck.run_query(con, query.text, NOW)}
    assert last["read"] == at(9, 11, 1)
