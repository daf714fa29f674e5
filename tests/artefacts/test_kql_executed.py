"""The rendered queries, executed by duckdb-kql over fixture tables with now() frozen, give the numbers
worked out by hand below.

Fixture rows follow the AzureDiagnostics mapping of a Cognitive Services RequestResponse record
(MicrosoftDocs/azure-reference-other azure-monitor-ref/tables/azurediagnostics.md; Resource upper-cased
as in the raw resourceId, ResultSignature the HTTP status as a string, CallerIPAddress with the last
octet masked, properties_s the JSON of `properties` with modelDeploymentName), the
AmlOnlineEndpointTrafficLog table reference (ResponseCode int, TotalDurationMs), and the Azure Resource
Graph `resources` envelope (sku and tags are dynamic).

Every bundled query is portable to duckdb-kql; none needs make-series, series_*, bin_at or evaluate.
"""
from __future__ import annotations

import datetime as dt

import pytest

from kql_stacks import EMPTY, MIXED, MIXED_REFS

from cvmigrate.artefacts import QUERY_NAMES, build_params, render_all, render_query
from cvmigrate.report import duck

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)   # a Wednesday


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=UTC)


def diag(resource, when, status, operation="ClassifyImage", ip="10.0.0.***", duration=100,
         category="RequestResponse", deployment=None):
    props = {"apiName": "Custom Vision", "requestLength": 1024}
    if deployment is not None:
        props["modelDeploymentName"] = deployment
    return {
        "TimeGenerated": when, "Resource": resource, "ResourceProvider": "MICROSOFT.COGNITIVESERVICES",
        "ResourceType": "ACCOUNTS", "Category": category, "OperationName": operation,
        "ResultSignature": str(status), "DurationMs": duration, "CallerIPAddress": ip,
        "_ResourceId": f"/SUBSCRIPTIONS/SUB/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/{resource}",
        "properties_s": __import__("json").dumps(props), "event_s": "ShoeboxCallResult", "location_s": "westeurope",
        "Type": "AzureDiagnostics",
    }


def aml(endpoint, when, code=200, duration=100):
    return {"TimeGenerated": when, "EndpointName": endpoint, "DeploymentName": "blue", "Method": "POST",
            "Path": "/score", "ResponseCode": code, "ModelStatusCode": code, "TotalDurationMs": duration,
            "AuthType": "AADToken", "Type": "AmlOnlineEndpointTrafficLog"}


def repeat(n, make):
    return [make(i) for i in range(n)]


