"""Multilabel and detection through the fakes (AutoML and chat answer shapes), the CLI's exit codes, and the
Entra token path."""
from __future__ import annotations

import json
from types import SimpleNamespace

import jsonschema
import pytest

from cvmigrate import cli
from cvmigrate.compare.report import load_schema
from export_folder import PROJECT, image_bytes, write_export

AFTER = "2026-04-01T00:00:00Z"


def box(label, x1, y1, x2, y2):
    return {"label": label, "topX": x1, "topY": y1, "bottomX": x2, "bottomY": y2, "isCrowd": 0}


@pytest.fixture
def od(tmp_path, scoring):
    images = [{"id": "d1", "split": "test", "created": AFTER,
               "label": [box("car", 0, 0, 0.4, 0.4), box("person", 0.6, 0, 0.9, 0.3)]},
              {"id": "d2", "split": "test", "created": AFTER, "label": [box("car", 0, 0, 0.5, 0.5)]},
              {"id": "d3", "split": "test", "created": AFTER, "label": []}]          # background image
    data = write_export(tmp_path / "od", "detection", images, ["car", "person"])
    scoring.answer("cv", data["d1"], [
        {"tagName": "car", "probability": 0.9, "boundingBox": {"left": 0.1, "top": 0, "width": 0.4, "height": 0.4}},
        {"tagName": "person", "probability": 0.8, "boundingBox": {"left": 0.6, "top": 0, "width": 0.3, "height": 0.3}}])
    scoring.answer("cv", data["d2"], [
        {"tagName": "car", "probability": 0.7, "boundingBox": {"left": 0.25, "top": 0, "width": 0.5, "height": 0.5}}])
    scoring.answer("cv", data["d3"], [])                                               # an empty prediction
    aml_box = lambda label, s, *xy: {"box": dict(zip(("topX", "topY", "bottomX", "bottomY"), xy)),  # noqa: E731
                                     "label": label, "score": s}
    scoring.answer("aml", data["d1"], {"boxes": [aml_box("car", 0.95, 0, 0, 0.4, 0.4)]})
    scoring.answer("aml", data["d2"], {"boxes": [aml_box("car", 0.9, 0, 0, 0.5, 0.5)]})
    scoring.answer("aml", data["d3"], {"boxes": [aml_box("car", 0.3, 0.5, 0.5, 0.6, 0.6)]})
    return tmp_path / "od"


def test_detection_against_automl(od, compare, scoring):
    report = compare(od, gate="mAP50 >= legacy - 0.02")
    jsonschema.validate(report, load_schema())
    legacy = {r["tag"]: r for r in report["legacy"]["perTag"]}
    repl = {r["tag"]: r for r in report["replacement"]["perTag"]}
    # legacy car: .9 TP (IoU 0.6), .7 FP (IoU 1/3) of 2 boxes -> AP 0.5; person TP -> 1
    assert legacy["car"]["ap"] == pytest.approx(0.5) and legacy["person"]["ap"] == 1.0
    # replacement car: .95 TP, .9 TP, .3 FP -> 1; person never predicted -> 0
    assert repl["car"]["ap"] == 1.0 and repl["person"]["ap"] == 0.0
    assert report["legacy"]["metrics"]["mAP50"] == pytest.approx(0.75)
    assert report["replacement"]["metrics"]["mAP50"] == pytest.approx(0.5)
    assert report["verdict"] == "fail"
    assert all(c["path"].endswith("/detect/iterations/prod/image/nostore") for c in scoring.calls("cv"))


def test_detection_against_foundry(od, compare, scoring):
    scoring.answer("chat", image_bytes("d1"), {"objects": [
        {"label": "car", "left": 0, "top": 0, "right": 0.4, "bottom": 0.4}]})
    scoring.answer("chat", image_bytes("d2"), {"objects": []})
    scoring.answer("chat", image_bytes("d3"), {"finish_reason": "length", "answer": {"objects": []}})
    report = compare(od, replacement="foundry")
    repl = {r["tag"]: r for r in report["replacement"]["perTag"]}
    assert repl["car"]["ap"] == pytest.approx(0.5) and repl["car"]["tp"] == 1
    assert report["failures"]["replacement"]["byClass"] == {"truncated": 1}
    assert any("not calibrated" in w for w in report["warnings"])


