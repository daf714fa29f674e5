"""Output formats of `cvmigrate scan`: SARIF 2.1.0 valid against the OASIS schema (shipped beside this test:
oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json, errata01, draft-04), JSON, markdown and table;
no key literal in any of them; the CLI's --out and its one-line errors."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from cvmigrate.cli import main
from cvmigrate.scan.formats import FORMATS, render
from cvmigrate.scan.scanner import scan

SCHEMA = json.loads((Path(__file__).with_name("sarif-schema-2.1.0.json")).read_text(encoding="utf-8"))
KEYS = ("0123456789abcdef0123456789abcdef", "abcdefabcdefabcdefabcdefabcdef12")


def _env_key(tree: Path) -> str:
    return re.search(r"FOUNDRY_KEY=(\w+)", (tree / "config" / ".env").read_text()).group(1)


def test_sarif_is_valid_sarif_2_1_0_with_stable_rules_and_fingerprints(scan_tree: Path):
    result = scan([scan_tree], base=scan_tree)
    doc = json.loads(render(result, "sarif"))
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    run = doc["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rules == sorted(set(f.rule for f in result.findings))
    assert len(run["results"]) == len(result.findings)
    for res, finding in zip(run["results"], result.findings):
        assert rules[res["ruleIndex"]] == res["ruleId"] == finding.rule
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] == finding.line >= 1
    levels = {r["properties"]["kind"]: r["level"] for r in run["results"]}
    assert levels == {"sdk": "warning", "rest": "warning", "header": "warning", "endpoint": "note", "secret": "error"}
    prints = [r["partialFingerprints"]["cvmigrate/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)
    assert run["automationDetails"]["id"] == "cvmigrate-scan/"
    again = json.loads(render(scan([scan_tree], base=scan_tree), "sarif"))
    assert [r["partialFingerprints"] for r in again["runs"][0]["results"]] == [r["partialFingerprints"]
                                                                             for r in run["results"]]


def test_a_broken_sarif_document_fails_the_schema():
    # The schema check can fail: startLine 0 is outside the spec.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "a.py"}, "region": {"startLine": 0}}}]}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(SCHEMA).validate(bad)


def test_json_lists_findings_and_a_summary(scan_tree: Path):
    result = scan([scan_tree], base=scan_tree)
    doc = json.loads(render(result, "json"))
    assert doc["summary"]["findings"] == len(doc["findings"]) == len(result.findings)
    assert doc["summary"]["filesScanned"] == 20
    first = doc["findings"][0]
    assert set(first) == {"path", "line", "column", "language", "kind", "service", "feature", "replacement", "rule",
                          "match"}
    reads = [e for e in doc["summary"]["byFeature"] if e["feature"] == "read"]
    assert {(e["service"], e["findings"]) for e in reads} == {("imageanalysis", 3), ("computervision", 2)}


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_key_literal_appears_in_any_format(scan_tree: Path, fmt: str):
    text = render(scan([scan_tree], base=scan_tree), fmt)
    for key in KEYS + (_env_key(scan_tree),):
        assert key not in text
    assert "<32-character key, masked>" in text or fmt == "table"


def test_markdown_and_table_show_location_feature_and_replacement(scan_tree: Path):
    result = scan([scan_tree], base=scan_tree)
    md = render(result, "markdown")
    assert "| imageanalysis | read | 3 | Document Intelligence (prebuilt-read model) |" in md
    assert "| `python/predict.py:14` | python | sdk | customvision | classify | `classify_image(` |" in md
    table = render(result, "table").splitlines()
    assert table[0].split()[:6] == ["location", "language", "kind", "service", "feature", "replacement"]
    assert any(line.startswith("python/predict.py:14 ") and "classify" in line for line in table)
    assert table[-1].startswith(f"{len(result.findings)} findings in 20 files scanned")


def test_cli_writes_sarif_to_out(scan_tree: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(scan_tree)
    out = tmp_path / "scan.sarif"
    assert main(["scan", ".", "--format", "sarif", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(doc)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert "python/predict.py" in uris
    assert "wrote 74 findings (sarif)" in capsys.readouterr().err


def test_cli_rejects_a_missing_path_in_one_line(tmp_path: Path, capsys):
    assert main(["scan", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no such file or folder" in err and "Traceback" not in err


def test_cli_out_in_a_missing_folder_is_one_line_and_writes_nothing(scan_tree: Path, tmp_path: Path, capsys):
    target = tmp_path / "missing" / "scan.json"
    assert main(["scan", str(scan_tree / "go"), "--format", "json", "--out", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("cvmigrate scan: --out") and "\n" not in err
    assert not target.parent.exists()


def test_fail_on_gates_ci_by_sarif_level_after_writing_the_report(scan_tree: Path, tmp_path: Path, capsys):
    """--fail-on LEVEL: exit 3 when a finding is at that SARIF level or above (error > warning > note), the
    report written whole first; none (the default) keeps exit 0."""
    doc = json.loads(render(scan([scan_tree]), "json"))
    kinds = doc["summary"]["byKind"]
    expected = {"error": kinds["secret"],
                "warning": kinds["secret"] + kinds["sdk"] + kinds["rest"] + kinds["header"],
                "note": doc["summary"]["findings"]}
    assert expected["error"] < expected["warning"] < expected["note"]
    out = tmp_path / "gate.json"
    assert main(["scan", str(scan_tree), "--format", "json", "--out", str(out)]) == 0
    capsys.readouterr()
    for level, count in expected.items():
        out.unlink()
        assert main(["scan", str(scan_tree), "--format", "json", "--out", str(out), "--fail-on", level]) == 3
        assert json.loads(out.read_text())["summary"]["findings"] == doc["summary"]["findings"]
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1] == f"cvmigrate scan: {count} finding(s) at level {level} or above (--fail-on {level})"


def test_fail_on_passes_below_its_level(tmp_path: Path, capsys):
    (tmp_path / "settings.yaml").write_text("vision:\n  endpoint: https://contoso-vision.cognitiveservices.azure.com/\n")
    assert main(["scan", str(tmp_path), "--format", "json", "--fail-on", "warning"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["byKind"] == {"endpoint": 1}
    assert main(["scan", str(tmp_path), "--format", "json", "--fail-on", "note"]) == 3
    (tmp_path / "settings.yaml").unlink()
    (tmp_path / "predict.py").write_text(
        "from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient\n")
    capsys.readouterr()
    assert main(["scan", str(tmp_path), "--fail-on", "error"]) == 0
    assert main(["scan", str(tmp_path), "--fail-on", "warning"]) == 3


def test_fail_on_rejects_an_unknown_level_with_exit_2(tmp_path: Path, capsys):
    assert main(["scan", str(tmp_path), "--fail-on", "secret"]) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert err.splitlines()[-1].startswith("cvmigrate scan: error: argument --fail-on: invalid choice: 'secret'")
