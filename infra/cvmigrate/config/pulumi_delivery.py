"""Delivery: the stack config as the Pulumi CLI hands it to the program, one text per key (``PULUMI_CONFIG``):
scalars as text, maps and lists as JSON (sdk/go/common/workspace/loaders.go, resource/config/object.go).
:func:`delivered_config` gives the per-key texts of a file :mod:`.stack_file` read; :func:`decode_delivered`
(shared with the program, which gets the same texts from the Pulumi runtime) turns them into the values the
parser reads."""
from __future__ import annotations

import json
from typing import Any, Callable, Optional

from .go_yaml_scalars import GoFloat
from .stack_file import Secret, StackFileError

SECRET_PREFIX = "\x00cvmigrate-secret:"   # how an opaque secret travels through the delivered JSON


def delivered_config(config: dict[str, Any], where: str,
                     decrypt: Optional[Callable[[str], str]] = None) -> dict[str, str]:
    """Per key, the text the program receives: scalars as text, maps and lists as JSON. ``decrypt`` stands in
    for Pulumi's decryption of ``secure:`` values; without it they stay opaque."""
    out: dict[str, str] = {}
    for key, value in config.items():
        if value is None:
            continue      # Pulumi warns about empty config and delivers nothing useful
        try:
            if isinstance(value, (dict, list)):
                out[key] = _json(value, decrypt)
            elif isinstance(value, Secret):
                out[key] = _secret_text(value, decrypt)
            else:
                out[key] = _scalar_text(value)
        except ValueError as exc:
            raise StackFileError(f"{where}: {key}: {exc}. Fix: write a finite number or quote the value.") from None
    return out


def _secret_text(value: Secret, decrypt: Optional[Callable[[str], str]]) -> str:
    return decrypt(value) if decrypt else SECRET_PREFIX + str(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, GoFloat):
        if value.text in ("NaN", "Inf"):
            raise ValueError("is infinite or not a number, which Pulumi cannot carry")
        return value.text
    return str(value)


def _json(value: Any, decrypt: Optional[Callable[[str], str]]) -> str:
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_json(v, decrypt)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_json(v, decrypt) for v in value) + "]"
    if isinstance(value, Secret):
        return json.dumps(_secret_text(value, decrypt))
    if value is None or isinstance(value, (bool, str)):
        return json.dumps(value)
    return _scalar_text(value)


def decode_delivered(texts: dict[str, str], secret_keys: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The values the parser reads, from the per-key texts (the program's runtime config or
    :func:`delivered_config`): JSON for maps and lists, text otherwise; opaque secrets become :class:`Secret`.
    ``secret_keys``: keys Pulumi marks secret (the program's view); a secret plain value stays opaque, as in
    `validate` (only values inside a map or list, such as alert receivers, may be secrets)."""
    out: dict[str, Any] = {}
    for key, text in texts.items():
        value = _decode(text)
        out[key] = Secret(text) if key in secret_keys and not isinstance(value, (dict, list, Secret)) else value
    return out


def _decode(text: str) -> Any:
    if text.startswith(("{", "[")):
        try:
            return _revive(json.loads(text))
        except ValueError:
            return text
    return _revive(text)


def _revive(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(SECRET_PREFIX):
        return str.__new__(Secret, value[len(SECRET_PREFIX):])
    if isinstance(value, dict):
        return {k: _revive(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_revive(v) for v in value]
    return value
