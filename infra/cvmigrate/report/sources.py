"""Where the report's rows come from: a local archive on DuckDB, or a Log Analytics workspace.

Both run the same rendered queries (cvmigrate.artefacts.render), so `status` and the workbook agree.
"""
from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, Mapping, Optional, Sequence

from ..clouds import DEFAULT_CLOUD, Cloud, clouds
from ..config.patterns import is_guid
from ..errors import SourceError
from .cutover import REPORT_QUERIES, QueryResults
from .duck import run_query

WORKSPACE_ARM_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.OperationalInsights/workspaces/[^/]+/?$",
    re.IGNORECASE)
# ARM "Workspaces - Get" (Microsoft.OperationalInsights, api-version 2023-09-01): properties.customerId is
# the workspace ID the Log Analytics query API (and therefore query_batch) addresses.
WORKSPACE_API_VERSION = "2023-09-01"
# azure-core RetryPolicy settings: 429 and 5xx are retried with exponential back-off, honouring Retry-After.
RETRY = {"retry_total": 5, "retry_backoff_factor": 1.0, "retry_backoff_max": 60}
# Methods retried on 408/429/5xx: azure-core's allowlist plus POST (the query API's read-only POST /query).
RETRY_METHODS = frozenset({"HEAD", "GET", "PUT", "DELETE", "OPTIONS", "TRACE", "POST"})
# "Maximum number of concurrent queries per user: 5" (Azure Monitor service limits, Log Analytics query API:
# learn.microsoft.com/azure/azure-monitor/fundamentals/service-limits).
MAX_CONCURRENT_QUERIES = 5
# The built-in role that reads a workspace's data (learn.microsoft.com/azure/azure-monitor/logs/manage-access).
READER_ROLE = "Log Analytics Reader"


def run_local(con: Any, queries: Mapping[str, Any], now: dt.datetime,
              names: Sequence[str] = REPORT_QUERIES, run: Callable[..., list] = run_query) -> QueryResults:
    """Each query on DuckDB; ``run(con, text, now)`` (default :func:`.duck.run_query`) runs one."""
    results = QueryResults()
    for name in names:
        results.rows[name] = run(con, queries[name].text, now)
    return results


# -- Log Analytics ---------------------------------------------------------------------------------

def workspace_kind(value: str) -> str:
    """'guid' or 'arm'; raises SourceError for anything else."""
    text = value.strip()
    if is_guid(text):
        return "guid"
    if WORKSPACE_ARM_ID.match(text):
        return "arm"
    raise SourceError(
        f"{value!r} is neither a workspace ID (a GUID, 'Workspace ID' on the workspace's overview page) "
        "nor a workspace ARM ID (/subscriptions/<sub>/resourceGroups/<rg>/providers/"
        "Microsoft.OperationalInsights/workspaces/<name>)", field="workspace")


def resolve_workspace_id(arm_id: str, credential: Any, transport: Any = None, cloud: Optional[Cloud] = None) -> str:
    """The workspace ID (customerId) of a workspace given by ARM ID: query_batch addresses workspaces by
    that GUID only (LogsBatchQuery(workspace_id=...)), so an ARM ID is resolved once through the cloud's ARM."""
    # heavy SDK (azure-core): imported only for `status --workspace`, not on every CLI start
    from azure.core import PipelineClient
    from azure.core.exceptions import AzureError
    from azure.core.pipeline.policies import BearerTokenCredentialPolicy, RetryPolicy
    from azure.core.rest import HttpRequest

    cloud = cloud or clouds()[DEFAULT_CLOUD]
    policies = [RetryPolicy(**RETRY), BearerTokenCredentialPolicy(credential, cloud.arm_scope)]
    kwargs = {"transport": transport} if transport is not None else {}
    client = PipelineClient(base_url=cloud.arm_endpoint, policies=policies, **kwargs)
    url = f"{cloud.arm_endpoint}{arm_id.rstrip('/')}?api-version={WORKSPACE_API_VERSION}"
    try:
        response = client.send_request(HttpRequest("GET", url))
    except AzureError as exc:
        raise SourceError(f"cannot read workspace {arm_id}: {exc}") from None
    if response.status_code != 200:
        raise SourceError(f"cannot read workspace {arm_id}: HTTP {response.status_code} "
                          "(check the ID and that you have Reader on the workspace)")
    customer_id = (response.json().get("properties") or {}).get("customerId")
    if not customer_id:
        raise SourceError(f"workspace {arm_id} has no properties.customerId in its ARM representation")
    return customer_id


def make_logs_client(credential: Any, cloud: Optional[Cloud] = None, **kwargs: Any) -> Any:
    """LogsQueryClient on the cloud's Log Analytics endpoint, with a token for its audience."""
    from azure.monitor.query import LogsQueryClient  # heavy SDK: only for `status --workspace`

    cloud = cloud or clouds()[DEFAULT_CLOUD]
    return LogsQueryClient(credential, endpoint=cloud.log_analytics_endpoint, audience=cloud.log_analytics_audience,
                           **{**RETRY, **kwargs})


