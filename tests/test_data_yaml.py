"""The bundled data is read through libyaml's C parser when PyYAML has it (``paths.load_data_yaml``): every YAML
file of the repository gives the same document through it as through ``yaml.safe_load``."""
from __future__ import annotations

from pathlib import Path

import yaml

from cvmigrate.paths import load_data_yaml

ROOT = Path(__file__).resolve().parents[1]


def test_every_yaml_file_of_the_repository_reads_as_safe_load_reads_it():
    files = [p for p in sorted(ROOT.rglob("*.yaml")) if not {"node_modules", ".git", ".venv"} & set(p.parts)]
    assert len(files) > 10 and any(p.parent.name == "queries" for p in files)
    differ = [str(p.relative_to(ROOT)) for p in files
              if load_data_yaml(p.read_text(encoding="utf-8")) != yaml.safe_load(p.read_text(encoding="utf-8"))]
    assert not differ
