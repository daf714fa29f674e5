"""Client for the Custom Vision Training REST API v3.3 (basePath ``/customvision/v3.3/training``, key in the
``Training-Key`` header), for the reads the export and the inventory need and the model export.

Paths, query parameters and models follow azure-rest-api-specs
``specification/cognitiveservices/data-plane/CustomVision/Training/stable/v3.3/Training.json``; every method
names its operationId.

429 and 5xx are retried, honouring ``Retry-After`` (seconds or an HTTP date). Image and model bytes come from
SAS URLs on the service's storage through a second HTTP client that never carries the training key, or through
GetArtifact when the account uses a VNET and the URI is a relative path. A 403/404 from a SAS URL raises
ImageUrlUnavailable so the caller can ask for a fresh URL.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional
from urllib.parse import urlsplit

from ..errors import ImageUrlUnavailable, ServiceError, TrainingApiError
from ..redaction import redact, register
from .http import (API_BASE, RETRY_STATUSES, backoff_seconds, check_key, error_body, normalise_endpoint,
                   retry_after_seconds)

if TYPE_CHECKING:  # annotations only: httpx loads when the client is made
    import httpx

PAGE_SIZE = 256                 # GetTaggedImages/GetUntaggedImages: "take ... limited to 256"
BY_IDS_LIMIT = 256              # GetImagesByIds: "imageIds ... Limited to 256"
MAX_ATTEMPTS = 6
# The Custom Vision portal's default thresholds for the scores it shows (probability 50 %, overlap 30 %).
PORTAL_THRESHOLD = 0.5
PORTAL_OVERLAP_THRESHOLD = 0.3
PREDICTION_KEY_HINT = (
    "the service rejected the training key (HTTP 401). This is usually a prediction key, or the key of "
    "another resource or region: use Key 1/Key 2 of the Custom Vision *Training* resource that {endpoint} "
    "names (Azure portal > the training resource > Keys and Endpoint)")


@dataclass
class TransferStats:
    retries: int = 0
    slept: float = 0.0
    throttled: int = 0


@dataclass(frozen=True)
class Downloaded:
    sha256: str
    size: int
    head: bytes     # first 16 bytes, for format sniffing


class TrainingClient:
    """Training API v3.3 client. Thread-safe (httpx.Client is); share one across workers."""

    def __init__(self, endpoint: str, key: str, *, timeout: float = 60.0,
                 sleep: Optional[Callable[[float], None]] = None, max_attempts: int = MAX_ATTEMPTS,
                 max_connections: int = 16):
        if not key:
            raise TrainingApiError("the training key is empty")
        register(key)       # whatever quotes it later (httpx's "Illegal header value ...") prints *** instead
        check_key(key)
        self.endpoint = normalise_endpoint(endpoint)
        self.base_url = self.endpoint + API_BASE
        self._sleep = sleep or time.sleep
        self._max_attempts = max_attempts
        import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._api = httpx.Client(base_url=self.base_url, headers={"Training-Key": key},
                                 timeout=timeout, limits=limits)
        # Image and model bytes live on the service's storage behind SAS URLs: never send the key there.
        self._blob = httpx.Client(timeout=timeout, limits=limits, follow_redirects=True)
        self._reached = False
        self.stats = TransferStats()
        self._stats_lock = threading.Lock()

    def close(self) -> None:
        self._api.close()
        self._blob.close()

    def __enter__(self) -> "TrainingClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # --- transport -------------------------------------------------------------------------------

    def _send(self, operation: str, send: Callable[[], httpx.Response]) -> httpx.Response:
        import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = send()
            except httpx.TransportError as exc:
                # Until the endpoint has answered once, a transport error means a wrong endpoint:
                # fail fast instead of backing off for a minute.
                if not self._reached:
                    raise TrainingApiError(
                        f"cannot reach {self.endpoint} ({type(exc).__name__}: {redact(exc)}); check {{endpoint}} "
                        "(https://<training-resource>.cognitiveservices.azure.com or the region's endpoint)",
                        mentions=("endpoint",)) from None
                if attempt >= self._max_attempts:
                    raise TrainingApiError(f"{operation}: {type(exc).__name__} after {attempt} attempts: "
                                           f"{redact(exc)}") from None
                self._wait(backoff_seconds(attempt))
                continue
            self._reached = True
            # Throttling gets twice the attempts: the export's window shrinks meanwhile, so it clears.
            limit = self._max_attempts * (2 if response.status_code == 429 else 1)
            if response.status_code in RETRY_STATUSES and attempt < limit:
                wait = retry_after_seconds(response)
                if response.status_code == 429:
                    with self._stats_lock:
                        self.stats.throttled += 1
                response.close()
                self._wait(backoff_seconds(attempt) if wait is None else wait)
                continue
            return response

    def _wait(self, seconds: float) -> None:
        with self._stats_lock:
            self.stats.retries += 1
            self.stats.slept += seconds
        self._sleep(seconds)

    def _json(self, operation: str, method: str, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        response = self._send(operation, lambda: self._api.request(method, path, params=params))
        if response.status_code == 200:
            return response.json()
        self._raise(operation, response)

    def _get_json(self, operation: str, path: str, params: Optional[dict[str, Any]] = None) -> Any:
        return self._json(operation, "GET", path, params)

    def _raise(self, operation: str, response: httpx.Response) -> None:
        status = response.status_code
        code, message = error_body(response)
        if status == 401:
            raise TrainingApiError(PREDICTION_KEY_HINT + (f" [service said: {message}]" if message else ""),
                                   mentions=("endpoint",))
        if status == 404 and not code.startswith("NotFound"):
            raise TrainingApiError(
                f"{self.endpoint} does not serve the Custom Vision Training API v3.3 (HTTP 404 on "
                f"{operation}); check that {{endpoint}} is the training resource's endpoint and its region",
                mentions=("endpoint",))
        if status in RETRY_STATUSES:
            attempts = self._max_attempts * (2 if status == 429 else 1)
            raise TrainingApiError(f"{operation} still failing after {attempts} attempts "
                                   f"(HTTP {status}{': ' + code if code else ''}{' ' + message if message else ''})")
        raise ServiceError(operation, status, code, message)

    # --- operations (operationIds from the v3.3 spec) ---------------------------------------------

    def get_domains(self) -> list[dict]:
        return self._get_json("GetDomains", "/domains")

    def get_domain(self, domain_id: str) -> dict:
        return self._get_json("GetDomain", f"/domains/{domain_id}")

    def get_projects(self) -> list[dict]:
        return self._get_json("GetProjects", "/projects")

    def get_project(self, project_id: str) -> dict:
        return self._get_json("GetProject", f"/projects/{project_id}")

    def get_tags(self, project_id: str) -> list[dict]:
        return self._get_json("GetTags", f"/projects/{project_id}/tags")

    def get_tagged_image_count(self, project_id: str) -> int:
        return int(self._get_json("GetTaggedImageCount", f"/projects/{project_id}/images/tagged/count"))

    def get_untagged_image_count(self, project_id: str) -> int:
        return int(self._get_json("GetUntaggedImageCount", f"/projects/{project_id}/images/untagged/count"))

    def iter_images(self, project_id: str, tagged: bool, page_size: int = PAGE_SIZE) -> Iterator[list[dict]]:
        """Pages of GetTaggedImages / GetUntaggedImages, oldest first so that images added during the
        export land at the end instead of shifting every page."""
        page_size = max(1, min(page_size, PAGE_SIZE))
        kind = "tagged" if tagged else "untagged"
        operation = "GetTaggedImages" if tagged else "GetUntaggedImages"
        skip = 0
        while True:
            page = self._get_json(operation, f"/projects/{project_id}/images/{kind}",
                                  {"take": page_size, "skip": skip, "orderBy": "Oldest"})
            if not page:
                return
            yield page
            if len(page) < page_size:
                return
            skip += len(page)

    def get_images_by_ids(self, project_id: str, image_ids: list[str]) -> list[dict]:
        """GetImagesByIds ``GET /projects/{projectId}/images/id?imageIds=a,b`` (csv, at most 256): the
        images with freshly signed URLs."""
        if not 0 < len(image_ids) <= BY_IDS_LIMIT:
            raise ValueError(f"GetImagesByIds takes 1 to {BY_IDS_LIMIT} ids, not {len(image_ids)}")
        return self._get_json("GetImagesByIds", f"/projects/{project_id}/images/id",
                              {"imageIds": ",".join(image_ids)})

    def get_iterations(self, project_id: str) -> list[dict]:
        return self._get_json("GetIterations", f"/projects/{project_id}/iterations")

    def get_iteration_performance(self, project_id: str, iteration_id: str, threshold: float,
                                  overlap_threshold: Optional[float] = None) -> dict:
        params: dict[str, Any] = {"threshold": threshold}
        if overlap_threshold is not None:
            params["overlapThreshold"] = overlap_threshold
        return self._get_json("GetIterationPerformance",
                              f"/projects/{project_id}/iterations/{iteration_id}/performance", params)

    def get_exports(self, project_id: str, iteration_id: str) -> list[dict]:
        return self._get_json("GetExports", f"/projects/{project_id}/iterations/{iteration_id}/export")

    def export_iteration(self, project_id: str, iteration_id: str, platform: str, flavor: Optional[str]) -> dict:
        params = {"platform": platform, **({"flavor": flavor} if flavor else {})}
        return self._json("ExportIteration", "POST", f"/projects/{project_id}/iterations/{iteration_id}/export",
                          params)

    # --- bytes from storage ---------------------------------------------------------------------------

    def download_image(self, project_id: str, uri: str, dest: Path) -> Downloaded:
        """Stream one original image into ``dest`` (truncated on every attempt)."""
        return self.download(project_id, uri, dest, "download original image")

    def download(self, project_id: str, uri: str, dest: Path, operation: str) -> Downloaded:
        """Stream a SAS URL (or, for a relative path, GetArtifact) into ``dest`` with its sha256."""
        import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
        absolute = bool(urlsplit(uri).scheme)

        def send() -> httpx.Response:
            if absolute:
                return self._blob.send(self._blob.build_request("GET", uri), stream=True)
            # VNET-enabled accounts return a relative path to read through GetArtifact.
            request = self._api.build_request("GET", f"/projects/{project_id}/artifacts", params={"path": uri})
            return self._api.send(request, stream=True)

        attempt = 0
        while True:
            attempt += 1
            response = self._send(operation, send)
            try:
                if response.status_code != 200:
                    response.read()
                    if response.status_code in (403, 404) and absolute:
                        raise ImageUrlUnavailable(response.status_code)
                    self._raise(operation, response)
                digest = hashlib.sha256()
                size = 0
                head = b""
                with open(dest, "wb") as fh:
                    for chunk in response.iter_bytes(65536):
                        if len(head) < 16:
                            head += chunk[: 16 - len(head)]
                        digest.update(chunk)
                        size += len(chunk)
                        fh.write(chunk)
                expected = response.headers.get("Content-Length")
                if expected is not None and int(expected) != size:
                    raise httpx.ReadError(f"short read: {size} of {expected} bytes")
                return Downloaded(digest.hexdigest(), size, head)
            except (httpx.TransportError, httpx.StreamError) as exc:
                if attempt >= self._max_attempts:
                    raise TrainingApiError(f"{operation}: {exc} after {attempt} attempts") from None
                self._wait(backoff_seconds(attempt))
            finally:
                response.close()
