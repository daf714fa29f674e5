"""Every way `cvmigrate export` can be pointed wrong ends in one clear line and exit code 2 — never a traceback —
and a count mismatch is an error that writes no dataset. The fake (cv_fake.py) answers as the v3.3 spec and the
Cognitive Services gateway do: 401 `{"error": {...}}`, 404 `{"code": "NotFoundProject", ...}`."""
from __future__ import annotations

import socket

import pytest

from cv_projects import EMPTY_ID, MC_ID
from cv_fake import DOMAINS, FakeProject, tag
from cvmigrate.cli import main
from cvmigrate.export import ExportError, ReconciliationError


def cli(capsys, monkeypatch, service, tmp_path, *extra, key=None):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", key if key is not None else service.key)
    code = main(["export", "--endpoint", service.endpoint, "--out", str(tmp_path / "out"), "--no-progress", *extra])
    captured = capsys.readouterr()
    return code, captured.err


def one_line_error(err: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("cvmigrate export: ")
    return lines[0]


def test_a_prediction_key_gets_the_training_key_hint(projects, service, tmp_path, capsys, monkeypatch):
    code, err = cli(capsys, monkeypatch, service, tmp_path, "--project", "shelf", key="a-prediction-key")
    line = one_line_error(err)
    assert code == 2
    assert "HTTP 401" in line and "prediction key" in line and "Training* resource" in line
    assert not (tmp_path / "out").exists()


def test_an_endpoint_nobody_listens_on_is_named(projects, tmp_path, capsys, monkeypatch, service):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", "k")
    code = main(["export", "--endpoint", f"http://127.0.0.1:{port}", "--project", "shelf",
                 "--out", str(tmp_path / "out"), "--no-progress"])
    line = one_line_error(capsys.readouterr().err)
    assert code == 2 and f"cannot reach http://127.0.0.1:{port}" in line and "--endpoint" in line


def test_an_endpoint_that_is_not_the_training_api_is_named(projects, service, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint + "/some/other/api", "--project", "shelf",
                 "--out", str(tmp_path / "out"), "--no-progress"])
    line = one_line_error(capsys.readouterr().err)
    assert code == 2 and "does not serve the Custom Vision Training API v3.3" in line and "region" in line


def test_plain_http_to_a_remote_host_is_refused_before_the_key_is_sent(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", "k")
    code = main(["export", "--endpoint", "http://myres.cognitiveservices.azure.com", "--project", "x",
                 "--out", str(tmp_path / "out")])
    assert code == 2 and "https" in one_line_error(capsys.readouterr().err)


def test_unknown_project_id_and_name_list_the_projects_that_exist(projects, service, tmp_path, capsys, monkeypatch):
    code, err = cli(capsys, monkeypatch, service, tmp_path, "--project", "99999999-0000-4000-8000-000000000000")
    line = one_line_error(err)
    assert code == 2 and "project 99999999-0000-4000-8000-000000000000 not found" in line
    assert f"'shelf' ({MC_ID})" in line
    code, err = cli(capsys, monkeypatch, service, tmp_path, "--project", "no-such-project")
    line = one_line_error(err)
    assert code == 2 and "no project named 'no-such-project'" in line and "'parking'" in line


def test_a_project_with_zero_tagged_images_is_refused(service, tmp_path, capsys, monkeypatch):
    service.add(FakeProject(EMPTY_ID, "empty", DOMAINS["classification"], "Multiclass", [tag("t", "x")]))
    code, err = cli(capsys, monkeypatch, service, tmp_path, "--project", "empty")
    line = one_line_error(err)
    assert code == 2 and "has zero tagged images" in line


def test_missing_key_variable_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("MY_KEY", raising=False)
    code = main(["export", "--endpoint", "https://x.cognitiveservices.azure.com", "--project", "p",
                 "--out", str(tmp_path), "--key-env", "MY_KEY"])
    line = one_line_error(capsys.readouterr().err)
    assert code == 2 and "MY_KEY is not set" in line


def test_count_mismatch_is_an_error_and_no_dataset_is_written(projects, export):
    projects["multiclass"].count_offset = 1   # service says 7 tagged, lists 6
    with pytest.raises(ReconciliationError, match="GetTaggedImageCount says 7 tagged images but GetTaggedImages listed 6"):
        export("shelf")


def test_count_mismatch_through_the_cli_exits_2(projects, service, tmp_path, capsys, monkeypatch):
    projects["multiclass"].count_offset = -2
    code, err = cli(capsys, monkeypatch, service, tmp_path, "--project", "shelf")
    assert code == 2 and "says 4 tagged images but GetTaggedImages listed 6" in one_line_error(err)
    assert not (tmp_path / "out" / "train").exists()


def test_a_folder_with_other_content_is_not_written_into(projects, export, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="is not empty and holds no cvmigrate export"):
        export("shelf")


def test_a_folder_with_another_projects_export_is_not_written_into(projects, export):
    export("parking", split=0)
    with pytest.raises(ExportError, match="holds an export of project"):
        export("shelf")


def test_a_service_failure_that_outlasts_the_retries_is_one_line(projects, service, tmp_path, capsys, monkeypatch):
    service.fail(r"/tags$", 503, times=-1)
    monkeypatch.setattr("cvmigrate.customvision.training_api.time.sleep", lambda s: None)
    code, err = cli(capsys, monkeypatch, service, tmp_path, "--project", "shelf")
    line = one_line_error(err)
    assert code == 2 and "GetTags still failing after 6 attempts (HTTP 503: ErrorUnknown" in line
