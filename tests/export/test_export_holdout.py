"""`export --holdout-after DATE|published`: a test split of the images created after the cut-off, kept out of
train and validation, with each image's `created` and the iteration's `trainedAt` in the manifest."""
from __future__ import annotations

import json

import pytest

from cv_projects import img_id
from cv_fake import image
from cvmigrate.cli import main
from cvmigrate.export import ExportError

LATE = 3 * 24 * 60      # minutes after 2024-05-01: after the published iteration's trainedAt (2024-05-03)


def add_late_images(service, projects):
    p = projects["multiclass"]
    p.tagged += [image(service, p, img_id("aa", 8), LATE, ({"id": "t-cat"},)),
                 image(service, p, img_id("aa", 9), LATE + 1, ({"id": "t-dog"},))]


def jsonl_ids(path):
    return [json.loads(line)["image_url"].rsplit("/", 1)[1].split(".")[0] for line in path.read_text().splitlines()]


def test_holdout_after_a_date(projects, export):
    result, out = export("shelf", split=0.5, holdout_after="2024-05-01T00:03:30Z")
    a = lambda n: img_id("aa", n)  # noqa: E731
    assert jsonl_ids(out / "test" / "annotations.jsonl") == [a(4), a(5)]
    assert (out / "test" / "MLTable").is_file()
    trained = jsonl_ids(out / "train" / "annotations.jsonl") + jsonl_ids(out / "validation" / "annotations.jsonl")
    assert sorted(trained) == [a(1), a(2), a(3)]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["holdout"]["after"] == "2024-05-01T00:03:30Z" and manifest["holdout"]["basis"] == "date"
    assert manifest["holdout"]["trainedAt"] == "2024-05-03T00:00:00Z"
    assert manifest["images"][a(4)]["split"] == "test"
    assert manifest["images"][a(4)]["created"] == "2024-05-01T00:04:00Z"
    assert manifest["counts"]["exported"]["test"] == 2 and manifest["counts"]["per_tag"]["test"] == {"dog": 2}
    assert (result.train + result.validation, result.test) == (3, 2)


def test_holdout_after_published_uses_the_published_trained_at(service, projects, export):
    add_late_images(service, projects)
    result, out = export("shelf", split=0, holdout_after="published")
    assert jsonl_ids(out / "test" / "annotations.jsonl") == [img_id("aa", 8), img_id("aa", 9)]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["holdout"]["after"] == manifest["holdout"]["trainedAt"] == "2024-05-03T00:00:00Z"
    assert manifest["holdout"]["basis"] == "published" and result.test == 2


def test_rerun_without_holdout_removes_the_old_test_split(service, projects, export):
    add_late_images(service, projects)
    export("shelf", split=0, holdout_after="published")
    _, out = export("shelf", split=0)
    assert not (out / "test" / "annotations.jsonl").exists()
    assert json.loads((out / "manifest.json").read_text())["holdout"] is None


def test_published_without_a_published_iteration_and_bad_dates(projects, export):
    with pytest.raises(ExportError, match="no published iteration with a trainedAt"):
        export("attributes", holdout_after="published")       # the multilabel project has no iteration
    with pytest.raises(ExportError, match=r"'last week' is neither a date") as err:
        export("shelf", holdout_after="last week")
    assert err.value.field == "holdout_after"


def test_cli_flag(projects, service, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint, "--project", "shelf", "--out", str(tmp_path / "o"),
                 "--no-progress", "--split", "0", "--holdout-after", "2024-05-01T00:03:30Z"])
    assert code == 0
    assert "3 train + 0 validation + 2 test images" in capsys.readouterr().out
    assert main(["export", "--endpoint", service.endpoint, "--project", "shelf", "--out", str(tmp_path / "p"),
                 "--holdout-after", "soon"]) == 2
    assert capsys.readouterr().err.startswith("cvmigrate export: --holdout-after 'soon' is neither a date")
