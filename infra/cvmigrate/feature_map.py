"""The legacy feature -> destination table (queries/feature_map.yaml), read once per process.

Used by `cvmigrate scan` (each finding's replacement), the Image Analysis feature query (rendered as a
datatable) and the coverage check of `validate`/`status` (a feature no configured replacement serves). The
logged OperationName -> feature table is its own data file (queries/ia_operations.yaml), read by
:func:`ia_operation_rows`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

from .config.replacement_refs import TARGETS
from .paths import load_data_yaml, queries_dir

FEATURE_MAP_FILE = "feature_map.yaml"
IA_OPERATIONS_FILE = "ia_operations.yaml"
IA_APIS = ("cv32", "ia40", "retrieval")

# Replacement keys a feature may be covered by: the workload `replacement:` targets of the stack config.
REPLACEMENT_KEYS = TARGETS

_SEPARATORS = re.compile(r"[_\-\s]")


@dataclass(frozen=True)
class Feature:
    name: str
    aliases: tuple[str, ...]
    replacement: str
    covered_by: tuple[str, ...]


@dataclass(frozen=True)
class FeatureMap:
    features: tuple[Feature, ...]

    def get(self, name: str) -> Feature:
        for feature in self.features:
            if feature.name == name:
                return feature
        raise KeyError(name)

    def uncovered(self, features: Iterable[str], targets: Iterable[str]) -> list[Feature]:
        """The features (by name) that need a replacement and that none of ``targets`` (workload replacement
        keys: automl, foundry, ...) covers; unknown names are ignored."""
        have = set(targets)
        out = []
        for name in sorted(set(features)):
            try:
                feature = self.get(name)
            except KeyError:
                continue
            if feature.covered_by and not have.intersection(feature.covered_by):
                out.append(feature)
        return out

    def resolve(self, word: str) -> Optional[Feature]:
        """The feature a name from code, a URL or a log refers to (``READ``, ``classify_image_url``,
        ``DetectImageUrlAsync``, ``denseCaptions``); None when it is not one of ours."""
        key = normalise(word)
        return _alias_index(self).get(key)


def normalise(word: str) -> str:
    key = _SEPARATORS.sub("", word.strip().lower())
    return key[: -len("async")] if key.endswith("async") and len(key) > len("async") else key


@lru_cache(maxsize=None)
def _alias_index(fmap: FeatureMap) -> dict[str, Feature]:
    index: dict[str, Feature] = {}
    for feature in fmap.features:
        for alias in feature.aliases:
            index[normalise(alias)] = feature
    return index


class FeatureMapError(ValueError):
    """queries/feature_map.yaml is malformed; the message names the entry."""


@lru_cache(maxsize=1)
def load_feature_map() -> FeatureMap:
    path = queries_dir() / FEATURE_MAP_FILE
    raw = load_data_yaml(path.read_text(encoding="utf-8")) or {}
    features = []
    seen: dict[str, str] = {}
    for name, entry in (raw.get("features") or {}).items():
        covered = tuple(entry.get("coveredBy") or ())
        unknown = [key for key in covered if key not in REPLACEMENT_KEYS]
        if unknown:
            raise FeatureMapError(f"{path}: features.{name}.coveredBy: unknown replacement {unknown[0]!r}; "
                                  f"use one of {', '.join(REPLACEMENT_KEYS)}")
        aliases = tuple(str(a) for a in entry.get("aliases") or ())
        for alias in aliases:
            key = normalise(alias)
            if key in seen and seen[key] != name:
                raise FeatureMapError(f"{path}: alias {alias!r} is listed under both {seen[key]} and {name}")
            seen[key] = name
        features.append(Feature(name=name, aliases=aliases, replacement=str(entry["replacement"]),
                                covered_by=covered))
    return FeatureMap(features=tuple(features))


def log_key(operation: str) -> str:
    """An OperationName as the Image Analysis feature query compares it: lower case, no ``-``, ``_`` or spaces
    (the query does the same with replace_regex)."""
    return _SEPARATORS.sub("", operation.lower())


@lru_cache(maxsize=1)
def ia_operation_rows() -> tuple[dict[str, str], ...]:
    """The rows of the datatable that classifies ImageAnalysis calls by OperationName
    (queries/ia_operations.yaml): ``{alias, feature, destination, covered_by}``, alias as :func:`log_key` makes
    it, covered_by comma-separated, sorted by alias."""
    path = queries_dir() / IA_OPERATIONS_FILE
    raw = load_data_yaml(path.read_text(encoding="utf-8")) or {}
    fmap = load_feature_map()
    rows: dict[str, dict[str, str]] = {}
    for i, entry in enumerate(raw.get("operations") or []):
        where = f"{path}: operations[{i}]"
        operation, name, api = (str(entry.get(k, "")) for k in ("operation", "feature", "api"))
        if not operation:
            raise FeatureMapError(f"{where}.operation: missing; give the operationId as the spec spells it")
        if api not in IA_APIS:
            raise FeatureMapError(f"{where}.api: {api!r}; use one of {', '.join(IA_APIS)}")
        try:
            feature = fmap.get(name)
        except KeyError:
            raise FeatureMapError(f"{where}.feature: {name!r} is not a feature of {FEATURE_MAP_FILE}") from None
        key = log_key(operation)
        if key in rows:
            raise FeatureMapError(f"{where}.operation: {operation!r} is listed twice")
        rows[key] = {"alias": key, "feature": feature.name, "destination": feature.replacement,
                     "covered_by": ",".join(feature.covered_by)}
    return tuple(sorted(rows.values(), key=lambda r: r["alias"]))
