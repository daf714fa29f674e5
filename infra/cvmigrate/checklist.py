"""The migration checklist of each workload, from evidence wherever it exists.

Steps, in order (the migration guides: assess current usage -> ... -> update production workflows):

1. ``assessed``            a `cvmigrate scan --format json` report of the workload's code (workloads[].evidence.scan)
                           or a complete `cvmigrate inventory --format json` of its training resource
                           (evidence.inventory)
2. ``data-exported``       a complete `cvmigrate export` manifest (evidence.export); Image Analysis-only
                           workloads have no labelled data: not-applicable
3. ``replacement-deployed`` the stack configures the workload's replacement (workloads[].replacement)
4. ``staging-tested``      a `cvmigrate compare` report whose verdict is pass (cutover.evidence)
5. ``production-switched`` legacy share of the last 7 days at or below thresholds.switchedMaxLegacyShare: read
                           from the logs, so the `cutover_checklist` query decides it (status and the workbook
                           show the same answer)
6. ``decommissioned``      cutover.state decommissioned

This module decides the steps that come from files and config; the query adds step 5 and the overdue flag.
States: done, in-progress, pending, failed, not-applicable, unknown (evidence named but unreadable: fail
closed, never done).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from .compare.evidence import read_evidence
from .config.stack_config import StackConfig, WorkloadConfig
from .config.replacement_refs import ReplacementRef
from .feature_map import load_feature_map

STEPS = ("assessed", "data-exported", "replacement-deployed", "staging-tested", "production-switched",
         "decommissioned")
STATES = ("done", "in-progress", "pending", "failed", "not-applicable", "unknown")
FROM_LOGS = "production-switched"


@dataclass(frozen=True)
class StepState:
    workload: str
    order: int
    step: str
    state: str
    evidence: str

    def as_row(self) -> dict[str, object]:
        return {"workload": self.workload, "order": self.order, "step": self.step, "state": self.state,
                "evidence": self.evidence}


def _read_json(path: Path) -> tuple[Optional[dict], str]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{path.name} not found"
    except (OSError, ValueError) as exc:
        return None, f"{path.name} unreadable ({type(exc).__name__})"
    if not isinstance(doc, dict):
        return None, f"{path.name} is not a JSON object"
    return doc, ""


def _resolve(base: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else base / path


def scan_features(doc: dict) -> list[str]:
    """Traffic features (those a replacement must cover) of a `cvmigrate scan` JSON report."""
    return sorted({f["feature"] for f in doc.get("findings", []) if isinstance(f, dict) and "feature" in f})


def _scan_evidence(w: WorkloadConfig, base: Path) -> tuple[str, str]:
    doc, problem = _read_json(_resolve(base, w.evidence.scan))
    if doc is None or doc.get("tool") != "cvmigrate scan":
        return "unknown", f"evidence.scan: {problem or 'not a cvmigrate scan report'}"
    by_kind = Counter(f.get("kind") for f in doc.get("findings", []))
    features = ", ".join(scan_features(doc)) or "none"
    return "done", (f"scan {w.evidence.scan}: {len(doc.get('findings', []))} findings "
                    f"({by_kind.get('sdk', 0)} sdk, {by_kind.get('rest', 0)} rest, {by_kind.get('secret', 0)} secret); "
                    f"features: {features}")


def _inventory_evidence(w: WorkloadConfig, base: Path) -> tuple[str, str]:
    doc, problem = _read_json(_resolve(base, w.evidence.inventory))
    if doc is None or "inventory_version" not in doc or not isinstance(doc.get("projects"), list):
        return "unknown", f"evidence.inventory: {problem or 'not the JSON of `cvmigrate inventory --format json`'}"
    projects = [p for p in doc["projects"] if isinstance(p, dict)]
    unread = sum(1 for p in projects if "error" in p)
    iterations = sum(len(p.get("iterations") or []) for p in projects if "error" not in p)
    published = sum(1 for p in projects if "error" not in p for it in p.get("iterations") or []
                    if isinstance(it, dict) and it.get("publishName"))
    summary = (f"inventory {w.evidence.inventory}: {len(projects)} project(s), {iterations} iteration(s), "
               f"{published} published, collected {doc.get('collected_at', '?')}")
    if doc.get("status") != "complete":
        return "in-progress", (f"{summary}; incomplete ({unread} project(s) not read): re-run "
                               "`cvmigrate inventory --format json`")
    return "done", summary


def _assessed(w: WorkloadConfig, base: Path) -> tuple[str, str]:
    """Done on a readable scan report or a complete inventory; any named report that cannot be read makes the
    step unknown (fail closed: one good report does not hide a broken one)."""
    found = []
    if w.evidence.scan:
        found.append(_scan_evidence(w, base))
    if w.evidence.inventory:
        found.append(_inventory_evidence(w, base))
    if not found:
        return "pending", ("no scan report or inventory: run `cvmigrate scan <code> --format json --out FILE` "
                           "(evidence.scan) or `cvmigrate inventory --format json > FILE` (evidence.inventory)")
    states = [state for state, _ in found]
    evidence = "; ".join(text for _, text in found)
    if "unknown" in states:
        return "unknown", evidence
    return ("done" if "done" in states else "in-progress"), evidence


def _exported(w: WorkloadConfig, base: Path) -> tuple[str, str]:
    if w.custom_vision is None:
        return "not-applicable", "no Custom Vision project: nothing labelled to export"
    if not w.evidence.export:
        return "pending", "no export manifest: run `cvmigrate export`, set evidence.export"
    path = _resolve(base, w.evidence.export)
    doc, problem = _read_json(path / "manifest.json" if path.is_dir() else path)
    if doc is None or "manifest_version" not in doc:
        return "unknown", f"evidence.export: {problem or 'not a cvmigrate export manifest'}"
    project = (doc.get("project") or {}).get("name") or (doc.get("project") or {}).get("id")
    if doc.get("status") != "complete":
        return "in-progress", f"export of project {project} is {doc.get('status')}: re-run `cvmigrate export` to resume"
    return "done", f"project {project} exported {doc.get('exported_at', '')} ({doc.get('task')})".rstrip()


def _deployed(w: WorkloadConfig, refs: Sequence[ReplacementRef]) -> tuple[str, str]:
    refs = [r for r in refs if r.workload == w.name]
    if not refs:
        return "pending", "the stack configures no replacement (workloads[].replacement)"
    targets = ", ".join(f"{r.target} {r.name}" for r in refs)
    return "done", f"stack configures {targets}"


def _tested(w: WorkloadConfig, base: Path) -> tuple[str, str]:
    ev = read_evidence(w, base)      # cutover.evidence: the `cvmigrate compare` report (one reader, compare's)
    if ev.verdict == "none":
        return "pending", "no compare report: run `cvmigrate compare`, set cutover.evidence"
    if ev.problem:
        return "unknown", f"cutover.evidence: {ev.problem}"
    state = {"pass": "done", "fail": "failed"}.get(ev.verdict, "in-progress")
    return state, f"compare {ev.path}: verdict {ev.verdict}"


def _decommissioned(w: WorkloadConfig) -> tuple[str, str]:
    if w.cutover.state == "decommissioned":
        return "done", "cutover.state is decommissioned"
    return "pending", f"cutover.state is {w.cutover.state}"


def static_steps(cfg: StackConfig, base: Path, refs: Sequence[ReplacementRef]) -> list[StepState]:
    """Every step but production-switched, for every workload. ``base``: the stack file's folder; ``refs``: the
    run's replacement refs."""
    out: list[StepState] = []
    for w in cfg.workloads:
        decided = {
            "assessed": _assessed(w, base),
            "data-exported": _exported(w, base),
            "replacement-deployed": _deployed(w, refs),
            "staging-tested": _tested(w, base),
            "decommissioned": _decommissioned(w),
        }
        for order, step in enumerate(STEPS, start=1):
            if step in decided:
                state, evidence = decided[step]
                out.append(StepState(w.name, order, step, state, evidence))
    return out


