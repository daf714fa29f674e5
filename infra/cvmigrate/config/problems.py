"""Configuration problems are collected, never raised one at a time.

A platform engineer fixing a stack file wants every mistake in one pass, each
naming the exact config path (``cvmigrate:workloads[1].legacy.customVision.predictionId``)
and what to write instead.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Iterable


@dataclass(frozen=True)
class ConfigIssue:
    path: str
    message: str
    fix: str = ""
    warning: bool = False

    def __str__(self) -> str:
        text = f"{self.path}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text


class ConfigError(Exception):
    """Raised once, after validation, with every problem found."""

    def __init__(self, issues: Iterable[ConfigIssue]):
        self.issues = [i for i in issues if not i.warning]
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"cvmigrate: {len(self.issues)} configuration problem(s); nothing was deployed:"]
        lines += [f"  - {issue}" for issue in self.issues]
        return "\n".join(lines)


@dataclass
class Problems:
    """Accumulator handed through the parsers."""

    issues: list[ConfigIssue] = field(default_factory=list)

    def add(self, path: str, message: str, fix: str = "") -> None:
        self.issues.append(ConfigIssue(one_line(path), one_line(message), fix))

    def warn(self, path: str, message: str, fix: str = "") -> None:
        self.issues.append(ConfigIssue(one_line(path), one_line(message), fix, warning=True))

    @property
    def errors(self) -> list[ConfigIssue]:
        return [i for i in self.issues if not i.warning]

    @property
    def warnings(self) -> list[ConfigIssue]:
        return [i for i in self.issues if i.warning]

    def raise_if_any(self) -> None:
        if self.errors:
            raise ConfigError(self.errors)


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


def one_line(text: str) -> str:
    """Values from the file are quoted in messages: their control characters are shown escaped, so every
    problem stays one line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
