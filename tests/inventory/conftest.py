"""`cvmigrate inventory` tests run against the same local fake Training API as the export tests
(standins/cv_fake.py, which follows the v3.3 REST spec)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "export"))

from cv_fake import FakeTrainingService  # noqa: E402


@pytest.fixture
def training_api():
    svc = FakeTrainingService().start()
    yield svc
    svc.stop()
