"""Transport helpers for the Training API: endpoint checks, error bodies, Retry-After and back-off.

Errors from the service are ``CustomVisionError`` bodies ``{"code": ..., "message": ...}`` (Training.json v3.3
``definitions.CustomVisionError``); the Cognitive Services gateway in front of it answers 401 with
``{"error": {"code": "401", "message": ...}}``. Both shapes are understood.
"""
from __future__ import annotations

import email.utils
import json
import time
from typing import Optional
from urllib.parse import urlsplit

import httpx

from .errors import TrainingApiError

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


def normalise_endpoint(endpoint: str) -> str:
    """``https://<resource>.cognitiveservices.azure.com`` (or a regional endpoint) without a trailing path.

    Plain http is accepted only for loopback hosts (local fakes): the key travels in a header."""
    text = (endpoint or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise TrainingApiError(f"--endpoint {endpoint!r} is not a URL; expected "
                               "https://<training-resource>.cognitiveservices.azure.com")
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise TrainingApiError(f"--endpoint {endpoint!r} uses http; the training key must only travel over https")
    path = parts.path.rstrip("/")
    if path.lower().endswith(API_BASE):
        path = path[: -len(API_BASE)]
    return f"{parts.scheme}://{parts.netloc}{path}"
