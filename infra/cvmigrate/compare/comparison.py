"""`cvmigrate compare` end to end: select the unseen images, check the gate, build the targets, score, write
compare.json, compare.md and compare.png into the output folder.

Everything that can be checked without the network (dataset, gate, URLs, keys, output folder) is checked
before the first image is sent. Replacement targets are looked up in ``REPLACEMENTS`` (kind -> builder).
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

from ..export.files import write_json_atomic, write_text_atomic
from . import report as report_module
from .automl_endpoint import AutoMLTarget
from .score_chart import write_chart
from .customvision import CustomVisionTarget
from .dataset import Selection, load_selection
from ..errors import CompareError
from .foundry_chat import FoundryTarget
from .gate import evaluate, parse_gate
from .summary import markdown
from .runner import CACHE, score_all
from .target import Target

OUTPUTS = ("compare.json", "compare.md", "compare.png")


@dataclass
class CompareOptions:
    dataset: Path
    out: Path
    legacy_endpoint: str
    legacy_project: str
    legacy_iteration: str
    legacy_key: str
    replacement: str
    scoring_uri: Optional[str] = None        # automl
    aml_deployment: Optional[str] = None     # automl: azureml-model-deployment
    aml_key: Optional[str] = None            # automl: endpoint key, else Entra
    foundry_endpoint: Optional[str] = None   # foundry
    deployment: Optional[str] = None         # foundry: chat deployment name
    foundry_key: Optional[str] = None        # foundry: api-key, else Entra
    detail: str = "low"                      # foundry: image detail
    split: str = "test"
    include_seen: bool = False
    gate: Optional[str] = None
    threshold: float = 0.5
    concurrency: int = 4
    timeout: float = 60.0
    credential: Any = None
    sleep: Optional[Callable[[float], None]] = None
    now: Optional[Callable[[], dt.datetime]] = None
    progress: Optional[Callable[[], None]] = None


def _automl(opts: CompareOptions, selection: Selection) -> Target:
    if not opts.scoring_uri:
        raise CompareError("is required for an automl replacement (the online endpoint's scoring URI)", field="scoring_uri")
    return AutoMLTarget(opts.scoring_uri, selection.task, opts.aml_key, opts.aml_deployment, opts.credential)


def _foundry(opts: CompareOptions, selection: Selection) -> Target:
    if not opts.foundry_endpoint:
        raise CompareError("is required for a foundry replacement (https://<resource>.openai.azure.com)",
                           field="foundry_endpoint")
    return FoundryTarget(opts.foundry_endpoint, opts.deployment or "", selection.task, selection.tags,
                         opts.foundry_key, opts.detail, opts.credential)


REPLACEMENTS: dict[str, Callable[[CompareOptions, Selection], Target]] = {"automl": _automl, "foundry": _foundry}


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise CompareError(f"{out} is a file; give a folder", field="out")
    if out.is_dir():
        unknown = [p.name for p in out.iterdir() if p.name not in (*OUTPUTS, CACHE) and not p.name.startswith(".")]
        if unknown:
            raise CompareError(f"{out} holds other files ({', '.join(sorted(unknown)[:3])}); choose an empty "
                               "folder or a previous compare output", field="out")


def run_compare(opts: CompareOptions) -> dict:
    if not 0 < opts.threshold <= 1:
        raise CompareError(f"{opts.threshold} must be above 0 and at most 1", field="threshold")
    if opts.replacement not in REPLACEMENTS:
        raise CompareError(f"{opts.replacement!r}: use one of {', '.join(REPLACEMENTS)}", field="replacement")
    if opts.concurrency < 1:
        raise CompareError(f"{opts.concurrency} must be 1 or more", field="concurrency")
    selection = load_selection(opts.dataset, opts.split, opts.legacy_iteration, opts.include_seen)
    clauses = parse_gate(opts.gate, selection.task) if opts.gate else []
    targets = {"legacy": CustomVisionTarget(opts.legacy_endpoint, opts.legacy_project, opts.legacy_iteration,
                                            selection.task, opts.legacy_key),
               "replacement": REPLACEMENTS[opts.replacement](opts, selection)}
    out = Path(opts.out)
    _check_out(out)
    out.mkdir(parents=True, exist_ok=True)

    outcomes, stats = score_all(selection, targets, out, concurrency=opts.concurrency, timeout=opts.timeout,
                                sleep=opts.sleep or time.sleep, progress=opts.progress)
    now = opts.now() if opts.now else dt.datetime.now(dt.timezone.utc)
    result = report_module.build(selection, {r: t.describe() for r, t in targets.items()}, outcomes,
                                 opts.threshold, stats, str(opts.dataset), now)
    blockers = report_module.blockers(result)
    if opts.gate:
        result["gate"] = evaluate(opts.gate, clauses, result["legacy"]["metrics"],
                                  result["replacement"]["metrics"], blockers)
    else:
        result["gate"] = {"expression": None, "passed": None, "clauses": [], "blockers": blockers}
    result["verdict"] = report_module.verdict(result)
    write_json_atomic(out / "compare.json", result)
    write_text_atomic(out / "compare.md", markdown(result))
    write_chart(result, out / "compare.png")
    return result


def exit_code(result: dict) -> int:
    """0 pass or no gate; 3 the gate failed or the run is incomplete (bad input exits 2 before this)."""
    return 3 if result["verdict"] in ("fail", "incomplete") else 0
