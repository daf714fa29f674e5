"""`compare` end to end against the local fakes: request shapes, metrics, the cache, 429/Retry-After, failed
images kept in the denominator, the holdout rule, gates and outputs."""
from __future__ import annotations

import json

import jsonschema
import pytest

from cvmigrate.compare import CompareError
from cvmigrate.compare.report import load_schema
from export_folder import image_bytes, write_export

BEFORE, AFTER = "2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z"


def multiclass_export(root):
    images = [{"id": "m1", "split": "test", "created": AFTER, "label": "cat"},
              {"id": "m2", "split": "test", "created": AFTER, "label": "cat"},
              {"id": "m3", "split": "test", "created": AFTER, "label": "dog"},
              {"id": "m4", "split": "test", "created": AFTER, "label": "bird"},
              {"id": "m5", "split": "test", "created": BEFORE, "label": "dog"},     # seen by the legacy model
              {"id": "m6", "split": "train", "created": BEFORE, "label": "dog"}]
    return write_export(root, "multiclass", images, ["bird", "cat", "dog"], negative=("Negative",))


def cv(*pairs):
    return [{"tagName": t, "probability": p} for t, p in pairs]


def aml(**scores):
    return {"probs": list(scores.values()), "labels": list(scores)}


def answer_multiclass(scoring, data):
    scoring.answer("cv", data["m1"], cv(("cat", 0.9), ("dog", 0.1), ("Negative", 0.0)))
    scoring.answer("cv", data["m2"], cv(("cat", 0.2), ("dog", 0.7), ("Negative", 0.1)))
    scoring.answer("cv", data["m3"], cv(("cat", 0.1), ("dog", 0.3), ("Negative", 0.6)))   # "none of these"
    scoring.answer("cv", data["m4"], cv(("cat", 0.5), ("dog", 0.5)))                      # tie -> cat
    scoring.answer("aml", data["m1"], aml(bird=0.0, cat=0.8, dog=0.2))
    scoring.answer("aml", data["m2"], aml(bird=0.1, cat=0.6, dog=0.3))
    scoring.answer("aml", data["m3"], aml(bird=0.1, cat=0.1, dog=0.8))
    scoring.answer("aml", data["m4"], aml(bird=0.2, cat=0.1, dog=0.7))


@pytest.fixture
def mc(tmp_path, scoring):
    data = multiclass_export(tmp_path / "export")
    answer_multiclass(scoring, data)
    return tmp_path / "export"


