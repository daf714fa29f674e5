"""`cvmigrate scan` on the fixture tree: the exact findings (each checked by hand against its fixture line),
and the traps that must stay silent: comments (`#`, `//`, `/* */`, `<!-- -->`), an unrelated `Prediction` class
and `predict_image_url`/`classify_image` of a FastAPI app, `fh.read()`, a 32-hex build hash far from any key,
a project GUID, minified bundles (by name and by shape), a vendored package, a git-ignored file, a binary."""
from __future__ import annotations

from pathlib import Path

from cvmigrate.scan.scanner import scan

# (path, line, kind, service, feature), in the scanner's order (path, line, column, kind)
EXPECTED = [
    ("config/.env", 2, "endpoint", "cognitiveservices", "endpoint"),
    ("config/.env", 3, "secret", "cognitiveservices", "secret"),
    ("config/.env", 4, "secret", "cognitiveservices", "secret"),
    ("config/appsettings.json", 3, "endpoint", "cognitiveservices", "endpoint"),
    ("config/appsettings.json", 4, "secret", "cognitiveservices", "secret"),
    ("dotnet/Program.cs", 3, "sdk", "imageanalysis", "analyze"),
    ("dotnet/Program.cs", 4, "sdk", "customvision", "predict"),
    ("dotnet/Program.cs", 5, "sdk", "customvision", "train"),
    ("dotnet/Program.cs", 12, "sdk", "customvision", "train"),
    ("dotnet/Program.cs", 13, "sdk", "customvision", "train"),
    ("dotnet/Program.cs", 18, "sdk", "customvision", "classify"),
    ("dotnet/Program.cs", 21, "sdk", "imageanalysis", "read"),
    ("dotnet/Program.cs", 21, "sdk", "imageanalysis", "objects"),
    ("dotnet/Shelf.csproj", 3, "sdk", "customvision", "predict"),
    ("dotnet/Shelf.csproj", 5, "sdk", "imageanalysis", "analyze"),
    ("go/main.go", 6, "sdk", "customvision", "predict"),
    ("go/main.go", 7, "sdk", "customvision", "train"),
    ("go/main.go", 13, "sdk", "customvision", "train"),
    ("go/main.go", 15, "sdk", "customvision", "classify"),
    ("ignored/keep.py", 1, "sdk", "face", "faces"),
    ("java/Predict.java", 3, "sdk", "imageanalysis", "analyze"),
    ("java/Predict.java", 4, "sdk", "imageanalysis", "analyze"),
    ("java/Predict.java", 5, "sdk", "customvision", "predict"),
    ("java/Predict.java", 6, "sdk", "customvision", "predict"),
    ("java/Predict.java", 10, "sdk", "customvision", "classify"),
    ("java/Predict.java", 15, "sdk", "imageanalysis", "tags"),
    ("java/Predict.java", 15, "sdk", "imageanalysis", "people"),
    ("java/pom.xml", 5, "sdk", "customvision", "train"),
    ("js/analyze.ts", 1, "sdk", "imageanalysis", "package"),
    ("js/analyze.ts", 9, "sdk", "imageanalysis", "caption"),
    ("js/analyze.ts", 9, "sdk", "imageanalysis", "read"),
    ("js/analyze.ts", 9, "sdk", "imageanalysis", "smartCrops"),
    ("js/legacy_cv.js", 1, "sdk", "computervision", "package"),
    ("js/legacy_cv.js", 4, "sdk", "computervision", "analyze"),
    ("js/legacy_cv.js", 4, "sdk", "computervision", "categories"),
    ("js/legacy_cv.js", 4, "sdk", "computervision", "tags"),
    ("js/package.json", 4, "sdk", "customvision", "predict"),
    ("js/package.json", 5, "sdk", "imageanalysis", "package"),
    ("js/predict.js", 1, "sdk", "customvision", "predict"),
    ("js/predict.js", 4, "header", "customvision", "predict"),
    ("js/predict.js", 10, "sdk", "customvision", "classify"),
    ("python/caption.py", 1, "sdk", "imageanalysis", "analyze"),
    ("python/caption.py", 2, "sdk", "imageanalysis", "analyze"),
    ("python/caption.py", 9, "sdk", "imageanalysis", "caption"),
    ("python/caption.py", 9, "sdk", "imageanalysis", "read"),
    ("python/faces.py", 2, "sdk", "face", "faces"),
    ("python/faces.py", 4, "rest", "customvision", "detect"),
    ("python/faces.py", 8, "sdk", "face", "faces"),
    ("python/faces.py", 13, "header", "customvision", "predict"),
    ("python/ocr_legacy.py", 1, "sdk", "computervision", "analyze"),
    ("python/ocr_legacy.py", 2, "sdk", "computervision", "analyze"),
    ("python/ocr_legacy.py", 5, "sdk", "computervision", "analyze"),
    ("python/ocr_legacy.py", 5, "sdk", "computervision", "tags"),
    ("python/ocr_legacy.py", 5, "sdk", "computervision", "faces"),
    ("python/ocr_legacy.py", 8, "sdk", "computervision", "read"),
    ("python/predict.py", 4, "sdk", "customvision", "predict"),
    ("python/predict.py", 7, "endpoint", "cognitiveservices", "endpoint"),
    ("python/predict.py", 8, "header", "customvision", "predict"),
    ("python/predict.py", 14, "sdk", "customvision", "classify"),
    ("python/predict.py", 18, "sdk", "customvision", "detect"),
    ("python/requirements.txt", 2, "sdk", "customvision", "package"),
    ("python/requirements.txt", 3, "sdk", "imageanalysis", "package"),
    ("rest/training.http", 2, "endpoint", "cognitiveservices", "endpoint"),
    ("rest/training.http", 2, "rest", "customvision", "train"),
    ("rest/training.http", 3, "header", "customvision", "train"),
    ("scripts/embed.sh", 3, "rest", "imageanalysis", "vectorize"),
    ("scripts/embed.sh", 4, "header", "cognitiveservices", "key"),
    ("scripts/embed.sh", 5, "rest", "imageanalysis", "analyze"),
    ("scripts/embed.sh", 5, "rest", "imageanalysis", "people"),
    ("scripts/embed.sh", 5, "rest", "imageanalysis", "tags"),
    ("scripts/embed.sh", 6, "header", "cognitiveservices", "key"),
    ("scripts/embed.sh", 7, "endpoint", "cognitiveservices", "endpoint"),
    ("scripts/embed.sh", 7, "rest", "computervision", "read"),
    ("scripts/embed.sh", 7, "header", "cognitiveservices", "key"),
]


