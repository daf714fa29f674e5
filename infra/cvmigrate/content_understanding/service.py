"""The Content Understanding facts of service.yaml (api-version, supported regions, analyzer limits)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..paths import load_data_yaml

SERVICE_FILE = Path(__file__).with_name("service.yaml")


@dataclass(frozen=True)
class ServiceFacts:
    api_version: str
    regions: tuple[str, ...]
    image_field_methods: tuple[str, ...]
    max_fields: int
    max_classify_categories: int


@lru_cache(maxsize=1)
def service_facts() -> ServiceFacts:
    raw = load_data_yaml(SERVICE_FILE.read_text(encoding="utf-8"))
    return ServiceFacts(api_version=str(raw["apiVersion"]), regions=tuple(raw["regions"]),
                        image_field_methods=tuple(raw["imageFieldMethods"]), max_fields=int(raw["maxFields"]),
                        max_classify_categories=int(raw["maxClassifyCategories"]))
