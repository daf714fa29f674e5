"""`cvmigrate validate`: offline check of a stack file; user errors are one block, exit code 2."""
from __future__ import annotations

import yaml

from cvmigrate.cli import main
from stacks import REFERENCE_WORKLOAD


def write_stack(tmp_path, name, config):
    path = tmp_path / f"Pulumi.{name}.yaml"
    path.write_text(yaml.safe_dump({"config": config}))
    return path


def test_valid_stack_reports_its_shape(stack_config, tmp_path, capsys):
    path = write_stack(tmp_path, "qa", stack_config(REFERENCE_WORKLOAD))
    assert main(["validate", "--stack", str(path)]) == 0
    assert "1 workload(s), 2 legacy account(s), retirement 2028-09-25" in capsys.readouterr().out


def test_invalid_stack_lists_every_problem_and_exits_2(stack_config, tmp_path, capsys):
    broken = {**REFERENCE_WORKLOAD, "cutover": {"state": "nope"}, "wave": -1}
    path = write_stack(tmp_path, "qa", stack_config(broken, retirementDate="2001-01-01"))
    assert main(["validate", "--stack", str(path)]) == 2
    err = capsys.readouterr().err
    assert "3 configuration problem(s)" in err
    for key in ("cvmigrate:workloads[0].cutover.state", "cvmigrate:workloads[0].wave", "cvmigrate:retirementDate"):
        assert key in err
    assert "Traceback" not in err


def test_missing_stack_file_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--stack", "staging"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Pulumi.staging.yaml not found" in err[0]


def test_shipped_example_stacks_are_valid(capsys):
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for env in ("dev", "prod"):
        assert main(["validate", "--stack", str(root / f"Pulumi.{env}.yaml")]) == 0
