"""compare.md (for the change ticket) and the terminal table, both from compare.json's data."""
from __future__ import annotations

from typing import Optional

HEADLINE = {"multiclass": ("accuracy", "macroF1"), "multilabel": ("microF1", "macroF1", "subsetAccuracy"),
            "detection": ("mAP50",)}
VERDICT_TEXT = {"pass": "PASS — the replacement meets the gate", "fail": "FAIL — the replacement misses the gate",
                "incomplete": "INCOMPLETE — some images could not be scored; re-run to retry them",
                "not-gated": "no gate given — metrics only"}


def fmt(value: Optional[float], digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _delta(a: Optional[float], b: Optional[float]) -> str:
    return "—" if a is None or b is None else f"{b - a:+.3f}"


def _rows(report: dict) -> list[tuple[str, str, str, str]]:
    names = (*HEADLINE[report["task"]], "failureRate")
    lm, rm = report["legacy"]["metrics"], report["replacement"]["metrics"]
    rows = [(n, fmt(lm.get(n)), fmt(rm.get(n)), _delta(lm.get(n), rm.get(n))) for n in names]
    lat = report["latencyMs"]
    for p in ("p50", "p95"):
        rows.append((f"latency {p} (ms)", fmt(lat["legacy"][p], 0), fmt(lat["replacement"][p], 0),
                     _delta(lat["legacy"][p], lat["replacement"][p])))
    return rows


def _table(header: tuple[str, ...], rows: list[tuple]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]


def _score_key(task: str) -> str:
    return "ap" if task == "detection" else "f1"


def markdown(report: dict) -> str:
    task, images = report["task"], report["images"]
    legacy, repl = report["legacy"]["target"], report["replacement"]["target"]
    out = [f"# Model comparison: {report['dataset']['project'].get('name') or 'project'} ({task})", "",
           f"**Verdict: {VERDICT_TEXT[report['verdict']]}**", ""]
    gate = report["gate"]
    if gate["expression"]:
        out += [f"Gate: `{gate['expression']}`", ""]
        out += [f"- {c['metric']} {c['op']} {fmt(c['bound'])}: replacement {fmt(c['replacement'])} → "
                f"{'pass' if c['passed'] else 'fail'}" for c in gate["clauses"]]
        out.append("")
    out += [f"- {b}" for b in gate["blockers"]]
    out += [f"> **Warning:** {w}" for w in report["warnings"]]
    if report["warnings"] or gate["blockers"]:
        out.append("")
    out += [f"Legacy: Custom Vision `{legacy.get('iteration')}` (project {legacy.get('project')}); replacement: "
            f"{repl['kind']} `{repl.get('deployment') or repl.get('scoringUri')}`.", "",
            f"Images: {images['scored']} scored from the `{report['dataset']['split']}` split, "
            f"{images['leftOut']} left out as possibly seen in training." + (
                "" if not images["leftOutReasons"] else " Reasons: " + "; ".join(
                    f"{r['images']} {r['reason']}" for r in images["leftOutReasons"]) + "."), ""]
    out += _table(("metric", "legacy", "replacement", "Δ"), _rows(report))
    agreement = report["agreement"]
    out += ["", f"Agreement between the models: {fmt(agreement)} over {report['agreementImages']} images both "
                "answered.", "", "## Per tag", ""]
    key = _score_key(task)
    rows = []
    for a, b in zip(report["legacy"]["perTag"], report["replacement"]["perTag"]):
        rows.append((a["tag"], a["support"], fmt(a["precision"]), fmt(b["precision"]), fmt(a["recall"]),
                     fmt(b["recall"]), fmt(a[key]), fmt(b[key])))
    out += _table(("tag", "support", "P legacy", "P repl.", "R legacy", "R repl.", f"{key} legacy",
                   f"{key} repl."), rows)
    out += ["", "## Failures", ""]
    for role in ("legacy", "replacement"):
        f = report["failures"][role]
        classes = ", ".join(f"{k}: {v}" for k, v in f["byClass"].items()) or "none"
        out.append(f"- {role}: {f['total']} ({classes})" + (
            "; images " + ", ".join(x["id"] for x in f["images"][:20]) + (" …" if f["total"] > 20 else "")
            if f["total"] else ""))
    run = report["run"]
    out += ["", f"Run: {run['calls']} calls, {run['cached']} answers from the cache, {run['retries']} retries. "
                f"Threshold {report['threshold']}. Generated {report['generatedAt']} by cvmigrate "
                f"{report['tool']['version']}.", ""]
    return "\n".join(out)


def table(report: dict) -> str:
    rows = _rows(report)
    widths = [max(len(r[i]) for r in [("metric", "legacy", "replacement", "delta"), *rows]) for i in range(4)]
    line = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    out = [f"{report['task']}: {report['images']['scored']} images scored, {report['images']['leftOut']} left out",
           line(("metric", "legacy", "replacement", "delta")), *(line(r) for r in rows),
           f"agreement {fmt(report['agreement'])} over {report['agreementImages']} images"]
    out += [f"warning: {w}" for w in report["warnings"]]
    out += [f"blocked: {b}" for b in report["gate"]["blockers"]]
    if report["gate"]["expression"]:
        out.append(f"gate {report['gate']['expression']!r}: {'pass' if report['gate']['passed'] else 'fail'}")
    out.append(f"verdict: {report['verdict']}")
    return "\n".join(out) + "\n"
