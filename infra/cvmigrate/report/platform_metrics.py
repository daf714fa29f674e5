"""The second readiness signal: each legacy account's ``TotalCalls`` in Azure Monitor's platform metrics store,
which the service writes itself and which does not travel through the diagnostic setting (deleting the setting
silences the resource logs and AzureMetrics, not this store).

Read with Microsoft's ``azure-monitor-querymetrics`` ``MetricsClient.query_resources``: the data-plane
``metrics:getBatch`` API (``POST https://<region>.metrics.monitor.<suffix>/subscriptions/<sub>/metrics:getBatch``,
api-version 2024-02-01; azure-rest-api-specs specification/monitor/data-plane/Microsoft.Insights/stable/2024-02-01/
metricBatch.json; learn.microsoft.com/azure/azure-monitor/essentials/migrate-to-batch-api). Why this client:
``azure-monitor-query`` 2.0 (which `status --workspace` uses for logs) no longer ships a metrics client, and the
batch API reads many accounts per request without touching ARM's throttling budget. The batch restrictions
shape the calls: one request per subscription and region (all resources of one type), on that region's endpoint;
the metrics host and token audience follow the selected cloud (``clouds.yaml``: ``metricsSuffix``,
``metricsAudience``). An account's region is its ``location`` in the stack, else the stack's location.

The interval is one hour over the window, aggregation Total. Cognitive Services emits metrics only when calls
happen, so an hour without a value counts as zero calls. A 403 (or 401) stops the run with one line naming the
role needed (Monitoring Reader, or Reader, on the accounts); any other failure (after azure-core's retries) is
kept per account and makes the account's readiness ``unconfirmed`` and the report incomplete.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence

from ..clouds import DEFAULT_CLOUD, Cloud, clouds
from ..errors import SourceError

NAMESPACE = "Microsoft.CognitiveServices/accounts"
METRIC = "TotalCalls"
# The built-in role that reads platform metrics (learn.microsoft.com/azure/azure-monitor/roles-permissions-security).
READER_ROLE = "Monitoring Reader"
RETRY = {"retry_total": 5, "retry_backoff_factor": 1.0, "retry_backoff_max": 60}
_METRIC_ID_SUFFIX = "/providers/microsoft.insights/metrics/"
BATCH = 50          # resource IDs per request (a conservative bound: the documented restrictions name none)


@dataclass(frozen=True)
class Target:
    """One legacy account whose TotalCalls are read."""
    account: str          # lower-cased name (the queries' Account)
    resource_id: str
    region: str


@dataclass
class PlatformTotals:
    """TotalCalls per account over [start, end), or why an account could not be read."""
    start: dt.datetime
    end: dt.datetime
    calls: dict[str, float] = field(default_factory=dict)                 # account -> TotalCalls
    last_call: dict[str, Optional[dt.datetime]] = field(default_factory=dict)  # account -> last hour with calls
    errors: dict[str, str] = field(default_factory=dict)                  # account -> what went wrong

    def as_dict(self) -> dict[str, Any]:
        return {"status": "failed" if self.errors else "read", "metric": METRIC,
                "from": _iso(self.start), "to": _iso(self.end), "errors": dict(sorted(self.errors.items())),
                "detail": f"{METRIC} of {len(self.calls)} legacy account(s) from the platform metrics store"}


def targets(cfg: Any) -> list[Target]:
    """The stack's legacy accounts with their resource ID and region."""
    out = []
    for a in cfg.legacy_accounts:
        rid = (a.id.raw if a.id is not None else
               f"/subscriptions/{cfg.subscription_id}/resourceGroups/{cfg.resource_group.name}"
               f"/providers/Microsoft.CognitiveServices/accounts/{a.name}")
        out.append(Target(a.name.lower(), rid.rstrip("/"), (a.location or cfg.location).replace(" ", "").lower()))
    return out


def make_metrics_client(region: str, credential: Any, cloud: Cloud, **kwargs: Any) -> Any:
    """MetricsClient on the region's endpoint of the cloud, with a token for the cloud's metrics audience."""
    from azure.monitor.querymetrics import MetricsClient  # heavy SDK: only when readiness reads the metrics store

    return MetricsClient(cloud.metrics_endpoint(region), credential, audience=cloud.metrics_audience,
                         **{**RETRY, **kwargs})


