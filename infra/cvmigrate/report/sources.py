"""Where the report's rows come from: a local archive on DuckDB, or a Log Analytics workspace.

Both run the same rendered queries (cvmigrate.artefacts.render), so `status` and the workbook agree.
"""
from __future__ import annotations

import datetime as dt
import re
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


def run_local(con: Any, queries: Mapping[str, Any], now: dt.datetime,
              names: Sequence[str] = REPORT_QUERIES) -> QueryResults:
    results = QueryResults()
    for name in names:
        results.rows[name] = run_query(con, queries[name].text, now)
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
    from azure.monitor.query import LogsQueryClient

    cloud = cloud or clouds()[DEFAULT_CLOUD]
    return LogsQueryClient(credential, endpoint=cloud.log_analytics_endpoint, audience=cloud.log_analytics_audience,
                           **RETRY, **kwargs)


def run_workspace(workspace_id: str, queries: Mapping[str, Any], *, client: Any,
                  names: Sequence[str] = REPORT_QUERIES) -> QueryResults:
    """Send every report query in ONE query_batch call; keep partial rows and say which are partial.

    The queries carry their own time filters (ago(...)), so each request's timespan is None."""
    from azure.core.exceptions import AzureError
    from azure.monitor.query import LogsBatchQuery, LogsQueryStatus

    requests = [LogsBatchQuery(workspace_id=workspace_id, query=queries[n].text, timespan=None) for n in names]
    try:
        responses = client.query_batch(requests)
    except AzureError as exc:
        raise SourceError(f"Log Analytics query batch failed: {_one_line(exc)}") from None
    results = QueryResults()
    for name, response in zip(names, responses):
        status = getattr(response, "status", None)
        if status == LogsQueryStatus.SUCCESS:
            results.rows[name] = _rows(response.tables)
        elif status == LogsQueryStatus.PARTIAL:
            results.rows[name] = _rows(response.partial_data)
            results.partial.add(name)
            error = response.partial_error
            results.problems[name] = f"partial results: {getattr(error, 'code', '')} {getattr(error, 'message', '')}".strip()
        else:
            results.rows[name] = []
            results.problems[name] = f"failed: {getattr(response, 'code', '')} {getattr(response, 'message', '')}".strip()
    return results


def _rows(tables: Sequence[Any]) -> list[dict[str, Any]]:
    if not tables:
        return []
    table = tables[0]
    return [dict(zip(table.columns, list(row))) for row in table.rows]


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]


def workspace_results(workspace: str, queries: Mapping[str, Any], *,
                      credential_factory: Optional[Callable[[], Any]] = None,
                      client: Any = None, resolver: Optional[Callable[..., str]] = None,
                      cloud: Optional[Cloud] = None, transport: Any = None) -> tuple[QueryResults, str]:
    """Resolve ``workspace`` (GUID or ARM ID) in ``cloud`` and run the batch. Returns the results and the
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