def coverage_warnings(cfg: StackConfig, base: Path, refs: Sequence[ReplacementRef]) -> list[str]:
    """One line per workload feature found by its scan report (evidence.scan) that none of its configured
    replacements (``refs``) covers (queries/feature_map.yaml coveredBy), e.g. Read in code with only a Face
    replacement."""
    fmap = load_feature_map()
    targets: dict[str, set[str]] = {}
    for ref in refs:
        targets.setdefault(ref.workload, set()).add(ref.target)
    out = []
    for i, w in enumerate(cfg.workloads):
        if not w.evidence.scan:
            continue
        doc, problem = _read_json(_resolve(base, w.evidence.scan))
        if doc is None or doc.get("tool") != "cvmigrate scan":
            out.append(f"cvmigrate:workloads[{i}].evidence.scan: {problem or 'not a cvmigrate scan report'}; "
                       "point it at the output of `cvmigrate scan --format json`.")
            continue
        have = targets.get(w.name, set())
        for feature in fmap.uncovered(scan_features(doc), have):
            out.append(f"workload {w.name} uses {feature.name} (scan {w.evidence.scan}) but its replacement "
                       f"({', '.join(sorted(have)) or 'none configured'}) does not cover it; add "
                       f"{' or '.join(feature.covered_by)} under cvmigrate:workloads[{i}].replacement "
                       f"({feature.replacement}).")
    return out


def evidence_warnings(cfg: StackConfig, base: Path) -> list[str]:
    """One line per named inventory or export evidence file that cannot be read (the checklist step would be
    ``unknown``), so `validate` says so before `status` does. Scan reports are covered by
    :func:`coverage_warnings`."""
    out = []
    for i, w in enumerate(cfg.workloads):
        checks = ((w.evidence.inventory, _inventory_evidence, "the output of `cvmigrate inventory --format json`"),
                  (w.evidence.export, _exported, "the folder (or manifest.json) `cvmigrate export` wrote"))
        for named, read, fix in checks:
            if not named:
                continue
            state, evidence = read(w, base)
            if state == "unknown":
                out.append(f"cvmigrate:workloads[{i}].{evidence}; point it at {fix}.")
    return out
