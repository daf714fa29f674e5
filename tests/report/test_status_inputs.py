"""Bad input: one line on stderr, exit 2, never a traceback."""
from __future__ import annotations

from cvmigrate.cli import main

from .conftest import NOW


def run(capsys, *argv):
    code = main(list(argv))
    err = capsys.readouterr().err
    return code, err


def test_wrong_path_is_one_line_exit_2(capsys, stack, tmp_path):
    code, err = run(capsys, "status", "--stack", str(stack), "--source", str(tmp_path / "nope"), "--no-progress")
    assert code == 2 and err.count("\n") == 1 and "no such file or folder" in err


def test_empty_folder_is_one_line_exit_2(capsys, stack, tmp_path):
    (tmp_path / "empty").mkdir()
    code, err = run(capsys, "status", "--stack", str(stack), "--source", str(tmp_path / "empty"))
    assert code == 2 and err.count("\n") == 1 and "no diagnostic logs found" in err


def test_only_corrupt_lines_is_exit_2_with_counts(capsys, stack, tmp_path):
    bad = tmp_path / "bad" / "export.jsonl"
    bad.parent.mkdir()
    bad.write_text('{"TimeGenerated": "2027-05-01T00:0\nnot json\n', encoding="utf-8")
    code, err = run(capsys, "status", "--stack", str(stack), "--source", str(bad.parent))
    assert code == 2 and err.count("\n") == 1 and "nothing usable in 1 file(s) (2 corrupt)" in err


def test_bad_now_and_bad_workspace_are_exit_2(capsys, stack, mixed_archive):
    code, err = run(capsys, "status", "--stack", str(stack), "--source", str(mixed_archive), "--now", "tomorrow")
    assert code == 2 and "--now 'tomorrow' is not an ISO date/time" in err
    code, err = run(capsys, "status", "--stack", str(stack), "--workspace", "my-workspace")
    assert code == 2 and "neither a workspace ID" in err and err.count("\n") == 1


def test_no_source_and_no_workspace_is_exit_2(capsys, stack):
    code, err = run(capsys, "status", "--stack", str(stack))
    assert code == 2 and "pass --source DIR" in err


def test_missing_stack_is_exit_2(capsys, tmp_path, mixed_archive):
    code, err = run(capsys, "status", "--stack", str(tmp_path / "Pulumi.none.yaml"), "--source", str(mixed_archive),
                    "--now", NOW)
    assert code == 2 and "not found" in err
