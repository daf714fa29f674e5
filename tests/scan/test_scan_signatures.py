"""The signature table is data: every row's example must match its pattern and hold its anchor, every
feature must be in the feature map, and a malformed row is reported by id and key."""
from __future__ import annotations

import pytest

from cvmigrate.feature_map import load_feature_map
from cvmigrate.scan.signatures import FROM_GROUP, SignatureError, parse_row, load_catalogue


@pytest.mark.parametrize("sig", load_catalogue().signatures, ids=lambda s: s.id)
def test_each_example_matches_and_holds_the_anchor(sig):
    match = sig.regex.search(sig.example)
    assert match, sig.example
    assert sig.anchor in sig.example.lower().encode()
    if sig.feature == FROM_GROUP:
        assert match.group("f")


def test_the_gate_holds_only_anchors_of_rows_that_need_no_evidence():
    cat = load_catalogue()
    assert set(cat.gate) == {s.anchor for s in cat.signatures if not s.needs and s.kind != "secret"}


def test_feature_words_resolve_through_the_feature_map():
    fmap = load_feature_map()
    assert fmap.resolve("DENSE_CAPTIONS").name == "denseCaptions"
    assert fmap.resolve("ClassifyImageUrlAsync").name == "classify"
    assert fmap.resolve("detect_image_url_with_no_store").name == "detect"
    assert fmap.resolve("SmartCrops").name == "smartCrops"
    assert fmap.resolve("unrelated") is None


@pytest.mark.parametrize("row, message", [
    ({"id": "X1", "kind": "magic", "service": "face", "feature": "faces", "pattern": "a"}, "kind: 'magic'"),
    ({"id": "X1", "kind": "sdk", "service": "face", "feature": "nope", "pattern": "a"}, "feature: 'nope'"),
    ({"id": "X1", "kind": "sdk", "service": "face", "feature": "@f", "pattern": "a"}, "group named f"),
    ({"id": "X1", "kind": "sdk", "service": "face", "feature": "faces", "pattern": "("}, "pattern:"),
    ({"id": "X1", "kind": "sdk", "service": "face", "feature": "faces", "pattern": "a", "anchor": "A"}, "lower case"),
    ({"id": "X1", "kind": "sdk", "service": "face", "feature": "faces"}, "missing `pattern`"),
])
def test_malformed_rows_name_the_row_and_key(row, message):
    with pytest.raises(SignatureError, match=message) as info:
        parse_row(row, "signatures[0] (X1)", {"python"}, load_feature_map())
    assert str(info.value).startswith("signatures[0] (X1)")
