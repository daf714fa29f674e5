"""`export --model`: the trained model of a compact-domain iteration through the Training API v3.3 as the fake
serves it (GetExports / ExportIteration, lifecycle Exporting -> Done with a downloadUri, cv_fake.py): requested
only when no matching export exists, polled with a timeout, downloaded with its sha256 into DIR/model/ and
recorded in the manifest; a non-exportable domain is refused before any image is downloaded, with the way out."""
from __future__ import annotations

import hashlib
import json

import pytest

from cv_fake import DOMAINS, FakeProject, image, tag
from cv_projects import img_id
from cvmigrate.cli import main
from cvmigrate.export import ExportError

COMPACT_ID = "e5e5e5e5-0000-4000-8000-000000000005"
IT_1, IT_2 = "f1f1f1f1-0000-4000-8000-000000000001", "f2f2f2f2-0000-4000-8000-000000000002"
PLATFORMS = ["CoreML", "TensorFlow", "DockerFile", "ONNX"]


def iteration(iteration_id, name, trained, publish="", exportable=True):
    return {"id": iteration_id, "name": name, "status": "Completed", "created": trained, "lastModified": trained,
            "trainedAt": trained, "projectId": COMPACT_ID, "exportable": exportable,
            "exportableTo": PLATFORMS if exportable else [], "domainId": DOMAINS["classification_compact"]["id"],
            "classificationType": "Multiclass", "trainingType": "Regular", "reservedBudgetInHours": 0,
            "trainingTimeInMinutes": 5, "publishName": publish, "originalPublishResourceId": ""}


@pytest.fixture
def compact(service):
    p = FakeProject(COMPACT_ID, "compact", DOMAINS["classification_compact"], "Multiclass", [tag("t1", "one")])
    p.tagged = [image(service, p, img_id("ff", n), n, ({"id": "t1"},)) for n in range(3)]
    p.iterations = [iteration(IT_1, "Iteration 1", "2024-05-01T00:00:00Z", publish="prod"),
                    iteration(IT_2, "Iteration 2", "2024-06-01T00:00:00Z")]
    return service.add(p)


def test_the_published_iterations_onnx_export_is_requested_polled_downloaded_and_recorded(compact, service, export,
                                                                                        sleeps):
    result, out = export("compact", split=0, model=True, poll_interval=10.0)
    posts = [c for c in service.requests if c["method"] == "POST"]
    assert [(c["path"], c["query"]) for c in posts] == [
        (f"/customvision/v3.3/training/projects/{COMPACT_ID}/iterations/{IT_1}/export", {"platform": "ONNX"})]
    assert sleeps == [10.0]                     # Exporting on the first poll, Done on the second
    data = (out / "model" / "ONNX.zip").read_bytes()
    assert data.startswith(b"PK\x03\x04")
    m = json.loads((out / "manifest.json").read_text())["model"]
    assert m == {"iteration": {"id": IT_1, "name": "Iteration 1", "publishName": "prod",
                               "trainedAt": "2024-05-01T00:00:00Z", "domainId": DOMAINS["classification_compact"]["id"]},
                 "platform": "ONNX", "flavor": None, "file": "model/ONNX.zip",
                 "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "requested": True,
                 "newer_version_available": False}
    assert result.model == m and service.key_leaks == []
    assert "model/ONNX.zip" in (out / "README.md").read_text()


def test_an_existing_done_export_is_reused_without_a_new_request(compact, service, export, sleeps):
    compact.exports[IT_2] = [{"platform": "TensorFlow", "status": "Done", "flavor": "TensorFlowLite",
                              "downloadUri": service.blob_url("model/existing"), "newerVersionAvailable": True,
                              "_polls": 0}]
    _, out = export("compact", split=0, model=True, platform="TensorFlow", flavor="TensorFlowLite",
                    iteration="Iteration 2")
    assert [c for c in service.requests if c["method"] == "POST"] == [] and sleeps == []
    m = json.loads((out / "manifest.json").read_text())["model"]
    assert (m["file"], m["requested"], m["newer_version_available"]) == ("model/TensorFlow-TensorFlowLite.zip",
                                                                        False, True)
    assert (out / "model" / "TensorFlow-TensorFlowLite.zip").read_bytes().endswith(b"existing")


def test_an_expired_download_uri_is_signed_again_from_get_exports(compact, service, export):
    service.url_ttl = 5.0
    service.seconds_per_blob = 2.0     # 3 image reads: the model URL signed before them has expired
    service.export_polls = 1
    _, out = export("compact", split=0, model=True, concurrency=1)
    assert (out / "model" / "ONNX.zip").is_file()


def test_an_export_that_stays_exporting_times_out_with_what_to_do(compact, service, export, sleeps):
    service.export_polls = 10**6
    ticks = iter(range(0, 10**6, 10))
    with pytest.raises(ExportError, match=r"ONNX export of iteration 'Iteration 1' is still Exporting after 30 s; "
                                          "run the same command again later"):
        export("compact", split=0, model=True, poll_interval=10.0, model_timeout=30.0,
               clock=lambda: float(next(ticks)))
    assert sleeps == [10.0, 10.0]              # the clock reads 10, 20, then 30: the deadline


def test_a_non_exportable_domain_is_refused_before_any_download(projects, service, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint, "--project", "shelf", "--out", str(tmp_path / "o"),
                 "--no-progress", "--model"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and "Traceback" not in err
    assert "uses domain 'General', which is not exportable" in err
    assert "choose the compact variant of its domain" in err and "train a new iteration" in err
    assert service.calls(r"^/blob/") == [] and [c for c in service.requests if c["method"] == "POST"] == []


@pytest.mark.parametrize("argv, expected", [
    (["--platform", "ONNX", "--flavor", "Linux"], "--flavor 'Linux' does not apply to ONNX; choose one of ONNX10, ONNX12"),
    (["--platform", "CoreML", "--flavor", "ONNX10"], "CoreML takes no flavor"),
    (["--iteration", "Iteration 9"], "--iteration 'Iteration 9' is not an iteration of project"),
])
def test_wrong_platform_flavor_or_iteration_is_one_line(compact, service, tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint, "--project", "compact", "--out", str(tmp_path / "o"),
                 "--no-progress", "--model", *argv])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and expected in err
    assert service.calls(r"^/blob/") == []
