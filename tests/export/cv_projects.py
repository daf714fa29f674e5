"""Hand-made Custom Vision projects of all three kinds for the export tests, built on cv_fake.py."""
from __future__ import annotations

from cv_fake import DOMAINS, JPEG, FakeProject, FakeTrainingService, image, tag

MC_ID = "a1a1a1a1-0000-4000-8000-000000000001"
ML_ID = "b2b2b2b2-0000-4000-8000-000000000002"
OD_ID = "c3c3c3c3-0000-4000-8000-000000000003"
EMPTY_ID = "d4d4d4d4-0000-4000-8000-000000000004"


def img_id(prefix: str, n: int) -> str:
    return f"{prefix}000000-0000-4000-8000-{n:012d}"


def build_multiclass(svc: FakeTrainingService) -> FakeProject:
    p = FakeProject(MC_ID, "shelf", DOMAINS["classification"], "Multiclass",
                    [tag("t-cat", "cat", count=3), tag("t-dog", "dog", count=2), tag("t-neg", "Negative", "Negative", 1)])
    cat, dog, neg = ({"id": "t-cat"},), ({"id": "t-dog"},), ({"id": "t-neg"},)
    p.tagged = [image(svc, p, img_id("aa", 1), 1, cat), image(svc, p, img_id("aa", 2), 2, cat),
                image(svc, p, img_id("aa", 3), 3, cat, width=800, height=600, payload=JPEG),
                image(svc, p, img_id("aa", 4), 4, dog), image(svc, p, img_id("aa", 5), 5, dog),
                image(svc, p, img_id("aa", 6), 6, neg)]
    p.untagged = [image(svc, p, img_id("aa", 7), 7, width=320, height=240)]
    p.iterations = [
        {"id": "it-1", "name": "Iteration 1", "status": "Completed", "trainedAt": "2024-05-02T00:00:00Z",
         "publishName": "", "projectId": MC_ID},
        {"id": "it-2", "name": "Iteration 2", "status": "Completed", "trainedAt": "2024-05-03T00:00:00Z",
         "publishName": "prod", "projectId": MC_ID},
    ]
    p.performance = {"it-2": {"perTagPerformance": [
        {"id": "t-dog", "name": "dog", "precision": 0.9, "precisionStdDeviation": 0.0, "recall": 0.8,
         "recallStdDeviation": 0.0, "averagePrecision": 0.85},
        {"id": "t-cat", "name": "cat", "precision": 1.0, "precisionStdDeviation": 0.0, "recall": 0.75,
         "recallStdDeviation": 0.0, "averagePrecision": 0.95}],
        "precision": 0.95, "precisionStdDeviation": 0.0, "recall": 0.78, "recallStdDeviation": 0.0,
        "averagePrecision": 0.9}}
    return svc.add(p)


def build_multilabel(svc: FakeTrainingService) -> FakeProject:
    p = FakeProject(ML_ID, "attributes", DOMAINS["classification"], "Multilabel",
                    [tag("t-a", "red"), tag("t-b", "round"), tag("t-c", "boxed"), tag("t-n", "none", "Negative")])
    p.tagged = [image(svc, p, img_id("bb", 1), 1, ({"id": "t-a"}, {"id": "t-b"})),
                image(svc, p, img_id("bb", 2), 2, ({"id": "t-b"},)),
                image(svc, p, img_id("bb", 3), 3, ({"id": "t-c"}, {"id": "t-a"})),
                image(svc, p, img_id("bb", 4), 4, ({"id": "t-n"},))]
    return svc.add(p)


def build_detection(svc: FakeTrainingService) -> FakeProject:
    p = FakeProject(OD_ID, "parking", DOMAINS["detection"], None,
                    [tag("t-car", "car"), tag("t-person", "person"), tag("t-neg", "Negative", "Negative")])
    car, person, neg = {"id": "t-car"}, {"id": "t-person"}, {"id": "t-neg"}
    p.tagged = [
        image(svc, p, img_id("cc", 1), 1, (car, person), (
            {"tagId": "t-person", "left": 0.7, "top": 0.5, "width": 0.5, "height": 0.6},
            {"tagId": "t-car", "left": 0.1, "top": 0.2, "width": 0.3, "height": 0.4})),
        image(svc, p, img_id("cc", 2), 2, (neg,)),
        image(svc, p, img_id("cc", 3), 3, (car,), (
            {"tagId": "t-car", "left": -0.05, "top": 0.0, "width": 0.25, "height": 0.5},)),
        image(svc, p, img_id("cc", 4), 4, (car,), (
            {"tagId": "t-car", "left": 1.2, "top": 0.1, "width": 0.1, "height": 0.1},), payload=JPEG),
    ]
    p.iterations = [{"id": "od-1", "name": "Iteration 1", "status": "Completed",
                     "trainedAt": "2024-05-02T00:00:00Z", "publishName": "detector", "projectId": OD_ID}]
    p.performance = {"od-1": {"perTagPerformance": [
        {"id": "t-car", "name": "car", "precision": 0.7, "recall": 0.6, "averagePrecision": 0.65},
        {"id": "t-person", "name": "person", "precision": 0.5, "recall": 0.4, "averagePrecision": 0.45}],
        "precision": 0.6, "recall": 0.5, "averagePrecision": 0.55}}
    return svc.add(p)
