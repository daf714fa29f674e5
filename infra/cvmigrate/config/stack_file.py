"""``Pulumi.<env>.yaml`` read the way the Pulumi CLI reads it, so `cvmigrate validate` and the program agree.

The Pulumi CLI parses the file with go-yaml v3 into untyped values, then hands the program one text per key
(``PULUMI_CONFIG``): scalars as text, maps and lists as JSON (sdk/go/common/workspace/loaders.go,
resource/config/object.go; see README "Stack files"). This module reads the file as go-yaml v3 does:

- plain scalars resolved as go-yaml v3 resolves them (:mod:`.go_yaml_scalars`: ``yes`` stays text, Go ints and
  floats, timestamps as Go's ``Time.String()`` text);
- duplicate keys are an error, as in go-yaml v3; merge keys (``<<``) are applied;
- ``{secure: <ciphertext>}`` leaves: decrypted by Pulumi for the program; here, without Pulumi, kept as an
  opaque :class:`Secret` (present, never decrypted);
- bounded: file size, nesting depth and values after alias expansion, so an alias bomb stops with one line.

:func:`read_stack_bytes` gives the ``config:`` section; :mod:`.pulumi_delivery` turns it into the per-key texts
the program receives and back into the values the parser reads.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Optional

import yaml

from ..errors import UserError
from .go_yaml_scalars import GoFloat, resolve_plain

MAX_BYTES = 1_000_000        # a stack file is a few kilobytes; anything this big is a mistake
MAX_DEPTH = 64
MAX_VALUES = 200_000         # scalars, lists and maps after alias expansion


class StackFileError(UserError):
    """A stack file that cannot be read at all; the message is one line naming the file, the place and the fix."""


class Secret(str):
    """A ``secure:`` value as `validate` sees it: present, opaque (its text is a placeholder, never plaintext)."""

    def __new__(cls, ciphertext: str) -> "Secret":
        digest = hashlib.sha256(ciphertext.encode("utf-8")).hexdigest()[:8]
        return super().__new__(cls, f"[secret {digest}]")


@dataclass
class _Node:
    kind: str                    # scalar | seq | map
    line: int
    value: str = ""              # scalar text
    style: Optional[str] = None  # scalar: None for plain
    tag: Optional[str] = None
    items: list = field(default_factory=list)   # seq: [_Node]; map: [(_Node, _Node)]


_STR_TAG, _YAML_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:"


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
