"""The platform metrics of the synthetic archive (`cvmigrate sample`): what the AllMetrics category of the same
diagnostic setting writes next to the resource logs, and the broken log pipelines the sample can plant.

Layout (the metrics container of a diagnostic setting whose destination is a storage account): one blob per
resource and hour, ``insights-metrics-pt1m/resourceId=/SUBSCRIPTIONS/.../y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json``
(learn.microsoft.com/azure/batch/batch-diagnostics, "Access diagnostics logs in storage", whose example is an
``insights-metrics-pt1m`` blob; MicrosoftDocs/azure-docs articles/batch/batch-diagnostics.md). Each line is one
metric at one minute, with the fields Azure Monitor exports a platform metric with: ``count``, ``total``,
``minimum``, ``maximum``, ``average``, ``resourceId``, ``time``, ``metricName`` (the REST name), ``timeGrain``
``"PT1M"`` (MicrosoftDocs/azure-monitor-docs articles/azure-monitor/platform/stream-monitoring-data-event-hubs.md,
"Data formats", ms.date 09/30/2024). Dimensions are not exported: "Metrics with dimensions are exported as
flattened single dimensional metrics, aggregated across dimension values" (azure-monitor-docs
platform/diagnostic-settings.md).

Metrics written (Microsoft.CognitiveServices/accounts, "Cognitive Services - HTTP Requests", all Count / Total:
azure-monitor-docs reference/supported-metrics/microsoft-cognitiveservices-accounts-metrics.md): ``TotalCalls``,
``SuccessfulCalls`` (2xx), ``ClientErrors`` (4xx), ``ServerErrors`` (5xx), ``TotalErrors`` (4xx or 5xx),
``BlockedCalls`` (429, rate or quota exceeded). A metric is written only for a minute in which its value is
above zero (Cognitive Services emits metrics only when calls happen). Each call is one sample of 1, so ``count``
= ``total`` = the calls and ``minimum`` = ``maximum`` = ``average`` = 1. The counts are the calls the logs hold
(each call once: a duplicate delivery of a log record is not a second call). AML online endpoints are left out
(their metrics are another namespace).

A broken log pipeline (:class:`BrokenPipeline`) stops an account's RequestResponse blobs from a given hour
while its metrics keep arriving: what the report must call ``pipeline_broken``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .archive_listing import METRICS_CONTAINER
HTTP_METRICS = ("TotalCalls", "SuccessfulCalls", "ClientErrors", "ServerErrors", "TotalErrors", "BlockedCalls")

_LINE = ('{{"count":{n},"total":{n},"minimum":1,"maximum":1,"average":1,"resourceId":"{rid}",'
         '"time":"{time}","metricName":"{name}","timeGrain":"PT1M"}}')


@dataclass(frozen=True)
class BrokenPipeline:
    """From ``start`` (naive UTC, on the hour) the account's resource logs no longer reach the archive; its
    metrics still do."""
    account: str
    start: dt.datetime


def metric_values(statuses: Iterable[int]) -> dict[str, int]:
    """The HTTP-request metrics of a set of calls, by REST name."""
    values = dict.fromkeys(HTTP_METRICS, 0)
    for status in statuses:
        values["TotalCalls"] += 1
        if 200 <= status < 300:
            values["SuccessfulCalls"] += 1
        elif 400 <= status < 500:
            values["ClientErrors"] += 1
            values["TotalErrors"] += 1
            values["BlockedCalls"] += status == 429
        elif status >= 500:
            values["ServerErrors"] += 1
            values["TotalErrors"] += 1
    return values


class MetricsRecorder:
    """Collects every call per resource and minute while the logs are generated; :meth:`write` writes the
    metrics blobs once at the end (two streams of one account, e.g. two Foundry deployments, share them)."""

    def __init__(self) -> None:
        self._minutes: dict[tuple[str, dt.datetime], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))

    def add(self, resource_id: str, hour: dt.datetime, seconds: Iterable[int], statuses: Iterable[int]) -> None:
        minutes = self._minutes[(resource_id, hour)]
        for second, status in zip(seconds, statuses):
            minutes[second // 60].append(status)

    def calls(self, resource_id: str, since: dt.datetime) -> int:
        """TotalCalls of ``resource_id`` from ``since`` on (what a broken pipeline hid from the logs)."""
        return sum(len(v) for (rid, hour), minutes in self._minutes.items() if rid == resource_id and hour >= since
                   for v in minutes.values())

    def write(self, out: Path) -> tuple[int, int]:
        """Write the blobs; returns (files, records)."""
        files = records = 0
        for (rid, hour), minutes in sorted(self._minutes.items()):
            lines = []
            for minute in sorted(minutes):
                time = (hour + dt.timedelta(minutes=minute)).strftime("%Y-%m-%dT%H:%M:%S.0000000Z")
                for name, n in metric_values(minutes[minute]).items():
                    if n:
                        lines.append(_LINE.format(n=n, rid=rid, time=time, name=name))
            path = blob_path(out, rid, hour)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            files += 1
            records += len(lines)
        return files, records


def blob_path(out: Path, resource_id: str, hour: dt.datetime) -> Path:
    return (out / METRICS_CONTAINER / ("resourceId=" + resource_id) / f"y={hour:%Y}" / f"m={hour:%m}"
            / f"d={hour:%d}" / f"h={hour:%H}" / "m=00" / "PT1H.json")
