"""Tags equal ignoring case ("Cat" / "cat") would become two AutoML classes: the export refuses them unless
--merge-case or a --tag-map file decides, and records every rename in the manifest."""
from __future__ import annotations

import json

import pytest

from cv_fake import DOMAINS, FakeProject, image, tag
from cv_projects import EMPTY_ID, img_id
from cvmigrate.cli import describe, main
from cvmigrate.export import ExportError


@pytest.fixture
def pets(service):
    p = FakeProject(EMPTY_ID, "pets", DOMAINS["classification"], "Multiclass",
                    [tag("t-a", "Cat", count=1), tag("t-b", "cat", count=2), tag("t-c", "dog", count=1)])
    p.tagged = [image(service, p, img_id("ee", 1), 1, ({"id": "t-a"},)),
                image(service, p, img_id("ee", 2), 2, ({"id": "t-b"},)),
                image(service, p, img_id("ee", 3), 3, ({"id": "t-b"},)),
                image(service, p, img_id("ee", 4), 4, ({"id": "t-c"},))]
    return service.add(p)


def labels(out):
    return [json.loads(x)["label"] for x in (out / "train" / "annotations.jsonl").read_text().splitlines()]


def test_case_duplicates_stop_the_export_before_any_download(pets, service, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint, "--project", "pets", "--out", str(tmp_path / "o"),
                 "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert "has tags that differ only in case ('Cat' / 'cat')" in err and "--merge-case" in err and "--tag-map" in err
    assert service.calls(r"^/blob/") == []


def test_merge_case_keeps_the_name_with_the_most_images(pets, export):
    _, out = export("pets", split=0, merge_case=True)
    assert labels(out) == ["cat", "cat", "cat", "dog"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["tag_renames"] == {"Cat": "cat"}
    assert manifest["counts"]["per_tag"]["train"] == {"cat": 3, "dog": 1}


def test_a_tag_map_renames_and_decides(pets, export, tmp_path):
    mapping = tmp_path / "tags.yaml"
    mapping.write_text("Cat: feline\ncat: feline\n")
    _, out = export("pets", split=0, tag_map=mapping)
    assert labels(out) == ["feline", "feline", "feline", "dog"]
    assert json.loads((out / "manifest.json").read_text())["tag_renames"] == {"Cat": "feline", "cat": "feline"}


def test_a_tag_map_that_leaves_case_duplicates_or_names_unknown_tags_is_refused(pets, export, tmp_path):
    mapping = tmp_path / "tags.json"
    mapping.write_text('{"dog": "Cat"}')
    with pytest.raises(ExportError, match="differ only in case"):
        export("pets", split=0, tag_map=mapping)
    mapping.write_text('{"bird": "x"}')
    with pytest.raises(ExportError, match="tag_map names tags that project 'pets' .* does not have: 'bird'") as bad:
        export("pets", split=0, tag_map=mapping)
    assert describe(bad.value).startswith("--tag-map names tags that project 'pets'")
    mapping.write_text("[1, 2]")
    with pytest.raises(ExportError, match="expected an object of tag name -> new non-empty tag name"):
        export("pets", split=0, tag_map=mapping)
