"""The backtest report as text: ``table`` (terminal), ``markdown`` (a ticket or PR) and ``json`` (as built)."""
from __future__ import annotations

import json
from typing import Any, Callable

EPISODES_SHOWN = 12              # per rule in table/markdown; the JSON lists every one


def _dims(episode: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in episode["dimensions"].items()) or "(no dimensions)"


def _rule_kind(rule: dict) -> str:
    return f"metric, stand-in {rule['query']}" if rule["standIn"] else "log"


def _verdict_line(report: dict) -> str:
    load = report["load"]
    rows = sum(load["rowsLoaded"].values())
    state = "complete" if load["complete"] else f"INCOMPLETE ({sum(load['problems']['byReason'].values())} unreadable)"
    return (f"backtest {report['from']} .. {report['to']} of {report['source']}: {report['verdict']} "
            f"({rows:,} records loaded, {state}; load {report['loadSeconds']} s)")


def _regression_lines(scoring: dict) -> list[str]:
    s = scoring["summary"]
    lines = [f"planted regressions ({scoring['manifest']}), regression rule {scoring['rule']} every "
             f"{scoring['evaluationFrequency']}: {s['paged']}/{s['planted']} paged, {s['missed']} missed, "
             f"{s['falsePages']} false page(s), longest delay {s['maxDelayPeriods']} period(s)"
             + (f", {s['outsideWindow']} outside the window" if s["outsideWindow"] else "")]
    for r in scoring["regressions"]:
        what = f"{r['workload']} {r['start']} {r['hours']} h x{r['factor']:g}"
        if r["result"] == "paged":
            lines.append(f"  {what}: paged at {r['firstPage']}, delay {r['delayMinutes']} min "
                         f"({r['delayPeriods']} period(s))")
        else:
            lines.append(f"  {what}: {r['result']}")
    for e in scoring["falsePages"]:
        lines.append(f"  FALSE PAGE {_dims(e)}: fired {e['fired']}, cleared {e['cleared'] or 'not by the end'}")
    return lines


def render_table(report: dict) -> str:
    lines = [_verdict_line(report), ""]
    header = ("rule", "replayed as", "every", "evals", "episodes", "seconds")
    rows = [(r["name"], _rule_kind(r), r["evaluationFrequency"], str(r["evaluations"]), str(len(r["episodes"])),
             f"{r['seconds']:.1f}") for r in report["rules"]]
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
    for r in report["rules"]:
        if r["note"]:
            lines.append(f"note {r['name']}: {r['note']}")
    for r in report["rules"]:
        if not r["episodes"]:
            continue
        lines += ["", f"{r['name']} ({'auto-resolves' if r['autoMitigate'] else 'stateless: closed by hand'}):"]
        for e in r["episodes"][:EPISODES_SHOWN]:
            cleared = e["cleared"] or "still firing at the end"
            lines.append(f"  {_dims(e)}: fired {e['fired']}, cleared {cleared} ({e['evaluations']} evaluation(s))")
        if len(r["episodes"]) > EPISODES_SHOWN:
            lines.append(f"  ... {len(r['episodes']) - EPISODES_SHOWN} more (the JSON format lists every one)")
    if report["scoring"]:
        lines += [""] + _regression_lines(report["scoring"])
    return "\n".join(lines) + "\n"


def render_markdown(report: dict) -> str:
    lines = [f"# Backtest {report['from']} .. {report['to']}", "", _verdict_line(report), "",
             "| rule | replayed as | every | evaluations | episodes |", "|---|---|---|---:|---:|"]
    for r in report["rules"]:
        lines.append(f"| `{r['name']}` | {_rule_kind(r)} | {r['evaluationFrequency']} | {r['evaluations']} | "
                     f"{len(r['episodes'])} |")
    for r in report["rules"]:
        if r["note"]:
            lines += ["", f"*{r['name']}*: {r['note']}"]
    for r in report["rules"]:
        if not r["episodes"]:
            continue
        lines += ["", f"## {r['name']}", "", "| dimensions | fired | cleared | evaluations |", "|---|---|---|---:|"]
        for e in r["episodes"][:EPISODES_SHOWN]:
            lines.append(f"| {_dims(e)} | {e['fired']} | {e['cleared'] or '–'} | {e['evaluations']} |")
        if len(r["episodes"]) > EPISODES_SHOWN:
            lines.append(f"\n{len(r['episodes']) - EPISODES_SHOWN} more (the JSON format lists every one).")
    if report["scoring"]:
        lines += ["", "## Planted regressions", "", "```", *_regression_lines(report["scoring"]), "```"]
    return "\n".join(lines) + "\n"


def render_json(report: dict) -> str:
    return json.dumps(report, indent=2, default=str) + "\n"


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "table": render_table, "markdown": render_markdown, "json": render_json}