def read_platform_totals(cfg: Any, *, start: dt.datetime, end: dt.datetime, cloud: Optional[Cloud] = None,
                         credential_factory: Optional[Callable[[], Any]] = None,
                         client_factory: Optional[Callable[..., Any]] = None, transport: Any = None) -> PlatformTotals:
    """TotalCalls of every legacy account of ``cfg`` between ``start`` and ``end`` (aware or naive UTC)."""
    cloud = cloud or clouds()[DEFAULT_CLOUD]
    result = PlatformTotals(_utc(start), _utc(end))
    wanted = [t for t in targets(cfg) if t.resource_id.split("/")[2]]
    for t in targets(cfg):
        if not t.resource_id.split("/")[2]:    # created by the stack, and the stack names no subscription
            result.errors[t.account] = ("its resource ID is unknown: the stack names no azure-native:subscriptionId "
                                        "for the accounts it creates")
    if not wanted:
        return result
    credential = (credential_factory or cloud.credential)()
    groups: dict[tuple[str, str], list[Target]] = {}
    for t in wanted:
        groups.setdefault((t.resource_id.split("/")[2].lower(), t.region), []).append(t)
    for (_, region), group in sorted(groups.items()):
        kwargs = {"transport": transport} if transport is not None else {}
        client = (client_factory or make_metrics_client)(region, credential, cloud, **kwargs)
        for i in range(0, len(group), BATCH):
            _read_batch(client, group[i:i + BATCH], region, result)
    return result


def _read_batch(client: Any, group: Sequence[Target], region: str, result: PlatformTotals) -> None:
    # heavy SDK (azure-core): only when readiness reads the metrics store, not on every CLI start
    from azure.core.exceptions import AzureError, ClientAuthenticationError, HttpResponseError
    try:
        answers = client.query_resources(
            resource_ids=[t.resource_id for t in group], metric_namespace=NAMESPACE, metric_names=[METRIC],
            timespan=(result.start.replace(tzinfo=dt.timezone.utc), result.end.replace(tzinfo=dt.timezone.utc)),
            granularity=dt.timedelta(hours=1), aggregations=["Total"])
    except (ClientAuthenticationError, HttpResponseError) as exc:
        status = getattr(exc, "status_code", None)
        if status in (401, 403):
            names = ", ".join(t.account for t in group)
            raise SourceError(
                f"platform metrics of {names} in {region} are denied (HTTP {status} {_code(exc)}): the signed-in "
                f"identity needs the {READER_ROLE} role (or Reader) on those accounts or their subscription",
                field="platform_metrics") from None
        for t in group:
            result.errors[t.account] = f"HTTP {status} {_code(exc)} {_one_line(exc)}".replace("  ", " ").strip()
        return
    except AzureError as exc:
        for t in group:
            result.errors[t.account] = _one_line(exc)
        return
    by_id = {t.resource_id.lower(): t for t in group}
    seen = set()
    for answer in answers:
        for metric in answer.metrics:
            # A metric's id is <resource ID>/providers/Microsoft.Insights/metrics/<name> (the results carry no
            # resource ID of their own in the client's model).
            target = by_id.get(str(metric.id or "").lower().split(_METRIC_ID_SUFFIX)[0])
            if target is None:
                continue
            seen.add(target.account)
            total, last = result.calls.get(target.account, 0.0), result.last_call.get(target.account)
            for series in metric.timeseries:
                for point in series.data:
                    if point.total:
                        total += float(point.total)
                        stamp = _utc(point.timestamp)
                        last = stamp if last is None else max(last, stamp)
            result.calls[target.account] = total
            result.last_call[target.account] = last
    for t in group:
        if t.account not in seen:
            result.errors[t.account] = "the metrics store returned no series for the account"


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None) if value.tzinfo else value


def _iso(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _code(exc: Any) -> str:
    code = getattr(getattr(exc, "error", None), "code", None)
    if code:
        return str(code)
    try:
        return str(exc.response.json()["error"]["code"])
    except Exception:          # no response, not JSON, no error object: no code to quote
        return ""


def _one_line(exc: Any) -> str:
    return " ".join(str(exc).split())[:300]
