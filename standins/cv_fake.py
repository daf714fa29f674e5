"""A local fake of the Custom Vision Training REST API v3.3, served by a real HTTP server on 127.0.0.1.

It follows azure-rest-api-specs
``specification/cognitiveservices/data-plane/CustomVision/Training/stable/v3.3/Training.json``:
- basePath ``/customvision/v3.3/training``, key in the ``Training-Key`` header (securityDefinitions.apim_key);
- GetDomains ``GET /domains`` and GetDomain ``GET /domains/{domainId}`` (Domain: id, name, type, exportable,
  enabled; catalogue in cv_domains.py);
- GetProjects ``GET /projects``, GetProject ``GET /projects/{projectId}``,
  GetTags ``GET /projects/{projectId}/tags``, GetTaggedImages / GetUntaggedImages
  ``GET /projects/{projectId}/images/tagged|untagged`` with ``take`` (default 50, maximum 256), ``skip``
  (default 0) and ``orderBy`` (Newest default | Oldest), GetTaggedImageCount / GetUntaggedImageCount
  ``GET .../images/tagged/count|untagged/count`` (a bare integer), GetImagesByIds
  ``GET /projects/{projectId}/images/id`` with ``imageIds`` (csv of uuids, "Limited to 256"), GetIterations
  ``GET /projects/{projectId}/iterations``, GetIterationPerformance
  ``GET /projects/{projectId}/iterations/{iterationId}/performance`` with ``threshold``/``overlapThreshold``,
  GetExports ``GET /projects/{projectId}/iterations/{iterationId}/export`` (Export[]) and ExportIteration
  ``POST`` on the same path with ``platform`` (required; CoreML | TensorFlow | DockerFile | ONNX | VAIDK) and
  ``flavor`` (Linux | Windows | ONNX10 | ONNX12 | ARM | TensorFlowNormal | TensorFlowLite),
  GetArtifact ``GET /projects/{projectId}/artifacts?path=`` (bytes);
- models Project/ProjectSettings (domainId, classificationType Multiclass|Multilabel), Tag (id, name,
  description, type Regular|Negative|GeneralProduct, imageCount), Image (id, created, width, height,
  originalImageUri, tags[ImageTag tagId/tagName/created], regions[ImageRegion regionId/tagId/tagName/created/
  left/top/width/height]), Iteration (id, name, status, created, lastModified, trainedAt, projectId, exportable,
  exportableTo[], domainId, classificationType, trainingType, publishName, originalPublishResourceId),
  IterationPerformance (perTagPerformance[TagPerformance id/name/precision/recall/averagePrecision], precision,
  recall, averagePrecision), Export (platform, status Exporting|Failed|Done, downloadUri, flavor,
  newerVersionAvailable; examples/GetExports.json);
- errors as CustomVisionError ``{"code": ..., "message": ...}`` (e.g. NotFoundProject, BadRequest), except 401
  and unknown routes, which the Cognitive Services gateway answers with ``{"error": {"code", "message"}}``.

Export lifecycle: ExportIteration answers ``status: "Exporting"`` with an empty ``downloadUri`` (v3.4-preview
example ExportIteration.json); after ``export_polls`` GetExports calls it is ``Done`` with a ``downloadUri``. A
second ExportIteration while one is queued fails, as the service does ("... is already queued for export",
Azure/azure-sdk-for-python#23922). A non-exportable iteration's export fails with BadRequestExportValidationFailed
(one of the v3.3 CustomVisionError codes; the exact code the service picks is not documented).

``originalImageUri`` and ``downloadUri`` point at ``/blob/...`` on the same server, standing in for the service's
SAS URLs on its own storage; each is signed when it is handed out with an expiry ``se`` on the fake's clock.
With ``url_ttl`` set, a URL used after its expiry answers 403 ``AuthenticationFailed`` as Azure Storage does for
an expired SAS; ``seconds_per_blob`` advances the clock on every blob read (a long export in fast forward). The
fake records any request that carries the training key to storage. Faults (429 with Retry-After, 5xx, a
permanent failure after N image downloads), latency per blob and per page, and throttling above a number of
concurrent blob reads are injected per test or benchmark.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs, urlsplit

import cv_domains

BASE = "/customvision/v3.3/training"
PLATFORMS = ("CoreML", "TensorFlow", "DockerFile", "ONNX", "VAIDK")
FLAVORS = ("Linux", "Windows", "ONNX10", "ONNX12", "ARM", "TensorFlowNormal", "TensorFlowLite")
# Azure Storage's answer to an expired SAS (Blob service REST "Authorization errors": AuthenticationFailed).
EXPIRED_SAS = (b'<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server '
               b"failed to authenticate the request.</Message><AuthenticationErrorDetail>Signed expiry time has "
               b"passed</AuthenticationErrorDetail></Error>")
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
    exports: dict[str, list[dict]] = field(default_factory=dict)   # iteration id -> Export[]
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
        self.clock = 0.0                    # fake seconds: SAS expiry is checked against this
        self.url_ttl: Optional[float] = None
        self.seconds_per_blob = 0.0
        self.blob_latency = 0.0             # real seconds slept per blob read (benchmark)
        self.page_latency = 0.0             # real seconds slept per API call (benchmark)
        self.max_concurrent_blobs: Optional[int] = None   # above this, blob reads get 429
        self.throttle_retry_after = "1"
        self.export_polls = 2               # GetExports calls until a requested export is Done
        self.model_bytes = b"PK\x03\x04fake-model"
        self._in_flight = 0
        for domain in cv_domains.CATALOGUE:
            self.domains[domain["id"]] = domain
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

    def signed(self, url: str) -> str:
        """The URL as handed out now: with ``se`` (expiry on the fake clock) when URLs expire."""
        if self.url_ttl is None or not url.startswith(self.endpoint + "/blob/"):
            return url
        with self._lock:
            expiry = self.clock + self.url_ttl
        return re.sub(r"&se=[^&]*", "", url) + f"&se={expiry:.3f}"

    def _present(self, image: dict) -> dict:
        return {**image, "originalImageUri": self.signed(image["originalImageUri"])}

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

    def _blob(self, path: str, query: dict[str, list[str]], headers: Any) -> tuple[int, Any, dict]:
        if headers.get("Training-Key") is not None:
            self.key_leaks.append(path)
        with self._lock:
            self.clock += self.seconds_per_blob
            now = self.clock
            self._in_flight += 1
            throttled = self.max_concurrent_blobs is not None and self._in_flight > self.max_concurrent_blobs
        try:
            if throttled:
                return 429, {"code": "TooManyRequests", "message": "throttled"}, {
                    "Retry-After": self.throttle_retry_after}
            if self.blob_latency:
                time.sleep(self.blob_latency)
            expiry = query.get("se", [None])[-1]
            if expiry is not None and now > float(expiry):
                return 403, EXPIRED_SAS, {"Content-Type": "application/xml"}
            name = path.rsplit("/", 1)[1]
            if path.startswith("/blob/model/"):
                return 200, self.model_bytes + name.encode(), {}
            for project in self.projects.values():
                if name in project.blobs:
                    return 200, project.blobs[name], {}
            return 404, b"BlobNotFound", {}
        finally:
            with self._lock:
                self._in_flight -= 1

    def _exports(self, project: FakeProject, iteration_id: str, q: dict[str, str],
                 method: str) -> tuple[int, Any, dict]:
        iteration = next((it for it in project.iterations if it["id"] == iteration_id), None)
        if iteration is None:
            return 404, {"code": "NotFoundIteration", "message": f"Iteration {iteration_id} not found"}, {}
        exports = project.exports.setdefault(iteration_id, [])
        if method == "GET":
            shown = []
            for export in exports:
                export["_polls"] += 1
                if export["status"] == "Exporting" and export["_polls"] >= self.export_polls:
                    export["status"] = "Done"
                    name = f"{project.id}-{iteration_id}-{export['platform']}-{export['flavor'] or 'default'}"
                    export["downloadUri"] = self.blob_url(f"model/{name}")
                view = {k: v for k, v in export.items() if not k.startswith("_")}
                if view["downloadUri"]:
                    view["downloadUri"] = self.signed(view["downloadUri"])
                shown.append(view)
            return 200, shown, {}
        platform, flavor = q.get("platform"), q.get("flavor")
        if platform not in PLATFORMS or (flavor is not None and flavor not in FLAVORS):
            return 400, {"code": "BadRequestInvalidParameter", "message": "platform/flavor not valid"}, {}
        if not iteration.get("exportable") or platform not in (iteration.get("exportableTo") or []):
            return 400, {"code": "BadRequestExportValidationFailed",
                         "message": "Iteration is not exportable to the requested platform"}, {}
        if any(e["status"] == "Exporting" and e["platform"] == platform for e in exports):
            return 400, {"code": "BadRequestExportAlreadyInProgress",
                         "message": f"{iteration_id} is already queued for export"}, {}
        exports[:] = [e for e in exports if (e["platform"], e["flavor"]) != (platform, flavor)]
        export = {"platform": platform, "status": "Exporting", "downloadUri": "", "flavor": flavor,
                  "newerVersionAvailable": False, "_polls": 0}
        exports.append(export)
        return 200, {k: v for k, v in export.items() if not k.startswith("_")}, {}

    def route(self, path: str, query: dict[str, list[str]], headers: Any,
              method: str = "GET") -> tuple[int, Any, dict]:
        """(status, body: JSON-able or bytes, extra headers)."""
        if path.startswith("/blob/"):
            return self._blob(path, query, headers)
        if not path.startswith(BASE + "/"):
            return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}
        if headers.get("Training-Key") != self.key:
            return 401, {"error": {"code": "401", "message": GATEWAY_401}}, {}
        rest = path[len(BASE):]
        q = {k: v[-1] for k, v in query.items()}
        if self.page_latency:
            time.sleep(self.page_latency)
        if rest == "/domains":
            return 200, list(self.domains.values()), {}
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
            return 200, [self._present(i) for i in ordered[skip: skip + take]], {}
        if sub == "/images/id":
            ids = [i for i in q.get("imageIds", "").split(",") if i]
            if len(ids) > 256 or not all(re.fullmatch(r"[0-9a-fA-F-]{36}", i) for i in ids):
                return 400, {"code": "BadRequestInvalidIds", "message": "imageIds: up to 256 uuids"}, {}
            found = [self._present(i) for i in project.tagged + project.untagged if i["id"] in ids]
            return 200, found, {}
        if sub == "/iterations":
            return 200, project.iterations, {}
        m = re.fullmatch(r"/iterations/([^/]+)/export", sub)
        if m:
            return self._exports(project, m.group(1), q, method)
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

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._handle("POST")

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._handle("GET")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        svc = self.service
        with svc._lock:
            svc.requests.append({"method": method, "path": parts.path,
                                 "query": {k: v[-1] for k, v in query.items()},
                                 "key": self.headers.get("Training-Key")})
        fault = svc.injected(parts.path)
        if fault is not None:
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            code = "TooManyRequests" if fault.status == 429 else "ErrorUnknown"
            self._send(fault.status, {"code": code, "message": f"injected {fault.status}"}, extra)
            return
        status, body, extra = svc.route(parts.path, query, self.headers, method)
        self._send(status, body, extra)

    def _send(self, status: int, body: Any, extra: dict) -> None:
        if isinstance(body, bytes):
            data, ctype = body, extra.pop("Content-Type", "application/octet-stream")
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

DOMAINS = {"classification": cv_domains.CLASSIFICATION, "detection": cv_domains.DETECTION,
           "classification_compact": cv_domains.CLASSIFICATION_COMPACT,
           "detection_compact": cv_domains.DETECTION_COMPACT}


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
