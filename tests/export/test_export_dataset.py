"""`cvmigrate export` against the fake Training API (cv_fake.py, which follows the v3.3 REST spec): the exact
AutoML JSONL for hand-made projects of all three kinds, the MLTable structure from
MicrosoftDocs/azure-ai-docs how-to-prepare-datasets-for-automl-images.md, the manifest, paging and retries."""
from __future__ import annotations

import hashlib
import json

import yaml

from cv_projects import EMPTY_ID, MC_ID, ML_ID, OD_ID, img_id
from cv_fake import JPEG, PNG, FakeProject, DOMAINS, image, tag


DS = "azureml://subscriptions/5e4f8a3c-0000-4000-8000-000000000000/resourcegroups/rg-ml/workspaces/ws-ml/datastores/ds/paths"


def lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def sha(payload: bytes, image_id: str) -> str:
    return hashlib.sha256(payload + image_id.encode()).hexdigest()


def test_multiclass_jsonl_is_exact_and_negative_only_images_are_dropped(projects, export):
    result, out = export("shelf", split=0)
    base = out.resolve().as_uri() + "/"      # file:// URIs: the only local form mltable resolves
    a = lambda n: img_id("aa", n)  # noqa: E731
    assert lines(out / "train" / "annotations.jsonl") == [
        f'{{"image_url": "{base}images/{a(1)}.png", "image_details": {{"format": "png", "width": 640, "height": 480}}, "label": "cat"}}',
        f'{{"image_url": "{base}images/{a(2)}.png", "image_details": {{"format": "png", "width": 640, "height": 480}}, "label": "cat"}}',
        f'{{"image_url": "{base}images/{a(3)}.jpg", "image_details": {{"format": "jpg", "width": 800, "height": 600}}, "label": "cat"}}',
        f'{{"image_url": "{base}images/{a(4)}.png", "image_details": {{"format": "png", "width": 640, "height": 480}}, "label": "dog"}}',
        f'{{"image_url": "{base}images/{a(5)}.png", "image_details": {{"format": "png", "width": 640, "height": 480}}, "label": "dog"}}',
    ]
    assert not (out / "validation").exists()
    assert sorted(p.name for p in (out / "images").iterdir()) == [
        f"{a(1)}.png", f"{a(2)}.png", f"{a(3)}.jpg", f"{a(4)}.png", f"{a(5)}.png"]
    assert (out / "images" / f"{a(3)}.jpg").read_bytes() == JPEG + a(3).encode()
    assert (result.train, result.validation, result.dropped_negative) == (5, 0, 1)


