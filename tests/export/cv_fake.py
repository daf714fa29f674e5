"""A local fake of the Custom Vision Training REST API v3.3, served by a real HTTP server on 127.0.0.1.

It follows azure-rest-api-specs
``specification/cognitiveservices/data-plane/CustomVision/Training/stable/v3.3/Training.json``:
- basePath ``/customvision/v3.3/training``, key in the ``Training-Key`` header (securityDefinitions.apim_key);
- GetProjects ``GET /projects``, GetProject ``GET /projects/{projectId}``, GetDomain ``GET /domains/{domainId}``,
  GetTags ``GET /projects/{projectId}/tags``, GetTaggedImages / GetUntaggedImages
  ``GET /projects/{projectId}/images/tagged|untagged`` with ``take`` (default 50, maximum 256), ``skip``
  (default 0) and ``orderBy`` (Newest default | Oldest), GetTaggedImageCount / GetUntaggedImageCount
  ``GET .../images/tagged/count|untagged/count`` (a bare integer), GetIterations
  ``GET /projects/{projectId}/iterations``, GetIterationPerformance
  ``GET /projects/{projectId}/iterations/{iterationId}/performance`` with ``threshold``/``overlapThreshold``,
  GetArtifact ``GET /projects/{projectId}/artifacts?path=`` (bytes);
- models Project/ProjectSettings (domainId, classificationType Multiclass|Multilabel), Domain (type
  Classification|ObjectDetection), Tag (id, name, description, type Regular|Negative|GeneralProduct, imageCount),
  Image (id, created, width, height, originalImageUri, tags[ImageTag tagId/tagName/created],
  regions[ImageRegion regionId/tagId/tagName/created/left/top/width/height]), Iteration (id, name, status,
  trainedAt, publishName, ...), IterationPerformance (perTagPerformance[TagPerformance id/name/precision/
  recall/averagePrecision], precision, recall, averagePrecision);
- errors as CustomVisionError ``{"code": ..., "message": ...}`` (e.g. NotFoundProject, BadRequest), except 401
  and unknown routes, which the Cognitive Services gateway answers with ``{"error": {"code", "message"}}``.

``originalImageUri`` points at ``/blob/<imageId>?sv=...`` on the same server, standing in for the service's
SAS URLs on its own storage; the fake records any request that carries the training key there.
Faults (429 with Retry-After, 5xx, a permanent failure after N image downloads) are injected per test.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

BASE = "/customvision/v3.3/training"
GATEWAY_401 = ("Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a "
               "valid key for an active subscription and use a correct regional API endpoint for your resource.")


@dataclass
class FakeProject:
    id: str
    name: str
    domain: dict
    classification_type: Optional[str]
    tags: list[dict]
    tagged: list[dict] = field(default_factory=list)
    untagged: list[dict] = field(default_factory=list)
    iterations: list[dict] = field(default_factory=list)
    performance: dict[str, dict] = field(default_factory=dict)   # iteration id -> IterationPerformance
    blobs: dict[str, bytes] = field(default_factory=dict)          # image id -> bytes
    count_offset: int = 0       # make GetTaggedImageCount disagree with the listing

    def as_project(self) -> dict:
        return {"id": self.id, "name": self.name, "description": f"{self.name} (fake)",
                "settings": {"domainId": self.domain["id"], "classificationType": self.classification_type,
                             "targetExportPlatforms": [], "useNegativeSet": True, "detectionParameters": "",
                             "imageProcessingSettings": {"augmentationMethods": {}}},
                "created": "2024-01-02T03:04:05Z", "lastModified": "2024-01-02T03:04:05Z",
                "thumbnailUri": "", "drModeEnabled": False, "status": "Succeeded"}


@dataclass
class Fault:
    pattern: str                   # regex searched in the request path
    status: int
    times: int                     # how many matching requests fail (-1: every one)
    retry_after: Optional[str] = None
    after: int = 0                 # let this many matching requests through first


class FakeTrainingService:
    def __init__(self, key: str = "training-key-1"):
        self.key = key
        self.projects: dict[str, FakeProject] = {}
        self.domains: dict[str, dict] = {}
        self.faults: list[Fault] = []
        self.requests: list[dict] = []
        self.key_leaks: list[str] = []
        self._lock = threading.Lock()
        self._seen: dict[int, int] = {}
        handler = type("Handler", (_Handler,), {"service": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeTrainingService":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add(self, project: FakeProject) -> FakeProject:
        self.projects[project.id] = project
        self.domains[project.domain["id"]] = project.domain
        return project

    def fail(self, pattern: str, status: int, times: int = 1, retry_after: Optional[str] = None,
             after: int = 0) -> None:
        self.faults.append(Fault(pattern, status, times, retry_after, after))

    def blob_url(self, image_id: str) -> str:
        return f"{self.endpoint}/blob/{image_id}?sv=2020-08-04&sr=b&sig=fake"

    def calls(self, pattern: str) -> list[dict]:
        return [r for r in self.requests if re.search(pattern, r["path"])]

    # --- request handling --------------------------------------------------------------------------

    def injected(self, path: str) -> Optional[Fault]:
        with self._lock:
            for index, fault in enumerate(self.faults):
                if not re.search(fault.pattern, path):
                    continue
                seen = self._seen.get(index, 0)
                self._seen[index] = seen + 1
                if seen < fault.after:
                    continue
                if fault.times == -1 or seen - fault.after < fault.times:
                    return fault
        return None

    def route(self, path: str, query: dict[str, list[str]], headers: Any) -> tuple[int, Any, dict]:
        """(status, body: JSON-able or bytes, extra headers)."""
        if path.startswith("/blob/"):
            if headers.get("Training-Key") is not None:
                self.key_leaks.append(path)
            image_id = path.rsplit("/", 1)[1]
            for project in self.projects.values():
                if image_id in project.blobs:
                    return 200, project.blobs[image_id], {}
            return 404, b"BlobNotFound", {}
        if not path.startswith(BASE + "/"):
            return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}
        if headers.get("Training-Key") != self.key:
            return 401, {"error": {"code": "401", "message": GATEWAY_401}}, {}
        rest = path[len(BASE):]
        q = {k: v[-1] for k, v in query.items()}
        if rest == "/projects":
            return 200, [p.as_project() for p in self.projects.values()], {}
        m = re.fullmatch(r"/domains/([^/]+)", rest)
        if m:
            domain = self.domains.get(m.group(1))
            return (200, domain, {}) if domain else (404, {"code": "NotFoundDomain", "message": "Domain not found"}, {})
        m = re.fullmatch(r"/projects/([^/]+)(/.*)?", rest)
        if not m:
            return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}
        project = self.projects.get(m.group(1))
        if project is None:
            return 404, {"code": "NotFoundProject", "message": f"Project {m.group(1)} not found"}, {}
        sub = m.group(2) or ""
        if sub == "":
            return 200, project.as_project(), {}
        if sub == "/tags":
            return 200, project.tags, {}
        if sub in ("/images/tagged/count", "/images/untagged/count"):
            n = len(project.tagged) + project.count_offset if "untagged" not in sub else len(project.untagged)
            return 200, n, {}
        if sub in ("/images/tagged", "/images/untagged"):
            take = int(q.get("take", 50))
            skip = int(q.get("skip", 0))
            if take > 256 or take < 0:
                return 400, {"code": "BadRequest", "message": "take is limited to 256"}, {}
            images = project.tagged if sub.endswith("/tagged") else project.untagged
            ordered = sorted(images, key=lambda i: (i["created"], i["id"]),
                             reverse=q.get("orderBy", "Newest") != "Oldest")
            return 200, ordered[skip: skip + take], {}
        if sub == "/iterations":
            return 200, project.iterations, {}
        m = re.fullmatch(r"/iterations/([^/]+)/performance", sub)
        if m:
            perf = project.performance.get(m.group(1))
            if perf is None:
                return 404, {"code": "NotFoundIterationPerformance", "message": "no performance"}, {}
            return 200, perf, {}
        if sub == "/artifacts":
            # the relative path's last segment names the image ("o-<imageId>" as in the service's blob names)
            image_id = q.get("path", "").rsplit("/", 1)[-1].removeprefix("o-")
            if image_id in project.blobs:
                return 200, project.blobs[image_id], {}
            return 404, {"code": "NotFound", "message": "artifact not found"}, {}
        return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}


class _Handler(BaseHTTPRequestHandler):
    service: FakeTrainingService
    protocol_version = "HTTP/1.1"
    # One write per response and no Nagle: headers and body in separate small packets would stall every
    # keep-alive request on the client's delayed ACK (40 ms).
    wbufsize = 1 << 16
    disable_nagle_algorithm = True

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        svc = self.service
        with svc._lock:
            svc.requests.append({"path": parts.path, "query": {k: v[-1] for k, v in query.items()},
                                 "key": self.headers.get("Training-Key")})
        fault = svc.injected(parts.path)
        if fault is not None:
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            code = "TooManyRequests" if fault.status == 429 else "ErrorUnknown"
            self._send(fault.status, {"code": code, "message": f"injected {fault.status}"}, extra)
            return
        status, body, extra = svc.route(parts.path, query, self.headers)
        self._send(status, body, extra)

    def _send(self, status: int, body: Any, extra: dict) -> None:
        if isinstance(body, bytes):
            data, ctype = body, "application/octet-stream"
        else:
            data, ctype = json.dumps(body).encode(), "application/json; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


# --- builders for hand-made projects ---------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff\xe0"

DOMAINS = {
    "classification": {"id": "ee85a74c-405e-4adc-bb47-ffa8ca0c9f31", "name": "General", "type": "Classification",
                       "exportable": False, "enabled": True},
    "detection": {"id": "da2e3a8a-40a5-4171-82f4-58522f70fbc1", "name": "General [A1]", "type": "ObjectDetection",
                  "exportable": False, "enabled": True},
}


def tag(tag_id: str, name: str, kind: str = "Regular", count: int = 0) -> dict:
    return {"id": tag_id, "name": name, "description": None, "type": kind, "imageCount": count}


def image(service: FakeTrainingService, project: FakeProject, image_id: str, minute: int,
          tags: list[dict] = (), regions: list[dict] = (), width: int = 640, height: int = 480,
          payload: bytes = PNG) -> dict:
    """A spec-shaped Image; its bytes are ``payload`` (magic number) + the id, served at a blob URL."""
    created = (dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=minute)).isoformat()
    created = created.replace("+00:00", "Z")
    by_id = {t["id"]: t for t in project.tags}
    project.blobs[image_id] = payload + image_id.encode()
    return {
        "id": image_id, "created": created, "width": width, "height": height,
        "resizedImageUri": f"https://fake/resized/{image_id}", "thumbnailUri": f"https://fake/thumb/{image_id}",
        "originalImageUri": service.blob_url(image_id),
        "tags": [{"tagId": t["id"], "tagName": by_id[t["id"]]["name"], "created": created} for t in tags] or None,
        "regions": [{"regionId": f"r-{image_id}-{n}", "tagName": by_id[r["tagId"]]["name"], "created": created, **r}
                    for n, r in enumerate(regions)] or None,
        "metadata": None,
    }
