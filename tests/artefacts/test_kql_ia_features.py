"""ia_feature_usage, executed by duckdb-kql over AzureDiagnostics rows of the MIXED stack (see kql_stacks), gives
the per-feature numbers worked out by hand below, classifying OperationName through queries/ia_operations.yaml; it
passes the Kusto language service (test_kql_static checks every query of QUERY_NAMES, and the check below runs the
query rendered here). The operation table itself is held to the operationIds of Microsoft's specs."""
from __future__ import annotations

import json

from kql_stacks import MIXED, MIXED_REFS
from test_kql_executed import NOW, at, diag, repeat

import pytest

from cvmigrate.artefacts import render_all
from cvmigrate.feature_map import FeatureMapError, ia_operation_rows, load_feature_map, log_key
from cvmigrate.paths import queries_dir
from cvmigrate.report import duck


def rows():
    d = []
    # receipts (ImageAnalysis account Receipts-Vision-01): OperationName values as the REST operationIds of
    # queries/ia_operations.yaml (CV 3.2 ComputerVision.json / Ocr.json, IA 4.0 2023-10-01, image retrieval).
    d += repeat(5, lambda i: diag("RECEIPTS-VISION-01", at(9, 10, i), 200, operation="Read"))
    d.append(diag("RECEIPTS-VISION-01", at(9, 10, 30), 429, operation="Read"))
    d += repeat(2, lambda i: diag("RECEIPTS-VISION-01", at(9, 11, i), 200, operation="GetReadResult"))
    d.append(diag("RECEIPTS-VISION-01", at(9, 11, 40), 200, operation="readInStream"))     # case does not matter
    d += repeat(3, lambda i: diag("RECEIPTS-VISION-01", at(9, 12, i), 200, operation="AnalyzeFromUrl"))
    d.append(diag("RECEIPTS-VISION-01", at(9, 12, 50), 400, operation="AnalyzeFromBuffer"))
    d.append(diag("RECEIPTS-VISION-01", at(9, 12, 51), 200, operation="AnalyzeImageInStream"))
    d += repeat(4, lambda i: diag("RECEIPTS-VISION-01", at(8, 12, i), 200, operation="ImageRetrieval_VectorizeImage"))
    d.append(diag("RECEIPTS-VISION-01", at(8, 12, 30), 200, operation="VectorizeText"))
    d.append(diag("RECEIPTS-VISION-01", at(8, 13), 500, operation="TagImageInStream"))
    d.append(diag("RECEIPTS-VISION-01", at(8, 13, 5), 200, operation="GenerateThumbnail"))
    d.append(diag("RECEIPTS-VISION-01", at(8, 14), 200, operation="Mystery-Op"))
    d.append(diag("RECEIPTS-VISION-01", at(8, 14, 1), 200, operation="classify_image"))   # a code word, not logged
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
        # Read 6 (1 x 429) + GetReadResult 2 + readInStream 1 = 9 calls, 1 error.
        ("receipts", "read"): (9, 1, ["GetReadResult", "Read", "readInStream"], "documentIntelligence"),
        # IA 4.0 AnalyzeFromUrl 3 + AnalyzeFromBuffer 1 (400) + CV 3.2 AnalyzeImageInStream 1 = 5 calls, 1 error.
        ("receipts", "analyze"): (5, 1, ["AnalyzeFromBuffer", "AnalyzeFromUrl", "AnalyzeImageInStream"], ""),
        # ImageRetrieval_VectorizeImage 4 + VectorizeText 1
        ("receipts", "vectorize"): (5, 0, ["ImageRetrieval_VectorizeImage", "VectorizeText"], "foundry"),
        ("receipts", "tags"): (1, 1, ["TagImageInStream"], "foundry,contentUnderstanding"),
        ("receipts", "smartCrops"): (1, 0, ["GenerateThumbnail"], "foundry,contentUnderstanding"),
        # no operationId: unclassified, the raw names kept (classify_image is a scan alias, not a logged name)
        ("receipts", "unclassified"): (2, 0, ["Mystery-Op", "classify_image"], ""),
        ("Silent-One", "objects"): (1, 0, ["DetectObjects"], "foundry,contentUnderstanding"),
    }
    ordered = [(r["Workload"], r["Feature"]) for r in duck.run_query(con, query.text, NOW)]
    assert ordered[0] == ("Silent-One", "objects")          # Workload asc (case-sensitive: "S" < "r")
    assert ordered[1] == ("receipts", "read")                 # then Calls desc (9), then 5, 5 by Feature
    assert ordered[2:4] == [("receipts", "analyze"), ("receipts", "vectorize")]
    destinations = {r["Feature"]: r["Destination"] for r in duck.run_query(con, query.text, NOW)}
    assert destinations["read"] == "Document Intelligence (prebuilt-read model)"
    assert destinations["unclassified"].startswith("unknown: add this OperationName")
    last = {r["Feature"]: r["LastCall"] for r in duck.run_query(con, query.text, NOW)}
    assert last["read"] == at(9, 11, 40)


