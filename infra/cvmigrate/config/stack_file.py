"""``Pulumi.<env>.yaml`` read the way the Pulumi CLI reads it, so `cvmigrate validate` and the program agree.

The Pulumi CLI parses the file with go-yaml v3 into untyped values, then hands the program one text per key
(``PULUMI_CONFIG``): scalars as text, maps and lists as JSON (sdk/go/common/workspace/loaders.go,
resource/config/object.go; see README "Stack files"). This module reproduces that delivery:

- go-yaml v3 resolution of plain scalars (resolve.go): only ``true/True/TRUE/false/...`` are booleans
  (``yes`` stays text); ints in Go syntax (``0777`` octal, ``0x1F``, ``1_000``), else floats; ``~``/``null``;
  unquoted timestamps arrive as Go's ``Time.String()`` text (``2027-03-31 00:00:00 +0000 UTC``);
- numbers printed as Go's encoding/json prints them (``1e5`` -> ``100000``, ``1e21`` -> ``1e+21``);
- duplicate keys are an error, as in go-yaml v3; merge keys (``<<``) are applied;
- ``{secure: <ciphertext>}`` leaves: decrypted by Pulumi for the program; here, without Pulumi, kept as an
  opaque :class:`Secret` (present, never decrypted);
- bounded: file size, nesting depth and values after alias expansion, so an alias bomb stops with one line.

:func:`delivered_config` gives the per-key texts; :func:`decode_delivered` (shared with the program, which gets
the same texts from the Pulumi runtime) turns them into the values the parser reads.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Optional

import yaml

from ..errors import UserError

MAX_BYTES = 1_000_000        # a stack file is a few kilobytes; anything this big is a mistake
MAX_DEPTH = 64
MAX_VALUES = 200_000         # scalars, lists and maps after alias expansion
SECRET_PREFIX = "\x00cvmigrate-secret:"   # how an opaque secret travels through the delivered JSON


class StackFileError(UserError):
    """A stack file that cannot be read at all; the message is one line naming the file, the place and the fix."""


class Secret(str):
    """A ``secure:`` value as `validate` sees it: present, opaque (its text is a placeholder, never plaintext)."""

    def __new__(cls, ciphertext: str) -> "Secret":
        digest = hashlib.sha256(ciphertext.encode("utf-8")).hexdigest()[:8]
        return super().__new__(cls, f"[secret {digest}]")


@dataclass(frozen=True)
class GoFloat:
    """A YAML float, with the text Go's encoding/json gives it."""
    text: str


@dataclass
class _Node:
    kind: str                    # scalar | seq | map
    line: int
    value: str = ""              # scalar text
    style: Optional[str] = None  # scalar: None for plain
    tag: Optional[str] = None
    items: list = field(default_factory=list)   # seq: [_Node]; map: [(_Node, _Node)]


# --- go-yaml v3 scalar resolution -----------------------------------------------------------------

_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[-+]\d{2}:\d{2}))"
    r"|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?))?$")
