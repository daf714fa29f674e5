"""No traceback for anything a user or a service can send: each input of the issue's list ends in one line that
names the problem and the fix, exit code 2, and nothing half-written. (The config reader's own fuzzing is
engineer i13's; the archive loader's unreadable/symlink-loop/oversize handling is engineer i16's; this file holds
the CLI-level guarantee.)"""
from __future__ import annotations

import errno
import pathlib
import re

import pytest
import yaml

from stacks import REFERENCE_WORKLOAD

from cvmigrate.cli import main


@pytest.fixture(scope="session")
def write_stack(stack_config):
    def write_stack(tmp_path, name="hostile", text=None):
        path = tmp_path / f"Pulumi.{name}.yaml"
        if text is None:
            path.write_text(yaml.safe_dump({"config": stack_config(REFERENCE_WORKLOAD)}), encoding="utf-8")
        else:
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
        return path
    return write_stack


def one_line(capsys, code, expected_code=2):
    out, err = capsys.readouterr()
    assert code == expected_code, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


def test_a_cp1252_byte_in_a_config_comment(write_stack, tmp_path, capsys):
    good = write_stack(tmp_path).read_bytes()
    path = write_stack(tmp_path, "cp1252", b"# caf\xe9 \x96 owner: Jos\xe9\n" + good)
    for command in (["validate"], ["render", "--out", str(tmp_path / "r")], ["sample", "--out", str(tmp_path / "s")]):
        line = one_line(capsys, main([command[0], "--stack", str(path), *command[1:]]))
        assert "not UTF-8" in line and "0xe9" in line and str(path) in line and "save the file as UTF-8" in line
    assert not (tmp_path / "r").exists() and not (tmp_path / "s").exists()       # nothing half-written


def test_a_5000_deep_list(write_stack, tmp_path, capsys):
    path = write_stack(tmp_path, "deep", "config:\n  cvmigrate:tags: " + "[" * 5000 + "]" * 5000 + "\n")
    line = one_line(capsys, main(["validate", "--stack", str(path)]))
    assert ("nested too deeply" in line or "nests deeper than" in line) and "flatten" in line   # config.stack_file bounds the depth


def test_a_50_mb_value_stays_one_short_line(stack_config, write_stack, tmp_path, capsys):
    path = write_stack(tmp_path, "big", yaml.safe_dump({"config": {**stack_config(REFERENCE_WORKLOAD),
                                                                   "cvmigrate:environment": "a" * 50_000_000}}))
    assert main(["validate", "--stack", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err) < 5_000
    # config.stack_file refuses a stack file over 1 MB before reading any value
    assert re.search(r"is 5\d{7} bytes; a stack file over 1000000 is not a stack file", err) and "Fix:" in err


@pytest.mark.parametrize("argv", [
    ["render", "--stack", "{stack}", "--out", "{file}"],
    ["sample", "--stack", "{stack}", "--out", "{file}"],
    ["export", "--endpoint", "http://127.0.0.1:9", "--project", "p", "--out", "{file}", "--no-progress"],
    ["compare", "--dataset", "{missing}", "--legacy-endpoint", "http://127.0.0.1:9", "--legacy-project", "p",
     "--legacy-iteration", "i", "--replacement", "automl", "--out", "{file}"],
    ["status", "--stack", "{stack}", "--source", "{missing}"],
    ["scan", "{missing}"],
], ids=lambda a: a[0])
def test_out_naming_a_file_or_a_missing_input(write_stack, tmp_path, capsys, monkeypatch, argv):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("CUSTOM_VISION_PREDICTION_KEY", "0123456789abcdef0123456789abcdef")
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me")
    values = {"stack": str(write_stack(tmp_path)), "file": str(a_file), "missing": str(tmp_path / "nowhere")}
    line = one_line(capsys, main([v.format(**values) for v in argv]))
    assert str(a_file) in line or str(tmp_path / "nowhere") in line
    assert a_file.read_text() == "keep me"


def test_a_full_disk(write_stack, tmp_path, capsys, monkeypatch):
    """Simulated: every write raises ENOSPC, as on a full file system."""
    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    path = write_stack(tmp_path)
    monkeypatch.setattr(pathlib.Path, "write_text", no_space)
    monkeypatch.setattr(pathlib.Path, "write_bytes", no_space)
    line = one_line(capsys, main(["render", "--stack", str(path), "--out", str(tmp_path / "o")]))
    assert "No space left on device" in line or "no space left" in line


def test_a_full_disk_outside_any_command_handler_is_still_one_line(write_stack, tmp_path, capsys, monkeypatch):
    """An OSError no command catches (here: while the stack file is read) goes through the CLI's own mapping."""
    path = write_stack(tmp_path)

    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(pathlib.Path, "read_text", no_space)
    monkeypatch.setattr(pathlib.Path, "read_bytes", no_space)      # config.stack_file reads bytes
    line = one_line(capsys, main(["validate", "--stack", str(path)]))
    assert str(path) in line and "no space left on the device" in line and "Fix:" in line


def test_an_unreadable_file(write_stack, tmp_path, capsys, monkeypatch):
    """Simulated (tests run as root, for whom chmod 000 still reads): reading the stack file is refused."""
    path = write_stack(tmp_path)
    real_text, real_bytes = pathlib.Path.read_text, pathlib.Path.read_bytes

    def refusing(real):
        def refuse(self, *args, **kwargs):
            if self == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real(self, *args, **kwargs)
        return refuse

    monkeypatch.setattr(pathlib.Path, "read_text", refusing(real_text))
    monkeypatch.setattr(pathlib.Path, "read_bytes", refusing(real_bytes))
    line = one_line(capsys, main(["validate", "--stack", str(path)]))
    assert str(path) in line and "ermission denied" in line


@pytest.mark.parametrize("endpoint", ["https://[::1", "https://[zz::1]/", "https://[::1]:99999/", "https://host:port/"])
@pytest.mark.parametrize("command", ["export", "inventory"])
def test_an_invalid_ipv6_endpoint(tmp_path, capsys, monkeypatch, endpoint, command):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", "0123456789abcdef0123456789abcdef")
    extra = ["--project", "p", "--out", str(tmp_path / "o"), "--no-progress"] if command == "export" else []
    line = one_line(capsys, main([command, "--endpoint", endpoint, *extra]))
    assert line.startswith(f"cvmigrate {command}: --endpoint") and "not a valid URL" in line
    assert "expected https://<training-resource>.cognitiveservices.azure.com" in line


@pytest.mark.parametrize("argv", [["validate", "--stack", "{tmp}/Pulumi.a\x00b.yaml"],
                                  ["render", "--stack", "{stack}", "--out", "{tmp}/o\x00ut"],
                                  ["scan", "{tmp}/a\x00b"]], ids=lambda a: a[0])
def test_a_nul_byte_in_a_path(write_stack, tmp_path, capsys, argv):
    values = {"tmp": str(tmp_path), "stack": str(write_stack(tmp_path))}
    line = one_line(capsys, main([a.format(**values) for a in argv]))
    assert "NUL" in line or "not found" in line or "no such file" in line
