"""Domains the fake Training API serves from GetDomains ``GET /domains`` (Training.json v3.3
``definitions.Domain``: id, name, type Classification | ObjectDetection, exportable, enabled). IDs and which are
compact (exportable) from MicrosoftDocs/azure-ai-docs ``articles/ai-services/custom-vision-service/select-domain.md``.
The v3.3 GetDomains example shows ``exportable: false`` for compact domains; that example data is stale, the
docs and ExportIteration behaviour say compact domains export."""
from __future__ import annotations


def _d(domain_id: str, name: str, kind: str, exportable: bool) -> dict:
    return {"id": domain_id, "name": name, "type": kind, "exportable": exportable, "enabled": True}


CATALOGUE = [
    _d("ee85a74c-405e-4adc-bb47-ffa8ca0c9f31", "General", "Classification", False),
    _d("2e37d7fb-3a54-486a-b4d6-cfc369af0018", "General [A2]", "Classification", False),
    _d("c151d5b5-dd07-472a-acc8-15d29dea8518", "Food", "Classification", False),
    _d("0732100f-1a38-4e49-a514-c9b44c697ab5", "General (compact)", "Classification", True),
    _d("a1db07ca-a19a-4830-bae8-e004a42dc863", "General (compact) [S1]", "Classification", True),
    _d("da2e3a8a-40a5-4171-82f4-58522f70fbc1", "General", "ObjectDetection", False),
    _d("9c616dff-2e7d-ea11-af59-1866da359ce6", "General [A1]", "ObjectDetection", False),
    _d("a27d5ca5-bb19-49d8-a70a-fec086c47f5b", "General (compact)", "ObjectDetection", True),
    _d("7ec2ac80-887b-48a6-8df9-8b1357765430", "General (compact) [S1]", "ObjectDetection", True),
]
BY_ID = {d["id"]: d for d in CATALOGUE}
CLASSIFICATION = BY_ID["ee85a74c-405e-4adc-bb47-ffa8ca0c9f31"]
CLASSIFICATION_COMPACT = BY_ID["0732100f-1a38-4e49-a514-c9b44c697ab5"]
DETECTION = BY_ID["da2e3a8a-40a5-4171-82f4-58522f70fbc1"]
DETECTION_COMPACT = BY_ID["a27d5ca5-bb19-49d8-a70a-fec086c47f5b"]
