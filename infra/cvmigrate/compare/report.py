"""compare.json: the comparison as data (documented by ``compare.schema.json`` next to this module).

Latency percentiles are nearest-rank over the answered calls of a model (a cached answer keeps the latency it
was measured with, so a re-run reports the same numbers); retries and Retry-After waits are not latency.
"""
from __future__ import annotations

import datetime as dt
import json
import math
from importlib import resources
from typing import Optional

from .. import __version__
from . import classification, detection
from .dataset import Selection
from .runner import Outcome, RunStats

SCHEMA_VERSION = 1
SCHEMA_FILE = "compare.schema.json"
TRANSIENT_BLOCKER = "{role}: {n} image(s) failed transiently ({classes}); re-run the same command to retry them"


def load_schema() -> dict:
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def percentile(values: list[float], p: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def latency(outcomes: dict[str, Outcome]) -> dict:
    values = [o.latency_ms for o in outcomes.values() if o.prediction is not None and o.latency_ms is not None]
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "calls": len(values)}


def failures(outcomes: dict[str, Outcome]) -> dict:
    failed = sorted((o for o in outcomes.values() if o.prediction is None), key=lambda o: o.image_id)
    by_class: dict[str, int] = {}
    for o in failed:
        by_class[o.error_class or "unknown"] = by_class.get(o.error_class or "unknown", 0) + 1
    return {"total": len(failed), "byClass": dict(sorted(by_class.items())),
            "images": [{"id": o.image_id, "class": o.error_class, "detail": o.detail, "transient": o.transient}
                       for o in failed]}


def tag_universe(selection: Selection, outcomes: dict[str, dict[str, Outcome]]) -> list[str]:
    """The project's tags, every labelled tag and every tag either model predicted: both models are scored on
    the same list, so a tag neither predicts still shows (with recall 0)."""
    names = set(selection.tags)
    for s in selection.samples:
        names.update(classification_names(s.label))
    for by_image in outcomes.values():
        for o in by_image.values():
            if o.prediction is not None:
                names.update(o.prediction.scores)
                names.update(b.label for b in o.prediction.boxes)
    return sorted(names)


def classification_names(label) -> list[str]:
    if isinstance(label, str):
        return [label]
    return [x.label if hasattr(x, "label") else x for x in label or ()]


def score_model(selection: Selection, outcomes: dict[str, Outcome], tags: list[str], threshold: float) -> dict:
    predictions = {i: o.prediction for i, o in outcomes.items()}
    if selection.task == "multiclass":
        scored = classification.multiclass(selection.samples, predictions, tags)
    elif selection.task == "multilabel":
        scored = classification.multilabel(selection.samples, predictions, tags, threshold)
    else:
        scored = detection.detection(selection.samples, predictions, tags, threshold)
    failed = sum(1 for o in outcomes.values() if o.prediction is None)
    scored["metrics"]["failureRate"] = failed / len(selection.samples)
    scored["calibrated"] = all(o.prediction.calibrated for o in outcomes.values() if o.prediction is not None)
    return scored


def build(selection: Selection, targets: dict[str, dict], outcomes: dict[str, dict[str, Outcome]],
          threshold: float, stats: RunStats, dataset_path: str, now: dt.datetime) -> dict:
    tags = tag_universe(selection, outcomes)
    models = {role: {"target": targets[role], **score_model(selection, outcomes[role], tags, threshold)}
              for role in ("legacy", "replacement")}
    predictions = {role: {i: o.prediction for i, o in outcomes[role].items()} for role in outcomes}
    if selection.task == "detection":
        agree, agree_n = detection.agreement(selection.samples, predictions["legacy"], predictions["replacement"],
                                             threshold)
    else:
        agree, agree_n = classification.agreement(selection.task, selection.samples, predictions["legacy"],
                                                  predictions["replacement"], threshold)
    warnings = list(selection.warnings)
    if not models["replacement"]["calibrated"]:
        warnings.append("the replacement gives decisions, not calibrated scores: its AP is at one operating point")
    return {
        "schemaVersion": SCHEMA_VERSION,
        "tool": {"name": "cvmigrate", "version": __version__},
        "generatedAt": now.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "task": selection.task,
        "dataset": {"path": dataset_path, "split": selection.split, "project": selection.project,
                    "legacyIteration": selection.legacy_iteration, "holdout": selection.holdout},
        "threshold": threshold,
        "images": {"scored": len(selection.samples), "leftOut": sum(selection.left_out.values()),
                   "leftOutReasons": [{"reason": r, "images": n} for r, n in sorted(selection.left_out.items())],
                   "includeSeen": selection.include_seen},
        "warnings": warnings,
        "legacy": models["legacy"],
        "replacement": models["replacement"],
        "agreement": agree,
        "agreementImages": agree_n,
        "latencyMs": {role: latency(outcomes[role]) for role in ("legacy", "replacement")},
        "failures": {role: failures(outcomes[role]) for role in ("legacy", "replacement")},
        "run": {"calls": stats.calls, "cached": stats.cached, "retries": stats.retries,
                "sleptSeconds": round(stats.slept, 3)},
    }


def blockers(report: dict) -> list[str]:
    """Why the comparison cannot pass: images still failing transiently on either side."""
    out = []
    for role in ("legacy", "replacement"):
        transient = [f for f in report["failures"][role]["images"] if f["transient"]]
        if transient:
            classes = ", ".join(sorted({f["class"] for f in transient}))
            out.append(TRANSIENT_BLOCKER.format(role=role, n=len(transient), classes=classes))
    return out


def verdict(report: dict) -> str:
    gate = report["gate"]
    if gate["blockers"]:
        return "incomplete"
    if gate["expression"] is None:
        return "not-gated"
    return "pass" if gate["passed"] else "fail"
