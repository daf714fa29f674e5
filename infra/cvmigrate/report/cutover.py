"""The cutover report: rows of the rendered queries (from DuckDB or Log Analytics) -> one document.

The document is what ``--format json`` prints; its schema is report.schema.json next to this file.
Nothing here computes a metric the queries do not: sums over a query's rows per workload are the only
arithmetic, so the report and the workbook cannot disagree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

from ..config.replacement_refs import ReplacementRef
from .error_details import error_details
from .platform_metrics import PlatformTotals
from .projection import read_burndown
from .readiness import account_states

SCHEMA_VERSION = 1
# The queries the report reads (all of them go into one Log Analytics batch).
REPORT_QUERIES = ("cutover_progress", "error_classes", "top_callers", "decommission_readiness",
                  "replacement_health", "burndown", "legacy_regression", "cutover_checklist", "ia_feature_usage",
                  "pipeline_health")
TOP_CALLERS_PER_WORKLOAD = 3
EXIT_ON_TRACK = 0
EXIT_ATTENTION = 3


@dataclass
class QueryResults:
    """Rows per query name; ``problems`` names queries whose rows are partial or missing."""
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)     # query -> what went wrong
    details: dict[str, list[Any]] = field(default_factory=dict)  # query -> the API's error.details (inner causes)
    partial: set[str] = field(default_factory=set)              # queries that returned partial rows

    def get(self, name: str) -> list[dict[str, Any]]:
        return self.rows.get(name, [])


def _iso(value: Any) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _num(value: Any) -> Optional[float]:
    return None if value is None else float(value)


def _day(value: Any) -> Optional[dt.date]:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).date() if value.tzinfo else value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()


def _features(rows: Sequence[Mapping[str, Any]], workload: str, targets: set[str]) -> list[dict[str, Any]]:
    """The workload's Image Analysis features (ia_feature_usage rows summed over its accounts), each with
    whether a configured replacement covers it (a feature that needs none counts as covered)."""
    merged: dict[str, dict[str, Any]] = {}
    for r in rows:
        if r["Workload"] != workload:
            continue
        entry = merged.setdefault(r["Feature"], {
            "feature": r["Feature"], "destination": r["Destination"], "calls": 0, "errors": 0,
            "coveredBy": [t for t in (r["CoveredBy"] or "").split(",") if t]})
        entry["calls"] += int(r["Calls"])
        entry["errors"] += int(r["Errors"])
    for entry in merged.values():
        entry["covered"] = not entry["coveredBy"] or bool(targets.intersection(entry["coveredBy"]))
    return sorted(merged.values(), key=lambda e: (-e["calls"], e["feature"]))


def build_report(cfg: Any, results: QueryResults, *, now: dt.datetime, source: Mapping[str, Any],
                 refs: Sequence[ReplacementRef],
                 comparisons: Optional[Mapping[str, Mapping[str, Any]]] = None,
                 platform: Optional[PlatformTotals] = None,
                 platform_note: str = "the platform metrics store was not read") -> dict[str, Any]:
    """Assemble the report document for ``cfg`` from the query rows; ``refs``: the run's replacement refs
    (``Artefacts.refs``); ``comparisons`` maps a workload to its `cvmigrate compare` evidence
    (``compare.evidence.Evidence.as_dict``); ``platform``: the legacy accounts' TotalCalls from the platform
    metrics store (None: not read, ``platform_note`` says why)."""
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    today = now.astimezone(dt.timezone.utc).date()
    progress = results.get("cutover_progress")
    week_ago = today - dt.timedelta(days=6)          # the last 7 days include today
    two_weeks_ago = today - dt.timedelta(days=13)
    readiness = results.get("decommission_readiness")
    regressions = {r["Workload"]: r for r in results.get("legacy_regression") if r.get("Regressed")}
    health = results.get("replacement_health")
    # Archive data the loader could not read (``source.load.skipped.unreadable``, counted by the loader): the
    # silence it hides could be any account's, so no workload is ready and the verdict is incomplete.
    unreadable = int(((source.get("load") or {}).get("skipped") or {}).get("unreadable", 0))
    checklist_ok = "cutover_checklist" not in results.problems
    states = account_states(
        readiness, results.get("pipeline_health"), silent_days=cfg.decommission_silent_days, platform=platform,
        platform_note=platform_note, unreadable=bool(unreadable) or "archive" in results.problems,
        pipeline_failed=bool({"pipeline_health", "decommission_readiness"} & (set(results.problems) | results.partial)))
    targets = {}
    for ref in refs:
        targets.setdefault(ref.workload, set()).add(ref.target)

    workloads = []
    for w in cfg.workloads:
        mine = [r for r in progress if r["Workload"] == w.name]
        legacy = sum(int(r["LegacyCalls"] or 0) for r in mine)
        replacement = sum(int(r["ReplacementCalls"] or 0) for r in mine)
        last7 = sum(int(r["LegacyCalls"] or 0) for r in mine if _day(r["Day"]) >= week_ago)
        prev7 = sum(int(r["LegacyCalls"] or 0) for r in mine if two_weeks_ago <= _day(r["Day"]) < week_ago)
        errors: dict[str, int] = {}
        hints: dict[str, str] = {}
        for r in results.get("error_classes"):
            if r["Workload"] == w.name:
                errors[r["ErrorClass"]] = errors.get(r["ErrorClass"], 0) + int(r["Calls"])
                hints[r["ErrorClass"]] = r.get("Hint") or ""
        accounts = [
            {"account": r["Account"], "kind": r.get("Kind"), "lastLegacyCall": _iso(r["LastLegacyCall"]),
             "daysSilent": None if r["DaysSilent"] is None else int(r["DaysSilent"]), **states[r["Account"]]}
            for r in readiness if r["Workload"] == w.name
        ]
        last_calls = [a["lastLegacyCall"] for a in accounts if a["lastLegacyCall"]]
        callers = [
            {"account": r["Account"], "callerIPAddress": r["CallerIPAddress"], "calls": int(r["Calls"]),
             "lastSeen": _iso(r["LastSeen"])}
            for r in results.get("top_callers") if r["Workload"] == w.name
        ][:TOP_CALLERS_PER_WORKLOAD]
        reg = regressions.get(w.name)
        steps = sorted((r for r in results.get("cutover_checklist") if r["Workload"] == w.name),
                       key=lambda r: int(r["Order"]))
        features = _features(results.get("ia_feature_usage"), w.name, targets.get(w.name, set()))
        workloads.append({
            "name": w.name,
            "state": w.cutover.state,
            "cutoverDate": w.cutover.date.isoformat() if w.cutover.date else None,
            "comparison": dict((comparisons or {}).get(w.name) or {"verdict": "none"}),
            "legacyCalls": legacy,
            "legacyTrend": {"last7Days": last7, "previous7Days": prev7},
            "replacementCalls": replacement,
            "legacyShare": (legacy / (legacy + replacement)) if legacy + replacement else None,
            "errors": dict(sorted(errors.items(), key=lambda kv: (-kv[1], kv[0]))),
            "errorHints": hints,
            "errorClasses": error_details(results.get("error_classes"), w.name),
            "topCallers": callers,
            "lastLegacyCall": max(last_calls) if last_calls else None,
            "ready": bool(accounts) and all(a["ready"] for a in accounts) and not unreadable,
            "accounts": accounts,
            "replacement": [
                {"target": r["Target"], "calls": int(r["Calls"]), "errorRate": _num(r["ErrorRate"]),
                 "p95DurationMs": _num(r["P95DurationMs"]), "healthy": bool(r["Healthy"])}
                for r in health if r["Workload"] == w.name
            ],
            "checklist": [{"step": r["Step"], "state": r["State"], "evidence": r["Evidence"]} for r in steps],
            "overdue": (bool(steps[0]["Overdue"]) if steps and steps[0]["Overdue"] is not None else None)
                       if checklist_ok else None,
            "features": features,
            "warnings": [f"uses {f['feature']} ({f['calls']} calls in 30 days), which its replacement "
                         f"({', '.join(sorted(targets.get(w.name, ())) ) or 'none configured'}) does not cover: "
                         f"{f['destination']}" for f in features if not f["covered"]],
            "regression": None if reg is None else {
                "hourStart": _iso(reg["HourStart"]), "recentCalls": int(reg["RecentCalls"]),
                "baselineCalls": float(reg["BaselineCalls"]), "weeksUsed": int(reg["WeeksUsed"]),
                "threshold": float(reg["Threshold"])},
        })

    burndown = read_burndown(results.get("burndown"), [w.name for w in cfg.workloads])
    for w in workloads:
        w["projection"] = burndown["byWorkload"][w["name"]]["projection"]
        w["weekly"] = burndown["byWorkload"][w["name"]]["weekly"]
    weekly = burndown["weekly"]
    days_to_retirement = (cfg.retirement_date - today).days
    projection = burndown["overall"] or {"projectedZeroDate": None, "earliest": None, "latest": None, "onTrack": None,
                                         "onTrackForCutover": None, "weeksUsed": 0, "slopePerWeek": None, "atRisk": []}

    incomplete = sorted(set(results.problems) | results.partial)
    problems = [{"query": q, "message": results.problems.get(q, "partial results: rows may be missing"),
                 "details": results.details.get(q, [])} for q in incomplete]
    if "burndown" not in incomplete and projection["weeksUsed"] < 2:
        problems.append({"query": "burndown", "details": [], "message": (
            f"{projection['weeksUsed']} complete week(s) of legacy data: at least 2 are needed to project a zero date "
            "(the week holding the archive's first record and the current week are never complete)")})
    broken = sorted(a for a, s in states.items() if s["state"] == "pipeline_broken")
    if broken:
        problems.append({"query": "pipeline_health", "details": [], "message": (
            f"log pipeline broken for {', '.join(broken)}: metrics count calls the logs do not have "
            "(workloads[].accounts[].evidence), so every figure read from the logs is low")})
    if platform is not None and platform.errors:
        problems.append({"query": "platform_metrics", "details": [], "message": (
            f"platform metrics (TotalCalls) could not be read for {', '.join(sorted(platform.errors))}: their "
            "readiness is unconfirmed")})
    if unreadable:
        problems.append({"query": "archive", "details": [], "message": (
            f"{unreadable} unreadable file(s) or folder(s) in the archive (source.load): their records are missing "
            "from every query, so no workload can be called ready or on track")})
    # Fail closed: on_track only when every query that feeds the verdict answered completely. A regression
    # found in complete rows still wins (it is a fact); a failed or partial regression query never passes.
    if regressions and "legacy_regression" not in incomplete:
        verdict = "regression"
    elif problems or projection["onTrack"] is None:
        verdict = "incomplete"
    elif projection["onTrack"] and not projection["atRisk"]:
        verdict = "on_track"
    else:
        verdict = "off_track"
    return {
        "schemaVersion": SCHEMA_VERSION,
        "stack": cfg.stack,
        "now": _iso(now),
        "retirementDate": cfg.retirement_date.isoformat(),
        "daysToRetirement": days_to_retirement,
        "verdict": verdict,
        "exitCode": EXIT_ON_TRACK if verdict == "on_track" else EXIT_ATTENTION,
        "projection": projection,
        "workloads": workloads,
        "weekly": weekly,
        "replacementWeekly": burndown["replacementWeekly"],      # complete weeks of the burn-down range
        "source": {
            **dict(source),
            "platformMetrics": platform.as_dict() if platform is not None else
            {"status": "not_read", "metric": "TotalCalls", "from": None, "to": None, "errors": {},
             "detail": platform_note},
            "partial": bool(incomplete) or bool(unreadable),
            "problems": problems,
        },
    }
