"""Scan files for the signatures of signatures.yaml; in parallel processes for large trees.

Per file: a byte-level gate (does the lower-cased file hold any anchor at all?) rejects almost every file of
a real tree at memory speed; only files that pass are decoded, checked for minification, stripped of comments
and matched row by row. Rows with `needs` run after the others, and only when the file has evidence of one of
those services. Secrets are matched last, near a header or endpoint finding, and never leave this module
unmasked.
"""
from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

from ..feature_map import normalise
from .comments import strip_comments
from .signatures import FROM_GROUP, Catalogue, Signature, load_catalogue
from .walk import Candidate, iter_candidates

KIND_ORDER = {"sdk": 0, "rest": 1, "header": 2, "endpoint": 3, "secret": 4}
_CHUNK = 256
_INLINE_BELOW = 512           # fewer candidate files than this: no worker processes
_MAX_MATCH_CHARS = 120
_WORD_SPLIT = re.compile(r"[^A-Za-z0-9_/:]+")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    column: int
    language: str
    kind: str
    service: str
    feature: str
    replacement: str
    rule: str
    match: str                # what matched; secrets masked, never the value

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, KIND_ORDER[self.kind], self.rule, self.feature)


@dataclass
class ScanResult:
    findings: list[Finding]
    files_scanned: int
    bytes_scanned: int
    skipped: Counter[str] = field(default_factory=Counter)


def mask(secret: str) -> str:
    return f"<{len(secret)}-character key, masked>"


class _Lines:
    def __init__(self, text: str):
        self.starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = find("\n", pos + 1)

    def locate(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1


def _features(sig: Signature, match: re.Match[str], cat: Catalogue) -> list[str]:
    """The feature(s) a match names: the row's own, or each word of its group `f` looked up in the row's
    `features` and then in the feature map (unknown words are ignored)."""
    if sig.feature != FROM_GROUP:
        return [sig.feature]
    out: list[str] = []
    for word in _WORD_SPLIT.split(match.group("f").replace("%2C", ",").replace("%2c", ",")):
        if not word:
            continue
        known = cat.features.resolve(word)
        name = sig.features.get(normalise(word)) or (known.name if known else None)
        if name and name not in out:
            out.append(name)
    return out


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MATCH_CHARS else text[: _MAX_MATCH_CHARS - 1] + "…"


def scan_text(text: str, display: str, language: str, cat: Catalogue) -> list[Finding]:
    """Findings of one decoded file (comments already blanked or not: this blanks them)."""
    style = next((lang.comments for lang in cat.languages if lang.name == language), "none")
    code = strip_comments(text, style)
    lower = code.lower().encode("utf-8", "replace")
    lines = _Lines(code)
    found: list[Finding] = []
    services: set[str] = set()

    def emit(sig: Signature, match) -> None:
        line, column = lines.locate(match.start())
        for feature in _features(sig, match, cat):
            found.append(Finding(
                path=display, line=line, column=column, language=language, kind=sig.kind, service=sig.service,
                feature=feature, replacement=cat.features.get(feature).replacement, rule=sig.id,
                match=_short(match.group(0)),
            ))

    rows = [s for s in cat.signatures if s.applies_to(language) and s.kind != "secret" and s.anchor in lower]
    for sig in (s for s in rows if not s.needs):
        for match in sig.regex.finditer(code):
            before = len(found)
            emit(sig, match)
            if len(found) > before:
                services.add(sig.service)
    for sig in (s for s in rows if s.needs and s.needs & services):
        for match in sig.regex.finditer(code):
            emit(sig, match)
    anchors = sorted({f.line for f in found if f.kind in ("header", "endpoint")})
    for sig in (s for s in cat.signatures if s.kind == "secret" and s.applies_to(language)):
        for match in sig.regex.finditer(code):
            line, column = lines.locate(match.start())
            start = lines.starts[line - 1]
            end = code.find("\n", start)
            on_line = code[start: end if end != -1 else len(code)]
            near = any(abs(line - a) <= sig.near for a in anchors)
            if not (near or (sig.context and sig.context.search(on_line.replace(match.group(0), "")))):
                continue
            if not anchors and not services:
                continue
            found.append(Finding(
                path=display, line=line, column=column, language=language, kind="secret",
                service=_nearest_service(found, line), feature=sig.feature,
                replacement=cat.features.get(sig.feature).replacement, rule=sig.id, match=mask(match.group(0)),
            ))
    return found


def _nearest_service(found: list[Finding], line: int) -> str:
    best: Optional[Finding] = None
    for f in found:
        if f.kind != "secret" and f.service != "cognitiveservices":
            if best is None or abs(f.line - line) < abs(best.line - line):
                best = f
    return best.service if best else "cognitiveservices"


def scan_file(candidate: Candidate, cat: Catalogue) -> tuple[list[Finding], int, Optional[str]]:
    """(findings, bytes read, skip reason or None)."""
    try:
        size = os.path.getsize(candidate.path)
        if size > cat.max_file_bytes:
            return [], 0, "too large"
        with open(candidate.path, "rb") as fh:
            data = fh.read()
    except OSError:
        return [], 0, "unreadable"
    if b"\0" in data[:8192]:
        return [], len(data), "binary"
    lower = data.lower()
    if not any(anchor in lower for anchor in cat.gate):
        return [], len(data), None
    text = data.decode("utf-8", errors="replace")
    if candidate.language in ("javascript", "typescript", "css"):
        if len(text) / (text.count("\n") + 1) > cat.minified_line_chars:
            return [], len(data), "minified"
    return scan_text(text, candidate.display, candidate.language, cat), len(data), None


def _scan_chunk(chunk: Sequence[Candidate]) -> tuple[list[Finding], int, int, Counter[str]]:
    cat = load_catalogue()
    findings: list[Finding] = []
    skipped: Counter[str] = Counter()
    scanned = total = 0
    for candidate in chunk:
        found, size, reason = scan_file(candidate, cat)
        total += size
        if reason:
            skipped[reason] += 1
        else:
            scanned += 1
            findings.extend(found)
    return findings, scanned, total, skipped


def _chunks(items: list[Candidate], size: int) -> Iterable[list[Candidate]]:
    for i in range(0, len(items), size):
        yield items[i: i + size]


def scan(paths: Sequence[str | os.PathLike[str]], *, base: Optional[Path] = None,
         jobs: Optional[int] = None) -> ScanResult:
    """Scan files and folders. ``base``: findings' paths are relative to it (default: the working folder);
    ``jobs``: worker processes (default: the CPUs this process may use)."""
    cat = load_catalogue()
    base = (base or Path.cwd()).resolve()
    skipped: Counter[str] = Counter()
    candidates = list(iter_candidates(paths, cat, base, skipped))
    workers = jobs or len(os.sched_getaffinity(0))
    results = []
    if workers <= 1 or len(candidates) < _INLINE_BELOW:
        results.append(_scan_chunk(candidates))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results.extend(pool.map(_scan_chunk, _chunks(candidates, _CHUNK)))
    findings: list[Finding] = []
    scanned = total = 0
    for found, n, size, skip in results:
        findings.extend(found)
        scanned += n
        total += size
        skipped.update(skip)
    findings.sort(key=Finding.sort_key)
    return ScanResult(findings=findings, files_scanned=scanned, bytes_scanned=total, skipped=skipped)
