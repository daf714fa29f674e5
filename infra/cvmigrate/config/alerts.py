"""The ``cvmigrate:alerts`` section: thresholds the queries and alert rules compare against.

Only ``thresholds`` is parsed here for now; action-group receivers will join as another key of
:class:`AlertsConfig` (add it to ``_ALERT_KEYS`` and parse it in :func:`parse_alerts`).
Defaults live in ``queries/thresholds.yaml`` so the README, the rendered queries and the alert
rules quote the same numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from .reader import Node

_ALERT_KEYS = ["thresholds"]

# key -> (kind, minimum, maximum). Integers are whole numbers; rates are fractions of calls.
_THRESHOLD_RULES: dict[str, tuple[str, float, float]] = {
    "regressionWindowHours": ("int", 1, 24),
    "regressionBaselineDays": ("int", 1, 60),
    "regressionTolerance": ("number", 0.0, 100.0),
    "regressionMinCalls": ("int", 1, 10_000_000),
    "replacementMaxErrorRate": ("number", 0.0, 1.0),
    "replacementMaxP95Ms": ("int", 1, 600_000),
    "errorRate401": ("number", 0.0, 1.0),
    "errorRate404": ("number", 0.0, 1.0),
    "errorRate429": ("number", 0.0, 1.0),
    "deadlineDays": ("int", 1, 3650),
}


@lru_cache(maxsize=1)
def threshold_defaults() -> dict[str, Any]:
    """The ``thresholds`` mapping of queries/thresholds.yaml."""
    return dict(_data_file()["thresholds"])


@lru_cache(maxsize=1)
def query_windows() -> dict[str, int]:
    """The ``windows`` mapping of queries/thresholds.yaml (lookbacks of the queries)."""
    return dict(_data_file()["windows"])


def _data_file() -> dict[str, Any]:
    from ..paths import queries_dir

    return yaml.safe_load((queries_dir() / "thresholds.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Thresholds:
    regression_window_hours: int
    regression_baseline_days: int
    regression_tolerance: float
    regression_min_calls: int
    replacement_max_error_rate: float
    replacement_max_p95_ms: int
    error_rate_401: float
    error_rate_404: float
    error_rate_429: float
    deadline_days: int

    @classmethod
    def defaults(cls) -> "Thresholds":
        return cls(**{_attr(k): v for k, v in threshold_defaults().items()})


@dataclass(frozen=True)
class AlertsConfig:
    thresholds: Thresholds = field(default_factory=Thresholds.defaults)


def _attr(key: str) -> str:
    """regressionWindowHours -> regression_window_hours; errorRate401 -> error_rate_401."""
    out: list[str] = []
    for i, ch in enumerate(key):
        prev = key[i - 1] if i else ""
        if ch.isupper() or (ch.isdigit() and prev.isalpha() and not key[i - 1].isupper()):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def parse_alerts(node: Node) -> AlertsConfig:
    """Parser registered as ``TOP_SECTIONS["alerts"]``; problems go to the shared collector."""
    if node.value is None:
        return AlertsConfig()
    if not node.is_object(example="{thresholds: {regressionTolerance: 0.5}}"):
        return AlertsConfig()
    node.only_keys(_ALERT_KEYS)
    return AlertsConfig(thresholds=_thresholds(node.get("thresholds")))


def _thresholds(node: Node) -> Thresholds:
    defaults = threshold_defaults()
    if node.value is None or not node.is_object(example="{regressionTolerance: 0.5}"):
        return Thresholds.defaults()
    node.only_keys(_THRESHOLD_RULES)
    values: dict[str, Any] = {}
    for key, (kind, low, high) in _THRESHOLD_RULES.items():
        if kind == "int":
            values[_attr(key)] = node.integer(key, default=defaults[key], minimum=int(low), maximum=int(high))
        else:
            values[_attr(key)] = node.number(key, default=float(defaults[key]), minimum=low, maximum=high)
    return Thresholds(**values)

