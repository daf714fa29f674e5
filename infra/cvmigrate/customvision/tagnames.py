"""Tag names that differ only in case ("Cat" / "cat"): Custom Vision keeps them as two tags, so an AutoML
dataset would get two classes for one concept. Used by the inventory's findings and by the export's refusal."""
from __future__ import annotations

from typing import Iterable


def case_groups(names: Iterable[str]) -> list[list[str]]:
    """Groups (sorted, each of two or more names) of names equal under ``str.casefold``."""
    groups: dict[str, set[str]] = {}
    for name in names:
        groups.setdefault(str(name).casefold(), set()).add(str(name))
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)
