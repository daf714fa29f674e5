"""Writes a small `cvmigrate export` output folder (manifest.json, images/, <split>/annotations.jsonl) in the
format the exporter writes, for compare tests that need no Training API."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

PROJECT = "a1a1a1a1-0000-4000-8000-000000000001"
TRAINED_AT = "2026-03-01T00:00:00Z"
AUTOML_TASK = {"multiclass": "image_classification", "multilabel": "image_classification_multilabel",
               "detection": "image_object_detection"}


def image_bytes(image_id: str) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + f"fake image {image_id}".encode()


def write_export(root: Path, task: str, images: list[dict[str, Any]], tags: list[str],
                 negative: tuple[str, ...] = (), publish_name: str = "prod", trained_at: str = TRAINED_AT) -> dict:
    """images: dicts with id, split, label, and optionally created. Returns image id -> bytes."""
    (root / "images").mkdir(parents=True, exist_ok=True)
    data, entries, by_split = {}, {}, {}
    for img in images:
        payload = image_bytes(img["id"])
        data[img["id"]] = payload
        rel = f"images/{img['id']}.png"
        (root / rel).write_bytes(payload)
        entries[img["id"]] = {"file": rel, "sha256": hashlib.sha256(payload).hexdigest(), "bytes": len(payload),
                              "format": "png", "split": img["split"],
                              **({"created": img["created"]} if img.get("created") else {})}
        record = {"image_url": f"../{rel}", "image_details": {"format": "png", "width": 128, "height": 128}}
        if img.get("label") is not None:
            record["label"] = img["label"]
        by_split.setdefault(img["split"], []).append(record)
    for split, records in by_split.items():
        (root / split).mkdir(exist_ok=True)
        (root / split / "annotations.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    tag_entries = {f"t-{n}": {"name": n, "type": "Regular", "image_count": 1} for n in tags}
    tag_entries.update({f"t-{n}": {"name": n, "type": "Negative", "image_count": 0} for n in negative})
    manifest = {
        "manifest_version": 1, "tool": {"name": "cvmigrate", "version": "0.1.0"}, "status": "complete",
        "project": {"id": PROJECT, "name": "shelf"}, "task": AUTOML_TASK[task], "tags": tag_entries,
        "holdout": {"after": trained_at, "basis": "published", "trainedAt": trained_at},
        "legacy_model": {"iteration": {"id": "it-2", "name": "Iteration 2", "trainedAt": trained_at,
                                       "publishName": publish_name}},
        "images": entries,
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return data
