"""One local HTTP server standing in for every Azure cloud's endpoints (ARM, Log Analytics, Key Vault), and an
azure-core transport that sends each request there while keeping the host the client meant to reach.

The clients under test are Microsoft's (LogsQueryClient, SecretClient, azure-core PipelineClient); only the
socket is redirected. The server records (host, method, path, bearer token) per request; the fake credential
hands out the requested scope as the token, so a test reads which audience each call was signed for.

Wire formats: ARM "Workspaces - Get" (Microsoft.OperationalInsights 2023-09-01: properties.customerId); Log
Analytics query API (learn.microsoft.com/azure/azure-monitor/logs/api/response-format: {"tables": [{name,
columns: [{name, type}], rows}]}; $batch: {"responses": [{id, status, body}]}); Key Vault "Get Secret"
(7.x: {"value", "id"}) behind the challenge (401 + WWW-Authenticate: Bearer authorization=..., resource=...)
that azure-keyvault's ChallengeAuthPolicy answers (learn.microsoft.com/azure/key-vault/general/authentication-
requests-and-responses).
"""
from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, urlunsplit

from azure.core.credentials import AccessToken
from azure.core.pipeline.transport import RequestsTransport

WORKSPACE_GUID = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
SECRET_VALUE = "training-key-from-the-vault"


class StandIn:
    """``route(method, path, body)`` may answer a request first: (status, body, headers) or None for the defaults."""

    def __init__(self, route=None):
        self.route = route
        self.seen: list[dict] = []
        self.bodies: list[object] = []     # request bodies (JSON), in the order of ``seen``
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, status, body, headers=()):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers:
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"null") if length else None
                host = self.headers.get("X-Standin-Host", "")
                auth = self.headers.get("Authorization", "")
                token = auth.split(" ", 1)[1] if auth.startswith("Bearer ") else None
                path = urlsplit(self.path).path
                outer.seen.append({"host": host, "method": self.command, "path": path, "token": token})
                outer.bodies.append(body)
                answer = outer.route(self.command, path, body) if outer.route else None
                if answer is not None:
                    return self._send(*answer)
                if "/providers/Microsoft.OperationalInsights/workspaces/" in path:
                    return self._send(200, {"properties": {"customerId": WORKSPACE_GUID}})
                if path == "/v1/$batch":
                    return self._send(200, {"responses": [
                        {"id": r["id"], "status": 200, "body": {"tables": [
                            {"name": "PrimaryResult", "columns": [{"name": "Workload", "type": "string"}],
                             "rows": []}]}} for r in body["requests"]]})
                if path.startswith("/v1/workspaces/") and path.endswith("/query"):
                    return self._send(200, {"tables": [
                        {"name": "PrimaryResult", "columns": [{"name": "Workload", "type": "string"}], "rows": []}]})
                if path.endswith("/metrics:getBatch"):         # platform metrics: no calls for any resource
                    return self._send(200, {"values": [metrics_batch_value(rid, []) for rid in body["resourceids"]]})
                if path.startswith("/secrets/"):
                    if token is None:
                        resource = "https://" + host.split(".", 1)[1].split(":")[0]
                        return self._send(401, {"error": {"code": "Unauthorized"}}, [(
                            "WWW-Authenticate",
                            f'Bearer authorization="https://login.example/tenant", resource="{resource}"')])
                    name = path.split("/")[2]
                    return self._send(200, {"value": SECRET_VALUE, "id": f"https://{host}/secrets/{name}/1"})
                return self._send(404, {"error": {"code": "NotFound", "message": path}})

            do_GET = do_POST = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> "StandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def transport(self) -> RequestsTransport:
        port = self.port

        class Redirect(RequestsTransport):
            def send(self, request, **kwargs):
                parts = urlsplit(request.url)
                local = copy.copy(request)
                local.headers = dict(request.headers)
                local.headers["X-Standin-Host"] = parts.netloc
                local.url = urlunsplit(("http", f"127.0.0.1:{port}", parts.path, parts.query, ""))
                response = super().send(local, **kwargs)
                response.request = request
                return response

        return Redirect()

    def hosts(self) -> list[str]:
        return [s["host"] for s in self.seen]


def metrics_batch_value(resource_id, totals, metric="TotalCalls"):
    """One resource's entry of a metrics:getBatch answer (azure-rest-api-specs specification/monitor/data-plane/
    Microsoft.Insights/stable/2024-02-01/examples/MetricBatchExample.json: values[] {starttime, endtime, interval,
    value[] {id, type, name, unit, timeseries[] {metadatavalues, data[] {timeStamp, total}}, errorCode}, namespace,
    resourceregion, resourceid}); ``totals``: [(ISO hour, total)]."""
    return {"starttime": "2027-05-01T00:00:00.000Z", "endtime": "2027-06-01T00:00:00.000Z", "interval": "PT1H",
            "namespace": "microsoft.cognitiveservices/accounts", "resourceregion": "westeurope", "resourceid": resource_id,
            "value": [{"id": f"{resource_id}/providers/Microsoft.Insights/metrics/{metric}",
                       "type": "Microsoft.Insights/metrics", "name": {"value": metric, "localizedValue": "Total Calls"},
                       "displayDescription": "Total number of calls.", "unit": "Count", "errorCode": "Success",
                       "timeseries": [{"metadatavalues": [], "data": [{"timeStamp": t, "total": v} for t, v in totals]}]}]}


class ScopeCredential:
    """A TokenCredential whose token is the scope asked for (so the stand-in sees the audience)."""

    def __init__(self):
        self.scopes: list[str] = []

    def get_token(self, *scopes, **kwargs):
        self.scopes.extend(scopes)
        return AccessToken(scopes[0], int(time.time()) + 3600)

    def get_token_info(self, *scopes, options=None):
        from azure.core.credentials import AccessTokenInfo

        self.scopes.extend(scopes)
        return AccessTokenInfo(scopes[0], int(time.time()) + 3600)