def traffic_rows():
    d, a = [], []
    # Workload Shelf-Scanner-A, prediction account: 3 x 401 from 10.1.2.***, 5 x 200 + 1 x 404 from 10.9.9.***
    d += repeat(3, lambda i: diag("CV-SHELF-PRED", at(9, 13, 10 * i), 401, ip="10.1.2.***"))
    d += repeat(5, lambda i: diag("CV-SHELF-PRED", at(9, 15, i), 200, ip="10.9.9.***"))
    d.append(diag("CV-SHELF-PRED", at(9, 16), 404, operation="DetectImage", ip="10.9.9.***"))
    d.append(diag("CV-SHELF-PRED", at(9, 16, 30), 200, category="Audit", operation="ListKey"))  # not a call
    d.append(diag("CV-SHELF-PRED", at(27, 10, month=2), 401, ip="10.1.2.***"))  # outside the 7-day windows
    # training account: 2 calls
    d += repeat(2, lambda i: diag("CV-SHELF-TRAIN", at(9, 14, i), 200, operation="TrainProject", ip="10.3.3.***"))
    # receipts (Image Analysis): 4 x 200, 1 x 429, 1 x 503
    d += repeat(4, lambda i: diag("RECEIPTS-VISION-01", at(9, 17, i), 200, operation="Analyze", ip="10.7.7.***"))
    d.append(diag("RECEIPTS-VISION-01", at(9, 18), 429, operation="Analyze", ip="10.7.7.***"))
    d.append(diag("RECEIPTS-VISION-01", at(9, 18, 5), 503, operation="Analyze", ip="10.7.7.***"))
    # no-repl-yet: 2 prediction calls
    d += repeat(2, lambda i: diag("CV-NOREPL-PRED", at(9, 19, i), 200, ip="10.5.5.***"))
    # Silent-One: last legacy call 2027-02-20 08:00
    d.append(diag("SILENT-VISION", at(20, 8, month=2), 200, operation="Analyze", ip="10.8.8.***"))
    # An account this stack does not track.
    d += repeat(7, lambda i: diag("OTHER-ACCOUNT", at(9, 20, i), 401))
    # Replacements. Shelf: AutoML endpoint, 33 calls on 03-09 (3 x 500; 20 x 100 ms, 13 x 300 ms), 10 on 03-08.
    a += repeat(30, lambda i: aml("EP-SHELF-A", at(9, 14, i), 200, 100 if i < 20 else 300))
    a += repeat(3, lambda i: aml("EP-SHELF-A", at(9, 14, 40 + i), 500, 300))
    a += repeat(10, lambda i: aml("ep-shelf-a", at(8, 10, i), 200))
    a += repeat(4, lambda i: aml("ep-someone-else", at(9, 14, i), 500))
    # receipts: shared Foundry account, its two deployments (10 + 2 calls) and another team's (5 x 500).
    d += repeat(10, lambda i: diag("AIS-SHARED-01", at(9, 21, i), 200, operation="ChatCompletions_Create",
                                   duration=800, deployment="Receipts-GPT"))
    d += repeat(2, lambda i: diag("AIS-SHARED-01", at(9, 21, 30 + i), 200, operation="ChatCompletions_Create",
                                  duration=800, deployment="receipts-mini"))
    d += repeat(5, lambda i: diag("AIS-SHARED-01", at(9, 22, i), 500, operation="ChatCompletions_Create",
                                  duration=800, deployment="other-team-deploy"))
    # Silent-One: Document Intelligence, 40 calls on 03-05, 1 x 400, 500 ms each.
    d += repeat(39, lambda i: diag("DI-SILENT", at(5, 9, i), 200, operation="Analyze", duration=500))
    d.append(diag("DI-SILENT", at(5, 10), 400, operation="Analyze", duration=500))
    return d, a


@pytest.fixture(scope="module")
def traffic():
    con = duck.connect()
    d, a = traffic_rows()
    duck.insert_rows(con, "AzureDiagnostics", d)
    duck.insert_rows(con, "AmlOnlineEndpointTrafficLog", a)
    queries = render_all(MIXED, refs=MIXED_REFS)
    return lambda name: duck.run_query(con, queries[name].text, NOW)


def test_legacy_traffic_counts_calls_and_errors_per_account_kind_and_raw_operation(traffic):
    rows = {(r["TimeGenerated"].date().isoformat(), r["Workload"], r["Account"], r["Kind"], r["OperationName"]):
            (r["Calls"], r["Errors"]) for r in traffic("legacy_traffic")}
    assert rows == {
        ("2027-03-09", "Shelf-Scanner-A", "cv-shelf-pred", "Prediction", "ClassifyImage"): (8, 3),
        ("2027-03-09", "Shelf-Scanner-A", "cv-shelf-pred", "Prediction", "DetectImage"): (1, 1),
        ("2027-03-09", "Shelf-Scanner-A", "cv-shelf-train", "Training", "TrainProject"): (2, 0),
        ("2027-03-09", "receipts", "receipts-vision-01", "ImageAnalysis", "Analyze"): (6, 2),
        ("2027-03-09", "no-repl-yet", "cv-norepl-pred", "Prediction", "ClassifyImage"): (2, 0),
        ("2027-02-27", "Shelf-Scanner-A", "cv-shelf-pred", "Prediction", "ClassifyImage"): (1, 1),
        ("2027-02-20", "Silent-One", "silent-vision", "ImageAnalysis", "Analyze"): (1, 0),
    }


