"""What every scoring target shares: the normalised ``Prediction``, per-image ``ScoreFailure``, key-or-Entra
authentication, URL checks, and the registry of replacement targets (``automl``, ``foundry``; Content
Understanding can be added as one more module with a ``build`` function).

A target turns one image into a ``RequestSpec`` and one final HTTP ``Reply`` into a ``Prediction``; it never
sends anything itself, so retries, caching and concurrency live once in the runner.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Protocol
from urllib.parse import urlsplit

from .dataset import Box, Sample
from ..errors import CompareError
from .transport import Reply, RequestSpec

LOOPBACK = ("127.0.0.1", "localhost", "::1")
TOKEN_REFRESH_MARGIN = 300.0    # seconds before expiry


@dataclass(frozen=True)
class Prediction:
    scores: dict[str, float] = field(default_factory=dict)   # classification: tag -> score
    boxes: tuple[Box, ...] = ()                                # detection
    calibrated: bool = True        # False: the model gives decisions, not scores (chat models)


class ScoreFailure(Exception):
    """This image got no usable prediction; ``error_class`` is what the report counts it under."""

    def __init__(self, error_class: str, detail: str):
        super().__init__(detail)
        self.error_class, self.detail = error_class, detail


class Target(Protocol):
    kind: str

    def describe(self) -> dict: ...
    def request(self, sample: Sample, data: bytes) -> RequestSpec: ...
    def parse(self, reply: Reply) -> Prediction: ...
    def fatal(self, reply: Reply) -> Optional[str]: ...


def cache_key(target: Target) -> str:
    """Folder name of a target's response cache: changes whenever what it asks changes."""
    text = json.dumps(target.describe(), sort_keys=True)
    return f"{target.kind}-{hashlib.sha256(text.encode()).hexdigest()[:16]}"


def check_url(field: str, url: str) -> str:
    """An https URL (plain http only for loopback fakes); returned without a trailing slash. ``field`` names
    the input in errors."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise CompareError(f"{safe_url(url)!r} is not a URL; expected https://...", field=field)
    if parts.scheme == "http" and parts.hostname not in LOOPBACK:
        raise CompareError(f"{safe_url(url)!r} uses http; keys and tokens only travel over https", field=field)
    if parts.username or parts.password:
        raise CompareError("must not carry credentials in the URL; use the documented key variable", field=field)
    return (url or "").strip().rstrip("/")


def safe_url(url: str) -> str:
    """A URL for messages: no query string (SAS tokens, keys) and no user info."""
    parts = urlsplit(str(url or ""))
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" if parts.scheme else str(url or "").split("?")[0]


def service_message(reply: Reply) -> str:
    """'code: message' from the error envelopes the services use ({code,message} or {error:{code,message}})."""
    body = reply.body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        body = body["error"]
    if isinstance(body, dict):
        code, message = str(body.get("code") or ""), str(body.get("message") or body.get("text") or "")
        return f"{code}: {message}"[:300] if code else message[:300]
    return ""


def refused_or_missing(reply: Reply, auth: Auth, *, service: str, key_env: str, role: str, check: str,
                       not_found: Callable[[str], str]) -> Optional[str]:
    """Why a replacement endpoint's answer stops the run, or None: 401/403 (the key in ``key_env``, or the Entra
    identity that needs ``role``; ``check`` names what else to check) and 404 (``not_found`` of the service's
    message)."""
    if reply.status in (401, 403):
        how = key_env if auth.mode == "key" else f"your Entra identity ({role} role)"
        return f"{service} refused the request (HTTP {reply.status}); check {how} and {check}"
    if reply.status == 404:
        return not_found(service_message(reply))
    return None


def http_failure(reply: Reply) -> ScoreFailure:
    return ScoreFailure(f"http_{reply.status}", service_message(reply) or f"HTTP {reply.status}")


class Auth:
    """A key in ``header`` (``bearer``: as ``Authorization: Bearer <key>``), else an Entra token for ``scope``
    from ``credential`` (DefaultAzureCredential when none is given), refreshed before it expires."""

    def __init__(self, header: str, key: Optional[str], scope: Optional[str], credential: Any = None,
                 bearer: bool = False):
        self.header, self.key, self.scope, self.bearer = header, (key or "").strip() or None, scope, bearer
        self._credential = credential
        self._token: Optional[tuple[str, float]] = None
        self._lock = threading.Lock()

    @property
    def mode(self) -> str:
        return "key" if self.key else "entra"

    def headers(self) -> dict[str, str]:
        if self.key:
            return {"Authorization": f"Bearer {self.key}"} if self.bearer else {self.header: self.key}
        return {"Authorization": f"Bearer {self._bearer_token()}"}

    def _bearer_token(self) -> str:
        with self._lock:
            if self._token is None or self._token[1] - time.time() < TOKEN_REFRESH_MARGIN:
                if self._credential is None:
                    from azure.identity import DefaultAzureCredential  # heavy SDK: only when no key is set

                    self._credential = DefaultAzureCredential()
                try:
                    token = self._credential.get_token(self.scope)
                except Exception as exc:  # azure-identity raises several unrelated types
                    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
                    raise CompareError(f"no key set and no Entra token for {self.scope} ({first}); set the key "
                                       "variable or run `az login`") from None
                self._token = (token.token, float(token.expires_on))
            return self._token[0]
