"""The ``cvmigrate:alerts`` section: thresholds the queries and alert rules compare against, and the
receivers of the environment's action group (``emails``, ``webhooks``, ``smsNumbers``).

An environment must name at least one receiver unless it sets ``enabled: false``: an alert that pages
nobody is indistinguishable from a migration that went quiet.
Threshold defaults live in ``queries/thresholds.yaml`` so the README, the rendered queries and the alert
rules quote the same numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..paths import load_data_yaml, queries_dir
from .reader import Node
from .stack_file import Secret

_ALERT_KEYS = ["thresholds", "enabled", "emails", "webhooks", "smsNumbers", "actionGroupShortName"]

# key -> (kind, minimum, maximum). Integers are whole numbers; rates are fractions of calls.
THRESHOLD_RULES: dict[str, tuple[str, float, float]] = {
    "regressionBaselineWeeks": ("int", 3, 12),
    "regressionTolerance": ("number", 0.0, 100.0),
    "regressionNoiseSigmas": ("number", 0.0, 10.0),
    "regressionMinCalls": ("int", 1, 10_000_000),
    "pipelineGapMinCalls": ("int", 1, 10_000_000),
    "replacementMaxErrorRate": ("number", 0.0, 1.0),
    "replacementMaxP95Ms": ("int", 1, 600_000),
    "errorRate401": ("number", 0.0, 1.0),
    "errorRate404": ("number", 0.0, 1.0),
    "errorRate429": ("number", 0.0, 1.0),
    "deadlineDays": ("int", 1, 3650),
    "switchedMaxLegacyShare": ("number", 0.0, 1.0),
    "burndownFitWeeks": ("int", 2, 26),
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
    return load_data_yaml((queries_dir() / "thresholds.yaml").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Thresholds:
    regression_baseline_weeks: int
    regression_tolerance: float
    regression_noise_sigmas: float
    regression_min_calls: int
    pipeline_gap_min_calls: int
    replacement_max_error_rate: float
    replacement_max_p95_ms: int
    error_rate_401: float
    error_rate_404: float
    error_rate_429: float
    deadline_days: int
    switched_max_legacy_share: float
    burndown_fit_weeks: int

    @classmethod
    def defaults(cls) -> "Thresholds":
        return cls(**{threshold_attr(k): v for k, v in threshold_defaults().items()})


@dataclass(frozen=True)
class SmsNumber:
    country_code: str   # digits, without the "+"
    phone_number: str   # digits


@dataclass(frozen=True)
class AlertsConfig:
    thresholds: Thresholds = field(default_factory=Thresholds.defaults)
    # Receivers of the environment's action group. With enabled: false the stack deploys no alert
    # rules and no action group (the workbook and the query pack stay).
    enabled: bool = True
    emails: tuple[str, ...] = ()
    webhooks: tuple[str, ...] = ()
    sms_numbers: tuple[SmsNumber, ...] = ()
    action_group_short_name: str | None = None   # None: "cvm-<environment>" cut to 12 characters

    @property
    def has_receivers(self) -> bool:
        return bool(self.emails or self.webhooks or self.sms_numbers)


def threshold_attr(key: str) -> str:
    """regressionBaselineWeeks -> regression_baseline_weeks; errorRate401 -> error_rate_401."""
    out: list[str] = []
    for i, ch in enumerate(key):
        prev = key[i - 1] if i else ""
        if ch.isupper() or (ch.isdigit() and prev.isalpha() and not key[i - 1].isupper()):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def parse_alerts(node: Node) -> AlertsConfig:
    """``cvmigrate:alerts``; problems go to the shared collector."""
    if node.value is None:
        node.error(_NO_RECEIVERS, _RECEIVERS_FIX)
        return AlertsConfig()
    if not node.is_object(example="{emails: [oncall@contoso.com]}"):
        return AlertsConfig()
    node.only_keys(_ALERT_KEYS)
    enabled = node.boolean("enabled", default=True)
    emails = _receivers(node.get("emails"), _EMAIL, "an e-mail address", "oncall@contoso.com")
    webhooks = _receivers(node.get("webhooks"), _WEBHOOK, "an https:// URL",
                          "https://contoso.webhook.office.com/webhookb2/...")
    sms = [_sms(text) for text in _receivers(node.get("smsNumbers"), _SMS, "a phone number as "
                                             "'+<country code> <number>'", '"+1 4255550123"')]
    short = node.string("actionGroupShortName", pattern=_SHORT_NAME,
                        pattern_help="1-12 letters, digits, spaces, '-' or '_' (Azure's limit for the "
                                     "short name shown in SMS and e-mail)", example="cvm-prod")
    if enabled and not (emails or webhooks or sms):
        node.error(_NO_RECEIVERS, _RECEIVERS_FIX)
    return AlertsConfig(thresholds=_thresholds(node.get("thresholds")), enabled=enabled,
                        emails=tuple(emails), webhooks=tuple(webhooks), sms_numbers=tuple(sms),
                        action_group_short_name=short)


_NO_RECEIVERS = ("has no receivers: alert rules that notify nobody look exactly like a quiet migration.")
_RECEIVERS_FIX = ("set at least one of emails: [oncall@contoso.com], webhooks: [https://...] or "
                  "smsNumbers: [\"+1 4255550123\"] under cvmigrate:alerts, or enabled: false to deploy no alerts.")
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
_WEBHOOK = r"https://[^\s/]+(/\S*)?"
_SMS = r"\+\d{1,3} \d[\d -]{3,18}\d"
_SHORT_NAME = r"[A-Za-z0-9 _-]{1,12}"


def _receivers(node: Node, pattern: str, what: str, example: str) -> list[str]:
    """A list of unique strings, each matching ``pattern``; problems name the item's path."""
    if not node.is_list(example=f"[{example}]"):
        return []
    out: list[str] = []
    for _, item in node.items():
        value = item.value.strip() if isinstance(item.value, str) else None
        if isinstance(item.value, Secret):
            value = item.value           # `pulumi config set --secret --path`: opaque here, checked in the program
        elif not value or not re.fullmatch(pattern, value):
            item.error(f"{item.value!r} is not {what}.", f"write it like {example}.")
            continue
        if value.lower() in (v.lower() for v in out):
            item.error(f"'{value}' is listed twice.", "list every receiver once.")
            continue
        out.append(value)
    return out


def _sms(text: str) -> SmsNumber:
    country, _, number = text[1:].partition(" ")
    return SmsNumber(country_code=country, phone_number=re.sub(r"[ -]", "", number))


def _thresholds(node: Node) -> Thresholds:
    defaults = threshold_defaults()
    if node.value is None or not node.is_object(example="{regressionTolerance: 0.5}"):
        return Thresholds.defaults()
    node.only_keys(THRESHOLD_RULES)
    values: dict[str, Any] = {}
    for key, (kind, low, high) in THRESHOLD_RULES.items():
        if kind == "int":
            values[threshold_attr(key)] = node.integer(key, default=defaults[key], minimum=int(low), maximum=int(high))
        else:
            values[threshold_attr(key)] = node.number(key, default=float(defaults[key]), minimum=low, maximum=high)
    return Thresholds(**values)

