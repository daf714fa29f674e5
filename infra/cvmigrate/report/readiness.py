"""Decommission readiness on two independent signals (issue #12 item 6): a legacy account is ``ready`` only when its
resource logs show no legacy call for ``silentDays`` (``decommission_readiness``) **and** the platform metrics store
shows zero ``TotalCalls`` over the same days (:mod:`.platform_metrics`).

``AzureMetrics`` rows (``pipeline_health``) come through the same diagnostic setting as the logs: they reveal a
partial break (the metrics arrive, the logs do not) but cannot prove a silent pipeline alive, so they never make an
account ready. States:

- ``pipeline_broken``: logs and metrics disagree: AzureMetrics counted calls in hours without a log record (at least
  ``pipelineGapMinCalls``), or the logs are silent while the platform metrics store counted calls;
- ``active``: the logs show legacy calls within ``silentDays``;
- ``unconfirmed``: silent in the logs, but the platform metrics could not be read (an offline archive, a failed
  read), data of the archive was unreadable, or the workload's replacement is not yet healthy;
- ``ready``: silent in the logs and in the platform metrics store, over readable data, replacement healthy.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional, Sequence

from .platform_metrics import PlatformTotals

STATES = ("ready", "unconfirmed", "active", "pipeline_broken")


def _iso(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def account_states(readiness: Sequence[Mapping[str, Any]], pipeline: Sequence[Mapping[str, Any]], *,
                   silent_days: int, platform: Optional[PlatformTotals], platform_note: str,
                   unreadable: bool, pipeline_failed: bool) -> dict[str, dict[str, Any]]:
    """Per account (lower-cased name): ``ready``, ``state`` and ``evidence``. ``platform`` None: the metrics store
    was not read (``platform_note`` says why); ``unreadable``: the archive held data that could not be read;
    ``pipeline_failed``: the pipeline_health query failed or returned partial rows."""
    gaps = {r["Account"]: r for r in pipeline}
    out: dict[str, dict[str, Any]] = {}
    for r in readiness:
        account = r["Account"]
        gap = gaps.get(account) or {}
        days_silent = None if r["DaysSilent"] is None else int(r["DaysSilent"])
        logs_silent = days_silent is not None and days_silent >= silent_days
        platform_calls = None if platform is None or account in platform.errors else platform.calls.get(account)
        evidence: dict[str, Any] = {
            "logs": {"lastLegacyCall": _iso(r["LastLegacyCall"]), "daysSilent": days_silent,
                     "callsInWindow": int(gap.get("LogCalls") or 0)},
            "azureMetrics": {"totalCalls": float(gap.get("MetricCalls") or 0),
                             "lastCall": _iso(gap.get("LastMetricCall")),
                             "hoursWithoutLogs": int(gap.get("HoursWithoutLogs") or 0),
                             "callsWithoutLogs": float(gap.get("CallsWithoutLogs") or 0)},
            "platformMetrics": _platform_evidence(account, platform, platform_note),
            "replacementHealthy": bool(r["Ready"]) if logs_silent else None,
        }
        if gap.get("PipelineBroken"):
            state, reason = "pipeline_broken", (
                f"AzureMetrics counted {evidence['azureMetrics']['callsWithoutLogs']:.0f} call(s) in "
                f"{evidence['azureMetrics']['hoursWithoutLogs']} hour(s) without any RequestResponse log: the "
                "diagnostic setting's logs do not arrive")
        elif logs_silent and platform_calls:
            state, reason = "pipeline_broken", (
                f"no legacy call in the logs for {days_silent} days, but the platform metrics store counted "
                f"{platform_calls:.0f} TotalCalls over the last {silent_days} days: the logs do not arrive")
        elif not logs_silent:
            state, reason = "active", f"legacy calls in the logs within the last {silent_days} days"
        elif unreadable or pipeline_failed:
            state, reason = "unconfirmed", ("part of the data could not be read (source.problems): the silence "
                                            "cannot be trusted")
        elif platform_calls is None:
            state, reason = "unconfirmed", ("silent in the logs, not confirmed by the platform metrics store: "
                                            + evidence["platformMetrics"]["detail"])
        elif not r["Ready"]:
            state, reason = "unconfirmed", "silent on both signals, but the workload's replacement is not healthy yet"
        else:
            state, reason = "ready", (f"no legacy call in the logs for {days_silent} days and 0 TotalCalls in the "
                                      f"platform metrics store over the last {silent_days} days")
        evidence["reason"] = reason
        out[account] = {"ready": state == "ready", "state": state, "evidence": evidence}
    return out


def _platform_evidence(account: str, platform: Optional[PlatformTotals], note: str) -> dict[str, Any]:
    if platform is None:
        return {"status": "not_read", "totalCalls": None, "lastCall": None, "detail": note}
    if account in platform.errors:
        return {"status": "failed", "totalCalls": None, "lastCall": None,
                "detail": f"reading the platform metrics failed: {platform.errors[account]}"}
    return {"status": "read", "totalCalls": float(platform.calls.get(account, 0.0)),
            "lastCall": _iso(platform.last_call.get(account)),
            "detail": f"TotalCalls from {_iso(platform.start)} to {_iso(platform.end)}"}
