"""`cvmigrate sample`: deterministic for a seed, and `status` finds what it planted."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml

from cvmigrate.cli import main

END = "2027-06-01T00:00:00Z"
DEMO = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.demo.yaml"


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(root)).encode() + p.read_bytes())
    return h.hexdigest()


def sample(out: Path, seed: int, days: int = 9) -> int:
    return main(["sample", "--stack", str(DEMO), "--out", str(out), "--days", str(days), "--seed", str(seed),
                 "--end", END, "--records", "6000"])


def test_same_seed_same_archive_other_seed_differs(tmp_path, capsys):
    assert sample(tmp_path / "a", 5) == 0 and sample(tmp_path / "b", 5) == 0 and sample(tmp_path / "c", 6) == 0
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")
    assert "regressing workload: shelf-scanner" in capsys.readouterr().out


def test_status_on_the_sample_finds_the_regression_and_the_planted_noise(tmp_path, capsys):
    # 36 days: the seasonal detection needs 3 comparable weeks of the same hour before it judges one.
    assert sample(tmp_path / "s", 11, days=36) == 0
    capsys.readouterr()
    code = main(["status", "--stack", str(DEMO), "--source", str(tmp_path / "s"), "--now", END, "--format", "json",
                 "--no-progress"])
    report = json.loads(capsys.readouterr().out)
    by_name = {w["name"]: w for w in report["workloads"]}
    assert code == 3 and report["verdict"] == "regression"
    assert [n for n, w in by_name.items() if w["regression"]] == ["shelf-scanner"]
    # 5 truncated lines; 3 storage-log records (unknown category) and 2 storage RequestResponse records; every
    # record the generator delivered twice (its manifest counts them) is removed once.
    manifest = yaml.safe_load((tmp_path / "s" / "sample-manifest.yaml").read_text())
    assert manifest["duplicates"] > 0
    assert report["source"]["load"]["skipped"] == {"corrupt": 5, "invalid_time": 0, "unknown_category": 3,
                                                    "other_resource_type": 2, "other_table": 0,
                                                    "oversize": 0, "duplicate": manifest["duplicates"],
                                                    "future_time": 0, "unreadable": 0}
    # The 401 and 429 bursts land on shelf-scanner inside the last week, the 404 burst on defect-detector.
    assert {"key_mismatch_401", "throttled_429"} <= set(by_name["shelf-scanner"]["errors"])
    assert "not_found_404" in by_name["defect-detector"]["errors"]
    assert all(w["replacementCalls"] > 0 for w in by_name.values())


def test_sample_rejects_bad_days(tmp_path, capsys):
    for days in ("0", "731", "99999999999999999999"):
        assert main(["sample", "--stack", str(DEMO), "--out", str(tmp_path), "--days", days]) == 2
        assert f"--days {days} is out of range. Fix: give 1 to 730 days" in capsys.readouterr().err



def test_regression_flag_plants_into_the_manifest_and_rejects_bad_input(tmp_path, capsys):
    out = tmp_path / "p"
    assert main(["sample", "--stack", str(DEMO), "--out", str(out), "--days", "3", "--end", END,
                 "--regression", "receipts,2027-05-31T10:00:00Z,2,3"]) == 0
    (plant,) = yaml.safe_load((out / "sample-manifest.yaml").read_text())["regressions"]
    assert (plant["workload"], plant["start"], plant["hours"], plant["factor"]) == ("receipts", "2027-05-31T10:00:00Z", 2, 3.0)
    capsys.readouterr()
    for bad, word in (("nope,2027-05-31T10:00:00Z,2,3", "no workload 'nope'"), ("receipts,2027-05-31T10:30:00Z,2,3", "on the hour"),
                      ("receipts,2", "WORKLOAD,START,HOURS,FACTOR")):
        assert main(["sample", "--stack", str(DEMO), "--out", str(tmp_path / "q"), "--regression", bad]) == 2
        err = capsys.readouterr().err
        assert word in err and err.count("\n") == 1
