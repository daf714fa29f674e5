"""The burn-down part of the report, read from the rows of queries/burndown.kql (no arithmetic of its own: the
query fits the lines, so the report, the workbook and the chart agree).

Rows: ``RowType`` "week" (per workload and "(all)": Week, LegacyCalls, Reason), "fit" (per workload and
"(all)": ProjectedZeroDate, Earliest, Latest, WeeksUsed, SlopePerWeek, OnTrack, OnTrackForCutover) and
"replacement" ("(all)": Week, ReplacementCalls, Reason; only ``complete`` weeks are reported).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional, Sequence

OVERALL = "(all)"


def _date(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.timezone.utc) if value.tzinfo else value).date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date().isoformat()


def _fit(row: Optional[Mapping[str, Any]]) -> Optional[dict[str, Any]]:
    if row is None:
        return None
    slope = row.get("SlopePerWeek")
    cutover = row.get("OnTrackForCutover")
    return {
        "projectedZeroDate": _date(row.get("ProjectedZeroDate")),
        "earliest": _date(row.get("Earliest")),
        "latest": _date(row.get("Latest")),
        "onTrack": bool(row.get("OnTrack")),
        "onTrackForCutover": None if cutover is None else bool(cutover),
        "weeksUsed": int(row.get("WeeksUsed") or 0),
        "slopePerWeek": None if slope is None else float(slope),
    }


def _weeks(rows: Sequence[Mapping[str, Any]], workload: str) -> list[dict[str, Any]]:
    return [{"week": _date(r["Week"]), "legacyCalls": int(r["LegacyCalls"] or 0), "reason": r["Reason"]}
            for r in rows if r.get("RowType") == "week" and r.get("Workload") == workload]


def _replacement_weeks(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Replacement calls of every complete week of the burn-down range (the partial first week and the current
    week left out, as for the legacy series)."""
    return [{"week": _date(r["Week"]), "replacementCalls": int(r["ReplacementCalls"] or 0)}
            for r in rows if r.get("RowType") == "replacement" and r.get("Reason") == "complete"]


def read_burndown(rows: Sequence[Mapping[str, Any]], workloads: Sequence[str]) -> dict[str, Any]:
    """``{"overall": projection | None, "weekly": [...], "replacementWeekly": [...],
    "byWorkload": {name: {"projection", "weekly"}}}``.
    The overall projection gains ``atRisk``: the workloads whose own line does not reach zero before the
    retirement date."""
    fits = {r.get("Workload"): r for r in rows if r.get("RowType") == "fit"}
    by_workload = {name: {"projection": _fit(fits.get(name)), "weekly": _weeks(rows, name)} for name in workloads}
    overall = _fit(fits.get(OVERALL))
    if overall is not None:
        overall["atRisk"] = [name for name, w in by_workload.items()
                             if w["projection"] is None or not w["projection"]["onTrack"]]
    return {"overall": overall, "weekly": _weeks(rows, OVERALL), "replacementWeekly": _replacement_weeks(rows),
            "byWorkload": by_workload}
