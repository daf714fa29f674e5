"""The cutover's evidence: a workload's ``cutover.evidence`` points at the compare.json of a `cvmigrate
compare` run; `validate` warns when a workload is cut over without a passing one, and `status` and the
workbook show each workload's comparison verdict.

Verdicts: ``pass``, ``fail``, ``incomplete``, ``not-gated`` (from the report), ``missing`` (the file is not
there), ``unreadable`` (not a compare.json of a version this tool reads), ``none`` (no evidence configured).
Only ``pass`` — a report whose gate passed — counts as passing: fail closed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..config import StackConfig, WorkloadConfig
from .report import SCHEMA_VERSION

CUT_OVER_STATES = ("cut-over", "decommissioned")
REPORT_VERDICTS = ("pass", "fail", "incomplete", "not-gated")
HEADLINE = {"multiclass": "macroF1", "multilabel": "macroF1", "detection": "mAP50"}


@dataclass(frozen=True)
class Evidence:
    workload: str
    verdict: str
    path: Optional[str] = None
    gate: Optional[str] = None
    generated_at: Optional[str] = None
    metric: Optional[str] = None
    legacy: Optional[float] = None
    replacement: Optional[float] = None
    problem: Optional[str] = None

    @property
    def passing(self) -> bool:
        return self.verdict == "pass"

    def as_dict(self) -> dict:
        return {"verdict": self.verdict, "path": self.path, "gate": self.gate, "generatedAt": self.generated_at,
                "metric": self.metric, "legacy": self.legacy, "replacement": self.replacement,
                "problem": self.problem}


def read_evidence(workload: WorkloadConfig, base: Path) -> Evidence:
    """The comparison verdict of ``workload``; ``base`` is the folder relative paths start from (the stack
    file's folder)."""
    rel = workload.cutover.evidence
    if rel is None:
        return Evidence(workload.name, "none")
    path = Path(rel) if Path(rel).is_absolute() else base / rel
    if not path.is_file():
        return Evidence(workload.name, "missing", rel, problem=f"{rel} not found")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("tool", {}).get("name") != "cvmigrate" or doc.get("schemaVersion") != SCHEMA_VERSION:
            raise ValueError("not a compare.json this version reads")
        verdict, gate = doc["verdict"], doc["gate"]
        if verdict not in REPORT_VERDICTS:
            raise ValueError(f"unknown verdict {verdict!r}")
        metric = HEADLINE[doc["task"]]
        legacy, replacement = doc["legacy"]["metrics"].get(metric), doc["replacement"]["metrics"].get(metric)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return Evidence(workload.name, "unreadable", rel, problem=f"{rel}: {exc}")
    if verdict == "pass" and gate.get("passed") is not True:
        verdict = "fail"   # a hand-edited verdict never passes without its gate
    return Evidence(workload.name, verdict, rel, gate.get("expression"), doc.get("generatedAt"), metric, legacy,
                    replacement)


def evidence_by_workload(cfg: StackConfig, base: Path) -> dict[str, Evidence]:
    return {w.name: read_evidence(w, base) for w in cfg.workloads}


def evidence_rows(cfg: StackConfig, base: Path) -> list[dict]:
    """One row per workload for the workbook: workload, state and the evidence fields."""
    return [{"workload": w.name, "state": w.cutover.state, **read_evidence(w, base).as_dict()} for w in cfg.workloads]


def cutover_warnings(cfg: StackConfig, base: Path) -> list[str]:
    """One warning per workload that is cut over (or decommissioned) without a passing comparison."""
    out = []
    for w in cfg.workloads:
        if w.cutover.state not in CUT_OVER_STATES:
            continue
        ev = read_evidence(w, base)
        if ev.passing:
            continue
        where = f"cvmigrate:workloads[{w.index}].cutover"
        if ev.verdict == "none":
            why = "has no cutover.evidence"
        elif ev.problem:
            why = f"has evidence that cannot be read ({ev.problem})"
        else:
            why = f"has evidence {ev.path} whose verdict is {ev.verdict}"
        out.append(f"{where}: '{w.name}' is {w.cutover.state} but {why}. Fix: run `cvmigrate compare ... --gate "
                   "\"<metric> >= legacy - <tolerance>\"` on images neither model has seen and point "
                   "cutover.evidence at its compare.json")
    return out
