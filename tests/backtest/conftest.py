"""A generated archive shared by the backtest tests: the demo stack, 43 days of seasonal traffic ending on a
Wednesday, one planted 2x / 2 h regression on a Thursday morning (the one tests/report/test_sample_detection.py
replays hour by hour)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cvmigrate.artefacts import render
from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.synthetic_archive import Plant, write_sample

DEMO = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.demo.yaml"
END = dt.datetime(2027, 6, 2)                                        # a Wednesday, 00:00 UTC
PLANT = Plant("shelf-scanner", dt.datetime(2027, 5, 27, 10), 2, 2.0)  # Thursday office hours


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("backtest") / "archive"
    cfg = load_stack_file(str(DEMO))
    write_sample(cfg, root, refs=replacement_refs(cfg), days=43, seed=3, end=END, records=60000, plants=[PLANT])
    return root


@pytest.fixture(scope="session")
def demo_artefacts():
    return render(load_stack_file(str(DEMO)))
