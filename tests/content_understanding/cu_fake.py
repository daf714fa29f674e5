"""A local stand-in of the Content Understanding analyzers API on 127.0.0.1, following the published REST shapes
(api-version 2025-11-01; MicrosoftDocs/azure-ai-docs content-understanding REST quickstart and "create a
classifier" how-to): GET/PUT/DELETE /contentunderstanding/analyzers/{id}; PUT answers 201 with
Operation-Location, whose GET reports Running once, then Succeeded (or Failed when asked); errors are
{"error": {"code", "message"}}; a wrong Ocp-Apim-Subscription-Key gets 401."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

API_VERSION = "2025-11-01"
KEY = "fake-cu-key-0123456789"
PREFIX = "/contentunderstanding/analyzers/"


class FakeContentUnderstanding:
    def __init__(self):
        self.analyzers: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []
        self.operations: dict[str, int] = {}
        self.fail_operations = False
        server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server = server
        self.endpoint = f"http://127.0.0.1:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body=None, headers=()):
                data = json.dumps(body).encode() if body is not None else b""
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                if body is not None:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _route(self, method):
                url = urlparse(self.path)
                fake.requests.append((method, url.path))
                if self.headers.get("Ocp-Apim-Subscription-Key") != KEY:
                    return self._send(401, {"error": {"code": "401", "message": "Access denied due to invalid subscription key"}})
                if parse_qs(url.query).get("api-version") != [API_VERSION]:
                    return self._send(400, {"error": {"code": "InvalidApiVersion", "message": "unsupported api-version"}})
                if not url.path.startswith(PREFIX):
                    return self._send(404, {"error": {"code": "NotFound", "message": "no such route"}})
                rest = url.path[len(PREFIX):]
                if "/operations/" in rest:
                    op = rest.split("/operations/")[1]
                    fake.operations[op] += 1
                    if fake.fail_operations:
                        return self._send(200, {"id": op, "status": "Failed",
                                                "error": {"code": "InvalidFieldSchema", "message": "bad schema"}})
                    return self._send(200, {"id": op, "status": "Running" if fake.operations[op] == 1 else "Succeeded"})
                analyzer_id = rest
                if method == "GET":
                    if analyzer_id not in fake.analyzers:
                        return self._send(404, {"error": {"code": "ModelNotFound", "message": "analyzer not found"}})
                    return self._send(200, fake.analyzers[analyzer_id])
                if method == "DELETE":
                    fake.analyzers.pop(analyzer_id, None)
                    return self._send(204)
                if method == "PUT":
                    if analyzer_id in fake.analyzers:
                        return self._send(409, {"error": {"code": "Conflict", "message": "analyzer exists"}})
                    body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                    # the service adds fields of its own
                    fake.analyzers[analyzer_id] = {**body, "analyzerId": analyzer_id, "status": "ready",
                                                   "createdAt": "2026-12-01T10:00:00Z", "warnings": []}
                    op = f"op-{len(fake.operations) + 1}"
                    fake.operations[op] = 0
                    location = f"{fake.endpoint}{PREFIX}{analyzer_id}/operations/{op}?api-version={API_VERSION}"
                    return self._send(201, fake.analyzers[analyzer_id], [("Operation-Location", location)])
                return self._send(405, {"error": {"code": "MethodNotAllowed", "message": method}})

            def do_GET(self):
                self._route("GET")

            def do_PUT(self):
                self._route("PUT")

            def do_DELETE(self):
                self._route("DELETE")

        return Handler
