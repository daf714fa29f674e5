"""The report as text: a terminal table, Markdown for a ticket, or JSON (report.schema.json)."""
from __future__ import annotations

import json
from typing import Any

from .error_details import detail_line

VERDICT_TEXT = {
    "on_track": "ON TRACK: legacy traffic is projected to reach zero before the retirement date.",
    "off_track": "OFF TRACK: at the current pace legacy traffic (overall, or of a workload at risk) does not reach zero "
                 "before the retirement date.",
    "regression": "REGRESSION: legacy traffic came back for a workload (REGRESSED in the Regression column).",
    "incomplete": "INCOMPLETE: a query failed or returned partial rows, archive data was unreadable, or the burn-down "
                  "could not be computed; see the source problems.",
}


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, sort_keys=False) + "\n"


def _share(value: Any) -> str:
    return "-" if value is None else f"{value * 100:.1f} %"


def _trend(w: dict[str, Any]) -> str:
    last, prev = w["legacyTrend"]["last7Days"], w["legacyTrend"]["previous7Days"]
    if prev == 0:
        return "new" if last else "flat"
    change = (last - prev) / prev * 100
    return f"{change:+.0f} % wow"


def _projection(p: dict[str, Any]) -> str:
    if not p["projectedZeroDate"]:
        return "no zero date (legacy traffic is not falling, or too little history)"
    text = f"zero on {p['projectedZeroDate']} (range {p['earliest'] or '?'} .. {p['latest'] or 'never'})"
    text += ", on track" if p["onTrack"] else ", AFTER the retirement date"
    if p.get("onTrackForCutover") is not None:
        text += ", by its cutover date" if p["onTrackForCutover"] else ", after its cutover date"
    return text


def _errors(w: dict[str, Any]) -> str:
    return ", ".join(f"{k} {v}" for k, v in w["errors"].items()) or "none"


def _state(w: dict[str, Any]) -> str:
    return f"{w['state']} OVERDUE" if w.get("overdue") else w["state"]


def _checklist_line(w: dict[str, Any]) -> str:
    return ", ".join(f"{c['step']} {c['state']}" for c in w["checklist"]) or "unknown (checklist query failed)"


def _rows(report: dict[str, Any]) -> list[list[str]]:
    rows = []
    for w in report["workloads"]:
        rows.append([
            w["name"], _state(w), str(w["legacyCalls"]), _trend(w), str(w["replacementCalls"]),
            _share(w["legacyShare"]), (w["lastLegacyCall"] or "-")[:16].replace("T", " "),
            "yes" if w["ready"] else "no", "REGRESSED" if w["regression"] else "-",
            _comparison(w["comparison"]),
        ])
    return rows


STEP_TITLES = ("assessed", "data-exported", "replacement-deployed", "staging-tested", "production-switched",
               "decommissioned")
HEADERS = ["Workload", "State", "Legacy (30d)", "Trend", "Replacement (30d)", "Legacy share", "Last legacy call",
           "Ready", "Regression", "Compared"]


def _comparison(c: dict[str, Any]) -> str:
    """The workload's `cvmigrate compare` verdict ("-" without cutover.evidence)."""
    return "-" if c["verdict"] == "none" else c["verdict"]


def to_terminal(report: dict[str, Any]) -> str:
    rows = _rows(report)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(HEADERS)]
    line = lambda cells: "  ".join(c.ljust(widths[i]) for i, c in enumerate(cells)).rstrip()  # noqa: E731
    out = [f"cvmigrate status: stack {report['stack']} as of {report['now']}", ""]
    out += [line(HEADERS), line(["-" * w for w in widths])] + [line(r) for r in rows]
    for w in report["workloads"]:
        details = [f"  checklist: {_checklist_line(w)}"]
        if w.get("overdue"):
            details.append(f"  OVERDUE: cutover date {w['cutoverDate']} has passed and the workload is still {w['state']}")
        details += [f"  warning: {text}" for text in w["warnings"]]
        for f in w["features"]:
            details.append(f"  feature {f['feature']}: {f['calls']} call(s) -> {f['destination']}")
        if w["regression"]:
            r = w["regression"]
            details.append(f"  regression: {r['recentCalls']} legacy calls in the hour from {r['hourStart'][:16]} against "
                           f"{r['baselineCalls']:.0f} in the same hour of the week (median of {r['weeksUsed']} weeks; "
                           f"threshold {r['threshold']:.1f})")
        details += [f"  {detail_line(d)}" for d in w["errorClasses"]]
        for c in w["topCallers"]:
            details.append(f"  caller {c['callerIPAddress']} -> {c['account']}: {c['calls']} call(s), "
                           f"last {(c['lastSeen'] or '-')[:16].replace('T', ' ')}")
        for a in w["accounts"]:
            details.append(f"  {a['account']} ({a['kind']}): {STATE_TEXT[a['state']]}; {a['evidence']['reason']}")
        if details:
            out += ["", f"{w['name']}:"] + details
    p = report["projection"]
    out += ["", f"Burn-down (weekly legacy calls, Theil-Sen line over the last {p['weeksUsed']} complete weeks):",
            f"  all workloads: {_projection(p)}"]
    out += [f"  {w['name']}: {_projection(w['projection'])}" for w in report["workloads"] if w["projection"]]
    out += [f"  retirement date: {report['retirementDate']} ({report['daysToRetirement']} days from now)"]
    if p.get("atRisk"):
        out.append(f"  at risk (zero after the retirement date, or not falling): {', '.join(p['atRisk'])}")
    out.append(f"  verdict: {VERDICT_TEXT[report['verdict']]}")
    out += _source_lines(report)
    return "\n".join(out) + "\n"