# The operationIds of the specs queries/ia_operations.yaml cites, copied from them:
# Azure/azure-rest-api-specs specification/cognitiveservices/data-plane/ComputerVision/stable/v3.2/ComputerVision.json
# (paths + x-ms-paths) and Ocr.json; specification/ai/data-plane/ImageAnalysis/stable/2023-10-01/generated.json;
# learn.microsoft.com/rest/api/computervision/image-retrieval.
CV32 = {"AnalyzeImage": "analyze", "DescribeImage": "description", "DetectObjects": "objects", "ListModels": "categories",
        "AnalyzeImageByDomain": "categories", "RecognizePrintedText": "ocr", "TagImage": "tags",
        "GenerateThumbnail": "smartCrops", "GetAreaOfInterest": "smartCrops", "AnalyzeImageInStream": "analyze",
        "GetAreaOfInterestInStream": "smartCrops", "DescribeImageInStream": "description",
        "DetectObjectsInStream": "objects", "GenerateThumbnailInStream": "smartCrops",
        "AnalyzeImageByDomainInStream": "categories", "RecognizePrintedTextInStream": "ocr",
        "TagImageInStream": "tags", "Read": "read", "ReadInStream": "read", "GetReadResult": "read"}
IA40 = {"AnalyzeFromBuffer": "analyze", "AnalyzeFromUrl": "analyze"}
RETRIEVAL = {"ImageRetrieval_VectorizeImage": "vectorize", "ImageRetrieval_VectorizeStream": "vectorize",
             "ImageRetrieval_VectorizeText": "vectorize"}


def test_every_documented_operation_has_its_feature_in_the_table():
    table = {r["alias"]: r["feature"] for r in ia_operation_rows()}
    for operation, feature in {**CV32, **IA40, **RETRIEVAL}.items():
        assert table.get(log_key(operation)) == feature, operation
    # every row's destination is its feature's, from the feature map
    fmap = load_feature_map()
    assert all(r["destination"] == fmap.get(r["feature"]).replacement for r in ia_operation_rows())


def test_a_malformed_operation_table_names_the_row(tmp_path, monkeypatch):
    (tmp_path / "feature_map.yaml").write_text((queries_dir() / "feature_map.yaml").read_text())
    (tmp_path / "ia_operations.yaml").write_text(
        "operations:\n  - {operation: Read, feature: read, api: cv32}\n  - {operation: Foo, feature: reading, api: cv32}\n")
    monkeypatch.setattr("cvmigrate.feature_map.queries_dir", lambda: tmp_path)
    load_feature_map.cache_clear()
    ia_operation_rows.cache_clear()
    try:
        with pytest.raises(FeatureMapError, match=r"operations\[1\]\.feature: 'reading' is not a feature"):
            ia_operation_rows()
    finally:
        load_feature_map.cache_clear()
        ia_operation_rows.cache_clear()


def test_the_rendered_query_passes_the_kusto_language_service(kusto):
    query = render_all(MIXED, refs=MIXED_REFS, names=("ia_feature_usage",))["ia_feature_usage"]
    diagnostics = kusto.check_kql({"ia_feature_usage": query.text})["ia_feature_usage"]
    assert [d.render(query.text) for d in diagnostics if d.severity == "Error"] == []