_NULLS = ("", "~", "null", "Null", "NULL")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INF_NAN = (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN")
_STR_TAG, _YAML_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:"


def _go_int(text: str) -> Optional[int]:
    plain = text.replace("_", "")
    if not _GO_INT.match(plain):
        return None
    sign = -1 if plain.startswith("-") else 1
    digits = plain.lstrip("+-").lower()
    if digits.startswith(("0x", "0b", "0o")):
        value = int(digits[2:], {"x": 16, "b": 2, "o": 8}[digits[1]])
    elif len(digits) > 1 and digits.startswith("0"):
        value = int(digits, 8)          # 0777: octal, kept by go-yaml v3 for YAML 1.1 compatibility
    else:
        value = int(digits)
    value *= sign
    return value if -2**63 <= value < 2**64 else None


def go_float_text(value: float) -> str:
    """Go's encoding/json float format: positional, or exponent outside [1e-6, 1e21)."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError("is infinite or not a number, which JSON (and so Pulumi) cannot carry")
    if value == 0:
        return "0"
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        mantissa, _, exponent = repr(value).partition("e")
        if not exponent:
            mantissa, _, exponent = f"{value:e}".partition("e")
        return f"{mantissa.removesuffix('.0')}e{'-' if int(exponent) < 0 else '+'}{abs(int(exponent))}"
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _go_time_text(match: re.Match) -> Optional[str]:
    """Go's Time.String() of the timestamp go-yaml parsed (date only and no zone: UTC)."""
    year, month, day = int(match[1]), int(match[2]), int(match[3])
    if match[4]:
        hour, minute, second, frac, zone = int(match[4]), int(match[5]), int(match[6]), match[7], match[8]
    elif match[9]:
        hour, minute, second, frac, zone = int(match[9]), int(match[10]), int(match[11]), match[12], "Z"
    else:
        hour = minute = second = 0
        frac, zone = None, "Z"
    try:
        dt.datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    frac_text = f".{frac.rstrip('0')}" if frac and frac.rstrip("0") else ""
    if zone in ("Z", "z"):
        suffix = "+0000 UTC"
    else:
        offset = zone.replace(":", "")
        suffix = f"{offset} {offset}"   # a fixed zone without a name prints its offset twice
    return f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}{frac_text} {suffix}"


