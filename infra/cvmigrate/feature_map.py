"""The legacy feature -> destination table (queries/feature_map.yaml), read once per process.

Used by `cvmigrate scan` (each finding's replacement), the Image Analysis feature query (rendered as a
datatable) and the coverage check of `validate`/`status` (a feature no configured replacement serves).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional

import yaml

from .config.replacement_refs import TARGETS
from .paths import queries_dir

FEATURE_MAP_FILE = "feature_map.yaml"

# Replacement keys a feature may be covered by: the workload `replacement:` targets of the stack config.
REPLACEMENT_KEYS = TARGETS
ACCOUNT_KINDS = ("Prediction", "Training", "ImageAnalysis")

_SEPARATORS = re.compile(r"[_\-\s]")


@dataclass(frozen=True)
class Feature:
    name: str
    aliases: tuple[str, ...]
    replacement: str
    covered_by: tuple[str, ...]
    accounts: tuple[str, ...]       # legacy account kinds whose log names it in OperationName


@dataclass(frozen=True)
class FeatureMap:
    features: tuple[Feature, ...]

    def get(self, name: str) -> Feature:
        for feature in self.features:
            if feature.name == name:
                return feature
        raise KeyError(name)

    def log_rows(self, account_kind: str) -> list[dict[str, str]]:
        """The rows of the query datatable that classifies ``account_kind`` calls by OperationName:
        ``{alias, feature, destination, covered_by}``, alias normalised as the query normalises
        OperationName (lower case, no ``-``, ``_`` or spaces), covered_by comma-separated."""
        rows: dict[str, dict[str, str]] = {}
        for feature in self.features:
            if account_kind not in feature.accounts:
                continue
            for alias in feature.aliases:
                key = _SEPARATORS.sub("", alias.lower())
                rows.setdefault(key, {"alias": key, "feature": feature.name, "destination": feature.replacement,
                                      "covered_by": ",".join(feature.covered_by)})
        return sorted(rows.values(), key=lambda r: r["alias"])

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
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    features = []
    seen: dict[str, str] = {}
    for name, entry in (raw.get("features") or {}).items():
        covered = tuple(entry.get("coveredBy") or ())
        unknown = [key for key in covered if key not in REPLACEMENT_KEYS]
        if unknown:
            raise FeatureMapError(f"{path}: features.{name}.coveredBy: unknown replacement {unknown[0]!r}; "
                                  f"use one of {', '.join(REPLACEMENT_KEYS)}")
        accounts = tuple(entry.get("accounts") or ())
        if any(kind not in ACCOUNT_KINDS for kind in accounts):
            raise FeatureMapError(f"{path}: features.{name}.accounts: use only {', '.join(ACCOUNT_KINDS)}")
        aliases = tuple(str(a) for a in entry.get("aliases") or ())
        for alias in aliases:
            key = normalise(alias)
            if key in seen and seen[key] != name:
                raise FeatureMapError(f"{path}: alias {alias!r} is listed under both {seen[key]} and {name}")
            seen[key] = name
        features.append(Feature(name=name, aliases=aliases, replacement=str(entry["replacement"]),
                                covered_by=covered, accounts=accounts))
    return FeatureMap(features=tuple(features))