def test_multiclass_against_automl(mc, compare, scoring, tmp_path):
    report = compare(mc, gate="macroF1 >= legacy - 0.02 and accuracy >= 0.7")
    jsonschema.validate(report, load_schema())
    assert report["images"]["scored"] == 4
    assert report["images"]["leftOutReasons"] == [
        {"reason": "created at or before the legacy iteration was trained (2026-03-01T00:00:00Z)", "images": 1}]
    # legacy: m1 cat ✓, m2 dog ✗, m3 Negative = none ✗, m4 tie -> cat ✗ ; replacement: cat, cat, dog ✓✓✓, m4 dog ✗
    assert report["legacy"]["metrics"]["accuracy"] == pytest.approx(1 / 4)
    assert report["replacement"]["metrics"]["accuracy"] == pytest.approx(3 / 4)
    assert report["replacement"]["metrics"]["macroF1"] == pytest.approx((0 + 1 + 2 / 3) / 3)   # bird 0, cat 1, dog 2/3
    assert report["agreement"] == pytest.approx(1 / 4) and report["agreementImages"] == 4
    assert report["gate"]["passed"] is True and report["verdict"] == "pass"
    assert report["legacy"]["confusion"]["matrix"][2] == [0, 0, 0, 1]     # dog -> (none)
    # request shapes: nostore, octet-stream, the key only in its header; AutoML input_data with one image column
    cv_calls, aml_calls = scoring.calls("cv"), scoring.calls("aml")
    assert len(cv_calls) == 4 and all(c["path"].endswith("/classify/iterations/prod/image/nostore") for c in cv_calls)
    assert all(c["headers"]["Content-Type"] == "application/octet-stream" for c in cv_calls)
    assert len(aml_calls) == 4 and report["latencyMs"]["replacement"]["calls"] == 4
    out = tmp_path / "out"
    assert (out / "compare.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    md = (out / "compare.md").read_text()
    assert "PASS" in md and "| accuracy | 0.250 | 0.750 | +0.500 |" in md
    assert scoring.keys["cv"] not in (out / "compare.json").read_text() + md


def test_rerun_rescores_nothing(mc, compare, scoring):
    first = compare(mc)
    calls = len(scoring.requests)
    second = compare(mc)
    assert len(scoring.requests) == calls
    assert second["run"] == {"calls": 0, "cached": 8, "retries": 0, "sleptSeconds": 0.0}
    assert second["legacy"]["metrics"] == first["legacy"]["metrics"]
    assert second["latencyMs"] == first["latencyMs"]


def test_429_retry_after_is_honoured(mc, compare, scoring, sleeps):
    scoring.fail("aml", 429, times=2, retry_after="3")
    report = compare(mc, concurrency=1)
    assert sleeps == [3.0, 3.0]
    assert report["failures"]["replacement"]["total"] == 0 and report["run"]["retries"] == 2


def test_transient_failure_is_reported_kept_and_retried_next_run(mc, compare, scoring, sleeps):
    scoring.fail("cv", 503, times=6)          # one image exhausts every attempt
    report = compare(mc, concurrency=1, gate="accuracy >= legacy")
    failed = report["failures"]["legacy"]
    assert failed["total"] == 1 and failed["byClass"] == {"http_503": 1} and failed["images"][0]["transient"]
    assert report["images"]["scored"] == 4                     # still in the denominator
    assert report["legacy"]["metrics"]["failureRate"] == 0.25
    assert report["verdict"] == "incomplete" and report["gate"]["passed"] is False
    calls = len(scoring.calls("cv"))
    again = compare(mc, gate="accuracy >= legacy")
    assert len(scoring.calls("cv")) == calls + 1               # only the failed image is sent again
    assert again["verdict"] == "pass" and again["failures"]["legacy"]["total"] == 0


def test_permanent_failure_counts_against_the_model(mc, compare, scoring):
    scoring.answers["aml"].pop(next(iter(scoring.answers["aml"])))   # the model errors on m1 (HTTP 424)
    report = compare(mc)
    failed = report["failures"]["replacement"]
    assert failed["byClass"] == {"http_424": 1} and failed["images"][0]["id"] == "m1"
    assert report["replacement"]["metrics"]["accuracy"] == pytest.approx(2 / 4)
    assert report["verdict"] == "not-gated" and report["gate"]["blockers"] == []


def test_gate_fail(mc, compare):
    report = compare(mc, gate="accuracy >= legacy + 0.6")
    assert report["gate"]["passed"] is False and report["verdict"] == "fail"
    assert report["gate"]["clauses"][0]["bound"] == pytest.approx(0.85)


@pytest.mark.parametrize("gate, message", [
    ("mAP50 >= legacy", "'mAP50' is not a multiclass metric"),
    ("accuracy => legacy", "cannot read"),
    ("accuracy >= legacy - x", "cannot read"),
])
def test_bad_gate_fails_before_any_call(mc, compare, scoring, gate, message):
    with pytest.raises(CompareError, match=message):
        compare(mc, gate=gate)
    assert scoring.requests == []


def test_wrong_prediction_key_stops_with_one_line_and_no_secret(mc, compare, scoring):
    with pytest.raises(CompareError) as err:
        compare(mc, legacy_key="training-key-by-mistake")
    assert "HTTP 401" in str(err.value) and "training-key-by-mistake" not in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_iteration_leaves_nothing_unseen(mc, compare, scoring):
    with pytest.raises(CompareError, match="no unseen image left.*label a sample of new production images"):
        compare(mc, legacy_iteration="other")
    assert scoring.requests == []


def test_include_seen_warns_everywhere(mc, compare, tmp_path):
    report = compare(mc, include_seen=True)
    assert report["images"]["scored"] == 5 and report["images"]["includeSeen"] is True
    assert any("not fair" in w for w in report["warnings"])
    assert "not fair" in (tmp_path / "out" / "compare.md").read_text()


def test_export_without_test_split(tmp_path, compare):
    write_export(tmp_path / "e", "multiclass", [{"id": "x", "split": "train", "label": "cat"}], ["cat"])
    with pytest.raises(CompareError, match=r"no test/annotations.jsonl \(an export writes a test split only with"):
        compare(tmp_path / "e")


def test_out_folder_with_other_files_is_refused(mc, compare, tmp_path, scoring):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(CompareError, match="holds other files"):
        compare(mc)
    assert scoring.requests == []


def test_foundry_multiclass(mc, compare, scoring):
    data = {i: image_bytes(i) for i in ("m1", "m2", "m3", "m4")}
    scoring.answer("chat", data["m1"], {"label": "cat"})
    scoring.answer("chat", data["m2"], {"label": "__none__"})
    scoring.answer("chat", data["m3"], {"label": "dog"})
    scoring.answer("chat", data["m4"], {"finish_reason": "content_filter"})
    report = compare(mc, replacement="foundry")
    jsonschema.validate(report, load_schema())
    assert report["replacement"]["metrics"]["accuracy"] == pytest.approx(2 / 4)
    assert report["failures"]["replacement"]["byClass"] == {"content_filter": 1}
    assert report["replacement"]["calibrated"] is False
    assert report["replacement"]["target"]["deployment"] == "gpt-4o"
