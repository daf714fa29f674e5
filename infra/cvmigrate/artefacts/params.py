"""Render parameters of the query templates, built from a :class:`StackConfig`.

The parameters are a plain dict (the Jinja context). Keys:

- ``legacy_accounts``: ``[{account, workload, kind}]``; account lower-cased, kind Training | Prediction | ImageAnalysis
- ``replacement_endpoints``: ``[{endpoint, workload, target}]`` (automl refs; endpoint lower-cased)
- ``replacement_accounts``: ``[{account, workload, target, deployment}]`` (other targets; deployment "" = whole account)
- ``workloads``: ``[{name, state, cutover_date}]`` (cutover_date ISO text or "")
- ``retirement_date``: ISO date text; ``silent_days``; ``decommission_lookback_days``
- ``thresholds``: camelCase keys of queries/thresholds.yaml, with the stack's overrides
- ``windows``: lookbacks of the queries (queries/thresholds.yaml ``windows``)
- ``error_classes``: ``[{class, statuses, range, hint, sku_hints}]`` in match order (queries/error_classes.yaml +
  override); ``error_hints``: ``[{class, sku, hint}]`` (sku "" = the class's own hint); ``legacy_skus``:
  ``[{account, sku}]`` for the legacy accounts whose SKU the stack declares
- ``checklist_steps``: ``[{workload, order, step, state, evidence}]``: cvmigrate.checklist's steps (evidence files
  read relative to ``evidence_base``, default the working folder: the project folder under Pulumi)
- ``ia_features``: ``[{alias, feature, destination, covered_by}]``: queries/ia_operations.yaml (logged OperationName -> feature)
"""
from __future__ import annotations

import re
from dataclasses import fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

import yaml

from ..checklist import static_steps
from ..config.alerts import THRESHOLD_RULES, Thresholds, query_windows, threshold_attr
from ..config.stack_config import StackConfig
from ..config.replacement_refs import ReplacementRef
from ..errors import ErrorClassesError
from ..feature_map import ia_operation_rows
from ..paths import queries_dir


def build_params(cfg: StackConfig, *, refs: Sequence[ReplacementRef],
                 error_classes: Optional[Sequence[dict[str, Any]]] = None,
                 thresholds: Optional[Thresholds] = None, evidence_base: Optional[Path] = None) -> dict[str, Any]:
    """Everything the templates need. ``refs``: the replacement refs, worked out once per run by the caller
    (:func:`cvmigrate.artefacts.render`); ``error_classes`` defaults to the bundled file, ``thresholds`` to
    ``cfg.alerts.thresholds``."""
    if thresholds is None:
        thresholds = cfg.alerts.thresholds
    windows = query_windows()
    classes = list(error_classes) if error_classes is not None else load_error_classes()
    return {
        "legacy_accounts": [
            {"account": a.name.lower(), "workload": w.name, "kind": a.label}
            for w in cfg.workloads for a in w.legacy_accounts
        ],
        # The pricing tier of the legacy accounts whose SKU the stack declares (import and create mode; a
        # reference-mode account is read, not declared: its SKU is unknown here).
        "legacy_skus": [
            {"account": a.name.lower(), "sku": a.sku}
            for w in cfg.workloads for a in w.legacy_accounts if a.mode in ("import", "create")
        ],
        **_replacement_params(refs),
        "workloads": [
            {"name": w.name, "state": w.cutover.state,
             "cutover_date": w.cutover.date.isoformat() if w.cutover.date else ""}
            for w in cfg.workloads
        ],
        "retirement_date": cfg.retirement_date.isoformat(),
        "silent_days": cfg.decommission_silent_days,
        "decommission_lookback_days": max(int(windows["decommissionMinDays"]), 2 * cfg.decommission_silent_days),
        "thresholds": thresholds_dict(thresholds),
        "windows": windows,
        "error_classes": classes,
        # error_classes.kql's hint table: each class's own hint (Sku "") and its per-SKU hints.
        "error_hints": [{"class": c["class"], "sku": h["sku"], "hint": h["hint"]}
                        for c in classes for h in [{"sku": "", "hint": c["hint"]}, *c.get("sku_hints", [])]],
        "ia_features": list(ia_operation_rows()),
        "checklist_steps": [s.as_row() for s in static_steps(cfg, evidence_base or Path.cwd(), refs)],
    }


def thresholds_dict(thresholds: Thresholds) -> dict[str, Any]:
    """camelCase view (the names users write in cvmigrate:alerts.thresholds)."""
    by_attr = {f.name: getattr(thresholds, f.name) for f in fields(thresholds)}
    return {key: by_attr[threshold_attr(key)] for key in THRESHOLD_RULES}