def run_workspace(workspace_id: str, queries: Mapping[str, Any], *, client: Any,
                  names: Sequence[str] = REPORT_QUERIES) -> QueryResults:
    """Run each report query on its own (``LogsQueryClient.query_workspace``), at most
    :data:`MAX_CONCURRENT_QUERIES` at a time, and keep partial rows with their cause.

    Not ``query_batch``: the Log Analytics ``$batch`` API is deprecated (support ends 2028-03-31). The queries
    carry their own time filters (ago(...)), so each request's timespan is None. A 403/404 on any query raises
    SourceError naming the workspace and the role; any other failure (bad query, throttling or 5xx after the
    retries) and any partial result is recorded per query, which the report turns into ``incomplete``."""
    results = QueryResults()
    with ThreadPoolExecutor(max_workers=MAX_CONCURRENT_QUERIES) as pool:
        futures = {pool.submit(_query_one, client, workspace_id, queries[name].text): name for name in names}
        try:
            for future in as_completed(futures):
                _record(results, futures[future], future.result())
        except SourceError:
            for future in futures:
                future.cancel()
            raise
    for name in names:                 # request order, not completion order
        results.rows.setdefault(name, [])
    results.rows = {name: results.rows[name] for name in names}
    return results


def _query_one(client: Any, workspace_id: str, text: str) -> Any:
    """The response of one query, or the HttpResponseError it raised (403/404 raise SourceError)."""
    # heavy SDK (azure-core): imported only for `status --workspace`, not on every CLI start
    from azure.core.exceptions import AzureError, HttpResponseError
    try:
        # POST is not in azure-core's retry allowlist (only 500/503/504 are retried for it); a query is
        # read-only, so throttling (429) is retried like a GET, with back-off and Retry-After.
        return client.query_workspace(workspace_id, text, timespan=None, retry_on_methods=RETRY_METHODS)
    except HttpResponseError as exc:
        if exc.status_code in (403, 404):
            what = "is denied" if exc.status_code == 403 else "was not found"
            raise SourceError(
                f"Log Analytics workspace {workspace_id} {what} (HTTP {exc.status_code} {_error_code(exc)}): "
                f"the signed-in identity needs the {READER_ROLE} role (or Reader) on that workspace, and the ID "
                "must be the workspace ID (GUID) of an existing workspace", field="workspace") from None
        return exc
    except AzureError as exc:
        return exc


def _record(results: QueryResults, name: str, response: Any) -> None:
    from azure.monitor.query import LogsQueryStatus  # heavy SDK: only for `status --workspace`
    status = getattr(response, "status", None)
    if status == LogsQueryStatus.SUCCESS:
        results.rows[name] = _rows(response.tables)
    elif status == LogsQueryStatus.PARTIAL:
        results.rows[name] = _rows(response.partial_data)
        results.partial.add(name)
        error = response.partial_error
        results.problems[name] = f"partial results: {error.code} {error.message}".strip()
        results.details[name] = _plain(error.details)
    else:
        model = getattr(response, "model", None)          # LogsQueryError(code, message, details) on API errors
        http = getattr(response, "status_code", None)
        message = getattr(model, "message", None) or getattr(response, "message", None) or str(response)
        parts = ("failed:", f"HTTP {http}" if http else "", _error_code(response), _one_line(message))
        results.problems[name] = " ".join(p for p in parts if p)
        results.details[name] = _plain(getattr(model, "details", None))


def _plain(details: Any) -> list[Any]:
    """The error's details as plain JSON (the client hands them back as its ErrorDetail models)."""
    return [d.as_dict() if hasattr(d, "as_dict") else d for d in (details or [])]


def _error_code(exc: Any) -> str:
    """The API's error code: from the client's error model, or (404/403, which azure-core maps to its own
    exceptions without a model) from the OneAPI error body."""
    code = getattr(getattr(exc, "model", None), "code", None)
    if code:
        return code
    try:
        return str(exc.response.json()["error"]["code"])
    except Exception:          # no response, not JSON, no error object: no code to quote
        return ""


def _rows(tables: Sequence[Any]) -> list[dict[str, Any]]:
    if not tables:
        return []
    table = tables[0]
    return [dict(zip(table.columns, list(row))) for row in table.rows]


def _one_line(exc: Any) -> str:
    return " ".join(str(exc).split())[:300]


def workspace_results(workspace: str, queries: Mapping[str, Any], *,
                      credential_factory: Optional[Callable[[], Any]] = None,
                      client: Any = None, resolver: Optional[Callable[..., str]] = None,
                      cloud: Optional[Cloud] = None, transport: Any = None) -> tuple[QueryResults, str]:
    """Resolve ``workspace`` (GUID or ARM ID) in ``cloud`` and run the queries. Returns the results and the
    workspace ID used. ``transport`` (tests) carries both the ARM and the Log Analytics requests."""
    cloud = cloud or clouds()[DEFAULT_CLOUD]
    kind = workspace_kind(workspace)
    credential = None
    if client is None or kind == "arm":
        credential = (credential_factory or cloud.credential)()
    if kind == "guid":
        workspace_id = workspace.strip()
    elif resolver is not None:
        workspace_id = resolver(workspace.strip(), credential)
    else:
        workspace_id = resolve_workspace_id(workspace.strip(), credential, transport=transport, cloud=cloud)
    if client is None:
        client = make_logs_client(credential, cloud, **({"transport": transport} if transport is not None else {}))
    return run_workspace(workspace_id, queries, client=client), workspace_id
