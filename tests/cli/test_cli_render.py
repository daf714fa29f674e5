"""`cvmigrate render --stack <env> --out DIR` writes every query, offline; bad input exits 2 with one line."""
from __future__ import annotations

from pathlib import Path

from cvmigrate.cli import main
from cvmigrate.artefacts import QUERY_NAMES

ROOT = Path(__file__).resolve().parents[2]


def test_render_writes_every_query_of_the_dev_stack(tmp_path, capsys):
    assert main(["render", "--stack", str(ROOT / "Pulumi.dev.yaml"), "--out", str(tmp_path)]) == 0
    written = sorted(p.stem for p in (tmp_path / "queries").glob("*.kql"))
    assert written == sorted(QUERY_NAMES)
    traffic = (tmp_path / "queries" / "legacy_traffic.kql").read_text()
    assert traffic.startswith("// legacy_traffic:") and "AzureDiagnostics\n| where TimeGenerated > ago(30d)" in traffic
    assert f"wrote {len(QUERY_NAMES)} queries" in capsys.readouterr().out


def test_render_rejects_a_bad_error_classes_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "classes.yaml"
    bad.write_text("classes: []\n")
    code = main(["render", "--stack", str(ROOT / "Pulumi.dev.yaml"), "--out", str(tmp_path),
                 "--error-classes", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "--error-classes" in err and "Traceback" not in err