STATE_TEXT = {"ready": "ready to decommission", "unconfirmed": "UNCONFIRMED (silent in the logs only)",
              "active": "active", "pipeline_broken": "PIPELINE BROKEN"}


def _source_lines(report: dict[str, Any]) -> list[str]:
    src = report["source"]
    lines = ["", f"Source: {src['kind']} {src['location']}"]
    load = src.get("load")
    if load:
        skipped = ", ".join(f"{n} {r}" for r, n in load["skipped"].items() if n) or "none"
        lines.append(f"  loaded {sum(load['rowsLoaded'].values())} record(s) from {load['files']} file(s); "
                     f"skipped: {skipped}")
    metrics = src["platformMetrics"]
    lines.append(f"  platform metrics (TotalCalls, readiness): {metrics['status']}: {metrics['detail']}")
    for p in src["problems"]:
        lines.append(f"  PARTIAL: {p['query']}: {p['message']}")
    return lines


def to_markdown(report: dict[str, Any]) -> str:
    out = [f"### Cutover status: {report['stack']} ({report['now'][:10]})", "",
           f"**{VERDICT_TEXT[report['verdict']]}** Projected zero date: "
           f"{report['projection']['projectedZeroDate'] or 'none'}; retirement {report['retirementDate']} "
           f"({report['daysToRetirement']} days).", "",
           "| " + " | ".join(h or "Regression" for h in HEADERS) + " | Errors (7d) |",
           "|" + "---|" * (len(HEADERS) + 1)]
    for w, r in zip(report["workloads"], _rows(report)):
        out.append("| " + " | ".join(c.replace("|", "\\|") for c in r) + f" | {_errors(w)} |")
    out += ["", "Checklist (state per step; evidence in `--format json`):", "",
            "| Workload | " + " | ".join(STEP_TITLES) + " | Overdue |", "|" + "---|" * (len(STEP_TITLES) + 2)]
    for w in report["workloads"]:
        states = {c["step"]: c["state"] for c in w["checklist"]}
        overdue = {True: "**yes**", False: "no", None: "unknown"}[w.get("overdue")]
        out.append(f"| {w['name']} | " + " | ".join(states.get(step, "unknown") for step in STEP_TITLES)
                   + f" | {overdue} |")
    warnings = [(w["name"], text) for w in report["workloads"] for text in w["warnings"]]
    if warnings:
        out += ["", "Feature coverage:"] + [f"- **{name}** {text}" for name, text in warnings]
    out += ["", "Decommission readiness (logs and platform metrics):", "", "| Workload | Account | State | Evidence |",
            "|---|---|---|---|"]
    out += [f"| {w['name']} | {a['account']} | {a['state']} | {a['evidence']['reason'].replace('|', '/')} |"
            for w in report["workloads"] for a in w["accounts"]]
    details = [(w["name"], d) for w in report["workloads"] for d in w["errorClasses"]]
    if details:
        out += ["", "Error classes (for the support ticket):"] + [f"- **{name}** {detail_line(d)}"
                                                                  for name, d in details]
    out += [line.replace("  PARTIAL", "- PARTIAL") for line in _source_lines(report)]
    return "\n".join(out) + "\n"


RENDERERS = {"table": to_terminal, "json": to_json, "markdown": to_markdown}
