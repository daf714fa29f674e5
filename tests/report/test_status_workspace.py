"""The Log Analytics path through Microsoft's LogsQueryClient, against a local HTTP server speaking the query API's
wire format (tests/cloud_standin.py; only the socket is redirected to 127.0.0.1).

Wire format: POST /v1/workspaces/{id}/query {"query", "timespan"} -> 200 {"tables": [{name, columns: [{name, type}],
rows}]}; a non-fatal error is 200 with the tables AND an "error" object (code PartialError, details[] with
innererror); a fatal error is an error status with a OneAPI error object {"error": {code, message, details,
innererror}} (learn.microsoft.com/azure/azure-monitor/logs/api/response-format, "Azure Monitor Log Analytics API
errors"). Retries: azure-core RetryPolicy (408/429/500/502/503/504; POST only on 500/503/504 unless allowed).
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import threading
import time

import jsonschema
import pytest

from cloud_standin import ScopeCredential, StandIn

from cvmigrate.cli import main
from cvmigrate.report.cutover import REPORT_QUERIES
from cvmigrate.report import sources
from cvmigrate.report.platform_metrics import read_platform_totals

from .conftest import SCHEMA

WORKSPACE = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
ARM = ("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ops/providers/"
       "Microsoft.OperationalInsights/workspaces/law-shared")

COLUMNS = {
    "cutover_progress": [("Day", "datetime"), ("Workload", "string"), ("LegacyCalls", "long"),
                         ("ReplacementCalls", "long"), ("LegacyShare", "real")],
    "burndown": [("RowType", "string"), ("Workload", "string"), ("ProjectedZeroDate", "datetime"),
                 ("Earliest", "datetime"), ("Latest", "datetime"), ("WeeksUsed", "long"), ("SlopePerWeek", "real"),
                 ("OnTrack", "bool"), ("OnTrackForCutover", "bool"), ("DaysToRetirement", "int")],
    "legacy_regression": [("Workload", "string"), ("CutoverState", "string"), ("HourStart", "datetime"),
                          ("RecentCalls", "long"), ("BaselineCalls", "real"), ("WeeksUsed", "long"),
                          ("Threshold", "real"), ("Regressed", "bool"), ("Reason", "string")],
}
ROWS = {
    "cutover_progress": [["2027-05-30T00:00:00Z", "alpha", 40, 10, 0.8]],
    "burndown": [["fit", w, "2027-09-01T00:00:00Z", "2027-08-01T00:00:00Z", "2027-10-01T00:00:00Z", 8, -10.0, True,
                  None, 480] for w in ("(all)", "alpha", "beta")],
    "legacy_regression": [["alpha", "dual-run", "2027-05-31T23:00:00Z", 30, 20.0, 5, 43.4, False, "normal"]],
}
PARTIAL = {"code": "PartialError", "message": "There were some errors when processing your query.",
           "details": [{"code": "EngineError", "message": "Something went wrong processing your query on the server.",
                        "innererror": {"code": "-2133196797", "message": "Query exceeded the memory limit",
                                       "severity": 2, "severityName": "Error"}}]}


def table(name):
    cols = COLUMNS.get(name, [("Workload", "string")])
    return {"tables": [{"name": "PrimaryResult", "columns": [{"name": c, "type": t} for c, t in cols],
                        "rows": ROWS.get(name, [])}]}


class LogAnalytics:
    """Answers POST /v1/workspaces/{id}/query per query name (the rendered text's first line), from a script
    of (status, body, headers) per name, then the table; counts requests in flight."""

    def __init__(self, script=None, delay=0.05):
        self.script = {k: list(v) for k, v in (script or {}).items()}
        self.delay, self.lock = delay, threading.Lock()
        self.in_flight = self.max_in_flight = 0
        self.requests: list[tuple[str, str]] = []

    def __call__(self, method, path, body):
        if not (method == "POST" and path.startswith("/v1/workspaces/") and path.endswith("/query")):
            return None
        name = body["query"].split(":", 1)[0].lstrip("/ ")
        with self.lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.requests.append((path.split("/")[3], name))
            step = self.script[name].pop(0) if self.script.get(name) else None
        time.sleep(self.delay)
        with self.lock:
            self.in_flight -= 1
        return step or (200, table(name), ())


@pytest.fixture
def workspace(monkeypatch):
    """Run `status --workspace` through the real client; the test sets ``.api`` before calling main()."""
    box = {}
    server = StandIn(route=lambda *a: box["api"](*a)).start()

    def results(workspace, queries, cloud=None):
        return sources.workspace_results(workspace, queries, cloud=cloud, credential_factory=ScopeCredential,
                                         transport=server.transport())

    def platform(cfg, start, end, cloud=None):
        return read_platform_totals(cfg, start=start, end=end, cloud=cloud, credential_factory=ScopeCredential,
                                    transport=server.transport())

    monkeypatch.setattr("cvmigrate.cli.status.workspace_results", results)
    monkeypatch.setattr("cvmigrate.cli.status.read_platform_totals", platform)
    yield box
    server.stop()


def status(capsys, stack):
    code = main(["status", "--stack", str(stack), "--workspace", WORKSPACE, "--format", "json"])
    out, err = capsys.readouterr()
    report = json.loads(out) if out else None
    if report is not None:
        jsonschema.validate(report, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    return code, report, err


def test_each_query_is_its_own_request_at_most_five_at_a_time_and_on_track_needs_them_all(capsys, stack, workspace):
    api = workspace["api"] = LogAnalytics()
    code, report, _ = status(capsys, stack)
    assert sorted(name for _, name in api.requests) == sorted(REPORT_QUERIES)     # no $batch, one request each
    assert {ws for ws, _ in api.requests} == {WORKSPACE}
    assert 1 < api.max_in_flight <= sources.MAX_CONCURRENT_QUERIES == 5
    assert report["source"]["problems"] == [] and report["source"]["partial"] is False
    assert report["workloads"][0]["legacyCalls"] == 40
    assert (report["verdict"], code) == ("on_track", 0)


def test_throttling_and_504_are_retried_and_a_partial_regression_query_keeps_its_cause(capsys, stack, workspace):
    throttled = (429, {"error": {"code": "ThrottledError", "message": "too many requests"}}, ())   # no Retry-After
    gateway = (504, {"error": {"code": "GatewayTimeout", "message": "gateway timeout"}}, ())
    api = workspace["api"] = LogAnalytics({
        "cutover_progress": [throttled],
        "error_classes": [gateway],
        "legacy_regression": [(200, {**table("legacy_regression"), "error": PARTIAL}, ())],
    })
    code, report, _ = status(capsys, stack)
    names = [name for _, name in api.requests]
    assert names.count("cutover_progress") == 2 and names.count("error_classes") == 2     # retried once each
    assert report["workloads"][0]["legacyCalls"] == 40            # the retried rows count
    assert report["source"]["problems"] == [{
        "query": "legacy_regression",
        "message": "partial results: PartialError There were some errors when processing your query.",
        "details": PARTIAL["details"]}]
    # The burn-down alone says on track; a partial regression query makes the verdict incomplete, never on_track.
    assert (report["verdict"], report["exitCode"], code) == ("incomplete", 3, 3)


def test_a_failed_query_is_incomplete_with_the_apis_error_and_details(capsys, stack, workspace):
    bad = {"error": {"code": "BadArgumentError", "message": "The request had some invalid properties",
                     "details": [{"code": "SyntaxError", "message": "A recognition error occurred in the query.",
                                  "innererror": {"code": "SYN0002", "message": "Query could not be parsed at 'x'"}}]}}
    workspace["api"] = LogAnalytics({"legacy_regression": [(400, bad, ())]})
    code, report, _ = status(capsys, stack)
    (problem,) = report["source"]["problems"]
    assert problem["query"] == "legacy_regression" and problem["message"].startswith("failed: HTTP 400 BadArgumentError")
    assert problem["details"] == bad["error"]["details"]
    assert (report["verdict"], code) == ("incomplete", 3)


@pytest.mark.parametrize("status_code, code, word", [(403, "InsufficientAccessError", "is denied"),
                                                      (404, "WorkspaceNotFoundError", "was not found")])
def test_403_or_404_is_one_line_naming_the_workspace_and_the_role_exit_2(capsys, stack, workspace,
                                                                        status_code, code, word):
    workspace["api"] = LogAnalytics({"burndown": [(status_code, {"error": {"code": code, "message": "no"}}, ())]})
    exit_code, report, err = status(capsys, stack)
    assert (exit_code, report) == (2, None)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert WORKSPACE in err and word in err and "Log Analytics Reader" in err and code in err


def test_arm_id_is_resolved_to_the_workspace_id_once(stack):
    from cvmigrate.artefacts import render_all
    from cvmigrate.config import load_stack_file

    api = LogAnalytics(delay=0)
    server = StandIn(route=api).start()
    try:
        queries = render_all(load_stack_file(str(stack)), names=REPORT_QUERIES)
        results, used = sources.workspace_results(ARM, queries, credential_factory=ScopeCredential,
                                                  transport=server.transport())
    finally:
        server.stop()
    arm_calls = [s for s in server.seen if s["method"] == "GET"]
    assert used == "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" and len(arm_calls) == 1
    assert {ws for ws, _ in api.requests} == {used} and not results.problems


def test_resolver_reads_customer_id_through_arm():
    """ARM 'Workspaces - Get' returns the workspace ID as properties.customerId (Microsoft.OperationalInsights
    REST reference); the request goes to management.azure.com with the pinned api-version."""
    from azure.core.pipeline.transport import HttpTransport
    from azure.core.rest._http_response_impl import RestHttpClientTransportResponse

    seen = []

    class Transport(HttpTransport):
        def __enter__(self): return self
        def __exit__(self, *a): pass
        def open(self): pass
        def close(self): pass

        def send(self, request, **kwargs):
            seen.append(request.url)
            body = json.dumps({"properties": {"customerId": WORKSPACE}}).encode()
            class Raw:
                status, reason = 200, "OK"
                def getheaders(self): return [("Content-Type", "application/json")]
                def read(self, *a): return body
            resp = RestHttpClientTransportResponse(request=request, internal_response=Raw())
            resp._content = body
            return resp

    class Credential:
        def get_token(self, *scopes, **kw):
            from azure.core.credentials import AccessToken
            return AccessToken("t", int(dt.datetime.now().timestamp()) + 3600)

    assert sources.resolve_workspace_id(ARM, Credential(), transport=Transport()) == WORKSPACE
    assert seen == [f"https://management.azure.com{ARM}?api-version=2023-09-01"]
