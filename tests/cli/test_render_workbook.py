"""`cvmigrate render` also writes DIR/workbook.json: the JSON the stack deploys, ready for the Advanced editor."""
from __future__ import annotations

import json
from pathlib import Path

from cvmigrate.cli import main
from cvmigrate.config import load_stack_file
from cvmigrate.artefacts import render
from cvmigrate.artefacts.workbook import query_items

ROOT = Path(__file__).resolve().parents[2]
DEV = str(ROOT / "Pulumi.dev.yaml")


def test_render_writes_the_deployed_workbook_json(tmp_path, capsys):
    assert main(["render", "--stack", DEV, "--out", str(tmp_path)]) == 0
    written = (tmp_path / "workbook.json").read_text()
    cfg = load_stack_file(DEV)
    assert written == render(cfg).workbook_json   # what the Pulumi program deploys
    doc = json.loads(written)
    legacy = (tmp_path / "queries" / "legacy_traffic.kql").read_text().rstrip("\n")
    assert any(item["content"]["query"].startswith(legacy) for item in query_items(doc))
    assert "workbook.json" in capsys.readouterr().out


def test_render_workbook_uses_the_error_classes_override(tmp_path):
    classes = tmp_path / "classes.yaml"
    classes.write_text("classes:\n  - class: key_mismatch_401\n    statuses: [401]\n"
                       "    hint: Rotate the key in the shelf app's vault too.\n")
    assert main(["render", "--stack", DEV, "--out", str(tmp_path), "--error-classes", str(classes)]) == 0
    text = (tmp_path / "workbook.json").read_text()
    assert "**key_mismatch_401**: Rotate the key in the shelf app's vault too." in text
    assert "The key does not belong to this resource" not in text
