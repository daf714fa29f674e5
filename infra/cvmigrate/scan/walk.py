"""Which files a scan reads: source and configuration files under the given paths, minus what `.gitignore`
files (at every level, as git reads them), vendored folders and unknown file types leave out."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

import pathspec

from .signatures import Catalogue

GITIGNORE = ".gitignore"


@dataclass(frozen=True)
class Candidate:
    path: str        # absolute file system path
    display: str     # the path findings show: relative to the base folder (posix), else absolute
    language: str


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def _load_ignore(folder: str) -> Optional[pathspec.GitIgnoreSpec]:
    try:
        with open(os.path.join(folder, GITIGNORE), encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def _ignored(specs: list[tuple[str, pathspec.GitIgnoreSpec]], path: str, is_dir: bool) -> bool:
    """git's rule: the deepest .gitignore that has an opinion about the path wins."""
    verdict = False
    for root, spec in specs:
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        if is_dir:
            rel += "/"
        result = spec.check_file(rel)
        if result.include is not None:
            verdict = result.include
    return verdict


def iter_candidates(paths: Sequence[str | os.PathLike[str]], catalogue: Catalogue, base: Path,
                    skipped: Counter[str]) -> Iterator[Candidate]:
    """Files to scan, in a stable order. ``skipped`` counts what was left out, by reason."""
    for given in paths:
        root = Path(given).resolve()
        if root.is_file():
            language = catalogue.language_of(root.name)
            if language is None:
                skipped["unknown type"] += 1
                continue
            yield Candidate(str(root), _display(root, base), language)
            continue
        yield from _walk(root, catalogue, base, skipped)


def _walk(root: Path, catalogue: Catalogue, base: Path, skipped: Counter[str]) -> Iterator[Candidate]:
    stack: list[tuple[str, list[tuple[str, pathspec.GitIgnoreSpec]]]] = [(str(root), [])]
    while stack:
        folder, inherited = stack.pop()
        spec = _load_ignore(folder)
        specs = inherited + [(folder, spec)] if spec is not None else inherited
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            skipped["unreadable"] += 1
            continue
        subfolders = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file(follow_symlinks=False)
            except OSError:
                skipped["unreadable"] += 1
                continue
            if is_dir:
                if entry.name in catalogue.skip_dirs:
                    skipped["vendored"] += 1
                elif specs and _ignored(specs, entry.path, True):
                    skipped["gitignored"] += 1
                else:
                    subfolders.append(entry.path)
                continue
            if not is_file:
                continue
            language = catalogue.language_of(entry.name)
            if language is None:
                skipped["unknown type"] += 1
            elif specs and _ignored(specs, entry.path, False):
                skipped["gitignored"] += 1
            elif catalogue.is_minified_name(entry.name):
                skipped["minified"] += 1
            else:
                yield Candidate(entry.path, _display(Path(entry.path), base), language)
        stack.extend((sub, specs) for sub in reversed(subfolders))
