"""The detection AP held against pycocotools' COCOeval: with COCO's 101-point interpolation our per-tag AP at
IoU 0.5 equals COCOeval's, on the hand-made set and on random sets (ties, duplicates, empty images, tags with
no boxes). Images are 128 px square so normalised and pixel coordinates give bit-identical IoUs."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from cvmigrate.compare import detection
from cvmigrate.compare.dataset import Box, Sample
from cvmigrate.compare.target import Prediction

SIZE = 128
TAGS = ["a", "b", "c"]


def coco_ap50(gts: dict[str, list[Box]], dets: dict[str, list[Box]]) -> dict[str, float]:
    """Per-tag AP50 from pycocotools (-1 becomes None: no ground truth)."""
    images = sorted(gts)
    ids = {name: n + 1 for n, name in enumerate(images)}
    cats = {t: n + 1 for n, t in enumerate(TAGS)}

    def px(b: Box) -> list[float]:
        return [b.x1 * SIZE, b.y1 * SIZE, (b.x2 - b.x1) * SIZE, (b.y2 - b.y1) * SIZE]

    anns = [{"id": k + 1, "image_id": ids[i], "category_id": cats[b.label], "bbox": px(b),
             "area": px(b)[2] * px(b)[3], "iscrowd": 0}
            for k, (i, b) in enumerate((i, b) for i in images for b in gts[i])]
    results = [{"image_id": ids[i], "category_id": cats[b.label], "bbox": px(b), "score": b.score}
               for i in images for b in dets.get(i, [])]
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": [{"id": ids[i], "width": SIZE, "height": SIZE} for i in images],
                      "annotations": anns, "categories": [{"id": c, "name": t} for t, c in cats.items()]}
        gt.createIndex()
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, "bbox")
        ev.evaluate()
        ev.accumulate()
    out = {}
    for t, c in cats.items():
        p = ev.eval["precision"][0, :, c - 1, 0, 2]   # IoU 0.5, every recall, category, area all, 100 dets
        out[t] = None if np.all(p == -1) else float(np.mean(p[p > -1]))
    return out


def ours(gts: dict[str, list[Box]], dets: dict[str, list[Box]]) -> dict[str, float]:
    samples = [Sample(i, Path(i), "", "png", tuple(gts[i]), None) for i in sorted(gts)]
    preds = {i: Prediction(boxes=tuple(d)) for i, d in dets.items()}
    rows = detection.detection(samples, preds, TAGS, 0.5, method="coco101")["perTag"]
    return {r["tag"]: r["ap"] for r in rows}


def test_hand_made_set_matches_pycocotools():
    gts = {"d1": [Box("a", 0, 0, 0.5, 0.5), Box("a", 0.5, 0.5, 0.875, 0.875), Box("b", 0.625, 0, 0.875, 0.25)],
           "d2": [Box("a", 0, 0, 0.5, 0.5)], "d3": []}
    dets = {"d1": [Box("a", 0.125, 0, 0.625, 0.5, 0.9), Box("a", 0.5, 0.5, 0.875, 0.875, 0.8),
                   Box("a", 0, 0, 0.5, 0.5, 0.7)],
            "d2": [Box("a", 0.25, 0, 0.75, 0.5, 0.85), Box("c", 0.125, 0.125, 0.25, 0.25, 0.5)],
            "d3": [Box("a", 0.125, 0.125, 0.25, 0.25, 0.6)]}
    assert ours(gts, dets) == pytest.approx(coco_ap50(gts, dets))


coord = st.integers(min_value=0, max_value=SIZE - 8)
extent = st.integers(min_value=4, max_value=64)
score = st.sampled_from([0.1, 0.3, 0.5, 0.5, 0.7, 0.9])   # repeated values: ties across and within images


@st.composite
def box(draw, with_score: bool) -> Box:
    x, y = draw(coord), draw(coord)
    w, h = min(draw(extent), SIZE - x), min(draw(extent), SIZE - y)
    return Box(draw(st.sampled_from(TAGS)), x / SIZE, y / SIZE, (x + w) / SIZE, (y + h) / SIZE,
               draw(score) if with_score else 1.0)


@st.composite
def dataset(draw):
    n = draw(st.integers(min_value=1, max_value=5))
    gts = {f"img{i}": draw(st.lists(box(False), max_size=4)) for i in range(n)}
    dets = {}
    for i in gts:
        own = draw(st.lists(box(True), max_size=5))
        # some detections are jittered copies of ground truth, so matches actually happen
        for g in gts[i][: draw(st.integers(0, len(gts[i])))]:
            dx = draw(st.integers(-6, 6)) / SIZE
            own.append(Box(g.label, max(0, g.x1 + dx), g.y1, min(1, g.x2 + dx), g.y2, draw(score)))
        dets[i] = own
    return gts, dets


@settings(max_examples=150, deadline=None)
@given(dataset())
def test_random_sets_match_pycocotools(data):
    gts, dets = data
    if not any(dets.values()):
        return  # COCO.loadRes cannot take an empty result list
    assert ours(gts, dets) == pytest.approx(coco_ap50(gts, dets), abs=1e-12)