def test_error_classes_classify_by_status_with_rates_and_hints(traffic):
    rows = traffic("error_classes")
    got = {(r["Account"], r["ErrorClass"]): (r["Workload"], r["Calls"], round(r["ErrorRate"], 6)) for r in rows}
    assert got == {
        ("cv-shelf-pred", "key_mismatch_401"): ("Shelf-Scanner-A", 3, round(3 / 9, 6)),
        ("cv-shelf-pred", "not_found_404"): ("Shelf-Scanner-A", 1, round(1 / 9, 6)),
        ("receipts-vision-01", "throttled_429"): ("receipts", 1, round(1 / 6, 6)),
        ("receipts-vision-01", "server_5xx"): ("receipts", 1, round(1 / 6, 6)),
    }
    key = next(r for r in rows if r["ErrorClass"] == "key_mismatch_401")
    assert (key["FirstSeen"], key["LastSeen"]) == (at(9, 13, 0), at(9, 13, 20))
    assert "training key used on the prediction resource" in key["Hint"]
    assert "case-sensitive" in next(r for r in rows if r["ErrorClass"] == "not_found_404")["Hint"]


def test_cutover_progress_legacy_share_per_day_and_workload(traffic):
    rows = {(r["Day"].date().isoformat(), r["Workload"]): (r["LegacyCalls"], r["ReplacementCalls"], r["LegacyShare"])
            for r in traffic("cutover_progress")}
    # Shelf 03-09: legacy 9 prediction + 2 training = 11, AutoML 33 -> 11 / 44 = 0.25.
    assert rows[("2027-03-09", "Shelf-Scanner-A")] == (11, 33, 0.25)
    assert rows[("2027-03-08", "Shelf-Scanner-A")] == (0, 10, 0.0)
    # receipts: 6 legacy; Foundry calls of its two deployments only (10 + 2), not the other team's 5.
    legacy, repl, share = rows[("2027-03-09", "receipts")]
    assert (legacy, repl) == (6, 12) and share == pytest.approx(1 / 3)
    assert rows[("2027-03-09", "no-repl-yet")] == (2, 0, 1.0)
    assert rows[("2027-03-05", "Silent-One")] == (0, 40, 0.0)
    assert rows[("2027-02-20", "Silent-One")] == (1, 0, 1.0)
    assert len(rows) == 7   # + Shelf 02-27


def test_top_callers_busiest_first_untracked_accounts_excluded(traffic):
    rows = [(r["Account"], r["CallerIPAddress"], r["Calls"], r["LastSeen"]) for r in traffic("top_callers")]
    assert rows == [
        ("receipts-vision-01", "10.7.7.***", 6, at(9, 18, 5)),   # ties on 6 calls: latest first
        ("cv-shelf-pred", "10.9.9.***", 6, at(9, 16)),
        ("cv-shelf-pred", "10.1.2.***", 3, at(9, 13, 20)),
        ("cv-norepl-pred", "10.5.5.***", 2, at(9, 19, 1)),
        ("cv-shelf-train", "10.3.3.***", 2, at(9, 14, 1)),
    ]


def test_replacement_health_rates_and_p95_per_target(traffic):
    rows = {(r["Workload"], r["Target"]): r for r in traffic("replacement_health")}
    assert set(rows) == {("Shelf-Scanner-A", "automl"), ("receipts", "foundry"), ("Silent-One", "documentIntelligence")}
    shelf = rows[("Shelf-Scanner-A", "automl")]      # last 24 h: the 33 calls of 03-09
    assert (shelf["Calls"], shelf["ErrorRate"], shelf["P95DurationMs"], shelf["Healthy"]) == (33, pytest.approx(3 / 33), 300, False)
    foundry = rows[("receipts", "foundry")]
    assert (foundry["Calls"], foundry["ErrorRate"], foundry["P95DurationMs"], foundry["Healthy"]) == (12, 0.0, 800, True)
    silent = rows[("Silent-One", "documentIntelligence")]   # its calls are 5 days old: configured but idle
    assert (silent["Calls"], silent["ErrorRate"], silent["Healthy"]) == (0, None, False)


