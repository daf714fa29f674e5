"""Replacement target ``automl``: an Azure ML managed online endpoint serving an AutoML for Images model.

MicrosoftDocs/azure-ai-docs ``articles/machine-learning/reference-automl-images-schema.md`` ("Data schema for
online scoring"): request ``{"input_data": {"columns": ["image"], "data": ["<base64 image>"]}}`` (one column
named ``image``; the base64 of ``base64.encodebytes``); response a list with one element per image —
classification ``{"probs": [...], "labels": [...]}`` (every label; multilabel probabilities independent),
object detection ``{"boxes": [{"box": {"topX", "topY", "bottomX", "bottomY"}, "label", "score"}]}`` with
coordinates as fractions of the image. Auth ``Authorization: Bearer <endpoint key | Entra token for
https://ml.azure.com>`` (``articles/machine-learning/how-to-authenticate-online-endpoint.md``); header
``azureml-model-deployment`` pins one deployment regardless of the traffic split.
"""
from __future__ import annotations

import base64
from typing import Any, Optional

from .dataset import Box, Sample
from .target import Auth, Prediction, ScoreFailure, check_url, http_failure, refused_or_missing
from .transport import Reply, RequestSpec

KEY_ENV = "AZUREML_ENDPOINT_KEY"
SCOPE = "https://ml.azure.com/.default"


class AutoMLTarget:
    kind = "automl"

    def __init__(self, scoring_uri: str, task: str, key: Optional[str], deployment: Optional[str] = None,
                 credential: Any = None):
        self.scoring_uri = check_url("scoring_uri", scoring_uri)
        self.task, self.deployment = task, (deployment or "").strip() or None
        self.auth = Auth("Authorization", key, SCOPE, credential, bearer=True)

    def describe(self) -> dict:
        return {"kind": self.kind, "scoringUri": self.scoring_uri, "deployment": self.deployment, "task": self.task}

    def request(self, sample: Sample, data: bytes) -> RequestSpec:
        headers = {**self.auth.headers(), "Content-Type": "application/json"}
        if self.deployment:
            headers["azureml-model-deployment"] = self.deployment
        payload = {"input_data": {"columns": ["image"], "data": [base64.encodebytes(data).decode("ascii")]}}
        return RequestSpec(self.scoring_uri, headers, json=payload)

    def fatal(self, reply: Reply) -> Optional[str]:
        return refused_or_missing(
            reply, self.auth, service="the online endpoint", key_env=KEY_ENV, role="AzureML Data Scientist",
            check="the scoring URI",
            not_found=lambda message: (f"the scoring URI answered HTTP 404 ({message or 'not found'}); use the "
                                       "endpoint's scoring URI (…inference.ml.azure.com/score) and an existing "
                                       "deployment"))

    def parse(self, reply: Reply) -> Prediction:
        if reply.status != 200:
            raise http_failure(reply)
        body = reply.body
        if isinstance(body, list) and len(body) == 1 and isinstance(body[0], dict):
            body = body[0]
        if not isinstance(body, dict):
            raise ScoreFailure("invalid_response", "expected a list with one prediction object")
        try:
            if self.task == "detection":
                return Prediction(boxes=tuple(
                    Box(str(b["label"]), float(b["box"]["topX"]), float(b["box"]["topY"]),
                        float(b["box"]["bottomX"]), float(b["box"]["bottomY"]), float(b["score"]))
                    for b in body["boxes"]))
            labels, probs = body["labels"], body["probs"]
            if len(labels) != len(probs):
                raise ScoreFailure("invalid_response", f"{len(labels)} labels but {len(probs)} probs")
            return Prediction(scores={str(name): float(p) for name, p in zip(labels, probs)})
        except (KeyError, TypeError, ValueError) as exc:
            raise ScoreFailure("invalid_response", f"prediction without {exc}") from None