def _replacement_params(refs: Iterable[ReplacementRef]) -> dict[str, Any]:
    endpoints: list[dict[str, str]] = []
    accounts: list[dict[str, str]] = []
    for ref in refs:
        if ref.target == "automl":
            row = {"endpoint": ref.name.lower(), "workload": ref.workload, "target": ref.target}
            if row not in endpoints:
                endpoints.append(row)
            continue
        for deployment in (ref.deployments or ("",)) if ref.target == "foundry" else ("",):
            row = {"account": ref.name.lower(), "workload": ref.workload, "target": ref.target,
                   "deployment": deployment.lower()}
            if row not in accounts:
                accounts.append(row)
    return {"replacement_endpoints": endpoints, "replacement_accounts": accounts}


# -- error classes -------------------------------------------------------------------------------
_CLASS_NAME = r"[a-z][a-z0-9_]{0,63}"
_SKU_NAME = r"[A-Z][A-Z0-9]{0,9}"          # a pricing tier as Azure names it: F0, S0, S1


def load_error_classes(override: Optional[Path] = None) -> list[dict[str, Any]]:
    """The bundled queries/error_classes.yaml, merged with ``override`` (same layout) by class name:
    a listed class replaces the bundled entry's statuses/range/hint, a new class is tried before
    the bundled catch-all ranges."""
    bundled = [dict(c) for c in _bundled_classes(str(queries_dir() / "error_classes.yaml"))]
    if override is None:
        return bundled
    extra = _read_classes(Path(override))
    merged = [dict(c) for c in bundled]
    index = {c["class"]: i for i, c in enumerate(merged)}
    new: list[dict[str, Any]] = []
    for entry in extra:
        if entry["class"] in index:
            merged[index[entry["class"]]] = entry
        else:
            new.append(entry)
    first_range = next((i for i, c in enumerate(merged) if c["range"]), len(merged))
    return merged[:first_range] + new + merged[first_range:]


@lru_cache(maxsize=2)
def _bundled_classes(path: str) -> tuple[dict[str, Any], ...]:
    # Read once per process: the program renders every query and alert from the same file.
    return tuple(_read_classes(Path(path)))


def _read_classes(path: Path) -> list[dict[str, Any]]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ErrorClassesError(f"{path}: cannot be read ({exc.strerror}).") from None
    except yaml.YAMLError as exc:
        raise ErrorClassesError(f"{path}: is not valid YAML: {exc}") from None
    items = doc.get("classes") if isinstance(doc, dict) else None
    if not isinstance(items, list) or not items:
        raise ErrorClassesError(f"{path}: needs a non-empty 'classes' list, e.g. "
                                "classes: [{class: key_mismatch_401, statuses: [401], hint: ...}].")
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    for i, item in enumerate(items):
        where = f"{path}: classes[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where} must be a mapping with class, hint and statuses or range.")
            continue
        unknown = set(item) - {"class", "hint", "statuses", "range", "skuHints"}
        if unknown:
            problems.append(f"{where} has unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                            "use class, hint, statuses, range, skuHints.")
        sku_hints = item.get("skuHints") or {}
        if not (isinstance(sku_hints, dict) and all(
                isinstance(k, str) and re.fullmatch(_SKU_NAME, k) and isinstance(v, str) and v.strip()
                for k, v in sku_hints.items())):
            problems.append(f"{where}.skuHints must map a pricing tier to a sentence, e.g. {{F0: The free quota "
                            "is spent..., S0: ...}.")
            sku_hints = {}
        name, hint = item.get("class"), item.get("hint")
        statuses, span = item.get("statuses"), item.get("range")
        if not isinstance(name, str) or not re.fullmatch(_CLASS_NAME, name):
            problems.append(f"{where}.class must be lower-case letters, digits and '_', e.g. key_mismatch_401.")
        if not isinstance(hint, str) or not hint.strip():
            problems.append(f"{where}.hint must be a sentence telling the user what to fix.")
        if (statuses is None) == (span is None):
            problems.append(f"{where} needs exactly one of statuses: [401] or range: [500, 599].")
        if statuses is not None and not (isinstance(statuses, list) and statuses
                                         and all(_is_status(s) and s >= 400 for s in statuses)):
            problems.append(f"{where}.statuses must list HTTP error statuses (400-599), e.g. [401].")
        if span is not None and not (isinstance(span, list) and len(span) == 2 and all(map(_is_status, span))
                                     and 400 <= span[0] <= span[1]):
            problems.append(f"{where}.range must be [low, high] HTTP statuses, 400 <= low <= high, e.g. [500, 599].")
        out.append({"class": name, "hint": (hint or "").strip(), "statuses": list(statuses or []),
                    "range": list(span or []),
                    "sku_hints": [{"sku": k, "hint": v.strip()} for k, v in sorted(sku_hints.items())]})
    if problems:
        raise ErrorClassesError("\n".join(problems))
    return out


def _is_status(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599
