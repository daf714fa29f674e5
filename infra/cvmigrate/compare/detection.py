"""Detection metrics: per-tag average precision at IoU 0.5 and mAP50, one protocol for both models.

Matching follows pycocotools' COCOeval (``evaluateImg``/``accumulate``), so the numbers can be held against
it: per image and tag, detections sorted by score (stable: equal scores keep the service's order) and cut to
the 100 best; each takes the unmatched ground-truth box of that tag with the highest IoU >= 0.5; then all
detections of the tag are ranked by score across images (stable: equal scores rank in image-id order).

``ap`` is the Pascal VOC all-point area under the precision envelope (what AutoML reports as mAP@0.5);
``method="coco101"`` gives COCO's 101-point interpolation instead, which equals pycocotools' AP50 for a tag.
A tag without ground-truth boxes in the scored images has no AP (null) and is left out of mAP50; a tag with
boxes that a model never predicts has AP 0. A failed image is an image with no detections: its boxes are
misses. Per tag precision/recall/F1 also come at a score threshold (boxes scoring at least the threshold).
"""
from __future__ import annotations

from typing import Iterable, Optional

from .classification import per_tag
from .dataset import Box, Sample
from .target import Prediction

IOU = 0.5
MAX_DETS = 100
REC_THRS = (0.0, 1.0, 101)       # COCO's recall thresholds: numpy.linspace(*REC_THRS)


def iou(a: Box, b: Box) -> float:
    w = min(a.x2, b.x2) - max(a.x1, b.x1)
    h = min(a.y2, b.y2) - max(a.y1, b.y1)
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter
    return inter / union if union > 0 else 0.0


def match_image(gts: list[Box], dets: list[Box], threshold: float = IOU,
                max_dets: int = MAX_DETS) -> list[tuple[float, bool]]:
    """(score, true positive?) for the kept detections of one image and one tag, best score first."""
    import numpy as np  # heavy SDK (~0.1 s): only when detections are scored, not at CLI start-up (status)
    order = np.argsort([-d.score for d in dets], kind="mergesort")[:max_dets]
    taken = [False] * len(gts)
    out = []
    for di in order:
        det, best, chosen = dets[di], min(threshold, 1 - 1e-10), -1
        for gi, gt in enumerate(gts):
            if taken[gi]:
                continue
            overlap = iou(det, gt)
            if overlap < best:
                continue
            best, chosen = overlap, gi
        if chosen >= 0:
            taken[chosen] = True
        out.append((det.score, chosen >= 0))
    return out


def average_precision(pairs_by_image: Iterable[list[tuple[float, bool]]], positives: int,
                      method: str = "voc") -> Optional[float]:
    if positives == 0:
        return None
    pairs = [p for image in pairs_by_image for p in image]
    if not pairs:
        return 0.0
    import numpy as np  # heavy SDK (~0.1 s): only when detections are scored, not at CLI start-up (status)
    order = np.argsort([-s for s, _ in pairs], kind="mergesort")
    hits = np.array([pairs[i][1] for i in order], dtype=float)
    tp, fp = np.cumsum(hits), np.cumsum(1.0 - hits)
    recall = tp / positives
    if method == "coco101":
        precision = (tp / (tp + fp + np.spacing(1))).tolist()
        for i in range(len(precision) - 1, 0, -1):
            precision[i - 1] = max(precision[i - 1], precision[i])
        idx = np.searchsorted(recall, np.linspace(*REC_THRS), side="left")
        return float(np.mean([precision[i] if i < len(precision) else 0.0 for i in idx]))
    precision = tp / (tp + fp)
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], precision, [0.0]))
    for i in range(len(mpre) - 1, 0, -1):
        mpre[i - 1] = max(mpre[i - 1], mpre[i])
    steps = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))


def _boxes(prediction: Optional[Prediction]) -> list[Box]:
    return list(prediction.boxes) if prediction is not None else []


def detection(samples: list[Sample], predictions: dict[str, Optional[Prediction]], tags: list[str],
              threshold: float, method: str = "voc") -> dict:
    ordered = sorted(samples, key=lambda s: s.image_id)
    rows, aps = [], []
    for t in tags:
        pairs, at_threshold, positives = [], [0, 0, 0], 0
        for s in ordered:
            gts = [b for b in s.label if b.label == t]
            dets = [b for b in _boxes(predictions.get(s.image_id)) if b.label == t]
            positives += len(gts)
            pairs.append(match_image(gts, dets))
            kept = match_image(gts, [d for d in dets if d.score >= threshold])
            hits = sum(1 for _, hit in kept if hit)
            at_threshold[0] += hits
            at_threshold[1] += len(kept) - hits
            at_threshold[2] += len(gts) - hits
        row = per_tag(t, *at_threshold)
        row["ap"] = average_precision(pairs, positives, method)
        rows.append(row)
        if row["ap"] is not None:
            aps.append(row["ap"])
    return {"metrics": {"mAP50": sum(aps) / len(aps) if aps else None}, "perTag": rows}


def agreement(samples: list[Sample], a: dict[str, Optional[Prediction]], b: dict[str, Optional[Prediction]],
              threshold: float) -> tuple[Optional[float], int]:
    """Box-level F1 between the two models' boxes scoring at least ``threshold`` (same tag, IoU >= 0.5), over
    images both answered; 1.0 when neither drew any box."""
    both = [s.image_id for s in samples if a.get(s.image_id) is not None and b.get(s.image_id) is not None]
    if not both:
        return None, 0
    matched = total = 0
    for i in both:
        boxes_a = [x for x in a[i].boxes if x.score >= threshold]
        boxes_b = [x for x in b[i].boxes if x.score >= threshold]
        total += len(boxes_a) + len(boxes_b)
        for tag in {x.label for x in boxes_a}:
            matched += sum(1 for _, hit in match_image([x for x in boxes_b if x.label == tag],
                                                       [x for x in boxes_a if x.label == tag]) if hit)
    return (2 * matched / total if total else 1.0), len(both)