def test_fixture_tree_gives_exactly_the_expected_findings(scan_tree: Path):
    result = scan([scan_tree], base=scan_tree)
    got = [(f.path, f.line, f.kind, f.service, f.feature) for f in result.findings]
    assert got == EXPECTED


def test_traps_are_skipped_for_the_right_reason(scan_tree: Path):
    result = scan([scan_tree], base=scan_tree)
    # .gitignore and debug.log (unknown types); node_modules; ignored/old.py; vendor.min.js (name) and
    # js/dist/app.js (one 3 KB line); python/model_blob.py (NUL bytes).
    assert dict(result.skipped) == {"unknown type": 2, "vendored": 1, "gitignored": 1, "minified": 2, "binary": 1}
    assert result.files_scanned == 20
    paths = {f.path for f in result.findings}
    assert "python/unrelated_prediction.py" not in paths
    assert not any(p.startswith(("node_modules", "js/dist", "ignored/old")) for p in paths)


def test_every_finding_names_the_documented_replacement(scan_tree: Path):
    by_feature = {f.feature: f.replacement for f in scan([scan_tree], base=scan_tree).findings}
    assert by_feature["read"] == "Document Intelligence (prebuilt-read model)"
    assert by_feature["faces"] == "Azure AI Face API (azure-ai-vision-face)"
    assert by_feature["vectorize"].startswith("Cohere Embed (v3/v4) in Foundry, or SigLIP")
    assert by_feature["caption"] == "GPT vision model in Foundry, or Content Understanding"
    assert by_feature["detect"] == "Azure ML AutoML object detection (managed online endpoint)"


def test_call_names_without_sdk_evidence_are_not_findings(tmp_path: Path):
    (tmp_path / "app.py").write_text(
        "def classify_image(x):\n    return x\n\n"
        "result = classify_image(1)\nclient.detect_image_url(p, n, url)\ndata = f.read(path)\n")
    assert scan([tmp_path], base=tmp_path).findings == []


def test_the_same_calls_count_once_the_file_imports_the_sdk(tmp_path: Path):
    (tmp_path / "app.py").write_text(
        "from azure.cognitiveservices.vision.customvision.prediction import CustomVisionPredictionClient\n"
        "client.detect_image_url(p, n, url)\n")
    got = [(f.line, f.feature) for f in scan([tmp_path], base=tmp_path).findings]
    assert got == [(1, "predict"), (2, "detect")]


def test_a_key_literal_without_an_endpoint_or_header_nearby_is_not_a_secret(tmp_path: Path):
    (tmp_path / "settings.py").write_text('CACHE_KEY = "0123456789abcdef0123456789abcdef"\n')
    assert scan([tmp_path], base=tmp_path).findings == []


def test_a_single_file_path_is_scanned_and_paths_are_relative_to_the_base(scan_tree: Path):
    result = scan([scan_tree / "go" / "main.go"], base=scan_tree)
    assert {f.path for f in result.findings} == {"go/main.go"}
    assert result.files_scanned == 1


def test_worker_processes_give_the_same_findings(scan_tree: Path):
    for i in range(600):   # past the inline threshold, so the pool is used
        (scan_tree / f"filler_{i}.py").write_text("print('hello')\n")
    serial = scan([scan_tree], base=scan_tree, jobs=1)
    parallel = scan([scan_tree], base=scan_tree, jobs=2)
    assert parallel.findings == serial.findings
    assert parallel.files_scanned == serial.files_scanned == 620
