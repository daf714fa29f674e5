"""Replacement target ``foundry``: a chat deployment (Azure OpenAI in Microsoft Foundry) as a zero-shot
classifier or detector.

MicrosoftDocs/azure-ai-docs ``articles/ai-foundry/openai/includes/structured-outputs-rest.md``: ``POST
https://<resource>.openai.azure.com/openai/v1/chat/completions`` with ``"model": "<deployment>"``, header
``api-key`` (or ``Authorization: Bearer`` for an Entra token of https://cognitiveservices.azure.com),
``response_format {"type": "json_schema", "json_schema": {"name", "strict": true, "schema"}}`` where every
property is required and ``additionalProperties`` is false (``how-to/structured-outputs.md``); the answer is
``choices[0].message.content`` (a JSON string) with ``finish_reason``. The image goes in a user message part
``{"type": "image_url", "image_url": {"url": "data:<mime>;base64,...", "detail": "low|high|auto"}}``
(``how-to/gpt-with-vision.md``). ``finish_reason`` ``length`` or ``content_filter``, or a ``refusal``, is no
prediction. A chat model gives decisions, not calibrated scores: every answer scores 1.0.
"""
from __future__ import annotations

import base64
import json
from typing import Any, Optional

from .dataset import Box, Sample
from ..errors import CompareError
from .target import Auth, Prediction, ScoreFailure, check_url, http_failure, refused_or_missing
from .transport import Reply, RequestSpec

KEY_ENV = "AZURE_OPENAI_API_KEY"
SCOPE = "https://cognitiveservices.azure.com/.default"
PATH = "/openai/v1/chat/completions"
NONE = "__none__"
PROMPT_VERSION = 1
DETAILS = ("low", "high", "auto")
SYSTEM = {
    "multiclass": "You classify one image. Answer with the single label from the list that fits the image best, "
                  f"or {NONE} when none fits.",
    "multilabel": "You tag one image. Answer with every label from the list that applies to the image; an empty "
                  "list when none applies.",
    "detection": "You detect objects in one image. List every object whose label is in the list, with its box "
                 "as fractions of the image width and height (0 to 1): left, top, right, bottom.",
}


def response_schema(task: str, tags: list[str]) -> dict:
    """The strict JSON Schema that constrains the answer to the project's tag names."""
    if task == "multiclass":
        props: dict[str, Any] = {"label": {"type": "string", "enum": [*tags, NONE]}}
    elif task == "multilabel":
        props = {"labels": {"type": "array", "items": {"type": "string", "enum": tags}}}
    else:
        item = {"type": "object", "additionalProperties": False,
                "properties": {"label": {"type": "string", "enum": tags}, "left": {"type": "number"},
                               "top": {"type": "number"}, "right": {"type": "number"}, "bottom": {"type": "number"}},
                "required": ["label", "left", "top", "right", "bottom"]}
        props = {"objects": {"type": "array", "items": item}}
    return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}


class FoundryTarget:
    kind = "foundry"

    def __init__(self, endpoint: str, deployment: str, task: str, tags: list[str], key: Optional[str],
                 detail: str = "low", credential: Any = None):
        if not (deployment or "").strip():
            raise CompareError("is required for a foundry replacement (the chat deployment's name)", field="deployment")
        if detail not in DETAILS:
            raise CompareError(f"{detail!r} must be one of {', '.join(DETAILS)}", field="detail")
        if not tags:
            raise CompareError("the export lists no tags to constrain the chat model's answer to")
        endpoint = check_url("foundry_endpoint", endpoint)
        for suffix in (PATH, "/openai/v1", "/openai"):
            endpoint = endpoint.removesuffix(suffix)
        self.endpoint, self.deployment, self.task, self.tags, self.detail = endpoint, deployment.strip(), task, tags, detail
        self.auth = Auth("api-key", key, SCOPE, credential)
        self.schema = response_schema(task, tags)

    def describe(self) -> dict:
        return {"kind": self.kind, "endpoint": self.endpoint, "deployment": self.deployment, "task": self.task,
                "detail": self.detail, "prompt": PROMPT_VERSION, "tags": self.tags}

    def request(self, sample: Sample, data: bytes) -> RequestSpec:
        url = f"data:{sample.mime};base64,{base64.b64encode(data).decode('ascii')}"
        body = {
            "model": self.deployment,
            "messages": [
                {"role": "system", "content": SYSTEM[self.task]},
                {"role": "user", "content": [
                    {"type": "text", "text": "Labels: " + ", ".join(self.tags)},
                    {"type": "image_url", "image_url": {"url": url, "detail": self.detail}}]},
            ],
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": "cvmigrate_labels", "strict": True, "schema": self.schema}},
            "max_completion_tokens": 2000 if self.task == "detection" else 200,
        }
        return RequestSpec(f"{self.endpoint}{PATH}", {**self.auth.headers(), "Content-Type": "application/json"},
                           json=body)

    def fatal(self, reply: Reply) -> Optional[str]:
        return refused_or_missing(
            reply, self.auth, service="the chat endpoint", key_env=KEY_ENV, role="Cognitive Services OpenAI User",
            check="the endpoint",
            not_found=lambda message: (f"no deployment {self.deployment!r} at {self.endpoint} "
                                       f"({message or 'HTTP 404'}); check the endpoint and the deployment name"))

    def parse(self, reply: Reply) -> Prediction:
        if reply.status != 200:
            raise http_failure(reply)
        try:
            choice = reply.body["choices"][0]
            finish, message = choice.get("finish_reason"), choice["message"]
        except (KeyError, IndexError, TypeError):
            raise ScoreFailure("invalid_response", "no choices[0].message") from None
        if finish == "content_filter":
            raise ScoreFailure("content_filter", "the answer was filtered")
        if finish == "length":
            raise ScoreFailure("truncated", "the answer hit the token limit")
        if message.get("refusal"):
            raise ScoreFailure("refusal", str(message["refusal"])[:200])
        try:
            answer = json.loads(message.get("content") or "")
        except ValueError:
            raise ScoreFailure("invalid_response", "the answer is not JSON") from None
        known = set(self.tags)
        try:
            if self.task == "multiclass":
                label = str(answer["label"])
                if label != NONE and label not in known:
                    raise ScoreFailure("invalid_response", f"label {label!r} is not a tag")
                return Prediction(scores={} if label == NONE else {label: 1.0}, calibrated=False)
            if self.task == "multilabel":
                labels = {str(x) for x in answer["labels"]}
                if labels - known:
                    raise ScoreFailure("invalid_response", f"labels {sorted(labels - known)} are not tags")
                return Prediction(scores={name: 1.0 for name in labels}, calibrated=False)
            boxes = tuple(Box(str(o["label"]), float(o["left"]), float(o["top"]), float(o["right"]),
                              float(o["bottom"])) for o in answer["objects"])
            if {b.label for b in boxes} - known:
                raise ScoreFailure("invalid_response", "a box label is not a tag")
            return Prediction(boxes=boxes, calibrated=False)
        except (KeyError, TypeError, ValueError):
            raise ScoreFailure("invalid_response", "the answer does not follow the schema") from None
