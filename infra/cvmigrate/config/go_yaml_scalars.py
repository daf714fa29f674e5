"""Plain YAML scalars resolved as go-yaml v3 (resolve.go) resolves them into untyped values, which is what the
Pulumi CLI hands on (see :mod:`.stack_file`): only ``true/True/TRUE/false/...`` are booleans (``yes`` stays
text); ints in Go syntax (``0777`` octal, ``0x1F``, ``1_000``), else floats, printed as Go's encoding/json
prints them (``1e5`` -> ``100000``, ``1e21`` -> ``1e+21``); ``~``/``null``; unquoted timestamps as Go's
``Time.String()`` text (``2027-03-31 00:00:00 +0000 UTC``)."""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Optional


@dataclass(frozen=True)
class GoFloat:
    """A YAML float, with the text Go's encoding/json gives it."""
    text: str


_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_GO_INT = re.compile(r"^[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[-+]\d{2}:\d{2}))"
    r"|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?))?$")
_NULLS = ("", "~", "null", "Null", "NULL")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INF_NAN = (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN")


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
