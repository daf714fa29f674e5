"""The legacy target: Custom Vision Prediction API v3.0, the ``/nostore`` variants so the holdout is not kept
among the project's stored predictions.

azure-rest-api-specs ``specification/cognitiveservices/data-plane/CustomVision/Prediction/stable/v3.0/
Prediction.json``: basePath ``/customvision/v3.0/prediction``; ClassifyImageWithNoStore
``POST /{projectId}/classify/iterations/{publishedName}/image/nostore`` and DetectImageWithNoStore
``POST /{projectId}/detect/iterations/{publishedName}/image/nostore``, body the image bytes as
``application/octet-stream``, key in the ``Prediction-Key`` header; 200 ``ImagePrediction``
``{id, project, iteration, created, predictions: [{probability, tagId, tagName, boundingBox?}]}`` with
``boundingBox`` ``{left, top, width, height}`` normalised to the image; errors ``CustomVisionError``
``{code, message}``.
"""
from __future__ import annotations

import uuid
from typing import Optional

from .dataset import Box, Sample
from ..errors import CompareError
from .target import Auth, Prediction, ScoreFailure, check_url, http_failure, service_message
from .transport import Reply, RequestSpec

API_BASE = "/customvision/v3.0/prediction"
KEY_ENV = "CUSTOM_VISION_PREDICTION_KEY"
NOT_PUBLISHED = ("NotFoundIteration", "NotFoundProject", "NotFoundProjectDefaultIteration",
                 "BadRequestIterationNotPublished", "BadRequestInvalidPublishName")


class CustomVisionTarget:
    kind = "customvision"

    def __init__(self, endpoint: str, project_id: str, published_name: str, task: str, key: str):
        try:
            uuid.UUID(str(project_id))
        except ValueError:
            raise CompareError(f"{project_id!r} is not a project ID (a UUID from the Custom Vision portal's "
                               "project settings)", field="legacy_project") from None
        if not published_name.strip():
            raise CompareError("is empty; give the iteration's published name", field="legacy_iteration")
        endpoint = check_url("legacy_endpoint", endpoint)
        for suffix in (API_BASE, API_BASE.replace("prediction", "Prediction")):
            endpoint = endpoint.removesuffix(suffix)
        self.endpoint, self.project_id, self.published_name = endpoint, str(project_id), published_name
        self.task = task
        self.auth = Auth("Prediction-Key", key, None)
        if not self.auth.key:
            raise CompareError(f"no prediction key: set {KEY_ENV} or read it from the stack's Key Vault")
        operation = "detect" if task == "detection" else "classify"
        self.url = (f"{endpoint}{API_BASE}/{self.project_id}/{operation}/iterations/"
                    f"{published_name}/image/nostore")

    def describe(self) -> dict:
        return {"kind": self.kind, "endpoint": self.endpoint, "project": self.project_id,
                "iteration": self.published_name, "api": "v3.0 nostore", "task": self.task}

    def request(self, sample: Sample, data: bytes) -> RequestSpec:
        return RequestSpec(self.url, {**self.auth.headers(), "Content-Type": "application/octet-stream"}, content=data)

    def fatal(self, reply: Reply) -> Optional[str]:
        if reply.status == 401:
            return ("the Prediction API rejected the key (HTTP 401): use a key of the Custom Vision *Prediction* "
                    f"resource the legacy endpoint names, not the training key ({KEY_ENV})")
        if reply.status == 403:
            return f"the Prediction API refused access (HTTP 403: {service_message(reply)})"
        message = service_message(reply)
        if reply.status == 404 or message.split(":")[0] in NOT_PUBLISHED:
            return (f"no published iteration {self.published_name!r} in project {self.project_id} at "
                    f"{self.endpoint} ({message or 'HTTP 404'}); check the project ID and the iteration's published name")
        return None

    def parse(self, reply: Reply) -> Prediction:
        if reply.status != 200:
            raise http_failure(reply)
        predictions = reply.body.get("predictions") if isinstance(reply.body, dict) else None
        if not isinstance(predictions, list):
            raise ScoreFailure("invalid_response", "no predictions list in the ImagePrediction")
        try:
            if self.task != "detection":
                scores: dict[str, float] = {}
                for p in predictions:
                    name = str(p["tagName"])
                    scores[name] = max(scores.get(name, 0.0), float(p["probability"]))
                return Prediction(scores=scores)
            boxes = []
            for p in predictions:
                b = p["boundingBox"]
                left, top = float(b["left"]), float(b["top"])
                boxes.append(Box(str(p["tagName"]), left, top, left + float(b["width"]), top + float(b["height"]),
                                 float(p["probability"])))
            return Prediction(boxes=tuple(boxes))
        except (KeyError, TypeError, ValueError) as exc:
            raise ScoreFailure("invalid_response", f"prediction without {exc}") from None
