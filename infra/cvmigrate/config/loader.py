"""Where stack configuration comes from: the running Pulumi program, or ``Pulumi.<env>.yaml`` on disk.

`cvmigrate render/status/export --stack <env>` read the file directly so they work without the
Pulumi CLI or an Azure login.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError, ConfigIssue
from .model import StackConfig
from .parse import NAMESPACE, parse_stack_config


class StackFileError(Exception):
    """A stack file that cannot be read at all (missing, not YAML)."""


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest directory holding Pulumi.yaml (the checkout root), else the current directory."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return candidate
    return here


def stack_file_path(env: str, project_dir: Path | None = None) -> Path:
    """``Pulumi.<env>.yaml`` in the project directory, or ``env`` itself when it is a YAML file's path."""
    candidate = Path(env)
    if candidate.suffix in (".yaml", ".yml") and candidate.is_file():
        return candidate
    return find_project_dir(project_dir) / f"Pulumi.{env}.yaml"


def read_stack_file(env: str, project_dir: Path | None = None) -> dict[str, Any]:
    """The ``config:`` mapping of ``Pulumi.<env>.yaml`` (or a path given directly)."""
    path = stack_file_path(env, project_dir)
    if not path.is_file():
        raise StackFileError(f"stack file {path} not found; create it from Pulumi.dev.yaml or pass --stack <env> "
                             "for an existing Pulumi.<env>.yaml")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise StackFileError(f"{path} is not valid YAML: {exc}") from None
    config = doc.get("config") if isinstance(doc, dict) else None
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise StackFileError(f"{path}: 'config' must be a mapping of keys to values")
    return config


def stack_name_of(env: str) -> str:
    candidate = Path(env)
    if candidate.suffix in (".yaml", ".yml"):
        # Pulumi.prod.yaml -> prod
        parts = candidate.name.split(".")
        return parts[1] if len(parts) >= 3 else candidate.stem
    return env


def load_stack_file(env: str, project_dir: Path | None = None, *, today: dt.date | None = None) -> StackConfig:
    """Parse and validate ``Pulumi.<env>.yaml``; raises ConfigError with every problem."""
    raw = read_stack_file(env, project_dir)
    cfg, issues = parse_stack_config(raw, stack_name_of(env), today=today)
    if cfg is None:
        raise ConfigError(issues)
    return cfg


def load_from_pulumi() -> tuple[StackConfig | None, list[ConfigIssue]]:
    """Inside a Pulumi program: every ``cvmigrate:*`` key set on the stack."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    raw: dict[str, Any] = {}
    prefix = f"{NAMESPACE}:"
    # Set by mocks/automation in-process, or by the language host through PULUMI_CONFIG.
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    for key in sorted(keys):
        if key.startswith(prefix):
            bare = key[len(prefix):]
            if bare.startswith("config:"):  # old-style "ns:config:key"
                bare = bare[len("config:"):]
            raw[bare] = _decode(pulumi.Config(NAMESPACE).get(bare))
    azure = pulumi.Config("azure-native")
    raw["azure-native:subscriptionId"] = azure.get("subscriptionId")
    return parse_stack_config(raw, pulumi.get_stack(), location=azure.get("location"))


def _decode(value: str | None) -> Any:
    """Pulumi hands structured config to programs as JSON text."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return value
