"""Metrics worked by hand on small sets: ties, an empty prediction, an image with no label, boxes that partly
overlap, a tag neither model predicts, a failed image kept in the denominator."""
from __future__ import annotations

from pathlib import Path

import pytest

from cvmigrate.compare import classification, detection
from cvmigrate.compare.dataset import Box, Sample
from cvmigrate.compare.target import Prediction


def sample(image_id: str, label) -> Sample:
    return Sample(image_id, Path(f"/nowhere/{image_id}.png"), "", "png", label, "2026-01-01T00:00:00Z")


def by_tag(rows: list[dict]) -> dict[str, dict]:
    return {r["tag"]: r for r in rows}


def test_multiclass_by_hand():
    samples = [sample("i1", "cat"), sample("i2", "cat"), sample("i3", "dog"), sample("i4", "dog"),
               sample("i5", "bird"), sample("i6", "dog")]
    preds = {"i1": Prediction({"cat": 0.9, "dog": 0.1}),
             "i2": Prediction({"cat": 0.5, "dog": 0.5}),     # tie: the tag whose name sorts first
             "i3": Prediction({"cat": 0.6, "dog": 0.4}),
             "i4": Prediction({}),                           # empty prediction: a miss
             "i5": Prediction({"cat": 0.2, "dog": 0.8}),     # bird: neither model predicts it
             "i6": None}                                     # failed image: stays in the denominator
    out = classification.multiclass(samples, preds, ["bird", "cat", "dog"])
    assert out["metrics"]["accuracy"] == pytest.approx(2 / 6)
    rows = by_tag(out["perTag"])
    assert rows["cat"] == {"tag": "cat", "support": 2, "predicted": 3, "tp": 2, "fp": 1, "fn": 0,
                           "precision": pytest.approx(2 / 3), "recall": 1.0, "f1": pytest.approx(0.8)}
    assert (rows["dog"]["tp"], rows["dog"]["fp"], rows["dog"]["fn"], rows["dog"]["f1"]) == (0, 1, 3, 0.0)
    assert (rows["bird"]["precision"], rows["bird"]["recall"], rows["bird"]["f1"]) == (0.0, 0.0, 0.0)
    assert out["metrics"]["macroF1"] == pytest.approx(0.8 / 3)
    assert out["confusion"] == {"labels": ["bird", "cat", "dog", "(none)"], "rows": ["bird", "cat", "dog"],
                                "matrix": [[0, 0, 1, 0], [0, 2, 0, 0], [0, 1, 0, 2]]}


def test_multiclass_tag_without_support_is_not_in_macro():
    samples = [sample("i1", "cat"), sample("i2", "cat")]
    preds = {"i1": Prediction({"cat": 0.9}), "i2": Prediction({"fox": 0.9})}
    out = classification.multiclass(samples, preds, ["cat", "fox"])
    fox = by_tag(out["perTag"])["fox"]
    assert (fox["support"], fox["precision"], fox["recall"], fox["f1"]) == (0, 0.0, None, None)
    assert out["metrics"]["macroF1"] == pytest.approx(2 / 3)   # cat only: P 1, R 0.5


def test_multilabel_by_hand():
    samples = [sample("j1", ("a", "b")), sample("j2", ()), sample("j3", ("b",)), sample("j4", ("a",))]
    preds = {"j1": Prediction({"a": 0.9, "b": 0.4, "c": 0.6}),
             "j2": Prediction({"a": 0.7}),                   # an image with no label: only false positives
             "j3": Prediction({"b": 0.5}),                   # the threshold is inclusive
             "j4": None}
    out = classification.multilabel(samples, preds, ["a", "b", "c"], 0.5)
    rows = by_tag(out["perTag"])
    assert (rows["a"]["precision"], rows["a"]["recall"], rows["a"]["f1"]) == (0.5, 0.5, 0.5)
    assert (rows["b"]["precision"], rows["b"]["recall"]) == (1.0, 0.5)
    assert rows["b"]["f1"] == pytest.approx(2 / 3)
    assert (rows["c"]["support"], rows["c"]["fp"], rows["c"]["precision"], rows["c"]["f1"]) == (0, 1, 0.0, None)
    assert out["metrics"]["microF1"] == pytest.approx(0.5)        # TP 2, FP 2, FN 2
    assert out["metrics"]["macroF1"] == pytest.approx((0.5 + 2 / 3) / 2)
    assert out["metrics"]["subsetAccuracy"] == pytest.approx(0.25)


def test_classification_agreement_counts_images_both_answered():
    samples = [sample(i, "cat") for i in ("a", "b", "c")]
    legacy = {"a": Prediction({"cat": 0.9}), "b": Prediction({"dog": 0.9}), "c": None}
    repl = {"a": Prediction({"cat": 0.6, "dog": 0.4}), "b": Prediction({"cat": 0.9}), "c": Prediction({"cat": 1})}
    assert classification.agreement("multiclass", samples, legacy, repl, 0.5) == (0.5, 2)


