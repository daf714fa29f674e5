"""The inventory as a terminal table, JSON (the document itself) or Markdown."""
from __future__ import annotations

import json

FORMATS = ("table", "json", "markdown")


def _published(project: dict) -> str:
    names = [f"{it['publishName']} ({it['name']})" for it in project.get("iterations") or [] if it.get("publishName")]
    return ", ".join(names) or "-"


def _domain(project: dict) -> str:
    d = project["domain"]
    return f"{d['name']}{' (exportable)' if d['exportable'] else ''}"


def _header(inv: dict) -> str:
    ok = [p for p in inv["projects"] if "error" not in p]
    return (f"{inv['endpoint']}: {len(inv['projects'])} project(s), {sum(len(p['iterations']) for p in ok)} "
            f"iteration(s), collected {inv['collected_at']}, {inv['status']}")


def render_table(inv: dict) -> str:
    rows = [("PROJECT", "ID", "TYPE", "DOMAIN", "TAGGED", "UNTAGGED", "TAGS", "PUBLISHED AS", "FINDINGS")]
    for p in inv["projects"]:
        if "error" in p:
            rows.append((str(p["name"]), str(p["id"]), "?", "?", "?", "?", "?", "?", "not read"))
            continue
        rows.append((str(p["name"]), p["id"], p["type"], _domain(p), str(p["images"]["tagged"]),
                     str(p["images"]["untagged"]), str(len(p["tags"])), _published(p), str(len(p["findings"]))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [_header(inv), ""] + ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    details = []
    for p in inv["projects"]:
        if "error" in p:
            details.append(f"{p['name']}: NOT READ: {p['error']}")
        for f in p.get("findings") or []:
            details.append(f"{p['name']}: [{f['code']}] {f['message']}")
    return "\n".join(lines + ([""] + details if details else [])) + "\n"


def render_json(inv: dict) -> str:
    return json.dumps(inv, indent=2, ensure_ascii=False) + "\n"


def _cell(value: object) -> str:
    return "-" if value is None else str(value).replace("|", "\\|")


def render_markdown(inv: dict) -> str:
    lines = [f"# Custom Vision inventory", "", _header(inv), "",
             "| Project | ID | Type | Domain | Tagged | Untagged | Tags | Published as | Findings |",
             "|---|---|---|---|---|---|---|---|---|"]
    for p in inv["projects"]:
        if "error" in p:
            lines.append(f"| {_cell(p['name'])} | `{p['id']}` | ? | ? | ? | ? | ? | ? | not read |")
            continue
        lines.append(f"| {_cell(p['name'])} | `{p['id']}` | {p['type']} | {_cell(_domain(p))} | "
                     f"{p['images']['tagged']} | {p['images']['untagged']} | {len(p['tags'])} | "
                     f"{_cell(_published(p))} | {len(p['findings'])} |")
    for p in inv["projects"]:
        lines += ["", f"## {p['name']}", ""]
        if "error" in p:
            lines.append(f"**Not read:** {p['error']}")
            continue
        lines += ["| Iteration | ID | Status | Trained | Published as | Prediction resource | Exportable |",
                  "|---|---|---|---|---|---|---|"]
        for it in p["iterations"]:
            lines.append(f"| {_cell(it['name'])} | `{it['id']}` | {_cell(it['status'])} | {_cell(it['trainedAt'])} | "
                         f"{_cell(it['publishName'])} | {_cell(it['predictionResourceId'])} | {_cell(it['exportable'])} |")
        for it in p["iterations"]:
            perf = it.get("performance")
            if perf:
                lines += ["", f"Published iteration {it['name']!r} at threshold {perf['threshold']}: precision "
                          f"{perf['precision']}, recall {perf['recall']}, AP {_cell(perf['averagePrecision'])}", "",
                          "| Tag | Precision | Recall | AP |", "|---|---|---|---|"]
                lines += [f"| {_cell(t['name'])} | {_cell(t['precision'])} | {_cell(t['recall'])} | "
                          f"{_cell(t['averagePrecision'])} |" for t in perf["perTag"]]
        lines += ["", "| Tag | Images | Type |", "|---|---|---|"]
        lines += [f"| {_cell(t['name'])} | {t['imageCount']} | {t['type']} |" for t in p["tags"]]
        if p["findings"]:
            lines += ["", "Findings:", ""] + [f"- `{f['code']}`: {f['message']}" for f in p["findings"]]
    return "\n".join(lines) + "\n"


def render(inv: dict, fmt: str) -> str:
    return {"table": render_table, "json": render_json, "markdown": render_markdown}[fmt](inv)
