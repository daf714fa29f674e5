"""Fixtures for `cvmigrate export` tests: a running fake Training API (cv_fake.py) and hand-made projects of
all three kinds. Sleeps are recorded instead of slept, so Retry-After handling is asserted exactly and fast."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import azurite_server  # noqa: E402
from cv_fake import FakeTrainingService  # noqa: E402
from cv_projects import build_detection, build_multiclass, build_multilabel  # noqa: E402


@pytest.fixture
def service():
    svc = FakeTrainingService().start()
    yield svc
    svc.stop()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def projects(service):
    return {"multiclass": build_multiclass(service), "multilabel": build_multilabel(service),
            "detection": build_detection(service)}


@pytest.fixture
def export(service, sleeps, tmp_path):
    """Run an export against the fake; returns (result, out dir)."""
    from cvmigrate.export import ExportOptions, run_export
    import datetime as dt

    def run(project: str, out_name: str = "out", **kw):
        out = tmp_path / out_name
        opts = ExportOptions(endpoint=service.endpoint, key=kw.pop("key", service.key), project=project, out=out,
                             progress=False, sleep=sleeps.append, concurrency=kw.pop("concurrency", 4),
                             now=lambda: dt.datetime(2026, 11, 21, 8, 0, tzinfo=dt.timezone.utc), **kw)
        return run_export(opts), out

    return run



@pytest.fixture
def azurite(tmp_path):
    """Azurite's blob service on a free loopback port; yields the account URL."""
    with azurite_server.running(tmp_path / "azurite") as url:
        yield url
