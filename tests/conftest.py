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
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "standins"))

import kusto_check  # noqa: E402
import pulumi_harness  # noqa: E402
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
def stack_file() -> Callable[[Path, dict[str, Any]], Path]:
    """Write ``folder/Pulumi.t.yaml``: one workload on a minimal valid stack (location, retirement date,
    subscription, an alert e-mail), for tests that run the CLI or the file reader on a stack file."""
    def write(folder: Path, workload: dict[str, Any]) -> Path:
        config = {"azure-native:location": "westeurope", "cvmigrate:retirementDate": "2028-09-25",
                  "azure-native:subscriptionId": "11111111-2222-3333-4444-555555555555",
                  "cvmigrate:alerts": {"emails": ["oncall@contoso.com"]}, "cvmigrate:workloads": [workload]}
        path = folder / "Pulumi.t.yaml"
        path.write_text(yaml.safe_dump({"config": config}))
        return path
    return write


@pytest.fixture(scope="session")
def run_stack() -> Callable[..., Graph]:
    """``run_stack(raw, stack="dev", invoke=None, program=None, secret_keys=None)``: the cvmigrate Pulumi program
    (or ``program``) run under mocks with ``raw`` (``secret_keys``: the keys Pulumi marks secret), returning the
    recorded graph (types, names, inputs, options)."""
    def run(raw: dict[str, Any], *, stack: str = "dev", invoke: Optional[Callable[[str, dict], dict]] = None,
            program: Optional[Callable[[], Any]] = None, secret_keys: Optional[list[str]] = None) -> Graph:
        return run_program(program or program_main, raw, stack=stack, invoke=invoke, secret_keys=secret_keys)
    return run


@pytest.fixture(scope="session")
def default_invoke() -> Callable[[str, dict], dict]:
    """The mock provider's answer to an invoke (getAccount, listAccountKeys...), for a test's own ``invoke`` to
    start from."""
    return pulumi_harness.default_invoke


@pytest.fixture
def provider_outputs(monkeypatch) -> Callable[[Callable[[str, str, dict, dict], None]], None]:
    """``provider_outputs(extra)``: ``extra(type, name, inputs, outputs)`` adds to the outputs the mock provider
    computes for every resource registered in this test (e.g. a system-assigned identity's principal ID)."""
    def extend(extra: Callable[[str, str, dict, dict], None]) -> None:
        computed = pulumi_harness.fake_outputs

        def outputs(typ: str, name: str, inputs: dict) -> dict:
            out = computed(typ, name, inputs)
            extra(typ, name, inputs, out)
            return out
        monkeypatch.setattr(pulumi_harness, "fake_outputs", outputs)
    return extend


@pytest.fixture
def kusto():
    """Microsoft's Kusto language service: ``kusto.check_kql({...})``, ``kusto.result_columns({...})``."""
    return kusto_check


@pytest.fixture(autouse=True)
def private_cache_dir(tmp_path, monkeypatch):
    """`status --source` caches by default in the user cache folder (platformdirs): keep each test's own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
