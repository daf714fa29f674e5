"""The cutover tie-in: `cutover.evidence` in a workload's config points at a compare.json; `validate` warns
when a workload is cut over without a passing report; `status` shows each workload's comparison verdict."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from cvmigrate.cli import main
from cvmigrate.config import ConfigError, load_stack_file
from test_compare_run import answer_multiclass, multiclass_export

DEMO = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.demo.yaml"
END = "2027-06-01T00:00:00Z"


def demo_stack(tmp_path: Path, evidence: str | None) -> Path:
    doc = yaml.safe_load(DEMO.read_text())
    cut_over = next(w for w in doc["config"]["cvmigrate:workloads"] if w["cutover"]["state"] == "cut-over")
    if evidence is not None:
        cut_over["cutover"]["evidence"] = evidence
    path = tmp_path / "stacks" / "Pulumi.demo.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


@pytest.fixture
def reports(tmp_path, scoring, compare):
    """A passing and a failing compare.json next to the stack file."""
    data = multiclass_export(tmp_path / "export")
    answer_multiclass(scoring, data)
    compare(tmp_path / "export", out="run", gate="accuracy >= legacy")
    stacks = tmp_path / "stacks"
    (stacks / "pass").mkdir(parents=True)
    shutil.copy(tmp_path / "run" / "compare.json", stacks / "pass" / "compare.json")
    compare(tmp_path / "export", out="run", gate="accuracy >= legacy + 0.9")
    (stacks / "fail").mkdir()
    shutil.copy(tmp_path / "run" / "compare.json", stacks / "fail" / "compare.json")
    return stacks


def validate_warnings(path: Path, capsys) -> list[str]:
    assert main(["validate", "--stack", str(path)]) == 0
    return [line for line in capsys.readouterr().err.splitlines() if "cutover:" in line]


def test_validate_warns_when_cut_over_without_passing_evidence(tmp_path, reports, capsys):
    (none,) = validate_warnings(demo_stack(tmp_path, None), capsys)
    assert none.startswith("warning: cvmigrate:workloads[1].cutover: 'defect-detector' is cut-over but has no "
                           "cutover.evidence. Fix: run `cvmigrate compare")
    (failing,) = validate_warnings(demo_stack(tmp_path, "fail/compare.json"), capsys)
    assert "has evidence fail/compare.json whose verdict is fail" in failing
    (missing,) = validate_warnings(demo_stack(tmp_path, "gone/compare.json"), capsys)
    assert "cannot be read (gone/compare.json not found)" in missing
    assert validate_warnings(demo_stack(tmp_path, "pass/compare.json"), capsys) == []


def test_a_hand_edited_verdict_without_a_passing_gate_does_not_pass(tmp_path, reports, capsys):
    doc = json.loads((reports / "fail" / "compare.json").read_text())
    doc["verdict"] = "pass"
    (reports / "fail" / "compare.json").write_text(json.dumps(doc))
    (warning,) = validate_warnings(demo_stack(tmp_path, "fail/compare.json"), capsys)
    assert "whose verdict is fail" in warning


def test_evidence_must_be_a_json_path(tmp_path):
    with pytest.raises(ConfigError, match=r"cutover.evidence.*not a URL"):
        load_stack_file(str(demo_stack(tmp_path, "https://example.com/compare.json")))


def test_status_shows_each_workloads_comparison(tmp_path, reports, capsys):
    stack = demo_stack(tmp_path, "pass/compare.json")
    assert main(["sample", "--stack", str(stack), "--out", str(tmp_path / "s"), "--days", "9", "--end", END,
                 "--records", "2000"]) == 0
    capsys.readouterr()
    main(["status", "--stack", str(stack), "--source", str(tmp_path / "s"), "--now", END, "--format", "json",
          "--no-progress"])
    report = json.loads(capsys.readouterr().out)
    by_name = {w["name"]: w["comparison"] for w in report["workloads"]}
    assert by_name["defect-detector"]["verdict"] == "pass"
    assert by_name["defect-detector"]["gate"] == "accuracy >= legacy"
    assert by_name["defect-detector"]["metric"] == "macroF1"
    assert by_name["defect-detector"]["replacement"] == pytest.approx(5 / 9)
    assert by_name["shelf-scanner"]["verdict"] == "none"
    main(["status", "--stack", str(stack), "--source", str(tmp_path / "s"), "--now", END, "--no-progress"])
    table = capsys.readouterr().out
    row = next(line for line in table.splitlines() if line.startswith("defect-detector"))
    assert "Compared" in table and row.endswith("pass")


def test_workbook_shows_each_workloads_comparison(tmp_path, reports, capsys):
    stack = demo_stack(tmp_path, "pass/compare.json")
    assert main(["render", "--stack", str(stack), "--out", str(tmp_path / "r")]) == 0
    doc = json.loads((tmp_path / "r" / "workbook.json").read_text())
    cutover = next(i for i in doc["items"] if i["name"] == "group - cutover")["content"]["items"]
    text = next(i["content"]["json"] for i in cutover if "Comparison evidence" in i["content"].get("json", ""))
    rows = [line for line in text.splitlines() if line.startswith("| ") and "Workload" not in line]
    assert rows[1].startswith("| defect-detector | cut-over | **pass** | accuracy >= legacy | macroF1 | ")
    assert rows[1].split(" | ")[6] == f"{5 / 9:.3f}"
    assert rows[0].startswith("| shelf-scanner | dual-run | **none** | — |")
