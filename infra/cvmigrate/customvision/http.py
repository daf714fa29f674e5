"""Transport helpers for the Training API: endpoint checks, error bodies, Retry-After and back-off.

Errors from the service are ``CustomVisionError`` bodies ``{"code": ..., "message": ...}`` (Training.json v3.3
``definitions.CustomVisionError``); the Cognitive Services gateway in front of it answers 401 with
``{"error": {"code": "401", "message": ...}}``. Both shapes are understood.
"""
from __future__ import annotations

import email.utils
import json
import time
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlsplit

from ..errors import TrainingApiError

if TYPE_CHECKING:  # annotations only: httpx loads when a client is made
    import httpx

API_BASE = "/customvision/v3.3/training"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 300.0         # never sleep longer than this on one Retry-After
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def error_body(response: httpx.Response) -> tuple[str, str]:
    """(code, message) from a CustomVisionError body or the gateway's ``{"error": {...}}`` envelope."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return "", response.text[:200].strip()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    if isinstance(body, dict):
        return str(body.get("code") or ""), str(body.get("message") or "")
    return "", ""


def retry_after_seconds(response: httpx.Response, now: Optional[float] = None) -> Optional[float]:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), None if absent/invalid."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, min(float(value), MAX_RETRY_AFTER))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    delta = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, min(delta, MAX_RETRY_AFTER))


def backoff_seconds(attempt: int) -> float:
    """Wait before retry ``attempt`` (1-based) when the service gave no Retry-After."""
    return min(0.5 * (2 ** (attempt - 1)), 30.0)


def check_key(key: str, what: str = "training key") -> None:
    """A key is one line of printable ASCII; anything else (a pasted newline, a tab, a non-ASCII character)
    would be sent as a broken header. The message never quotes the key."""
    bad = next((c for c in key if not (32 < ord(c) < 127)), None)
    if bad is not None:
        name = {"\n": "a newline", "\r": "a carriage return", "\t": "a tab", " ": "a space"}.get(
            bad, f"the character U+{ord(bad):04X}")
        raise TrainingApiError(f"the {what} contains {name}: a copy-paste artefact. Fix: copy Key 1 or Key 2 of "
                               "the Custom Vision resource again (Azure portal > Keys and Endpoint)")


def normalise_endpoint(endpoint: str) -> str:
    """``https://<resource>.cognitiveservices.azure.com`` (or a regional endpoint) without a trailing path.

    Plain http is accepted only for loopback hosts (local fakes): the key travels in a header."""
    text = (endpoint or "").strip()
    expected = "expected https://<training-resource>.cognitiveservices.azure.com"
    try:
        parts = urlsplit(text)
        host, _ = parts.hostname, parts.port         # both parse (and validate) the authority
    except ValueError as exc:                        # "Invalid IPv6 URL", a bad port, an invalid IP literal
        raise TrainingApiError(f"{endpoint!r} is not a valid URL ({exc}); {expected}", field="endpoint") from None
    if parts.scheme not in ("https", "http") or not parts.netloc or not host:
        raise TrainingApiError(f"{endpoint!r} is not a URL; {expected}", field="endpoint")
    if parts.username is not None or parts.password is not None:
        raise TrainingApiError("carries a user name or password (https://user:...@host): the key goes in a "
                               "header, never in the URL. Fix: remove it from the URL and pass the key the way the "
                               "command's help says (an environment variable or {stack}/{workload})", field="endpoint",
                               mentions=("stack", "workload"))
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        raise TrainingApiError(f"{endpoint!r} contains spaces or control characters; {expected}", field="endpoint")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise TrainingApiError(f"{endpoint!r} uses http; the training key must only travel over https",
                               field="endpoint")
    path = parts.path.rstrip("/")
    if path.lower().endswith(API_BASE):
        path = path[: -len(API_BASE)]
    return f"{parts.scheme}://{parts.netloc}{path}"
