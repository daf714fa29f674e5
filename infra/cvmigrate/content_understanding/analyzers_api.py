"""REST client of the Content Understanding analyzers API (api-version from service.yaml).

Paths (MicrosoftDocs/azure-ai-docs articles/ai-services/content-understanding, REST quickstart and the
"create a classifier" how-to): ``GET|PUT|DELETE {endpoint}/contentunderstanding/analyzers/{analyzerId}``; a PUT
answers 201 with an ``Operation-Location`` header polled until its ``status`` is Succeeded or Failed. Auth:
``Ocp-Apim-Subscription-Key`` or an Entra bearer token (scope https://cognitiveservices.azure.com/.default).
Error bodies: ``{"error": {"code", "message"}}``. Messages never carry the key.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable, Optional

from ..errors import UserError
from .service import service_facts

if TYPE_CHECKING:  # annotations only: httpx loads when the client is made
    import httpx

DONE = {"succeeded", "failed"}


class ContentUnderstandingError(UserError):
    """A call the service refused or that never finished; one line, no secret."""


class ContentUnderstandingClient:
    def __init__(self, endpoint: str, *, key: Optional[str] = None, token: Optional[str] = None,
                 poll_seconds: float = 1.0, timeout_seconds: float = 300.0,
                 sleep: Callable[[float], None] = time.sleep, transport: Optional[httpx.BaseTransport] = None):
        if not (key or token):
            raise ContentUnderstandingError("no credential: pass a key or an Entra token")
        import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
        headers = {"Ocp-Apim-Subscription-Key": key} if key else {"Authorization": f"Bearer {token}"}
        self.endpoint = endpoint.rstrip("/")
        self._http = httpx.Client(headers=headers, timeout=30.0, transport=transport)
        self._params = {"api-version": service_facts().api_version}
        self._poll, self._timeout, self._sleep = poll_seconds, timeout_seconds, sleep

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ContentUnderstandingClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _url(self, analyzer_id: str) -> str:
        return f"{self.endpoint}/contentunderstanding/analyzers/{analyzer_id}"

    def _call(self, method: str, url: str, what: str, **kwargs: Any) -> httpx.Response:
        import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
        try:
            response = self._http.request(method, url, params=self._params, **kwargs)
        except httpx.HTTPError as exc:
            raise ContentUnderstandingError(f"{what}: cannot reach {httpx.URL(url).host} ({type(exc).__name__})") from None
        if response.status_code in (401, 403):
            raise ContentUnderstandingError(f"{what}: HTTP {response.status_code}: the key or token is not accepted "
                                            f"by {httpx.URL(url).host}; use the AIServices account's key or a role on it")
        return response

    @staticmethod
    def _failure(what: str, response: httpx.Response) -> ContentUnderstandingError:
        try:
            err = response.json().get("error") or {}
        except ValueError:
            err = {}
        detail = f" {err.get('code')}: {err.get('message')}" if err else ""
        return ContentUnderstandingError(f"{what}: HTTP {response.status_code}{detail}")

    def get_analyzer(self, analyzer_id: str) -> Optional[dict[str, Any]]:
        what = f"GET analyzers/{analyzer_id}"
        response = self._call("GET", self._url(analyzer_id), what)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise self._failure(what, response)
        return response.json()

    def delete_analyzer(self, analyzer_id: str) -> None:
        what = f"DELETE analyzers/{analyzer_id}"
        response = self._call("DELETE", self._url(analyzer_id), what)
        if response.status_code not in (200, 204, 404):
            raise self._failure(what, response)

    def put_analyzer(self, analyzer_id: str, body: dict[str, Any]) -> None:
        what = f"PUT analyzers/{analyzer_id}"
        response = self._call("PUT", self._url(analyzer_id), what, json=body)
        if response.status_code not in (200, 201):
            raise self._failure(what, response)
        operation = response.headers.get("Operation-Location")
        if operation:
            self._wait(operation, what)

    def _wait(self, operation: str, what: str) -> None:
        waited = 0.0
        while True:
            response = self._http.get(operation)
            if response.status_code != 200:
                raise self._failure(f"{what} (operation)", response)
            status = str(response.json().get("status", "")).lower()
            if status == "succeeded":
                return
            if status == "failed":
                raise self._failure(f"{what} (operation failed)", response)
            if waited >= self._timeout:
                raise ContentUnderstandingError(f"{what}: still {status or 'running'} after {self._timeout:.0f} s")
            self._sleep(self._poll)
            waited += self._poll
