"""The images `compare` scores: one split of a `cvmigrate export` output, and which of them neither model can
have seen.

An export folder holds ``manifest.json`` (task, tags, each image's file, sha256, split and ``created``, the
legacy iteration's ``trainedAt``) and ``<split>/annotations.jsonl`` (AutoML for Images JSONL: ``image_url`` and
``label``). A JSONL line names its image by ``image_url``, which ends with the image's ``file`` from the
manifest (``../images/<id>.jpg`` or ``<prefix>images/<id>.jpg``).

Seen images (left out unless ``include_seen``):
- the replacement: every image of the ``train`` and ``validation`` splits (AutoML trained and selected on them);
- the legacy model: every image created at or before the compared iteration's ``trainedAt``, every image with
  no recorded ``created``, and every image when the export does not record the compared iteration at all
  (its training date is then unknown). Fail closed: unknown means seen.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Union

from ..errors import CompareError

MANIFEST = "manifest.json"
ANNOTATIONS = "annotations.jsonl"
TASKS = {"image_classification": "multiclass", "image_classification_multilabel": "multilabel",
         "image_object_detection": "detection"}
TRAINED_SPLITS = ("train", "validation")
MIME = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "bmp": "image/bmp",
        "webp": "image/webp", "tiff": "image/tiff"}
HOLDOUT_FIX = ("label a sample of new production images in the Custom Vision project, or tag images added since "
               "the iteration was trained, then re-run `cvmigrate export --holdout-after published`")


@dataclass(frozen=True)
class Box:
    """One box, coordinates as fractions of the image (top-left x1,y1; bottom-right x2,y2)."""

    label: str
    x1: float
    y1: float
    x2: float
    y2: float
    score: float = 1.0


Label = Union[str, tuple[str, ...], tuple[Box, ...], None]


@dataclass(frozen=True)
class Sample:
    image_id: str
    path: Path
    sha256: str
    format: str
    label: Label            # multiclass: tag name; multilabel: tag names; detection: boxes
    created: Optional[str]
    width: Optional[int] = None
    height: Optional[int] = None

    @property
    def mime(self) -> str:
        return MIME.get(self.format.lower(), "application/octet-stream")


@dataclass
class Selection:
    task: str
    split: str
    tags: list[str]                     # every non-negative tag name of the project, sorted
    negative_tags: frozenset[str]
    samples: list[Sample]               # what is scored, sorted by image id
    left_out: dict[str, int] = field(default_factory=dict)   # reason -> images
    warnings: list[str] = field(default_factory=list)
    project: dict = field(default_factory=dict)
    legacy_iteration: dict = field(default_factory=dict)
    holdout: Optional[dict] = None
    include_seen: bool = False


def parse_time(text: Optional[str]) -> Optional[dt.datetime]:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise CompareError(f"{folder}: no {MANIFEST}; point it at the folder `cvmigrate export --out` wrote",
                           field="dataset")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise CompareError(f"{folder}: {MANIFEST} is not readable JSON ({exc})", field="dataset") from None
    if not isinstance(manifest, dict) or manifest.get("tool", {}).get("name") != "cvmigrate":
        raise CompareError(f"{folder}: {MANIFEST} was not written by `cvmigrate export`", field="dataset")
    if manifest.get("status") != "complete":
        raise CompareError(f"{folder}: the export is incomplete; re-run `cvmigrate export` (it resumes)",
                           field="dataset")
    if manifest.get("task") not in TASKS:
        raise CompareError(f"{folder}: unknown task {manifest.get('task')!r} in {MANIFEST}", field="dataset")
    return manifest


def _label(raw: object, task: str, where: str) -> Label:
    if raw is None:
        return None if task == "multiclass" else ()
    if task == "multiclass":
        if not isinstance(raw, str):
            raise CompareError(f"{where}: label must be a tag name in a multiclass export")
        return raw
    if not isinstance(raw, list):
        raise CompareError(f"{where}: label must be a list in a {task} export")
    if task == "multilabel":
        return tuple(sorted({str(name) for name in raw}))
    try:
        return tuple(Box(str(b["label"]), float(b["topX"]), float(b["topY"]), float(b["bottomX"]), float(b["bottomY"]))
                     for b in raw)
    except (KeyError, TypeError, ValueError):
        raise CompareError(f"{where}: every box needs label, topX, topY, bottomX, bottomY") from None


def _records(folder: Path, split: str, task: str, files: dict[str, str]) -> list[tuple[str, Label, dict]]:
    path = folder / split / ANNOTATIONS
    if not path.is_file():
        hint = (" (an export writes a test split only with `cvmigrate export --holdout-after DATE|published`)" if split == "test" else "")
        raise CompareError(f"{folder}: no {split}/{ANNOTATIONS}{hint}", field="dataset")
    out = []
    by_suffix = sorted(files.items(), key=lambda kv: -len(kv[1]))
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{split}/{ANNOTATIONS} line {n}"
        try:
            rec = json.loads(line)
            url = str(rec["image_url"])
        except (ValueError, KeyError, TypeError):
            raise CompareError(f"{where}: not a JSON object with image_url") from None
        image_id = next((i for i, f in by_suffix if url == f or url.endswith("/" + f)), None)
        if image_id is None:
            raise CompareError(f"{where}: image_url {url!r} names no image in {MANIFEST}")
        out.append((image_id, _label(rec.get("label"), task, where), rec.get("image_details") or {}))
    return out


def _int(value: object) -> Optional[int]:
    try:
        return int(str(value).removesuffix("px"))
    except (TypeError, ValueError):
        return None


def load_selection(folder: Path, split: str, legacy_iteration: str, include_seen: bool) -> Selection:
    """The samples to score and why the others were left out. Raises CompareError when none remain."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    task = TASKS[manifest["task"]]
    images = manifest.get("images") or {}
    files = {i: str(entry.get("file") or "") for i, entry in images.items() if entry.get("file")}
    tags = manifest.get("tags") or {}
    negative = frozenset(str(t.get("name")) for t in tags.values() if t.get("type") == "Negative")
    names = sorted({str(t.get("name")) for t in tags.values() if t.get("name")} - negative)
    iteration = (manifest.get("legacy_model") or {}).get("iteration") or {}
    holdout = manifest.get("holdout")

    trained_at = parse_time(iteration.get("trainedAt"))
    recorded = str(iteration.get("publishName") or "")
    unknown_iteration = recorded != legacy_iteration
    reasons = {
        "replacement": f"in the {split} split the replacement trained on",
        "iteration": (f"the export records iteration {iteration.get('name')!r} published as {recorded!r}, not "
                      f"{legacy_iteration!r}: its training date is unknown"),
        "created": f"created at or before the legacy iteration was trained ({iteration.get('trainedAt')})",
        "no_created": "no creation date in the manifest (exported without `cvmigrate export --holdout-after`)",
    }
    samples: list[Sample] = []
    left: dict[str, int] = {}
    seen_kept = 0
    for image_id, label, details in _records(folder, split, task, files):
        entry = images[image_id]
        created = entry.get("created")
        reason = None
        if split in TRAINED_SPLITS:
            reason = "replacement"
        elif unknown_iteration:
            reason = "iteration"
        elif parse_time(created) is None:
            reason = "no_created"
        elif trained_at is None or parse_time(created) <= trained_at:
            reason = "created"
        if label is None:
            left["has no label (a multiclass image must carry one tag)"] = left.get(
                "has no label (a multiclass image must carry one tag)", 0) + 1
            continue
        if reason is not None:
            if not include_seen:
                left[reasons[reason]] = left.get(reasons[reason], 0) + 1
                continue
            seen_kept += 1
        path = folder / files[image_id]
        if not path.is_file():
            raise CompareError(f"{folder}: image {image_id} ({files[image_id]}) is missing; re-run the export", field="dataset")
        samples.append(Sample(image_id, path, str(entry.get("sha256") or ""), str(entry.get("format") or ""),
                              label, created, _int(details.get("width")), _int(details.get("height"))))
    samples.sort(key=lambda s: s.image_id)
    warnings = []
    if seen_kept:
        warnings.append(f"include-seen: {seen_kept} of {len(samples)} scored images may have been seen in "
                        "training by one of the models; the comparison is not fair")
    if not samples:
        why = "; ".join(f"{n} {r}" for r, n in sorted(left.items())) or "the split is empty"
        raise CompareError(f"no unseen image left to score in the {split} split ({why}); {HOLDOUT_FIX}")
    return Selection(task=task, split=split, tags=names, negative_tags=negative, samples=samples, left_out=left,
                     warnings=warnings, project=dict(manifest.get("project") or {}),
                     legacy_iteration={k: iteration.get(k) for k in ("id", "name", "trainedAt", "publishName")},
                     holdout=holdout if isinstance(holdout, dict) else None, include_seen=include_seen)
