"""A path-aware view over raw YAML/JSON config that records problems instead of raising."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterable, Iterator

from .problems import Problems, did_you_mean
from .stack_file import Secret

# A date as Pulumi may deliver it: "2027-03-31", Go's time text of an unquoted YAML date
# ("2027-03-31 00:00:00 +0000 UTC", "2027-03-31 23:30:00 -0500 -0500") or an ISO 8601 timestamp. The day is
# the one written, in the timestamp's own offset.
_DATE_TEXT = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?"
                        r"(?: ?(?:Z|z|[-+]\d{2}:?\d{2})(?: (?:UTC|[-+]\d{4}))?)?)?")

_MISSING = object()


class Node:
    """One value in the config tree plus the path users see in error messages."""

    def __init__(self, value: Any, path: str, problems: Problems):
        self.value = value
        self.path = path
        self.problems = problems

    # -- navigation ---------------------------------------------------------------
    def child_path(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        if not self.path or self.path.endswith(":"):
            return f"{self.path}{key}"
        return f"{self.path}.{key}"

    def get(self, key: str) -> "Node":
        value = self.value.get(key, None) if isinstance(self.value, dict) else None
        return Node(value, self.child_path(key), self.problems)

    def has(self, key: str) -> bool:
        return isinstance(self.value, dict) and self.value.get(key) is not None

    def items(self) -> Iterator[tuple[int, "Node"]]:
        if isinstance(self.value, list):
            for i, v in enumerate(self.value):
                yield i, Node(v, self.child_path(i), self.problems)

    def error(self, message: str, fix: str = "") -> None:
        self.problems.add(self.path, message, fix)

    def warn(self, message: str, fix: str = "") -> None:
        self.problems.warn(self.path, message, fix)

    # -- shape checks -------------------------------------------------------------
    def is_object(self, required: bool = False, example: str = "{...}") -> bool:
        if self.value is None:
            if required:
                self.error("is required.", f"set it, for example {example}.")
            return False
        if not isinstance(self.value, dict):
            self.error(f"must be a mapping, got {type(self.value).__name__} {self.value!r}.",
                       f"write it as {example}.")
            return False
        return True

    def is_list(self, required: bool = False, example: str = "[...]") -> bool:
        if self.value is None:
            if required:
                self.error("is required.", f"set it, for example {example}.")
            return False
        if not isinstance(self.value, list):
            self.error(f"must be a list, got {type(self.value).__name__}.", f"write it as {example}.")
            return False
        return True

    def only_keys(self, allowed: Iterable[str]) -> None:
        """Unknown keys are errors: a typo must not silently fall back to a default."""
        if not isinstance(self.value, dict):
            return
        allowed = list(allowed)
        for key in self.value:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed)
                self.problems.add(self.child_path(str(key)), "is not a known key.",
                                  hint or f"use one of: {', '.join(sorted(allowed))}.")

    # -- scalars -----------------------------------------------------------------
    def string(self, key: str, *, required: bool = False, default: Any = None,
               pattern: str | None = None, pattern_help: str = "", example: str = "") -> Any:
        node = self.get(key)
        if node.value is None:
            if required:
                node.error("is required.", f"set it{', for example ' + example if example else ''}.")
            return default
        if isinstance(node.value, Secret):
            node.error("is encrypted (secure:); only alert receivers may be secrets.",
                       "set it in plain text (pulumi config set without --secret).")
            return default
        if not isinstance(node.value, str):
            if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
                return str(node.value)
            node.error(f"must be a string, got {type(node.value).__name__}.",
                       f"quote it{', for example ' + example if example else ''}.")
            return default
        value = node.value.strip()
        if required and not value:
            node.error("must not be empty.", f"set it{', for example ' + example if example else ''}.")
            return default
        if pattern and not re.fullmatch(pattern, value):
            node.error(f"'{value}' is not valid{': ' + pattern_help if pattern_help else ''}.",
                       f"use a value like {example}." if example else "")
            return default
        return value

    def choice(self, key: str, choices: Iterable[str], *, default: Any = None,
               required: bool = False) -> Any:
        choices = list(choices)
        node = self.get(key)
        if node.value is None:
            if required:
                node.error("is required.", f"set one of: {', '.join(choices)}.")
            return default
        if node.value not in choices:
            hint = did_you_mean(str(node.value), choices)
            node.error(f"'{node.value}' is not one of {', '.join(choices)}.",
                       hint or f"use one of: {', '.join(choices)}.")
            return default
        return node.value

    def boolean(self, key: str, *, default: bool = False) -> bool:
        node = self.get(key)
        if node.value is None:
            return default
        if isinstance(node.value, bool):
            return node.value
        if isinstance(node.value, str) and node.value.lower() in ("true", "false"):
            return node.value.lower() == "true"
        node.error(f"must be true or false, got {node.value!r}.", "write true or false.")
        return default

    def integer(self, key: str, *, default: Any = None, minimum: int | None = None,
                maximum: int | None = None, required: bool = False) -> Any:
        node = self.get(key)
        if node.value is None:
            if required:
                node.error("is required.", "set a whole number.")
            return default
        value = node.value
        if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            node.error(f"must be a whole number, got {node.value!r}.", "write a whole number.")
            return default
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            node.error(f"{value} is out of range.", f"use a number {bounds}.")
            return default
        return value

    def number(self, key: str, *, default: Any = None, minimum: float | None = None,
               maximum: float | None = None) -> Any:
        node = self.get(key)
        if node.value is None:
            return default
        value = node.value
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                pass
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            node.error(f"must be a number, got {node.value!r}.", "write a number.")
            return default
        if minimum is not None and value < minimum or maximum is not None and value > maximum:
            node.error(f"{value} is out of range.", f"use a number between {minimum} and {maximum}.")
            return default
        return float(value)

    def date(self, key: str, *, default: Any = None, required: bool = False) -> Any:
        node = self.get(key)
        if node.value is None:
            if required:
                node.error("is required.", 'write a date as "YYYY-MM-DD".')
            return default
        if isinstance(node.value, dt.datetime):
            return node.value.date()
        if isinstance(node.value, dt.date):
            return node.value
        match = _DATE_TEXT.fullmatch(node.value.strip()) if isinstance(node.value, str) else None
        if match:
            try:
                return dt.date.fromisoformat(match[1])
            except ValueError:
                pass
        node.error(f"{node.value!r} is not a date.", 'write it as "YYYY-MM-DD" (quoted), e.g. "2027-03-31".')
        return default

    def string_map(self, key: str) -> dict[str, str]:
        """A mapping of strings to strings (tags): a list, map, number or null value is an error, not text."""
        node = self.get(key)
        if node.value is None:
            return {}
        if not isinstance(node.value, dict):
            node.error("must be a mapping of tag names to values.", "write it as {team: vision, costCenter: '123'}.")
            return {}
        out: dict[str, str] = {}
        for k, v in node.value.items():
            if isinstance(v, str):
                out[str(k)] = v
            else:
                shown = "null" if v is None else type(v).__name__
                node.problems.add(node.child_path(str(k)), f"is a {shown}; tag values are plain strings.",
                                  "quote the value, e.g. costCenter: '123'.")
        return out
