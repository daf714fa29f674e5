"""Which files a scan reads: source and configuration files under the given paths, minus what git would not
track (its ignore rules, read as git reads them), vendored folders and unknown file types.

git's ignore rules, lowest precedence first (gitignore(5)): ``$GIT_DIR/info/exclude``, then the ``.gitignore``
of every folder from the repository root down to the file's folder; the deepest file with an opinion decides,
within a file the last matching pattern. A folder that is ignored is never entered, so nothing under it can be
re-included. A scan of a sub-folder therefore also reads the ``.gitignore`` files of its parents up to the
repository root (the nearest folder holding ``.git``), and a folder holding its own ``.git`` (a submodule or a
nested repository) starts afresh with its own exclude file. The user's global excludes (``core.excludesFile``)
are not read: a scan gives the same answer on every machine and in CI.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Sequence

import pathspec

from .signatures import Catalogue

GITIGNORE = ".gitignore"
GIT = ".git"

Specs = list[tuple[str, pathspec.GitIgnoreSpec]]     # (folder the patterns are relative to, patterns)


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


def _load_spec(path: str) -> Optional[pathspec.GitIgnoreSpec]:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def _git_dir(folder: str) -> Optional[str]:
    """The git directory of a repository whose work tree root is ``folder`` (``.git`` is a folder, or a file
    ``gitdir: <path>`` in a linked worktree or submodule), None when ``folder`` is no such root."""
    dot_git = os.path.join(folder, GIT)
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8", errors="replace") as fh:
            first = fh.readline().strip()
    except OSError:
        return None
    if not first.startswith("gitdir:"):
        return None
    return os.path.normpath(os.path.join(folder, first[len("gitdir:"):].strip()))


def _exclude_specs(folder: str) -> Specs:
    """``info/exclude`` of the repository rooted at ``folder`` (a linked worktree reads its common dir's)."""
    git_dir = _git_dir(folder)
    if git_dir is None:
        return []
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as fh:
            git_dir = os.path.normpath(os.path.join(git_dir, fh.read().strip()))
    except OSError:
        pass
    spec = _load_spec(os.path.join(git_dir, "info", "exclude"))
    return [(folder, spec)] if spec is not None else []


def _ignored(specs: Specs, path: str, is_dir: bool) -> bool:
    """git's rule: the deepest ignore file that has an opinion about the path wins."""
    verdict = False
    for root, spec in specs:
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        if is_dir:
            rel += "/"
        result = spec.check_file(rel)
        if result.include is not None:
            verdict = result.include
    return verdict


def _with_folder(specs: Specs, folder: str) -> Specs:
    """The rules in force inside ``folder``: a repository root starts afresh with its exclude file; then the
    folder's own .gitignore on top."""
    if _git_dir(folder) is not None:
        specs = _exclude_specs(folder)
    spec = _load_spec(os.path.join(folder, GITIGNORE))
    return specs + [(folder, spec)] if spec is not None else specs


def _inherited(root: Path) -> tuple[Specs, bool]:
    """The ignore rules the parents of ``root`` pass down to it (from the repository root holding it), and
    whether ``root`` itself, or a folder between it and the repository root, is ignored."""
    if _git_dir(str(root)) is not None:
        return [], False                    # a repository root: _walk reads its exclude file
    chain = [root]
    for parent in root.parents:
        chain.append(parent)
        if _git_dir(str(parent)) is not None:
            break
    else:
        return [], False                    # not in a repository: only the .gitignore files under root
    chain.reverse()                          # repository root first, ``root`` last
    specs: Specs = []
    for i, folder in enumerate(chain[:-1]):
        specs = _with_folder(specs, str(folder))
        if specs and _ignored(specs, str(chain[i + 1]), True):
            return specs, True
    return specs, False


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
        specs, ignored = _inherited(root)
        if ignored:
            skipped["gitignored"] += 1
            continue
        yield from _walk(root, specs, catalogue, base, skipped)


def _walk(root: Path, inherited: Specs, catalogue: Catalogue, base: Path,
          skipped: Counter[str]) -> Iterator[Candidate]:
    stack: list[tuple[str, Specs]] = [(str(root), inherited)]
    while stack:
        folder, outer = stack.pop()
        specs = _with_folder(outer, folder)
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
