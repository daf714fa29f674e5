"""Stacks the KQL tests render queries for: mixed-case names with dashes, a workload without a
replacement, and a stack with no workload at all."""
from __future__ import annotations

import datetime as dt

from cvmigrate.config.stack_config import StackConfig
from cvmigrate.config.parse import parse_stack_config
from cvmigrate.config.replacement_refs import ReplacementRef

TODAY = dt.date(2027, 1, 1)


def stack(raw: dict) -> StackConfig:
    base = {"azure-native:location": "westeurope", "azure-native:subscriptionId": "11111111-2222-3333-4444-555555555555",
            "cvmigrate:retirementDate": "2028-09-25",
            "cvmigrate:alerts": {"emails": ["oncall@contoso.com"]}}
    cfg, issues = parse_stack_config({**base, **raw}, "test", today=TODAY)
    assert cfg is not None, [str(i) for i in issues]
    return cfg


# Workload A: Custom Vision pair (upper/mixed case names), replaced by an AutoML endpoint.
# Workload receipts: Image Analysis account, replaced by two deployments of a shared Foundry account.
# Workload no-repl-yet: Custom Vision pair, no replacement configured.
# Workload Silent-One: Image Analysis account, replaced by a Document Intelligence account.
MIXED = stack({
    "cvmigrate:decommission": {"silentDays": 14},
    "cvmigrate:workloads": [
        {"name": "Shelf-Scanner-A", "cutover": {"state": "dual-run", "date": "2027-03-31"},
         "legacy": {"customVision": {"mode": "create", "trainingName": "CV-Shelf-Train",
                                     "predictionName": "cv-Shelf-PRED"}}},
        {"name": "receipts", "cutover": {"state": "cut-over", "date": "2027-01-02"},
         "legacy": {"imageAnalysis": {"mode": "create", "name": "Receipts-Vision-01"}}},
        {"name": "no-repl-yet",
         "legacy": {"customVision": {"mode": "create", "trainingName": "cv-norepl-train",
                                     "predictionName": "cv-norepl-pred"}}},
        {"name": "Silent-One", "cutover": {"state": "cut-over", "date": "2027-02-01"},
         "legacy": {"imageAnalysis": {"mode": "create", "name": "silent-vision"}}},
    ],
})

MIXED_REFS = [
    ReplacementRef("Shelf-Scanner-A", "automl", "ep-Shelf-A"),
    ReplacementRef("receipts", "foundry", "AIS-Shared-01", ("Receipts-GPT", "receipts-mini")),
    ReplacementRef("Silent-One", "documentIntelligence", "DI-Silent"),
]

EMPTY = stack({})
