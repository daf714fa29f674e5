"""Fixtures for `cvmigrate compare` tests: the scoring fakes (scoring_fakes.py) and small export folders
(export_folder.py). Sleeps are recorded instead of slept, so Retry-After handling is asserted exactly."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from export_folder import PROJECT  # noqa: E402
from scoring_fakes import FakeScoring  # noqa: E402


@pytest.fixture
def scoring():
    fake = FakeScoring(PROJECT).start()
    yield fake
    fake.stop()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def compare(scoring, sleeps, tmp_path):
    """Run a comparison against the fakes; returns the compare.json dict."""
    from cvmigrate.compare import CompareOptions, run_compare

    def run(dataset: Path, replacement: str = "automl", out: str = "out", **kw):
        opts = CompareOptions(
            dataset=dataset, out=tmp_path / out, legacy_endpoint=scoring.base, legacy_project=PROJECT,
            legacy_iteration=kw.pop("legacy_iteration", "prod"), legacy_key=kw.pop("legacy_key", scoring.keys["cv"]),
            replacement=replacement, scoring_uri=f"{scoring.base}/score", aml_key=kw.pop("aml_key", scoring.keys["aml"]),
            foundry_endpoint=scoring.base, deployment="gpt-4o", foundry_key=scoring.keys["chat"],
            sleep=sleeps.append, concurrency=kw.pop("concurrency", 3), **kw)
        return run_compare(opts)

    return run
