"""The Log Analytics path against a fake LogsQueryClient that records its calls.

The fake follows azure-monitor-query 2.0's API (azure/monitor/query/_patch.py, _models.py): query_batch takes
a list of LogsBatchQuery and returns, in request order, LogsQueryResult, LogsQueryPartialResult (partial_data,
partial_error) or LogsQueryError."""
from __future__ import annotations

import datetime as dt
import json

import jsonschema
from azure.monitor.query import LogsQueryPartialResult, LogsQueryResult
from azure.monitor.query._exceptions import LogsQueryError
from azure.monitor.query._models import LogsTable

from cvmigrate.cli import main
from cvmigrate.report.cutover import REPORT_QUERIES
from cvmigrate.report import sources

from .conftest import SCHEMA

WORKSPACE = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
ARM = ("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ops/providers/"
       "Microsoft.OperationalInsights/workspaces/law-shared")


def table(columns, rows, types=None):
    return LogsTable(name="PrimaryResult", columns=columns, columns_types=types or ["string"] * len(columns), rows=rows)


class FakeLogsClient:
    def __init__(self):
        self.calls = []

    def query_batch(self, queries, **kwargs):
        self.calls.append(list(queries))
        out = []
        for q in queries:
            name = q.body["query"].split(":", 1)[0].lstrip("/ ").strip()
            if name == "cutover_progress":
                out.append(LogsQueryPartialResult(
                    partial_data=[table(["Day", "Workload", "LegacyCalls", "ReplacementCalls", "LegacyShare"],
                                        [["2027-05-30T00:00:00Z", "alpha", 40, 10, 0.8]],
                                        ["datetime", "string", "long", "long", "real"])],
                    partial_error=LogsQueryError(code="PartialError", message="query exceeded the 64 MB limit")))
            elif name == "burndown":
                out.append(LogsQueryError(code="TooManyRequests", message="throttled after retries"))
            else:
                out.append(LogsQueryResult(tables=[table(["Workload"], [])]))
        return out


def test_all_report_queries_go_in_one_batch_and_partial_is_reported(capsys, stack, monkeypatch):
    fake = FakeLogsClient()
    monkeypatch.setattr(sources, "make_logs_client", lambda credential, cloud=None, **kw: fake)
    monkeypatch.setattr("azure.identity.DefaultAzureCredential", lambda **kw: object())
    code = main(["status", "--stack", str(stack), "--workspace", WORKSPACE, "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    jsonschema.validate(report, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    assert len(fake.calls) == 1
    requests = fake.calls[0]
    assert [r.body["query"].split(":", 1)[0].lstrip("/ ") for r in requests] == list(REPORT_QUERIES)
    assert {r.workspace for r in requests} == {WORKSPACE}
    assert all(r.body["timespan"] is None for r in requests)
    # Partial rows are kept (40 legacy calls, not 0) and flagged; the failed burn-down makes it incomplete.
    alpha = report["workloads"][0]
    assert (alpha["legacyCalls"], alpha["replacementCalls"]) == (40, 10)
    assert report["source"]["partial"] is True
    assert report["source"]["problems"] == [
        {"query": "burndown", "message": "failed: TooManyRequests throttled after retries"},
        {"query": "cutover_progress", "message": "partial results: PartialError query exceeded the 64 MB limit"},
    ]
    assert (report["verdict"], report["exitCode"], code) == ("incomplete", 3, 3)


def test_arm_id_is_resolved_to_the_workspace_id_once(stack):
    from cvmigrate.config import load_stack_file
    from cvmigrate.artefacts import render_all

    queries = render_all(load_stack_file(str(stack)), names=REPORT_QUERIES)
    fake = FakeLogsClient()
    resolved = []

    def resolver(arm_id, credential):
        resolved.append(arm_id)
        return WORKSPACE

    results, used = sources.workspace_results(ARM, queries, credential_factory=object, client=fake, resolver=resolver)
    assert (resolved, used) == ([ARM], WORKSPACE)
    assert len(fake.calls) == 1 and {r.workspace for r in fake.calls[0]} == {WORKSPACE}
    assert results.partial == {"cutover_progress"}


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
