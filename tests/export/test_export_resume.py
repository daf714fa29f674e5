"""An interrupted export loses nothing and a re-run fetches only what is missing or damaged; the split is
stratified and deterministic. Faults are injected into the fake Training API (cv_fake.py)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cv_projects import EMPTY_ID, img_id
from cv_fake import DOMAINS, FakeProject, image, tag
from cvmigrate.export import ExportError
from cvmigrate.export.imagestore import JOURNAL
from cvmigrate.export.split import stratified_split, validation_size


def blob_gets(service) -> int:
    return len(service.calls(r"^/blob/"))


def dataset_files(out: Path) -> dict[str, bytes]:
    """Every file but the manifest, with the folder's own file:// URI (local layout) replaced by OUT/."""
    base = out.resolve().as_uri().encode()
    return {p.relative_to(out).as_posix(): p.read_bytes().replace(base, b"OUT") for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "manifest.json"}


def test_failure_mid_run_keeps_finished_images_and_the_rerun_fetches_only_the_rest(projects, service, export, tmp_path):
    # the 4th image download and every one after it fail for good (500 on every retry)
    service.fail(r"^/blob/", 500, times=-1, after=3)
    with pytest.raises(ExportError, match="still failing after 6 attempts"):
        export("shelf", split=0.2, concurrency=1)
    out = tmp_path / "out"
    partial = json.loads((out / "manifest.json").read_text())
    assert partial["status"] == "incomplete"
    assert sorted(partial["images"]) == [img_id("aa", n) for n in (1, 2, 3)]   # oldest-first, one at a time
    assert not (out / "train").exists()
    assert [p.name for p in (out / "images").iterdir() if p.name.startswith(".")] == []  # no .part left

    service.faults.clear()
    before = blob_gets(service)
    result, _ = export("shelf", split=0.2, concurrency=1)
    assert (result.downloaded, result.reused) == (2, 3)
    assert sorted(c["path"].rsplit("/", 1)[1] for c in service.calls(r"^/blob/")[before:]) == [
        img_id("aa", 4), img_id("aa", 5)]
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"
    assert not (out / JOURNAL).exists()

    # same files as an export that never failed
    clean, clean_out = export("shelf", out_name="clean", split=0.2, concurrency=1)
    assert dataset_files(out) == dataset_files(clean_out)


def test_a_rerun_of_a_complete_export_downloads_nothing_and_refetches_a_damaged_image(projects, service, export, tmp_path):
    export("parking", split=0)
    before = blob_gets(service)
    result, out = export("parking", split=0)
    assert (result.downloaded, result.reused, blob_gets(service) - before) == (0, 4, 0)

    damaged = out / "images" / f"{img_id('cc', 3)}.png"
    damaged.write_bytes(b"\x89PNG\r\n\x1a\ncorrupted")
    result, _ = export("parking", split=0)
    assert (result.downloaded, result.reused) == (1, 3)
    assert damaged.read_bytes() == b"\x89PNG\r\n\x1a\n" + img_id("cc", 3).encode()


def test_a_killed_process_resumes_from_the_journal(projects, service, tmp_path):
    """kill -9 mid-download: no manifest update happens, the journal still has every finished image."""
    p = FakeProject(EMPTY_ID, "many", DOMAINS["classification"], "Multiclass", [tag("t1", "one")])
    p.tagged = [image(service, p, img_id("ff", n), n, ({"id": "t1"},)) for n in range(40)]
    service.add(p)
    service.fail(r"^/blob/", 503, times=-1, after=25)   # stall after 25 images (retries back off for real)
    out = tmp_path / "killed"
    env = {**os.environ, "CUSTOM_VISION_TRAINING_KEY": service.key}
    proc = subprocess.Popen([sys.executable, "-m", "cvmigrate.cli", "export", "--endpoint", service.endpoint,
                             "--project", "many", "--out", str(out), "--concurrency", "1", "--no-progress"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        for _ in range(400):
            journal = out / JOURNAL
            if journal.is_file() and len(journal.read_text().splitlines()) >= 25:
                break
            if proc.poll() is not None:
                pytest.fail(proc.stderr.read().decode())
            import time
            time.sleep(0.02)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    service.faults.clear()
    from cvmigrate.export import ExportOptions, run_export
    result = run_export(ExportOptions(endpoint=service.endpoint, key=service.key, project="many", out=out,
                                      progress=False, concurrency=2))
    assert (result.reused, result.downloaded) == (25, 15)


@pytest.mark.parametrize("n,fraction,expected", [(1, 0.2, 0), (2, 0.2, 1), (3, 0.2, 1), (10, 0.2, 2),
                                                 (11, 0.2, 2), (13, 0.2, 3), (5, 0.5, 3), (4, 0.0, 0),
                                                 (3, 0.9, 2)])
def test_validation_size_per_stratum(n, fraction, expected):
    assert validation_size(n, fraction) == expected


def test_split_is_stratified_deterministic_and_seeded():
    labels = {f"c{i:02d}": "cat" for i in range(10)} | {f"d{i:02d}": "dog" for i in range(5)} | {"e00": "eel"}
    train, val = stratified_split(labels, 0.2, seed=3)
    assert sorted(train + val) == sorted(labels) and not set(train) & set(val)
    assert sum(1 for i in val if labels[i] == "cat") == 2
    assert sum(1 for i in val if labels[i] == "dog") == 1
    assert "e00" in train                                  # a class with one image stays in train
    assert stratified_split(labels, 0.2, seed=3) == (train, val)
    seeds = {tuple(stratified_split(labels, 0.2, seed=s)[1]) for s in range(10)}
    assert len(seeds) > 1


def test_multilabel_and_detection_images_are_stratified_by_their_rarest_class():
    from cvmigrate.export.split import strata

    labels = {"a": ["common", "rare"], "b": ["common"], "c": ["common"], "d": [],
              "e": [{"label": "rare"}, {"label": "common"}]}
    assert strata(labels) == {"a": "rare", "b": "common", "c": "common", "d": "", "e": "rare"}