CAR_GT = {"d1": [Box("car", 0, 0, 0.4, 0.4), Box("car", 0.5, 0.5, 0.9, 0.9), Box("person", 0.6, 0, 0.9, 0.3)],
          "d2": [Box("car", 0, 0, 0.5, 0.5)],
          "d3": []}                                                           # a background image, no label
CAR_DETS = {"d1": Prediction(boxes=(Box("car", 0.1, 0, 0.5, 0.4, 0.9),      # IoU 0.6 with the first car
                                    Box("car", 0.5, 0.5, 0.9, 0.9, 0.8),
                                    Box("car", 0, 0, 0.4, 0.4, 0.7))),      # duplicate: that car is taken
            "d2": Prediction(boxes=(Box("car", 0.25, 0, 0.75, 0.5, 0.85),   # partly overlaps: IoU 1/3
                                    Box("bike", 0.1, 0.1, 0.3, 0.3, 0.5))),  # a tag nobody labelled
            "d3": Prediction(boxes=(Box("car", 0.1, 0.1, 0.2, 0.2, 0.6),))}


def test_iou_of_partly_overlapping_boxes():
    assert detection.iou(Box("car", 0.1, 0, 0.5, 0.4), Box("car", 0, 0, 0.4, 0.4)) == pytest.approx(0.6)
    assert detection.iou(Box("car", 0.25, 0, 0.75, 0.5), Box("car", 0, 0, 0.5, 0.5)) == pytest.approx(1 / 3)
    assert detection.iou(Box("car", 0, 0, 0.1, 0.1), Box("car", 0.1, 0, 0.2, 0.1)) == 0.0


def test_detection_by_hand():
    samples = [sample(i, tuple(b)) for i, b in CAR_GT.items()]
    out = detection.detection(samples, CAR_DETS, ["bike", "car", "person"], 0.5)
    rows = by_tag(out["perTag"])
    # car, ranked .9 TP, .85 FP, .8 TP, .7 FP, .6 FP over 3 boxes: VOC all-point = 1/3·1 + 1/3·2/3 = 5/9
    assert rows["car"]["ap"] == pytest.approx(5 / 9)
    assert (rows["car"]["tp"], rows["car"]["fp"], rows["car"]["fn"]) == (2, 3, 1)
    assert rows["person"]["ap"] == 0.0                      # labelled, never predicted
    assert rows["bike"]["ap"] is None                        # predicted, never labelled: not in mAP50
    assert out["metrics"]["mAP50"] == pytest.approx((5 / 9 + 0) / 2)
    coco = detection.detection(samples, CAR_DETS, ["car"], 0.5, method="coco101")
    assert coco["perTag"][0]["ap"] == pytest.approx((34 * 1 + 33 * 2 / 3) / 101)


def test_detection_failed_image_boxes_are_misses():
    samples = [sample(i, tuple(b)) for i, b in CAR_GT.items()]
    out = detection.detection(samples, {**CAR_DETS, "d1": None}, ["car"], 0.5)
    # only .85 FP and .6 FP remain against 3 boxes
    assert out["perTag"][0]["ap"] == 0.0
    assert out["perTag"][0]["fn"] == 3


def test_detection_equal_scores_rank_in_image_order():
    samples = [sample("e1", (Box("car", 0, 0, 0.5, 0.5),)), sample("e2", (Box("car", 0, 0, 0.5, 0.5),))]
    miss, hit = Box("car", 0.6, 0.6, 0.9, 0.9, 0.5), Box("car", 0, 0, 0.5, 0.5, 0.5)
    first_miss = detection.detection(samples, {"e1": Prediction(boxes=(miss,)), "e2": Prediction(boxes=(hit,))},
                                     ["car"], 0.5)
    first_hit = detection.detection(samples, {"e1": Prediction(boxes=(hit,)), "e2": Prediction(boxes=(miss,))},
                                    ["car"], 0.5)
    assert first_miss["perTag"][0]["ap"] == pytest.approx(0.25)
    assert first_hit["perTag"][0]["ap"] == pytest.approx(0.5)


def test_detection_agreement_is_box_f1_between_models():
    samples = [sample(i, tuple(b)) for i, b in CAR_GT.items()]
    other = {"d1": Prediction(boxes=(Box("car", 0.1, 0, 0.5, 0.4, 0.9),)), "d2": Prediction(boxes=()),
             "d3": None}
    # d1: 3 vs 1 boxes, 1 matched; d2: 2 vs 0 boxes; d3 not answered by both
    assert detection.agreement(samples, CAR_DETS, other, 0.5) == (pytest.approx(2 * 1 / 6), 2)