def test_decommission_readiness_needs_silence_and_a_healthy_replacement(traffic):
    rows = {r["Account"]: r for r in traffic("decommission_readiness")}
    assert set(rows) == {"cv-shelf-pred", "cv-shelf-train", "receipts-vision-01", "cv-norepl-pred",
                         "cv-norepl-train", "silent-vision"}
    silent = rows["silent-vision"]
    # 2027-02-20 08:00 -> 2027-03-10 12:00 = 18 days 4 hours; DI: 40 calls, 1 error = 0.025 <= 0.05, P95 500 ms.
    assert (silent["LastLegacyCall"], silent["DaysSilent"], silent["ReplacementCalls"],
            silent["ReplacementErrorRate"], silent["Ready"]) == (at(20, 8, month=2), 18, 40, 0.025, True)
    pred = rows["cv-shelf-pred"]
    # AutoML over the last 14 days: 33 + 10 calls, 3 errors.
    assert (pred["DaysSilent"], pred["ReplacementCalls"], pred["ReplacementErrorRate"], pred["Ready"]) == (
        0, 43, pytest.approx(3 / 43), False)
    never = rows["cv-norepl-train"]  # never called in the 90-day lookback, but no replacement: not ready
    assert (never["LastLegacyCall"], never["DaysSilent"], never["ReplacementCalls"], never["Ready"]) == (None, 90, 0, False)


def test_burndown_with_a_single_week_of_data_projects_nothing():
    start = dt.datetime(2026, 9, 6, tzinfo=UTC)
    rows = repeat(40, lambda i: diag("CV-SHELF-PRED", start + dt.timedelta(days=7 * 25 + 1, seconds=i), 200))
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows)
    result = duck.run_query(con, render_all(MIXED, refs=MIXED_REFS)["burndown"].text, NOW)
    # Its only week holds the first record (Monday): a partial week, so nothing is fitted.
    fit = next(r for r in result if r["RowType"] == "fit" and r["Workload"] == "Shelf-Scanner-A")
    assert (fit["ProjectedZeroDate"], fit["WeeksUsed"], fit["OnTrack"]) == (None, 0, False)


def test_inventory_lists_legacy_kinds_and_marks_tracked_accounts():
    con = duck.connect()
    base = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-cv/providers/Microsoft.CognitiveServices/accounts/"
    def res(name, kind, sku, tags=None, rtype="Microsoft.CognitiveServices/accounts"):
        return {"id": base + name, "name": name, "type": rtype, "kind": kind, "location": "westeurope",
                "resourceGroup": "rg-cv", "subscriptionId": "00000000-0000-0000-0000-000000000000",
                "sku": {"name": sku}, "tags": tags or {}}
    duck.insert_rows(con, "resources", [
        res("CV-Shelf-Train", "CustomVision.Training", "S0"),
        res("Receipts-Vision-01", "ComputerVision", "S1", {"cvmigrate-workload": "receipts"}),
        res("stray-cv-pred", "CustomVision.Prediction", "F0", {"cvmigrate-workload": "other"}),
        res("aoai-1", "OpenAI", "S0"),
        res("stcv", "StorageV2", "Standard_LRS", rtype="Microsoft.Storage/storageAccounts"),
    ])
    result = duck.run_query(con, render_all(MIXED, refs=MIXED_REFS)["inventory"].text, NOW)
    assert [(r["Account"], r["Kind"], r["Region"], r["Sku"], r["Tracked"], r["Workload"], r["TaggedWorkload"])
            for r in result] == [
        ("CV-Shelf-Train", "CustomVision.Training", "westeurope", "S0", True, "Shelf-Scanner-A", ""),
        ("Receipts-Vision-01", "ComputerVision", "westeurope", "S1", True, "receipts", "receipts"),
        ("stray-cv-pred", "CustomVision.Prediction", "westeurope", "F0", False, "", "other"),
    ]


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_zero_workloads_render_queries_that_run_and_return_nothing_tracked(name):
    con = duck.connect()
    d, a = traffic_rows()
    duck.insert_rows(con, "AzureDiagnostics", d)
    duck.insert_rows(con, "AmlOnlineEndpointTrafficLog", a)
    result = duck.run_query(con, render_all(EMPTY, refs=[])[name].text, NOW)
    if name == "burndown":
        # Only the "(all)" series: 26 zero weeks before any record, nothing fitted (the report says incomplete).
        assert [(r["Workload"], r["LegacyCalls"], r["Reason"]) for r in result if r["RowType"] == "week"] == [
            ("(all)", 0, "before-first-record")] * 26
        (fit,) = [r for r in result if r["RowType"] == "fit"]
        assert (fit["Workload"], fit["WeeksUsed"], fit["ProjectedZeroDate"]) == ("(all)", 0, None)
    else:
        assert result == []


