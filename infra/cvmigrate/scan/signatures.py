"""The signature table (signatures.yaml beside this module), compiled once per process."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from ..feature_map import FeatureMap, load_feature_map, normalise
from ..paths import load_data_yaml

SIGNATURES_FILE = Path(__file__).with_name("signatures.yaml")

KINDS = ("sdk", "rest", "header", "endpoint", "secret")
SERVICES = ("customvision", "computervision", "imageanalysis", "face", "cognitiveservices")
COMMENT_STYLES = ("hash", "c", "xml", "none")
FROM_GROUP = "@f"


class SignatureError(ValueError):
    """signatures.yaml is malformed; the message names the row and the key."""


@dataclass(frozen=True)
class Language:
    name: str
    extensions: tuple[str, ...]
    filenames: tuple[str, ...]
    globs: tuple[str, ...]
    comments: str


@dataclass(frozen=True, eq=False)
class Signature:
    id: str
    kind: str
    service: str
    feature: str                       # a feature name, or FROM_GROUP
    anchor: bytes                      # lower-case literal every match contains (b"" = none)
    regex: re.Pattern[str]
    languages: Optional[frozenset[str]]
    needs: frozenset[str]
    features: dict[str, str] = field(default_factory=dict)   # group word (normalised) -> feature
    context: Optional[re.Pattern[str]] = None                # secrets: a key-ish name on the line
    near: int = 0                                            # secrets: lines to a header/endpoint
    example: str = ""

    def applies_to(self, language: str) -> bool:
        return self.languages is None or language in self.languages


@dataclass(frozen=True, eq=False)
class Catalogue:
    signatures: tuple[Signature, ...]
    languages: tuple[Language, ...]
    skip_dirs: frozenset[str]
    minified_names: tuple[str, ...]
    max_file_bytes: int
    minified_line_chars: int
    features: FeatureMap
    gate: tuple[bytes, ...]            # a file holding none of these has no finding

    def language_of(self, name: str) -> Optional[str]:
        return _language_index(self)(name)

    def is_minified_name(self, name: str) -> bool:
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self.minified_names)

    def signature(self, rule_id: str) -> Signature:
        for sig in self.signatures:
            if sig.id == rule_id:
                return sig
        raise KeyError(rule_id)


@lru_cache(maxsize=None)
def _language_index(cat: Catalogue):
    by_name = {n: lang.name for lang in cat.languages for n in lang.filenames}
    by_ext = {e: lang.name for lang in cat.languages for e in lang.extensions}
    globs = [(g, lang.name) for lang in cat.languages for g in lang.globs]

    def language_of(name: str) -> Optional[str]:
        if name in by_name:
            return by_name[name]
        dot = name.rfind(".")
        if dot > 0 and (lang := by_ext.get(name[dot:].lower())):
            return lang
        for pattern, lang_name in globs:
            if fnmatch.fnmatchcase(name, pattern):
                return lang_name
        return None

    return language_of


def _tuple(value) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def parse_row(raw: dict, where: str, languages: set[str], fmap: FeatureMap) -> Signature:
    def need(key: str) -> object:
        if key not in raw:
            raise SignatureError(f"{where}: missing `{key}`")
        return raw[key]

    kind, service, feature = str(need("kind")), str(need("service")), str(need("feature"))
    if kind not in KINDS:
        raise SignatureError(f"{where}.kind: {kind!r} is not one of {', '.join(KINDS)}")
    if service not in SERVICES:
        raise SignatureError(f"{where}.service: {service!r} is not one of {', '.join(SERVICES)}")
    try:
        regex = re.compile(str(need("pattern")), re.IGNORECASE)
    except re.error as exc:
        raise SignatureError(f"{where}.pattern: {exc}") from None
    if feature == FROM_GROUP:
        if "f" not in regex.groupindex:
            raise SignatureError(f"{where}.pattern: feature `@f` needs a group named f")
    else:
        try:
            fmap.get(feature)
        except KeyError:
            raise SignatureError(f"{where}.feature: {feature!r} is not in queries/feature_map.yaml") from None
    mapped = {normalise(k): str(v) for k, v in (raw.get("features") or {}).items()}
    for word, name in mapped.items():
        try:
            fmap.get(name)
        except KeyError:
            raise SignatureError(f"{where}.features.{word}: {name!r} is not in queries/feature_map.yaml") from None
    langs = raw.get("languages")
    if langs is not None:
        unknown = [lang for lang in langs if lang not in languages]
        if unknown:
            raise SignatureError(f"{where}.languages: unknown language {unknown[0]!r}")
    anchor = str(raw.get("anchor", ""))
    if anchor != anchor.lower():
        raise SignatureError(f"{where}.anchor: must be lower case")
    context = raw.get("context")
    return Signature(
        id=str(need("id")), kind=kind, service=service, feature=feature, anchor=anchor.encode(),
        regex=regex, languages=frozenset(langs) if langs is not None else None,
        needs=frozenset(_tuple(raw.get("needs"))), features=mapped,
        context=re.compile(str(context), re.IGNORECASE) if context else None,
        near=int(raw.get("near", 0)), example=str(raw.get("example", "")),
    )


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    raw = load_data_yaml(SIGNATURES_FILE.read_text(encoding="utf-8")) or {}
    fmap = load_feature_map()
    languages = tuple(
        Language(name=name, extensions=tuple(e.lower() for e in _tuple(spec.get("extensions"))),
                 filenames=_tuple(spec.get("filenames")), globs=_tuple(spec.get("globs")),
                 comments=str(spec.get("comments", "none")))
        for name, spec in (raw.get("languages") or {}).items()
    )
    for lang in languages:
        if lang.comments not in COMMENT_STYLES:
            raise SignatureError(f"languages.{lang.name}.comments: {lang.comments!r} is not one of "
                                 f"{', '.join(COMMENT_STYLES)}")
    names = {lang.name for lang in languages}
    signatures = []
    for i, row in enumerate(raw.get("signatures") or ()):
        sig = parse_row(row, f"signatures[{i}] ({row.get('id', '?')})", names, fmap)
        if any(s.id == sig.id for s in signatures):
            raise SignatureError(f"signatures[{i}].id: {sig.id} is used twice")
        signatures.append(sig)
    gate = tuple(sorted({s.anchor for s in signatures if not s.needs and s.kind != "secret" and s.anchor}))
    defaults = raw.get("defaults") or {}
    return Catalogue(
        signatures=tuple(signatures), languages=languages, skip_dirs=frozenset(_tuple(raw.get("skipDirs"))),
        minified_names=_tuple(raw.get("minifiedNames")), max_file_bytes=int(defaults.get("maxFileBytes", 4 << 20)),
        minified_line_chars=int(defaults.get("minifiedLineChars", 300)), features=fmap, gate=gate,
    )