def test_multilabel_against_automl(tmp_path, compare, scoring):
    images = [{"id": "l1", "split": "test", "created": AFTER, "label": ["red", "round"]},
              {"id": "l2", "split": "test", "created": AFTER, "label": []},             # no label
              {"id": "l3", "split": "test", "created": AFTER, "label": ["boxed"]}]
    data = write_export(tmp_path / "ml", "multilabel", images, ["boxed", "red", "round"])
    cv = lambda **s: [{"tagName": t, "probability": p} for t, p in s.items()]  # noqa: E731
    scoring.answer("cv", data["l1"], cv(red=0.9, round=0.4, boxed=0.1))
    scoring.answer("cv", data["l2"], cv(red=0.6, round=0.1, boxed=0.1))
    scoring.answer("cv", data["l3"], cv(red=0.1, round=0.1, boxed=0.5))
    for i in ("l1", "l2", "l3"):
        scoring.answer("aml", data[i], {"probs": [0.1, 0.8, 0.7] if i == "l1" else [0.2, 0.2, 0.2],
                                        "labels": ["boxed", "red", "round"]})
    report = compare(tmp_path / "ml", threshold=0.5)
    # legacy: TP red, boxed; FP red (l2); FN round -> micro 2·2/(4+1+1)
    assert report["legacy"]["metrics"]["microF1"] == pytest.approx(4 / 6)
    # replacement: TP red, round; FN boxed -> micro 4/5; boxed F1 0, red 1, round 1
    assert report["replacement"]["metrics"]["microF1"] == pytest.approx(4 / 5)
    assert report["replacement"]["metrics"]["macroF1"] == pytest.approx(2 / 3)
    assert report["agreement"] == pytest.approx(0.0)     # l2: {red} vs {}, l1: {red} vs {red, round}, l3 ...


def run_cli(monkeypatch, scoring, dataset, out, *extra):
    monkeypatch.setenv("CUSTOM_VISION_PREDICTION_KEY", scoring.keys["cv"])
    monkeypatch.setenv("AZUREML_ENDPOINT_KEY", scoring.keys["aml"])
    return cli.main(["compare", "--dataset", str(dataset), "--legacy-endpoint", scoring.base,
                     "--legacy-project", PROJECT, "--legacy-iteration", "prod", "--replacement", "automl",
                     "--scoring-uri", f"{scoring.base}/score", "--out", str(out), *extra])


def test_cli_exit_codes(od, scoring, monkeypatch, tmp_path, capsys):
    assert run_cli(monkeypatch, scoring, od, tmp_path / "a", "--gate", "mAP50 >= 0.4", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "pass"
    assert run_cli(monkeypatch, scoring, od, tmp_path / "a", "--gate", "mAP50 >= legacy") == 3
    assert "verdict: fail" in capsys.readouterr().out
    assert run_cli(monkeypatch, scoring, od, tmp_path / "a", "--gate", "accuracy >= legacy") == 2
    err = capsys.readouterr().err
    assert err.startswith("cvmigrate compare: --gate") and err.count("\n") == 1
    assert cli.main(["compare", "--dataset", str(od), "--legacy-endpoint", scoring.base, "--legacy-project",
                     "shelf", "--legacy-iteration", "prod", "--replacement", "automl", "--scoring-uri",
                     f"{scoring.base}/score", "--out", str(tmp_path / "c")]) == 2
    assert capsys.readouterr().err.startswith("cvmigrate compare: --legacy-project 'shelf' is not a project ID")
    monkeypatch.delenv("CUSTOM_VISION_PREDICTION_KEY")
    assert cli.main(["compare", "--dataset", str(od), "--legacy-endpoint", scoring.base, "--legacy-project",
                     PROJECT, "--legacy-iteration", "prod", "--replacement", "automl", "--out",
                     str(tmp_path / "b")]) == 2
    assert "CUSTOM_VISION_PREDICTION_KEY is not set" in capsys.readouterr().err


def test_entra_token_when_no_key(od, compare, scoring):
    asked = []

    class Credential:  # the azure-identity TokenCredential protocol: get_token(*scopes) -> AccessToken
        def get_token(self, *scopes):
            asked.append(scopes)
            return SimpleNamespace(token=scoring.keys["aml"], expires_on=4102444800)

    report = compare(od, aml_key=None, credential=Credential())
    assert report["failures"]["replacement"]["total"] == 0
    assert asked == [("https://ml.azure.com/.default",)]          # one token, reused for every image
