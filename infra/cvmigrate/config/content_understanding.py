"""A workload's `replacement.contentUnderstanding`: the analyzers (classifiers) it runs on the environment's
shared AIServices account, kept as data and synced by `cvmigrate analyzers`.

Shape::

    replacement:
      contentUnderstanding:
        analyzers:
          - id: shelf-classifier
            description: Shelf photos by product family
            completionModel: gpt-4-1           # a model deployment of the account
            fields:
              - {name: Family, method: classify, description: "...", enum: [cereal, snacks, drinks]}

Limits (content_understanding/service.yaml): image analyzers take only `generate` and `classify` fields, at
most 100 fields and 300 classify categories in all. Content Understanding returns no boxes: it replaces
classification, not detection.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..content_understanding.definition import FIELD_TYPES, AnalyzerDefinition, AnalyzerField
from ..content_understanding.service import service_facts
from .reader import Node

ANALYZER_ID = r"[A-Za-z][A-Za-z0-9._-]{0,63}"
FIELD_NAME = r"[A-Za-z][A-Za-z0-9_]{0,63}"


@dataclass(frozen=True)
class ContentUnderstandingConfig:
    analyzers: tuple[AnalyzerDefinition, ...]
    config_path: str = ""


def parse_content_understanding(node: Node) -> Optional[ContentUnderstandingConfig]:
    if not node.is_object(example="{analyzers: [{id: shelf-classifier, fields: [...]}]}"):
        return None
    node.only_keys(["analyzers"])
    facts = service_facts()
    analyzers: list[AnalyzerDefinition] = []
    items = node.get("analyzers")
    if not items.is_list(required=True, example="[{id: shelf-classifier, fields: [...]}]"):
        return None
    seen: set[str] = set()
    for _, a in items.items():
        if not a.is_object(required=True, example="{id: shelf-classifier, fields: [...]}"):
            continue
        a.only_keys(["id", "description", "baseAnalyzerId", "completionModel", "fields"])
        analyzer_id = a.string("id", required=True, pattern=ANALYZER_ID,
                               pattern_help="a letter, then up to 63 letters, digits, '.', '_' or '-'",
                               example="shelf-classifier")
        if analyzer_id and analyzer_id.lower() in seen:
            a.get("id").error(f"'{analyzer_id}' is used twice in this workload.", "give each analyzer its own id.")
        seen.add((analyzer_id or "").lower())
        fields: list[AnalyzerField] = []
        f_node = a.get("fields")
        if f_node.is_list(required=True, example="[{name: Family, method: classify, enum: [a, b]}]"):
            for _, f in f_node.items():
                if not f.is_object(required=True, example="{name: Family, method: classify, enum: [a, b]}"):
                    continue
                f.only_keys(["name", "type", "method", "description", "enum"])
                enum = f.get("enum")
                values = tuple(str(v) for v in enum.value) if isinstance(enum.value, list) else ()
                if enum.value is not None and not isinstance(enum.value, list):
                    enum.error("must be a list of category names.", "write it as [cereal, snacks].")
                method = f.choice("method", facts.image_field_methods, default="classify")
                if method == "classify" and not values:
                    f.get("enum").error("is required for a classify field.", "list the categories, e.g. [cereal, snacks].")
                fields.append(AnalyzerField(
                    name=f.string("name", required=True, pattern=FIELD_NAME, pattern_help="a letter, then letters, "
                                  "digits or '_'", example="Family") or "field",
                    type=f.choice("type", FIELD_TYPES, default="string"), method=method or "classify",
                    description=f.string("description", default=""), enum=values))
        if len(fields) > facts.max_fields:
            f_node.error(f"has {len(fields)} fields; an analyzer takes at most {facts.max_fields}.",
                         "split it into several analyzers.")
        categories = sum(len(x.enum) for x in fields if x.method == "classify")
        if categories > facts.max_classify_categories:
            f_node.error(f"has {categories} classify categories; at most {facts.max_classify_categories} are allowed.",
                         "split the categories over several analyzers.")
        analyzers.append(AnalyzerDefinition(
            id=analyzer_id or "analyzer", description=a.string("description", default=""),
            base_analyzer_id=a.string("baseAnalyzerId", default="prebuilt-image"),
            completion_model=a.string("completionModel"), fields=tuple(fields)))
    return ContentUnderstandingConfig(analyzers=tuple(analyzers), config_path=node.path)
