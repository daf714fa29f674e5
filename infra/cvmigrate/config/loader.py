"""Where stack configuration comes from: the running Pulumi program, or ``Pulumi.<env>.yaml`` on disk.

`cvmigrate render/status/export --stack <env>` read the file directly so they work without the
Pulumi CLI or an Azure login.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .problems import ConfigError, ConfigIssue
from .stack_config import StackConfig
from .parse import parse_stack_config
from .pulumi_delivery import decode_delivered, delivered_config
from .stack_file import StackFileError, read_stack_bytes


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
        raise StackFileError(f"stack file {path} not found; create it from Pulumi.dev.yaml or pass {{stack}} <env> "
                             "for an existing Pulumi.<env>.yaml", mentions=("stack",))
    data = path.read_bytes()   # an OSError (unreadable, I/O) is mapped to one line by the CLI
    config = read_stack_bytes(data, str(path))
    return decode_delivered(delivered_config(config, str(path)))


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
    """Inside a Pulumi program: every config key set on the stack, as the texts Pulumi delivers (secrets
    decrypted by Pulumi), decoded exactly as `validate` decodes the stack file."""
    import pulumi  # the Pulumi SDK: loaded only where a program runs
    from pulumi.runtime import config as runtime_config

    # Set by mocks/automation in-process, or by the language host through PULUMI_CONFIG.
    keys = set(runtime_config.CONFIG.get()) | set(runtime_config.get_config_env())
    texts = {key: text for key in sorted(keys) if (text := runtime_config.get_config(key)) is not None}
    secret = frozenset(k for k in keys if runtime_config.is_config_secret(k)) | set(runtime_config.get_config_secret_keys_env())
    return parse_stack_config(decode_delivered(texts, frozenset(secret)), pulumi.get_stack())
