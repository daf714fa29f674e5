"""Deterministic stratified train/validation split.

Each image gets one stratum: its class (multi-class), its rarest class (multi-label, object detection; rarity
counted over the whole export, ties broken by name) or "" for a background image with no boxes. Inside a
stratum of n images, ids are sorted, shuffled with a generator seeded by (seed, stratum), and the first
``floor(n * fraction + 0.5)`` go to validation — clamped so that a stratum of two or more keeps at least one
image on each side when the fraction is above 0. A stratum of one image stays in train.
"""
from __future__ import annotations

import random
from collections import Counter
from typing import Any, Iterable

from .mapping import label_names


def strata(labels: dict[str, Any]) -> dict[str, str]:
    """image id -> stratum."""
    counts = Counter(name for label in labels.values() for name in set(label_names(label)))
    out: dict[str, str] = {}
    for image_id, label in labels.items():
        names = set(label_names(label))
        out[image_id] = min(names, key=lambda n: (counts[n], n)) if names else ""
    return out


def validation_size(n: int, fraction: float) -> int:
    if fraction <= 0 or n < 2:
        return 0
    k = int(n * fraction + 0.5)
    return min(max(k, 1), n - 1)


def stratified_split(labels: dict[str, Any], fraction: float, seed: int) -> tuple[list[str], list[str]]:
    """(train ids, validation ids), each sorted."""
    groups: dict[str, list[str]] = {}
    for image_id, stratum in strata(labels).items():
        groups.setdefault(stratum, []).append(image_id)
    train: list[str] = []
    validation: list[str] = []
    for stratum in sorted(groups):
        ids = sorted(groups[stratum])
        random.Random(f"{seed}:{stratum}").shuffle(ids)
        k = validation_size(len(ids), fraction)
        validation += ids[:k]
        train += ids[k:]
    return sorted(train), sorted(validation)


def counts_per_tag(labels: Iterable[Any]) -> dict[str, int]:
    """Images per class name (an image with two boxes of one class counts once)."""
    counter: Counter[str] = Counter()
    for label in labels:
        counter.update(set(label_names(label)))
    return dict(sorted(counter.items()))