def resolve_plain(text: str) -> Any:
    """A plain (unquoted, untagged) scalar as go-yaml v3 decodes it into an untyped value."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _INF_NAN:
        return GoFloat("NaN" if "n" in text.lower() else "Inf")
    if text[:1].isdigit() or text[:1] in "+-.":
        stamp = _TIMESTAMP.match(text) if text[:1].isdigit() else None
        if stamp:
            go_text = _go_time_text(stamp)
            if go_text is not None:
                return go_text
        number = _go_int(text) if text[:1] != "." else None
        if number is not None:
            return number
        plain = text.replace("_", "")
        if _FLOAT.match(plain):
            number = float(plain)
            if math.isinf(number):
                return GoFloat("Inf")        # out of float64 range: Pulumi cannot carry it (see delivered_config)
            return GoFloat(go_float_text(number))
    return text


# --- composing the document from parser events (iterative, depth-bounded) -----------------------------------

def _compose(text: str, where: str) -> Optional[_Node]:
    stack: list[_Node] = []
    pending_key: list[Optional[_Node]] = []
    anchors: dict[str, _Node] = {}
    root: Optional[_Node] = None
    documents = 0

    def attach(node: _Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if parent.kind == "seq":
            parent.items.append(node)
        elif pending_key[-1] is None:
            pending_key[-1] = node
        else:
            parent.items.append((pending_key[-1], node))
            pending_key[-1] = None

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = (event.start_mark.line + 1) if event.start_mark else 0
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise StackFileError(f"{where}: line {line}: holds a second YAML document; Pulumi reads one. "
                                     "Fix: remove the '---' and what follows it.")
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise StackFileError(f"{where}: line {line}: alias *{event.anchor} names no anchor. "
                                     f"Fix: define &{event.anchor} before using it.")
            attach(anchors[event.anchor])
        elif isinstance(event, yaml.ScalarEvent):
            if event.tag is None:
                tag = None if event.style is None else _STR_TAG     # plain: resolved; quoted or block: text
            else:
                tag = _STR_TAG if event.tag == "!" else event.tag
            node = _Node("scalar", line, value=event.value, style=event.style, tag=tag)
            if event.anchor:
                anchors[event.anchor] = node
            attach(node)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise StackFileError(f"{where}: line {line}: nests deeper than {MAX_DEPTH} levels. "
                                     "Fix: flatten the value; no cvmigrate setting nests that deep.")
            node = _Node("seq" if isinstance(event, yaml.SequenceStartEvent) else "map", line, tag=event.tag)
            if event.anchor:
                anchors[event.anchor] = node
            attach(node)
            stack.append(node)
            pending_key.append(None)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            stack.pop()
            pending_key.pop()
    return root


# --- values as go-yaml v3 delivers them -------------------------------------------------------------

class _Budget:
    def __init__(self, where: str):
        self.left = MAX_VALUES
        self.where = where

    def spend(self, node: _Node) -> None:
        self.left -= 1
        if self.left < 0:
            raise StackFileError(f"{self.where}: line {node.line}: expands to more than {MAX_VALUES} values "
                                 "(aliases repeated inside aliases). Fix: write the values out instead of nesting "
                                 "aliases.")


def _value(node: _Node, budget: _Budget, depth: int = 0) -> Any:
    budget.spend(node)
    if depth > MAX_DEPTH:
        raise StackFileError(f"{budget.where}: line {node.line}: nests deeper than {MAX_DEPTH} levels "
                             "(an alias inside itself?). Fix: flatten the value.")
    if node.kind == "scalar":
        if node.tag is None:
            return resolve_plain(node.value)
        if node.tag == _STR_TAG or not node.tag.startswith(_YAML_TAG):
            if node.tag != _STR_TAG:
                raise StackFileError(f"{budget.where}: line {node.line}: tag {node.tag} is not a YAML type "
                                     "Pulumi understands. Fix: remove the tag.")
            return node.value
        return resolve_plain(node.value)    # !!int, !!bool ...: the text resolves the same way
    if node.kind == "seq":
        return [_value(item, budget, depth + 1) for item in node.items]
    out: dict[str, Any] = {}
    merged: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.items:
        if key_node.kind == "scalar" and key_node.tag is None and key_node.value == "<<":
            sources = value_node.items if value_node.kind == "seq" else [value_node]
            for source in sources:
                value = _value(source, budget, depth + 1)
                if not isinstance(value, dict):
                    raise StackFileError(f"{budget.where}: line {key_node.line}: '<<' merges a mapping, not "
                                         f"{type(value).__name__}. Fix: merge an anchored mapping (<<: *name).")
                for k, v in value.items():
                    merged.setdefault(k, v)
            continue
        key = _key_text(_value(key_node, budget, depth + 1))
        if key in lines:
            raise StackFileError(f"{budget.where}: line {key_node.line}: mapping key \"{key}\" already defined at "
                                 f"line {lines[key]}. Fix: keep one of them; Pulumi rejects duplicate keys too.")
        lines[key] = key_node.line
        out[key] = _value(value_node, budget, depth + 1)
    for k, v in merged.items():
        out.setdefault(k, v)
    if list(out) == ["secure"] and isinstance(out["secure"], str):
        return Secret(out["secure"])
    return out


def _key_text(key: Any) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, GoFloat):
        return key.text
    if key is None:
        return ""
    if isinstance(key, (dict, list)):
        raise StackFileError("a mapping key is itself a mapping or list. Fix: use plain text keys.")
    return str(key)


def read_stack_bytes(data: bytes, where: str) -> dict[str, Any]:
    """The ``config:`` section of a stack file as go-yaml v3 decodes it (untyped values, secrets opaque)."""
    if len(data) > MAX_BYTES:
        raise StackFileError(f"{where} is {len(data)} bytes; a stack file over {MAX_BYTES} is not a stack file. "
                             "Fix: check that {stack} names the right file.", mentions=("stack",))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise StackFileError(f"{where}: line {line}: byte 0x{data[exc.start]:02x} is not UTF-8 (saved as another "
                             "encoding, e.g. Windows-1252?). Fix: save the file as UTF-8.") from None
    try:
        root = _compose(text, where)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise StackFileError(f"{where}: {at}not valid YAML ({problem}). Fix: correct the YAML there.") from None
    if root is None:
        return {}
    doc = _value(root, _Budget(where))
    if not isinstance(doc, dict):
        raise StackFileError(f"{where}: the file must be a mapping with a 'config:' key. Fix: start it with config:")
    config = doc.get("config")
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise StackFileError(f"{where}: 'config' must be a mapping of keys to values. Fix: indent the keys under config:")
    return config


# --- delivery: one text per key, as the Pulumi CLI hands the program its config ----------------------------

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
