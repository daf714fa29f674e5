"""From a real export to a verdict: `export --holdout-after published` against the fake Training API, then
`compare` of that folder against the scoring fakes. Only images created after the published iteration's
trainedAt are scored."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "export"))

from cv_fake import FakeTrainingService, image  # noqa: E402
from cv_projects import MC_ID, build_multiclass, img_id  # noqa: E402
from cvmigrate.compare import CompareOptions, run_compare  # noqa: E402
from cvmigrate.export import ExportOptions, run_export  # noqa: E402
from scoring_fakes import FakeScoring  # noqa: E402

LATE = 3 * 24 * 60


@pytest.fixture
def training():
    svc = FakeTrainingService().start()
    yield svc
    svc.stop()


def test_export_holdout_then_compare(training, tmp_path, sleeps):
    p = build_multiclass(training)
    p.tagged += [image(training, p, img_id("aa", 8), LATE, ({"id": "t-cat"},)),
                 image(training, p, img_id("aa", 9), LATE + 1, ({"id": "t-dog"},))]
    run_export(ExportOptions(endpoint=training.endpoint, key=training.key, project="shelf", out=tmp_path / "ds",
                             progress=False, sleep=sleeps.append, holdout_after="published"))
    scoring = FakeScoring(MC_ID).start()
    try:
        for n, right in ((8, "cat"), (9, "dog")):
            payload = p.blobs[img_id("aa", n)]
            scoring.answer("cv", payload, [{"tagName": "cat", "probability": 0.6}, {"tagName": "dog", "probability": 0.4}])
            scoring.answer("aml", payload, {"labels": ["cat", "dog"],
                                            "probs": [0.9, 0.1] if right == "cat" else [0.2, 0.8]})
        report = run_compare(CompareOptions(
            dataset=tmp_path / "ds", out=tmp_path / "cmp", legacy_endpoint=scoring.base, legacy_project=MC_ID,
            legacy_iteration="prod", legacy_key=scoring.keys["cv"], replacement="automl",
            scoring_uri=f"{scoring.base}/score", aml_key=scoring.keys["aml"], gate="accuracy >= legacy",
            sleep=sleeps.append))
    finally:
        scoring.stop()
    assert report["images"]["scored"] == 2 and report["images"]["leftOut"] == 0
    assert report["dataset"]["holdout"]["trainedAt"] == "2024-05-03T00:00:00Z"
    assert (report["legacy"]["metrics"]["accuracy"], report["replacement"]["metrics"]["accuracy"]) == (0.5, 1.0)
    assert report["verdict"] == "pass"
