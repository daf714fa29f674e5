"""Analyzer definitions as typed data (from `replacement.contentUnderstanding.analyzers` of a workload) and the
request body the analyzers API takes.

Body shape (CU how-to "create a classifier", image analyzer): ``{"description", "baseAnalyzerId":
"prebuilt-image", "models": {"completion": <deployment>}, "fieldSchema": {"fields": {<name>: {"type", "method",
"description", "enum"}}}}``. Multilabel classification: ``{"type": "array", "items": {"type": "string",
"enum": [...]}}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

FIELD_TYPES = ("string", "array")


@dataclass(frozen=True)
class AnalyzerField:
    name: str
    type: str                          # string | array (multilabel)
    method: str                        # classify | generate
    description: str = ""
    enum: tuple[str, ...] = ()         # the categories of a classify field

    def body(self) -> dict[str, object]:
        out: dict[str, object] = {"type": self.type, "method": self.method}
        if self.description:
            out["description"] = self.description
        if self.type == "array":
            item: dict[str, object] = {"type": "string"}
            if self.enum:
                item["enum"] = list(self.enum)
            out["items"] = item
        elif self.enum:
            out["enum"] = list(self.enum)
        return out


@dataclass(frozen=True)
class AnalyzerDefinition:
    id: str
    description: str = ""
    base_analyzer_id: str = "prebuilt-image"
    completion_model: Optional[str] = None     # a model deployment name of the account
    fields: tuple[AnalyzerField, ...] = ()

    def body(self) -> dict[str, object]:
        out: dict[str, object] = {"baseAnalyzerId": self.base_analyzer_id}
        if self.description:
            out["description"] = self.description
        if self.completion_model:
            out["models"] = {"completion": self.completion_model}
        out["fieldSchema"] = {"fields": {f.name: f.body() for f in self.fields}}
        return out