def test_multilabel_labels_are_sorted_lists(projects, export):
    _, out = export(ML_ID, split=0)
    base = out.resolve().as_uri() + "/"
    records = [json.loads(x) for x in lines(out / "train" / "annotations.jsonl")]
    assert [(r["image_url"], r["label"]) for r in records] == [
        (f"{base}images/{img_id('bb', 1)}.png", ["red", "round"]),
        (f"{base}images/{img_id('bb', 2)}.png", ["round"]),
        (f"{base}images/{img_id('bb', 3)}.png", ["boxed", "red"]),
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["task"] == "image_classification_multilabel"
    assert manifest["classification_type"] == "Multilabel"
    assert manifest["counts"]["exported"]["dropped_negative"] == 1
    assert manifest["counts"]["per_tag"]["train"] == {"boxed": 1, "red": 2, "round": 2}


def test_detection_boxes_map_left_top_width_height_clamped_and_negatives_become_background(projects, export):
    _, out = export("parking", split=0, datastore_uri=DS + "/cv/parking")
    records = [json.loads(x) for x in lines(out / "train" / "annotations.jsonl")]
    c = lambda n: img_id("cc", n)  # noqa: E731
    assert records == [
        {"image_url": f"{DS}/cv/parking/images/{c(1)}.png",
         "image_details": {"format": "png", "width": 640, "height": 480},
         "label": [{"label": "car", "topX": 0.1, "topY": 0.2, "bottomX": 0.4, "bottomY": 0.6, "isCrowd": 0},
                   {"label": "person", "topX": 0.7, "topY": 0.5, "bottomX": 1.0, "bottomY": 1.0, "isCrowd": 0}]},
        {"image_url": f"{DS}/cv/parking/images/{c(2)}.png",
         "image_details": {"format": "png", "width": 640, "height": 480}, "label": []},
        {"image_url": f"{DS}/cv/parking/images/{c(3)}.png",
         "image_details": {"format": "png", "width": 640, "height": 480},
         "label": [{"label": "car", "topX": 0.0, "topY": 0.0, "bottomX": 0.2, "bottomY": 0.5, "isCrowd": 0}]},
        # its only box lies right of the image (left 1.2): nothing is left after clamping
        {"image_url": f"{DS}/cv/parking/images/{c(4)}.jpg",
         "image_details": {"format": "jpg", "width": 640, "height": 480}, "label": []},
    ]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["task"] == "image_object_detection"
    assert manifest["counts"]["exported"] == {"train": 4, "validation": 0, "test": 0, "untagged": 0, "dropped_negative": 0,
                                              "dropped_boxes_outside_image": 1, "skipped_boxes_invalid": 0,
                                              "background_after_dropping_every_box": 1}   # c(4): its only box
    assert manifest["legacy_model"]["overlap_threshold"] == 0.3
    assert "task: image_object_detection" in (out / "README.md").read_text()
    assert "primary_metric: mean_average_precision" in (out / "README.md").read_text()


def test_mltable_files_parse_as_yaml_with_the_documented_automl_structure(projects, export):
    _, out = export("shelf", split=0.5)
    for split in ("train", "validation"):
        doc = yaml.safe_load((out / split / "MLTable").read_text())
        assert doc == {
            "paths": [{"file": "./annotations.jsonl"}],
            "transformations": [
                {"read_json_lines": {"encoding": "utf8", "invalid_lines": "error", "include_path_column": False}},
                {"convert_column_types": [{"columns": "image_url", "column_type": "stream_info"}]},
            ],
        }
        for line in lines(out / split / "annotations.jsonl"):
            rec = json.loads(line)
            assert set(rec) == {"image_url", "image_details", "label"} and isinstance(rec["label"], str)


def test_manifest_records_project_tags_counts_checksums_and_the_published_models_scores(projects, export, service):
    result, out = export(MC_ID, split=0.5, seed=7, include_untagged=True)
    m = json.loads((out / "manifest.json").read_text())
    assert m["status"] == "complete"
    assert m["tool"] == {"name": "cvmigrate", "version": "0.1.0"}
    assert m["exported_at"] == "2026-11-21T08:00:00Z"
    assert m["project"] == {"id": MC_ID, "name": "shelf", "description": "shelf (fake)"}
    assert m["domain"] == {"id": DOMAINS["classification"]["id"], "name": "General", "type": "Classification"}
    assert (m["classification_type"], m["task"]) == ("Multiclass", "image_classification")
    assert m["tags"] == {"t-neg": {"name": "Negative", "type": "Negative", "image_count": 1},
                         "t-cat": {"name": "cat", "type": "Regular", "image_count": 3},
                         "t-dog": {"name": "dog", "type": "Regular", "image_count": 2}}
    # strata: cat n=3 -> floor(1.5 + .5) = 2 validation; dog n=2 -> floor(1 + .5) = 1
    assert m["counts"]["service"] == {"tagged": 6, "untagged": 1}
    assert m["counts"]["exported"]["train"] == 2 and m["counts"]["exported"]["validation"] == 3
    assert m["counts"]["per_tag"] == {"train": {"cat": 1, "dog": 1}, "validation": {"cat": 2, "dog": 1}, "test": {}}
    assert m["counts"]["exported"]["untagged"] == 1
    assert m["images"][img_id("aa", 3)] == {"file": f"images/{img_id('aa', 3)}.jpg",
                                            "sha256": sha(JPEG, img_id("aa", 3)), "bytes": len(JPEG) + 36,
                                            "format": "jpg", "split": m["images"][img_id("aa", 3)]["split"],
                                            "created": "2024-05-01T00:03:00Z"}
    assert m["images"][img_id("aa", 7)]["split"] == "untagged"
    assert img_id("aa", 6) not in m["images"]          # negative-only, dropped, never downloaded
    assert set(m["images"]) == {img_id("aa", n) for n in (1, 2, 3, 4, 5, 7)}
    # the published iteration (it-2), not the newest-listed unpublished one, with the portal's default threshold
    legacy = m["legacy_model"]
    assert legacy["iteration"]["id"] == "it-2" and legacy["iteration"]["publishName"] == "prod"
    assert (legacy["threshold"], legacy["overlap_threshold"]) == (0.5, None)
    assert legacy["per_tag"] == [
        {"tag": "cat", "tag_id": "t-cat", "precision": 1.0, "recall": 0.75, "average_precision": 0.95},
        {"tag": "dog", "tag_id": "t-dog", "precision": 0.9, "recall": 0.8, "average_precision": 0.85}]
    perf_calls = service.calls(r"/iterations/it-2/performance$")
    assert [c["query"] for c in perf_calls] == [{"threshold": "0.5"}]
    base = out.resolve().as_uri() + "/"
    untagged = [json.loads(x) for x in lines(out / "untagged" / "annotations.jsonl")]
    assert untagged == [{"image_url": f"{base}images/{img_id('aa', 7)}.png",
                         "image_details": {"format": "png", "width": 320, "height": 240}}]
    readme = (out / "README.md").read_text()
    assert "task: image_classification\n" in readme and "automl.image_classification(" in readme
    assert "| cat | 1.0 | 0.75 | 0.95 |" in readme


def test_pages_of_256_oldest_first_with_the_training_key_only_on_api_calls(service, export):
    p = FakeProject(EMPTY_ID, "big", DOMAINS["classification"], "Multiclass", [tag("t1", "one")])
    p.tagged = [image(service, p, img_id("ee", n), n, ({"id": "t1"},)) for n in range(600)]
    service.add(p)
    result, out = export("big", split=0.25)
    pages = service.calls(r"/images/tagged$")
    assert [c["query"] for c in pages] == [{"take": "256", "skip": "0", "orderBy": "Oldest"},
                                           {"take": "256", "skip": "256", "orderBy": "Oldest"},
                                           {"take": "256", "skip": "512", "orderBy": "Oldest"}]
    assert all(c["key"] == service.key for c in service.requests if c["path"].startswith("/customvision"))
    assert service.key_leaks == []
    assert (result.train, result.validation) == (450, 150)
    assert len(list((out / "images").iterdir())) == 600


def test_429_and_5xx_are_retried_honouring_retry_after(projects, export, service, sleeps):
    service.fail(r"/images/tagged$", 429, times=1, retry_after="7")
    service.fail(r"/projects/[^/]+/tags$", 503, times=2)
    service.fail(r"^/blob/", 500, times=1, retry_after="2")
    result, out = export("shelf", split=0, concurrency=1)
    assert sorted(sleeps) == [0.5, 1.0, 2.0, 7.0]   # backoff 0.5 s then 1 s without Retry-After
    assert result.retries == 4
    assert result.train == 5


def test_http_date_retry_after_is_converted_to_seconds():
    import httpx

    from cvmigrate.customvision.http import retry_after_seconds

    response = httpx.Response(429, headers={"Retry-After": "Sat, 21 Nov 2026 08:00:30 GMT"})
    import datetime as dt
    now = dt.datetime(2026, 11, 21, 8, 0, 0, tzinfo=dt.timezone.utc).timestamp()
    assert retry_after_seconds(response, now=now) == 30.0
    assert retry_after_seconds(httpx.Response(429, headers={"Retry-After": "12"})) == 12.0
    assert retry_after_seconds(httpx.Response(429)) is None


def test_vnet_relative_image_paths_are_read_through_get_artifact_with_the_key(projects, export, service):
    p = projects["multilabel"]
    first = p.tagged[0]
    first["originalImageUri"] = f"i-{p.id}/o-{first['id']}"
    _, out = export(ML_ID, split=0)
    calls = service.calls(rf"/projects/{ML_ID}/artifacts$")
    assert [(c["query"], c["key"]) for c in calls] == [({"path": f"i-{p.id}/o-{first['id']}"}, service.key)]
    assert (out / "images" / f"{first['id']}.png").read_bytes() == PNG + first["id"].encode()


def test_a_progress_bar_counts_the_downloads_on_stderr(projects, service, tmp_path, capsys):
    from cvmigrate.export import ExportOptions, run_export

    run_export(ExportOptions(endpoint=service.endpoint, key=service.key, project="parking", out=tmp_path / "p",
                             split=0, progress=True))
    err = capsys.readouterr().err
    assert "images: 100%" in err and "4/4" in err


def test_boxes_the_service_returns_malformed_are_skipped_counted_and_reported(projects, service, tmp_path,
                                                                              monkeypatch, capsys):
    """Bad data inside a project (a region with width: null, a string coordinate, no tag) never stops the
    export: the box is skipped, counted in manifest.json and README.md, and the CLI's summary says so."""
    from cvmigrate.cli import main

    project = service.projects[OD_ID]
    first = project.tagged[0]
    first["regions"][0]["width"] = None                         # width: null
    first["regions"].append({**first["regions"][1], "regionId": "r-x", "top": "abc"})   # not a number
    first["regions"].append({k: v for k, v in first["regions"][1].items() if k != "tagId"} | {"regionId": "r-y"})
    first["width"] = None                                       # the image's own size missing too
    monkeypatch.setenv("CV_TEST_KEY", service.key)
    out = tmp_path / "out"
    code = main(["export", "--endpoint", service.endpoint, "--project", OD_ID, "--out", str(out),
                 "--key-env", "CV_TEST_KEY", "--no-progress"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "3 boxes with missing or invalid coordinates skipped" in captured.out
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["exported"]["skipped_boxes_invalid"] == 3
    exported = manifest["counts"]["exported"]
    assert exported["train"] + exported["validation"] == 4       # the image itself is still exported
    lines = [json.loads(line) for split in ("train", "validation") if (out / split / "annotations.jsonl").exists()
             for line in (out / split / "annotations.jsonl").read_text().splitlines()]
    kept = next(r for r in lines if first["id"] in r["image_url"])
    assert [b["label"] for b in kept["label"]] == ["car"]       # the one well-formed box
    assert "width" not in kept["image_details"]
    assert "3 boxes whose coordinates or tag" in (out / "README.md").read_text()


def test_a_detection_image_that_loses_every_box_is_warned_about(projects, service, tmp_path, capsys, monkeypatch):
    from cvmigrate.cli import main

    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint, "--project", "parking", "--out", str(tmp_path / "p"),
                 "--split", "0", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 0
    assert "warning: 1 detection image(s) lost every box (outside the image or malformed) and are exported as " \
           "background images" in err
