"""The scan fixture tree (tests/scan/tree: each language's documented usage, written for these tests) copied to
a temporary folder, plus what git itself would not keep: an ignored file, a vendored package, a minified
bundle without .min in its name, a binary file with a source extension."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TREE = Path(__file__).resolve().parent / "tree"
CV_URL = "https://westus.api.cognitive.microsoft.com/customvision/v3.0/Prediction/"


def add_traps(root: Path) -> None:
    (root / "ignored" / "old.py").write_text(
        "from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient\n")
    (root / "debug.log").write_text(f"{CV_URL}p/classify/iterations/prod/url\n")
    vendored = root / "node_modules" / "@azure" / "cognitiveservices-customvision-prediction"
    vendored.mkdir(parents=True)
    (vendored / "index.js").write_text(
        f'exports.classifyImageUrl = function (p, n, u) {{ return this.post("{CV_URL}" + p + "/classify/iterations/" '
        '+ n + "/url", u); };\n')
    bundle = root / "js" / "dist"
    bundle.mkdir(parents=True)
    body = ";".join(f"function f{i}(a){{return a+{i}}}" for i in range(60))
    (bundle / "app.js").write_text(f'var e="{CV_URL}"+p+"/classify/iterations/prod/url";{body}\n')
    (root / "python" / "model_blob.py").write_bytes(
        b"import os\n\x00\x01\x02 azure.cognitiveservices.vision.customvision.prediction\n")


@pytest.fixture
def scan_tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(TREE, root)
    add_traps(root)
    return root
