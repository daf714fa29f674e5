"""Shared test fixtures. Folders mirror the package (tests/artefacts, tests/components, tests/config,
tests/cli, tests/report, tests/policy, ...); helpers shared across them live next to this file and are
importable from every folder (pytest puts tests/ on sys.path for this rootdir conftest), and the local
stand-ins the benchmarks use too live in ../standins/ (put on sys.path here):

- ``stacks``          stack-file shaped configs and example workloads (``stack(...)``)
- ``pulumi_harness``  (standins/) run a Pulumi program under mocks and record the whole graph (``run_program``)
- ``cv_fake``         (standins/) the Custom Vision Training API on 127.0.0.1
- ``kusto_check``     check KQL with Microsoft's Kusto language service (``check_kql``, ``result_columns``)

The fixtures below hand the same three to a test without an import (session-scoped: they are pure
builders, so module-scoped fixtures can use them too); tests use them rather than importing the helpers.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Optional

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standins"))

import kusto_check  # noqa: E402
import stacks  # noqa: E402
from pulumi_harness import Graph, run_program  # noqa: E402

from cvmigrate.config import StackConfig, parse_stack_config  # noqa: E402
from cvmigrate.program import main as program_main  # noqa: E402


@pytest.fixture(scope="session")
def stack_config() -> Callable[..., dict[str, Any]]:
    """Builder of a stack-file shaped config: ``stack_config(REFERENCE_WORKLOAD, alerts={...})``
    (workloads from :mod:`stacks`; keyword overrides become ``cvmigrate:<key>``)."""
    return stacks.stack


@pytest.fixture(scope="session")
def parsed_config() -> Callable[..., StackConfig]:
    """``parsed_config(raw, env="dev")``: the typed StackConfig of a stack-file config (asserts it is valid)."""
    def parse(raw: dict[str, Any], env: str = "dev") -> StackConfig:
        cfg, issues = parse_stack_config(raw, env)
        assert cfg is not None, [str(i) for i in issues]
        return cfg
    return parse


@pytest.fixture(scope="session")
def run_stack() -> Callable[..., Graph]:
    """``run_stack(raw, stack="dev", invoke=None, program=None)``: the cvmigrate Pulumi program (or
    ``program``) run under mocks with ``raw``, returning the recorded graph (types, names, inputs, options)."""
    def run(raw: dict[str, Any], *, stack: str = "dev", invoke: Optional[Callable[[str, dict], dict]] = None,
            program: Optional[Callable[[], Any]] = None) -> Graph:
        return run_program(program or program_main, raw, stack=stack, invoke=invoke)
    return run


@pytest.fixture
def kusto():
    """Microsoft's Kusto language service: ``kusto.check_kql({...})``, ``kusto.result_columns({...})``."""
    return kusto_check


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path, monkeypatch):
    """`status --source` caches by default in the user cache folder (platformdirs): keep each test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
