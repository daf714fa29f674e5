"""The README's Layout table matches the tree: every path it names exists, and every top-level entry of the
repository and every module and package of infra/cvmigrate has a row."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "infra" / "cvmigrate"


def layout_paths() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    paths: set[str] = set()
    for row in (line for line in table.splitlines() if line.startswith("| `")):
        cell = row.split(" | ", 1)[0].lstrip("| ")
        names = re.findall(r"`([^`]+)`", cell)
        folder = names[0].rsplit("/", 1)[0] + "/" if "/" in names[0].rstrip("/") else ""
        for i, name in enumerate(names):
            # `infra/cvmigrate/naming.py`, `name_rules.yaml`: later names in a cell share the first one's folder
            paths.add(name if i == 0 or "/" in name.rstrip("/") else folder + name)
    return {p.rstrip("/") for p in paths}


def tracked_top_level() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {line.split("/", 1)[0] for line in files.splitlines() if line and not line.startswith(".")}


def test_every_path_in_the_layout_table_exists():
    missing = sorted(p for p in layout_paths() if not (ROOT / p).exists())
    assert not missing, f"README Layout names paths that do not exist: {missing}"


def test_every_top_level_entry_has_a_row():
    listed = {p.split("/", 1)[0] for p in layout_paths()}
    assert tracked_top_level() - {"README.md"} <= listed, sorted(tracked_top_level() - listed - {"README.md"})


def test_every_module_and_package_of_cvmigrate_has_a_row():
    entries = {f"infra/cvmigrate/{p.name}" for p in PACKAGE.iterdir()
               if not p.name.startswith(("_bundled", "__pycache__", ".")) and (p.is_file() or (p / "__init__.py").exists())}
    missing = sorted(entries - layout_paths())
    assert not missing, f"add a row to the README Layout table for: {missing}"