def metric(resource, when, total, name="TotalCalls"):
    return {"TimeGenerated": when, "Resource": resource, "ResourceProvider": "MICROSOFT.COGNITIVESERVICES",
            "MetricName": name, "Total": total, "Count": total, "Average": 1.0, "Minimum": 1.0, "Maximum": 1.0,
            "TimeGrain": "PT1M", "Type": "AzureMetrics"}


def test_pipeline_health_counts_metric_calls_in_hours_without_logs():
    """Logs vs AzureMetrics per closed hour over silentDays (14). cv-shelf-pred: 3 logged calls at 03-09 13:xx
    (metrics 3), then metrics 4 at 20:xx and 2 at 03-10 02:xx without any log -> 2 hours, 6 calls >= 5: broken.
    silent-vision: metrics 3 at 03-10 11:xx, no log -> 1 hour, 3 calls < 5: not broken. cv-shelf-train: 2 logged
    calls and 2 in AzureMetrics under the display name "Total Calls" -> no gap. cv-norepl-pred: 50 metric calls in
    the current, unclosed hour and 9 from 20 days ago -> not read. SuccessfulCalls never counts."""
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", repeat(3, lambda i: diag("CV-SHELF-PRED", at(9, 13, i), 200))
                     + repeat(2, lambda i: diag("CV-SHELF-TRAIN", at(9, 14, i), 200, operation="TrainProject")))
    duck.insert_rows(con, "AzureMetrics", [
        metric("CV-SHELF-PRED", at(9, 13, 0), 2.0), metric("CV-SHELF-PRED", at(9, 13, 1), 1.0),
        metric("CV-SHELF-PRED", at(9, 20, 5), 4.0), metric("CV-SHELF-PRED", at(10, 2, 7), 2.0),
        metric("CV-SHELF-PRED", at(10, 2, 7), 2.0, name="SuccessfulCalls"),
        metric("SILENT-VISION", at(10, 11, 59), 3.0),
        metric("CV-SHELF-TRAIN", at(9, 14, 1), 2.0, name="Total Calls"),
        metric("CV-NOREPL-PRED", at(10, 12, 10), 50.0), metric("CV-NOREPL-PRED", at(18, 9, month=2), 9.0)])
    rows = {r["Account"]: r for r in duck.run_query(con, render_all(MIXED, refs=MIXED_REFS)["pipeline_health"].text,
                                                     NOW)}
    pick = lambda a: tuple(rows[a][k] for k in ("LogCalls", "MetricCalls", "HoursWithoutLogs", "CallsWithoutLogs",  # noqa: E731
                                                "PipelineBroken"))
    assert pick("cv-shelf-pred") == (3, 9.0, 2, 6.0, True)
    assert rows["cv-shelf-pred"]["LastLogCall"] == at(9, 13, 2) and rows["cv-shelf-pred"]["LastMetricCall"] == at(10, 2, 7)
    assert pick("silent-vision") == (0, 3.0, 1, 3.0, False)
    assert pick("cv-shelf-train") == (2, 2.0, 0, 0.0, False)
    assert pick("cv-norepl-pred") == (0, 0.0, 0, 0.0, False) and rows["cv-norepl-pred"]["LastMetricCall"] is None
    assert len(rows) == 6
