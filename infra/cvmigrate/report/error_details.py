"""What a support ticket needs per error class: for every legacy account with failed calls of that class, the
calls, a few distinct sample ``ResultDescription`` values, the account's resource ID and region, its SKU where
the stack knows it, and the hint for that SKU. queries/error_classes.kql classifies the calls and picks the hint
(the classes and their per-SKU hints are data: queries/error_classes.yaml); this module only shapes its rows."""
from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Sequence

from ..redaction import redact

SAMPLES = 3                 # distinct ResultDescription values shown per class and account
SAMPLE_CHARS = 200          # each cut after this many characters, like every value cvmigrate quotes
UNKNOWN_SKU = "unknown SKU"


def _samples(value: Any) -> list[str]:
    """The distinct, non-empty descriptions of a dynamic column (JSON text from Log Analytics and DuckDB), sorted,
    at most SAMPLES, each redacted (a description could quote a key) and cut to SAMPLE_CHARS."""
    items = json.loads(value) if isinstance(value, str) else list(value or [])
    texts = {redact(" ".join(str(item).split()))[:SAMPLE_CHARS] for item in items if item is not None}
    return sorted(t for t in texts if t)[:SAMPLES]


def _text(value: Any) -> Optional[str]:
    return str(value) if value not in (None, "") else None


def error_details(rows: Sequence[Mapping[str, Any]], workload: str) -> list[dict[str, Any]]:
    """The ``error_classes`` rows of ``workload``, most calls first: ``{class, account, calls, errorRate, sku,
    region, resourceId, samples[], hint}`` (``sku`` "unknown SKU" when the stack does not declare it)."""
    out = [{
        "class": r["ErrorClass"], "account": r["Account"], "calls": int(r["Calls"]),
        "errorRate": None if r["ErrorRate"] is None else float(r["ErrorRate"]),
        "sku": _text(r["Sku"]) or UNKNOWN_SKU, "region": _text(r["Region"]), "resourceId": _text(r["ResourceId"]),
        "samples": _samples(r["Samples"]), "hint": r["Hint"] or "",
    } for r in rows if r["Workload"] == workload]
    return sorted(out, key=lambda d: (-d["calls"], d["class"], d["account"]))


def detail_line(d: Mapping[str, Any]) -> str:
    """One line for the terminal and Markdown reports."""
    where = ", ".join(x for x in (d["sku"], d["region"]) if x)
    samples = "; ".join(f'"{s}"' for s in d["samples"]) or "no ResultDescription logged"
    return (f"{d['class']} on {d['account']} ({where}): {d['calls']} call(s) in 7 days; e.g. {samples}; "
            f"resource {d['resourceId'] or 'unknown'}. {d['hint']}".rstrip())
