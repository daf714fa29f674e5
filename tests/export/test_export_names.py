"""Image IDs become file names only after validation as GUIDs (Training.json v3.3 declares every imageId
``"format": "uuid"``): a hostile ID stops the export with one line naming the project and the image, before any
download, and nothing is ever written outside --out. The stale-file cleanup deletes exactly the files of images
no longer in the project."""
from __future__ import annotations

import json

import pytest

from cv_fake import DOMAINS, FakeProject, image, tag
from cv_projects import EMPTY_ID, img_id
from cvmigrate.cli import main

HOSTILE = ["/../../../tmp/x", "../escape", "a" * 300, "aa000000-0000-4000-8000-000000000001.png",
           "aa000000-0000-4000-8000-00000000000\n", "{aa000000-0000-4000-8000-000000000001}"]


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))


@pytest.mark.parametrize("bad", HOSTILE)
def test_a_non_guid_image_id_is_one_line_naming_the_image_and_nothing_is_written_outside_out(
        service, tmp_path, capsys, monkeypatch, bad):
    p = FakeProject(EMPTY_ID, "hostile", DOMAINS["classification"], "Multiclass", [tag("t1", "one")])
    p.tagged = [image(service, p, img_id("ee", 1), 1, ({"id": "t1"},)), image(service, p, bad, 2, ({"id": "t1"},))]
    service.add(p)
    before = files_under(tmp_path)
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint, "--project", "hostile", "--out", str(tmp_path / "out"),
                 "--no-progress"])
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and "Traceback" not in err
    assert f"project 'hostile' ({EMPTY_ID}): image ID " in lines[0] and "is not a GUID" in lines[0]
    assert len(lines[0]) < 400                           # a 300-character ID is shortened, not dumped
    assert service.calls(r"^/blob/") == []               # refused before any download
    assert [f for f in files_under(tmp_path) if f not in before and not f.startswith("out")] == []
    assert not (tmp_path / "out" / "images").exists() or list((tmp_path / "out" / "images").iterdir()) == []


def test_upper_case_guids_become_lower_case_file_names(service, export):
    p = FakeProject(EMPTY_ID, "upper", DOMAINS["classification"], "Multiclass", [tag("t1", "one")])
    upper = img_id("ee", 1).upper()
    p.tagged = [image(service, p, upper, 1, ({"id": "t1"},))]
    service.add(p)
    _, out = export("upper", split=0)
    assert [f.name for f in (out / "images").iterdir()] == [f"{upper.lower()}.png"]


def test_cleanup_deletes_exactly_the_files_of_removed_images(projects, service, export):
    _, out = export("shelf", split=0)
    images = out / "images"
    mine = images / "notes.txt"
    mine.write_text("not ours")
    dotted = images / "aa000000-0000-4000-8000-000000000001.png.bak"
    dotted.write_text("not ours either")
    removed = img_id("aa", 2)
    projects["multiclass"].tagged = [i for i in projects["multiclass"].tagged if i["id"] != removed]
    result, _ = export("shelf", split=0)
    names = sorted(p.name for p in images.iterdir())
    assert f"{removed}.png" not in names                       # the removed image's file is gone
    assert mine.exists() and dotted.exists()                    # files that are not ours stay
    assert sorted(n for n in names if n.endswith((".png", ".jpg"))) == sorted(
        f"{img_id('aa', n)}.{'jpg' if n == 3 else 'png'}" for n in (1, 3, 4, 5))
    assert (result.downloaded, result.reused) == (0, 4)
    for line in (out / "train" / "annotations.jsonl").read_text().splitlines():
        assert (images / line.split('/images/', 1)[1].split('"', 1)[0]).is_file()   # every row points at a file


def test_a_manifest_entry_pointing_outside_images_is_not_trusted(projects, service, export):

    _, out = export("shelf", split=0)
    manifest = json.loads((out / "manifest.json").read_text())
    victim = img_id("aa", 1)
    manifest["images"][victim]["file"] = "../../outside.png"
    (out / "manifest.json").write_text(json.dumps(manifest))
    before = len(service.calls(r"^/blob/"))
    result, _ = export("shelf", split=0)
    assert result.downloaded == 1 and service.calls(r"^/blob/")[before:][0]["path"].endswith(victim)
    assert json.loads((out / "manifest.json").read_text())["images"][victim]["file"] == f"images/{victim}.png"
