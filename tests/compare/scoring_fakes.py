"""Local fakes of the three scoring services `compare` calls, on one real HTTP server on 127.0.0.1. Each
follows its published request/response shapes:

- Custom Vision Prediction API v3.0 — azure-rest-api-specs ``specification/cognitiveservices/data-plane/
  CustomVision/Prediction/stable/v3.0/Prediction.json``: basePath ``/customvision/v3.0/prediction``,
  ClassifyImageWithNoStore / DetectImageWithNoStore ``POST /{projectId}/classify|detect/iterations/
  {publishedName}/image/nostore`` (image bytes, ``application/octet-stream``), key in ``Prediction-Key``;
  200 ``ImagePrediction {id, project, iteration, created, predictions[{probability, tagId, tagName,
  boundingBox{left, top, width, height}}]}`` (examples ``ClassifyImageWithNoStore.json``,
  ``DetectImageWithNoStore.json``); errors ``CustomVisionError {code, message}``, 401 from the gateway as
  ``{"error": {"code", "message"}}``.
- Azure ML managed online endpoint with an AutoML for Images model — MicrosoftDocs/azure-ai-docs
  ``articles/machine-learning/reference-automl-images-schema.md`` ("Data schema for online scoring"): ``POST
  /score`` ``{"input_data": {"columns": ["image"], "data": ["<base64>"]}}``, ``Authorization: Bearer <key>``;
  answer ``[{"probs": [...], "labels": [...]}]`` or ``[{"boxes": [{"box": {topX, topY, bottomX, bottomY},
  "label", "score"}]}]``.
- Azure OpenAI chat completions v1 — MicrosoftDocs/azure-ai-docs ``articles/ai-foundry/openai/includes/
  structured-outputs-rest.md``: ``POST /openai/v1/chat/completions`` with ``api-key``, ``model`` = deployment,
  ``response_format.json_schema {name, strict, schema}``; answer ``{"id", "object": "chat.completion",
  "choices": [{"index", "message": {"role", "content": "<JSON>"}, "finish_reason"}], "usage"}``; image parts
  ``{"type": "image_url", "image_url": {"url": "data:image/...;base64,...", "detail"}}``
  (``how-to/gpt-with-vision.md``).

Answers are looked up by the sha256 of the image bytes each service received. Faults (status, Retry-After,
how many times) are injected per service.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

CV_PATH = re.compile(r"^/customvision/v3\.0/prediction/(?P<project>[0-9a-f-]{36})/(?P<op>classify|detect)"
                     r"/iterations/(?P<name>[^/]+)/image/nostore$")
GATEWAY_401 = "Access denied due to invalid subscription key or wrong API endpoint."


@dataclass
class Fault:
    service: str
    status: int
    times: int
    retry_after: Optional[str] = None


class FakeScoring:
    def __init__(self, project: str, iteration: str = "prod", deployment: str = "gpt-4o"):
        self.project, self.iteration, self.deployment = project, iteration, deployment
        self.keys = {"cv": "prediction-key-1", "aml": "aml-key-1", "chat": "openai-key-1"}
        self.answers: dict[str, dict[str, Any]] = {"cv": {}, "aml": {}, "chat": {}}
        self.faults: list[Fault] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.fake = self  # type: ignore[attr-defined]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeScoring":
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, service: str, image: bytes, value: Any) -> None:
        self.answers[service][hashlib.sha256(image).hexdigest()] = value

    def fail(self, service: str, status: int, times: int = 1, retry_after: Optional[str] = None) -> None:
        self.faults.append(Fault(service, status, times, retry_after))

    def calls(self, service: str) -> list[dict]:
        return [r for r in self.requests if r["service"] == service]

    def _fault(self, service: str) -> Optional[Fault]:
        with self.lock:
            for f in self.faults:
                if f.service == service and f.times != 0:
                    f.times -= 1
                    return f
        return None

    # --- the three services -------------------------------------------------------------------------------

    def route(self, path: str, headers: Any, body: bytes) -> tuple[int, Any, dict]:
        m = CV_PATH.match(path)
        service = "cv" if m else "aml" if path == "/score" else "chat" if path == "/openai/v1/chat/completions" else None
        if service is None:
            return 404, {"error": {"code": "404", "message": "Resource not found"}}, {}
        with self.lock:
            self.requests.append({"service": service, "path": path, "headers": dict(headers), "bytes": len(body)})
        fault = self._fault(service)
        if fault:
            extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            return fault.status, {"error": {"code": str(fault.status), "message": "injected"}}, extra
        return getattr(self, f"_{service}")(m, headers, body)

    def _cv(self, m, headers, body):
        if headers.get("Prediction-Key") != self.keys["cv"]:
            return 401, {"error": {"code": "401", "message": GATEWAY_401}}, {}
        if m["project"] != self.project:
            return 404, {"code": "NotFoundProject", "message": "Invalid project"}, {}
        if m["name"] != self.iteration:
            return 404, {"code": "NotFoundIteration", "message": "Invalid iteration"}, {}
        if headers.get("Content-Type") != "application/octet-stream":
            return 415, {"code": "BadRequestImageFormat", "message": "expected application/octet-stream"}, {}
        found = self.answers["cv"].get(hashlib.sha256(body).hexdigest())
        if found is None:
            return 400, {"code": "BadRequestImageFormat", "message": "Bad image format"}, {}
        predictions = [{"tagId": str(uuid.uuid5(uuid.NAMESPACE_DNS, p["tagName"])), **p} for p in found]
        return 200, {"id": str(uuid.uuid4()), "project": self.project, "iteration": str(uuid.uuid4()),
                     "created": "2026-11-21T08:00:00Z", "predictions": predictions}, {}

    def _aml(self, m, headers, body):
        if headers.get("Authorization") != f"Bearer {self.keys['aml']}":
            return 401, {"text": "invalid key"}, {}
        request = json.loads(body)
        data = request["input_data"]
        if data["columns"] != ["image"] or len(data["data"]) != 1:
            return 400, {"message": "one column named image"}, {}
        image = base64.b64decode(data["data"][0])
        found = self.answers["aml"].get(hashlib.sha256(image).hexdigest())
        if found is None:
            return 424, {"message": "model error"}, {}
        return 200, [found], {}

    def _chat(self, m, headers, body):
        if headers.get("api-key") != self.keys["chat"]:
            return 401, {"error": {"code": "401", "message": GATEWAY_401}}, {}
        request = json.loads(body)
        if request["model"] != self.deployment:
            return 404, {"error": {"code": "DeploymentNotFound", "message": "no such deployment"}}, {}
        fmt = request["response_format"]
        schema = fmt["json_schema"]["schema"]
        assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
        assert schema["additionalProperties"] is False and schema["required"] == list(schema["properties"])
        parts = request["messages"][-1]["content"]
        url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
        header, _, payload = url.partition(",")
        assert re.fullmatch(r"data:image/[a-z]+;base64", header), header
        found = self.answers["chat"].get(hashlib.sha256(base64.b64decode(payload)).hexdigest())
        if found is None:
            return 400, {"error": {"code": "BadRequest", "message": "Invalid image data"}}, {}
        finish = found.get("finish_reason", "stop") if isinstance(found, dict) else "stop"
        content = None if finish == "content_filter" else json.dumps(found.get("answer", found))
        return 200, {"id": "chatcmpl-1", "object": "chat.completion", "created": 1724868330, "model": "gpt-4o",
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                  "logprobs": None, "finish_reason": finish}],
                     "usage": {"prompt_tokens": 120, "completion_tokens": 9, "total_tokens": 129}}, {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, payload, extra = self.server.fake.route(self.path, self.headers, body)  # type: ignore[attr-defined]
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
