"""Render a :class:`ScanResult`: table (terminal), json, markdown, sarif (2.1.0, for code-scanning uploads).

Every format prints only what a finding holds; secrets are already masked by the scanner.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Any

from .. import __version__
from .scanner import Finding, ScanResult
from .signatures import FROM_GROUP, Catalogue, load_catalogue

FORMATS = ("table", "json", "markdown", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_CATEGORY = "cvmigrate-scan/"
_LEVEL = {"secret": "error", "sdk": "warning", "rest": "warning", "header": "warning", "endpoint": "note"}
# SARIF levels, most severe first: a CI gate at a level fails on findings at that level or above (what code
# scanning's "fail on" setting does with error / warning / note).
LEVELS = ("error", "warning", "note")


def level_of(f: Finding) -> str:
    """The SARIF level of a finding: error (a key in source), warning (SDK, REST, key header), note (endpoint)."""
    return _LEVEL[f.kind]


def at_or_above(result: ScanResult, level: str) -> list[Finding]:
    """The findings a CI gate at ``level`` (one of LEVELS) fails on."""
    worst = LEVELS.index(level)
    return [f for f in result.findings if LEVELS.index(_LEVEL[f.kind]) <= worst]
_COLUMNS = ("location", "language", "kind", "service", "feature", "replacement")


def summary(result: ScanResult) -> dict[str, Any]:
    by = Counter((f.service, f.feature) for f in result.findings)
    return {
        "filesScanned": result.files_scanned,
        "bytesScanned": result.bytes_scanned,
        "skipped": dict(sorted(result.skipped.items())),
        "findings": len(result.findings),
        "byKind": dict(sorted(Counter(f.kind for f in result.findings).items())),
        "byFeature": [{"service": s, "feature": f, "findings": n} for (s, f), n in sorted(by.items())],
    }


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {"path": f.path, "line": f.line, "column": f.column, "language": f.language, "kind": f.kind,
            "service": f.service, "feature": f.feature, "replacement": f.replacement, "rule": f.rule,
            "match": f.match}


def to_json(result: ScanResult) -> str:
    doc = {"tool": "cvmigrate scan", "version": __version__, "summary": summary(result),
           "findings": [_finding_dict(f) for f in result.findings]}
    return json.dumps(doc, indent=2) + "\n"


def _row(f: Finding) -> tuple[str, ...]:
    return (f"{f.path}:{f.line}", f.language, f.kind, f.service, f.feature, f.replacement)


def _tail(result: ScanResult) -> str:
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(result.skipped.items())) or "none"
    return (f"{len(result.findings)} findings in {result.files_scanned} files scanned "
            f"({result.bytes_scanned / 1e6:.1f} MB); skipped: {skipped}")


def to_table(result: ScanResult) -> str:
    rows = [_COLUMNS] + [_row(f) for f in result.findings]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_COLUMNS) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r[:-1], widths)) + "  " + r[-1] for r in rows]
    return "\n".join(lines + ["", _tail(result)]) + "\n"


def _md(cell: str) -> str:
    return cell.replace("|", "\\|")


def to_markdown(result: ScanResult) -> str:
    out = ["# Legacy Custom Vision / Image Analysis usage", "", _tail(result), "", "## By feature", "",
           "| Service | Feature | Findings | Replacement |", "|---|---|---:|---|"]
    cat = load_catalogue()
    for entry in summary(result)["byFeature"]:
        replacement = cat.features.get(entry["feature"]).replacement
        out.append(f"| {entry['service']} | {entry['feature']} | {entry['findings']} | {_md(replacement)} |")
    out += ["", "## Findings", "", "| Location | Language | Kind | Service | Feature | Match |",
            "|---|---|---|---|---|---|"]
    for f in result.findings:
        out.append(f"| `{_md(f.path)}:{f.line}` | {f.language} | {f.kind} | {f.service} | {f.feature} | "
                   f"`{_md(f.match)}` |")
    return "\n".join(out) + "\n"


def _fingerprint(f: Finding, occurrence: int) -> str:
    # Stable across unrelated edits that move the line: rule, file, feature, matched text and its n-th
    # occurrence in that file (GitHub de-duplicates alerts on it).
    key = f"{f.rule}|{f.path}|{f.feature}|{f.match}|{occurrence}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _rule(rule_id: str, cat: Catalogue) -> dict[str, Any]:
    sig = cat.signature(rule_id)
    feature = cat.features.get(sig.feature).replacement if sig.feature != FROM_GROUP else None
    text = f"Legacy {sig.service} use ({sig.kind})"
    help_text = ("Azure AI Custom Vision and Image Analysis retire on 2028-09-25. "
                 + (f"Replacement: {feature}." if feature else "The replacement depends on the feature "
                    "named in each result (see the cvmigrate README, feature map)."))
    return {
        "id": sig.id,
        "name": f"{sig.service}-{sig.kind}",
        "shortDescription": {"text": text},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _LEVEL[sig.kind]},
        "properties": {"tags": ["migration", sig.service, sig.kind]},
    }


def to_sarif(result: ScanResult) -> str:
    cat = load_catalogue()
    rule_ids = sorted({f.rule for f in result.findings})
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    seen: Counter[tuple[str, str, str, str]] = Counter()
    results = []
    for f in result.findings:
        key = (f.rule, f.path, f.feature, f.match)
        seen[key] += 1
        results.append({
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": level_of(f),
            "message": {"text": f"{f.service} {f.feature} ({f.kind}, {f.language}): {f.match}. "
                                f"Replacement: {f.replacement}."},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": f.path, **({"uriBaseId": "%SRCROOT%"} if not f.path.startswith("/") else {})},
                "region": {"startLine": f.line, "startColumn": f.column},
            }}],
            "partialFingerprints": {"cvmigrate/v1": _fingerprint(f, seen[key])},
            "properties": {"language": f.language, "kind": f.kind, "service": f.service, "feature": f.feature,
                           "replacement": f.replacement},
        })
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "cvmigrate", "version": __version__,
                                "informationUri": "https://learn.microsoft.com/azure/ai-services/computer-vision/migration-options",
                                "rules": [_rule(r, cat) for r in rule_ids]}},
            "automationDetails": {"id": SARIF_CATEGORY},
            "results": results,
        }],
    }
    return json.dumps(doc, indent=2) + "\n"


def render(result: ScanResult, fmt: str) -> str:
    return {"table": to_table, "json": to_json, "markdown": to_markdown, "sarif": to_sarif}[fmt](result)
