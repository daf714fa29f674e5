"""One scoring call over HTTP: bounded retries on throttling and transient failures, ``Retry-After`` honoured
(the same parsing and backoff as the export's Training API client), latency of the answering attempt.

A final answer (any 2xx, or a 4xx other than 408/429) is a ``Reply`` the runner caches and the target parses;
giving up on a transient failure raises ``Transient`` (not cached, so a re-run retries that image).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..customvision.http import backoff_seconds, retry_after_seconds

if TYPE_CHECKING:  # annotations only: httpx loads when a call is made
    import httpx

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class RequestSpec:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    content: Optional[bytes] = None
    json: Any = None


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any            # parsed JSON, or {"text": <first 500 characters>} when the body is not JSON
    latency_ms: float


class Transient(Exception):
    """Still throttled, timing out or failing after every attempt."""

    def __init__(self, error_class: str, detail: str):
        super().__init__(detail)
        self.error_class, self.detail = error_class, detail


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"text": response.text[:500]}


def send(client: httpx.Client, spec: RequestSpec, *, sleep: Callable[[float], None] = time.sleep,
         max_attempts: int = MAX_ATTEMPTS, on_retry: Optional[Callable[[float], None]] = None) -> Reply:
    import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
    for attempt in range(1, max_attempts + 1):
        started = time.perf_counter()
        try:
            response = client.post(spec.url, headers=spec.headers, content=spec.content, json=spec.json)
        except httpx.TimeoutException:
            error, detail, wait = "timeout", f"no answer within {client.timeout.read}s", None
        except httpx.TransportError as exc:
            error, detail, wait = "connection", type(exc).__name__, None
        else:
            latency = (time.perf_counter() - started) * 1000.0
            if response.status_code not in RETRY_STATUSES:
                return Reply(response.status_code, _body(response), round(latency, 3))
            error, detail = f"http_{response.status_code}", f"HTTP {response.status_code}"
            wait = retry_after_seconds(response)
        if attempt == max_attempts:
            raise Transient(error, f"{detail} after {attempt} attempts")
        delay = backoff_seconds(attempt) if wait is None else wait
        if on_retry is not None:
            on_retry(delay)
        sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
