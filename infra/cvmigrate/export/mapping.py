"""Custom Vision images -> AutoML for Images JSONL records.

The target schema is MicrosoftDocs/azure-ai-docs ``articles/machine-learning/reference-automl-images-schema.md``:
``image_url``, ``image_details`` {format, width, height}, and ``label`` — a string (multi-class), a list of
strings (multi-label) or a list of boxes {label, topX, topY, bottomX, bottomY, isCrowd} with coordinates as
fractions of the image in [0, 1] (object detection).

Custom Vision regions are already normalised ``left, top, width, height``, so a box is
``topX=left, topY=top, bottomX=left+width, bottomY=top+height``, each clamped to [0, 1].

Negative tags (Custom Vision's "Negative" tag type, images that show none of the classes):
- classification: the image is dropped — AutoML classification has no "none of these" label, and inventing a
  class would change the task. It is counted in the manifest (``dropped_negative``).
- object detection: the image is kept with ``label: []``, a background image with no boxes.
"""
from __future__ import annotations

import math

from dataclasses import dataclass
from typing import Any, Optional

from ..errors import ExportError

MULTICLASS = "image_classification"
MULTILABEL = "image_classification_multilabel"
DETECTION = "image_object_detection"

PRIMARY_METRIC = {MULTICLASS: "accuracy", MULTILABEL: "iou", DETECTION: "mean_average_precision"}
COORD_DIGITS = 6


def task_type(domain: dict, settings: dict) -> str:
    """AutoML task for a project: Domain.type ObjectDetection, else ProjectSettings.classificationType."""
    domain_type = str(domain.get("type") or "")
    if domain_type == "ObjectDetection":
        return DETECTION
    if domain_type not in ("Classification", ""):
        raise ExportError(f"domain {domain.get('name')!r} has type {domain_type!r}; cvmigrate export handles "
                          "Classification and ObjectDetection projects")
    # classificationType is nullable; the service defaults a classifier to Multiclass.
    return MULTILABEL if settings.get("classificationType") == "Multilabel" else MULTICLASS


@dataclass(frozen=True)
class Mapped:
    """One image after mapping: ``label`` is None when the negative-tag policy drops it."""

    image_id: str
    label: Any
    dropped_boxes: int = 0         # boxes entirely outside the image
    invalid_boxes: int = 0         # regions with a missing or non-numeric coordinate or tag (skipped, counted)

    @property
    def dropped(self) -> bool:
        return self.label is None


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, float(value))), COORD_DIGITS)


def _tag_name(tag_id: str, fallback: Optional[str], tags: dict[str, dict]) -> str:
    tag = tags.get(tag_id)
    if tag is not None and tag.get("name"):
        return str(tag["name"])
    if fallback:
        return str(fallback)
    raise ExportError(f"an image refers to tag {tag_id} which GetTags did not return; run the export again")


def _is_negative(tag_id: str, tags: dict[str, dict]) -> bool:
    return tags.get(tag_id, {}).get("type") == "Negative"


def coordinates(region: Any) -> Optional[tuple[float, float, float, float]]:
    """(left, top, width, height) of a region, or None when one is missing, null, not a number or infinite
    (the service's data is not trusted to be well-formed: such a region is skipped and counted)."""
    if not isinstance(region, dict):
        return None
    values = []
    for key in ("left", "top", "width", "height"):
        value = region.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None
        try:
            number = float(value)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        values.append(number)
    return values[0], values[1], values[2], values[3]


def box(region: dict, name: str) -> Optional[dict]:
    left, top, width, height = coordinates(region) or (0.0, 0.0, 0.0, 0.0)
    right, bottom = left + width, top + height
    out = {"label": name, "topX": _clamp(left), "topY": _clamp(top),
           "bottomX": _clamp(right), "bottomY": _clamp(bottom), "isCrowd": 0}
    if out["bottomX"] <= out["topX"] or out["bottomY"] <= out["topY"]:
        return None  # nothing of the box is left inside the image
    return out


def map_image(image: dict, task: str, tags: dict[str, dict]) -> Mapped:
    """The AutoML ``label`` of one tagged Custom Vision image (see the module doc for negatives)."""
    image_id = str(image["id"])
    if task == DETECTION:
        boxes, dropped, invalid = [], 0, 0
        for region in image.get("regions") or []:
            if coordinates(region) is None or not isinstance(region.get("tagId"), str):
                invalid += 1
                continue
            if _is_negative(region["tagId"], tags):
                continue
            mapped = box(region, _tag_name(region["tagId"], region.get("tagName"), tags))
            if mapped is None:
                dropped += 1
            else:
                boxes.append(mapped)
        boxes.sort(key=lambda b: (b["label"], b["topX"], b["topY"], b["bottomX"], b["bottomY"]))
        return Mapped(image_id, boxes, dropped, invalid)
    names = sorted({_tag_name(t["tagId"], t.get("tagName"), tags)
                    for t in image.get("tags") or []
                    if isinstance(t, dict) and isinstance(t.get("tagId"), str) and not _is_negative(t["tagId"], tags)})
    if not names:
        return Mapped(image_id, None)
    if task == MULTILABEL:
        return Mapped(image_id, names)
    if len(names) > 1:
        raise ExportError(f"image {image_id} carries {len(names)} tags ({', '.join(names)}) in a Multiclass "
                          "project; fix it in the Custom Vision portal or export as Multilabel")
    return Mapped(image_id, names[0])


def label_names(label: Any) -> list[str]:
    """Every class name a label mentions (boxes: one per box)."""
    if label is None:
        return []
    if isinstance(label, str):
        return [label]
    return [item["label"] if isinstance(item, dict) else item for item in label]


def record(image_url: str, fmt: str, width: Optional[int], height: Optional[int], label: Any) -> dict:
    """One JSONL line. ``image_details`` carries integer pixel sizes (the schema allows "400px" or 400)."""
    details: dict[str, Any] = {"format": fmt}
    for key, value in (("width", width), ("height", height)):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
            details[key] = int(value)
    out: dict[str, Any] = {"image_url": image_url, "image_details": details}
    if label is not None:
        out["label"] = label
    return out
