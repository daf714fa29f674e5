"""Classification metrics, one protocol for both models on the same images.

Decisions: multiclass takes the top-scoring tag (a tie goes to the tag whose name sorts first); multilabel
takes every tag scoring at least the threshold. A failed image is a decision of "nothing": it stays in every
denominator (a miss for its true tags), never dropped.

Per tag: ``tp``, ``fp``, ``fn``; ``precision = tp / (tp + fp)`` (0 when the tag was never predicted but has
support; null when it has neither); ``recall = tp / support`` (null without support); ``f1`` the harmonic mean
(0 when precision + recall is 0; null without support). ``macroF1`` is the mean F1 over tags with support in the
scored images (a tag nobody labelled cannot be recalled, so it does not dilute the mean); multilabel
``microF1 = 2·ΣTP / (2·ΣTP + ΣFP + ΣFN)`` over every tag, predictions of unlabelled tags included.
"""
from __future__ import annotations

from typing import Optional

from .dataset import Sample
from .target import Prediction

NONE_LABEL = "(none)"


def decide_multiclass(prediction: Optional[Prediction]) -> Optional[str]:
    if prediction is None or not prediction.scores:
        return None
    best = max(prediction.scores.values())
    return min(tag for tag, score in prediction.scores.items() if score == best)


def decide_multilabel(prediction: Optional[Prediction], threshold: float) -> Optional[frozenset[str]]:
    if prediction is None:
        return None
    return frozenset(tag for tag, score in prediction.scores.items() if score >= threshold)


def per_tag(tag: str, tp: int, fp: int, fn: int) -> dict:
    support = tp + fn
    precision = tp / (tp + fp) if tp + fp else (0.0 if support else None)
    recall = tp / support if support else None
    if recall is None:
        f1 = None
    else:
        f1 = 0.0 if (precision or 0.0) + recall == 0 else 2 * precision * recall / (precision + recall)
    return {"tag": tag, "support": support, "predicted": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "precision": precision, "recall": recall, "f1": f1}


def macro_f1(rows: list[dict]) -> Optional[float]:
    scores = [r["f1"] for r in rows if r["support"]]
    return sum(scores) / len(scores) if scores else None


def multiclass(samples: list[Sample], predictions: dict[str, Optional[Prediction]], tags: list[str]) -> dict:
    decided = {s.image_id: decide_multiclass(predictions.get(s.image_id)) for s in samples}
    labels = [*tags, NONE_LABEL]
    index = {t: i for i, t in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in tags]
    for s in samples:
        matrix[index[s.label]][index[decided[s.image_id] or NONE_LABEL]] += 1
    rows = []
    for t in tags:
        tp = sum(1 for s in samples if s.label == t and decided[s.image_id] == t)
        fp = sum(1 for s in samples if s.label != t and decided[s.image_id] == t)
        fn = sum(1 for s in samples if s.label == t and decided[s.image_id] != t)
        rows.append(per_tag(t, tp, fp, fn))
    correct = sum(1 for s in samples if decided[s.image_id] == s.label)
    return {"metrics": {"accuracy": correct / len(samples) if samples else None, "macroF1": macro_f1(rows)},
            "perTag": rows, "confusion": {"labels": labels, "rows": tags, "matrix": matrix}}


def multilabel(samples: list[Sample], predictions: dict[str, Optional[Prediction]], tags: list[str],
               threshold: float) -> dict:
    decided = {s.image_id: decide_multilabel(predictions.get(s.image_id), threshold) or frozenset()
               for s in samples}
    rows = []
    for t in tags:
        tp = sum(1 for s in samples if t in s.label and t in decided[s.image_id])
        fp = sum(1 for s in samples if t not in s.label and t in decided[s.image_id])
        fn = sum(1 for s in samples if t in s.label and t not in decided[s.image_id])
        rows.append(per_tag(t, tp, fp, fn))
    tp, fp, fn = (sum(r[k] for r in rows) for k in ("tp", "fp", "fn"))
    micro = 2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else None
    exact = sum(1 for s in samples if decided[s.image_id] == frozenset(s.label))
    return {"metrics": {"microF1": micro, "macroF1": macro_f1(rows),
                        "subsetAccuracy": exact / len(samples) if samples else None},
            "perTag": rows}


def agreement(task: str, samples: list[Sample], a: dict[str, Optional[Prediction]],
              b: dict[str, Optional[Prediction]], threshold: float) -> tuple[Optional[float], int]:
    """(share of images both models answered on which their decisions are equal, images both answered)."""
    both = [s.image_id for s in samples if a.get(s.image_id) is not None and b.get(s.image_id) is not None]
    if not both:
        return None, 0
    if task == "multiclass":
        same = sum(1 for i in both if decide_multiclass(a[i]) == decide_multiclass(b[i]))
    else:
        same = sum(1 for i in both if decide_multilabel(a[i], threshold) == decide_multilabel(b[i], threshold))
    return same / len(both), len(both)
