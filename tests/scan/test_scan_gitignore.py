"""Which files `cvmigrate scan` reads in a git repository: git's own ignore rules (gitignore(5)) --
.git/info/exclude below every .gitignore, the .gitignore files of the parents of a scanned sub-folder up to the
repository root, nested .gitignore files with the deepest one deciding, no re-inclusion under an ignored folder,
and a nested repository starting afresh. The expected sets are written out by hand and checked against git
itself (`git ls-files --others --exclude-standard`, global excludes switched off) on the same fixture tree."""
from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from cvmigrate.scan.scanner import scan
from cvmigrate.scan.signatures import load_catalogue
from cvmigrate.scan.walk import iter_candidates

LEGACY = "from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient\n"
FILES = {
    ".gitignore": "build/\n*.local.json\n!keep.local.json\nignored_dir/\n",
    "top.py": LEGACY,
    "build/out.py": LEGACY,                                  # root: build/ (any depth)
    "ignored_dir/.gitignore": "!inner.py\n",
    "ignored_dir/inner.py": LEGACY,                          # under an ignored folder: never re-included
    "services/.gitignore": "*.tmp.py\n",
    "services/app/.gitignore": "!again.gen.py\n",
    "services/app/main.py": LEGACY,
    "services/app/x.gen.py": LEGACY,                         # .git/info/exclude: *.gen.py
    "services/app/again.gen.py": LEGACY,                     # re-included: a .gitignore outranks info/exclude
    "services/app/scratch.tmp.py": LEGACY,                   # parent services/.gitignore
    "services/app/settings.local.json": '{"k": 1}\n',        # root .gitignore, two levels up
    "services/app/keep.local.json": '{"k": 1}\n',            # root negation
    "services/app/build/gen.py": LEGACY,                     # root build/ matches at any depth
    "services/app/deep/.gitignore": "*.py\n!kept.py\n",
    "services/app/deep/dropped.py": LEGACY,
    "services/app/deep/kept.py": LEGACY,
}
NESTED = {                                                   # services/app/nested: a repository of its own
    "settings.local.json": '{"k": 1}\n',                     # the outer *.local.json does not reach in here
    "tool.py": LEGACY,
    "x.gen.py": LEGACY,                                      # nor the outer info/exclude
}
# What git (and so the scan) keeps when scanning services/app, relative to the repository root.
KEPT_IN_APP = {
    "services/app/main.py", "services/app/again.gen.py", "services/app/keep.local.json",
    "services/app/deep/kept.py",
    "services/app/nested/settings.local.json", "services/app/nested/tool.py", "services/app/nested/x.gen.py",
}

git = shutil.which("git")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run([git, "-c", "core.excludesFile=/dev/null", *args], cwd=cwd, check=True,
                          capture_output=True, text=True).stdout


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    _write(root, FILES)
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("# local excludes\n*.gen.py\n")
    nested = root / "services" / "app" / "nested"
    _write(nested, NESTED)
    (nested / ".git" / "info").mkdir(parents=True)
    return root


def _candidates(path: Path, base: Path) -> tuple[set[str], Counter[str]]:
    skipped: Counter[str] = Counter()
    found = {c.display for c in iter_candidates([path], load_catalogue(), base, skipped)}
    return found, skipped


def test_a_sub_folder_follows_git_rules_from_the_repository_root(repo: Path):
    found, skipped = _candidates(repo / "services" / "app", repo)
    assert found == KEPT_IN_APP
    # x.gen.py, scratch.tmp.py, settings.local.json, deep/dropped.py; the build/ folder
    assert skipped["gitignored"] == 5


def test_the_whole_repository(repo: Path):
    found, _ = _candidates(repo, repo)
    assert found == KEPT_IN_APP | {"top.py"}


def test_a_folder_inside_an_ignored_folder_is_not_scanned(repo: Path):
    found, skipped = _candidates(repo / "ignored_dir", repo)
    assert found == set() and skipped["gitignored"] == 1
    assert scan([repo / "ignored_dir"], base=repo).findings == []


def test_findings_come_only_from_kept_files(repo: Path):
    paths = {f.path for f in scan([repo / "services"], base=repo).findings}
    assert paths == {p for p in KEPT_IN_APP if p.endswith(".py")}


@pytest.mark.skipif(git is None, reason="git is not installed")
def test_the_same_files_as_git_itself(repo: Path):
    """git's answer on the same tree: the outer repository (the nested one shows as one folder entry), and
    the nested repository on its own."""
    (repo / ".git").rename(repo / ".git-fixture")
    subprocess.run([git, "init", "-q", str(repo)], check=True)
    (repo / ".git" / "info" / "exclude").write_text((repo / ".git-fixture" / "info" / "exclude").read_text())
    shutil.rmtree(repo / ".git-fixture")
    nested = repo / "services" / "app" / "nested"
    shutil.rmtree(nested / ".git")
    subprocess.run([git, "init", "-q", str(nested)], check=True)
    outer = set(_git(repo, "ls-files", "--others", "--exclude-standard").split())
    inner = {f"services/app/nested/{p}" for p in _git(nested, "ls-files", "--others", "--exclude-standard").split()}
    from_git = {p for p in outer if not p.endswith("/") and not p.endswith(".gitignore")} | inner
    assert "services/app/nested/" in outer
    found, _ = _candidates(repo, repo)
    assert found == from_git
    sub = {p for p in from_git if p.startswith("services/app/")}
    assert _candidates(repo / "services" / "app", repo)[0] == sub
