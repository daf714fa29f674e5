"""Locate the bundled data directories (queries/, dashboards/) from a checkout or an installed wheel, and read
their YAML."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_PACKAGE_DIR = Path(__file__).resolve().parent
# libyaml's parser when PyYAML was built with it: the same documents (the constructor is SafeLoader's), several
# times faster; a CLI run reads a dozen data files. User files keep yaml.safe_load (its error messages).
_DATA_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


def load_data_yaml(text: str) -> Any:
    """``yaml.safe_load`` of bundled data (a file of queries/, dashboards/ or the package, or text rendered from
    one)."""
    return yaml.load(text, Loader=_DATA_LOADER)


def _data_dir(name: str) -> Path:
    # A wheel carries them inside the package (see [tool.hatch...force-include] in pyproject.toml);
    # a checkout or an editable install reads the top-level folders, the single source of truth.
    bundled = _PACKAGE_DIR / "_bundled" / name
    if bundled.is_dir():
        return bundled
    checkout = _PACKAGE_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"cvmigrate data folder '{name}' not found next to {_PACKAGE_DIR}; reinstall the package")


def queries_dir() -> Path:
    return _data_dir("queries")


def dashboards_dir() -> Path:
    return _data_dir("dashboards")


def azure_policies_dir() -> Path:
    """Azure Policy definitions (JSON) the AzurePolicy component deploys."""
    return _data_dir("policies") / "azure"
