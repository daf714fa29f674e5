"""Stack configurations shared by the Pulumi program tests (stack-file shape: `cvmigrate:*` keys)."""
from __future__ import annotations

import copy

SUB = "11111111-2222-3333-4444-555555555555"
OTHER_SUB = "99999999-8888-7777-6666-555555555555"
ONCALL = "oncall@contoso.com"


def account_id(name: str, sub: str = SUB, rg: str = "rg-cv") -> str:
    return f"/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{name}"


REFERENCE_WORKLOAD = {
    "name": "shelf-scanner",
    "owner": "retail-ml@contoso.com",
    "wave": 1,
    "legacy": {"customVision": {"mode": "reference", "trainingId": account_id("cv-shelf-train"),
                                "predictionId": account_id("cv-shelf-pred")}},
    "cutover": {"state": "dual-run", "date": "2027-03-31"},
}

IMPORT_WORKLOAD = {
    "name": "defect-detector",
    "wave": 2,
    "legacy": {"customVision": {"mode": "import", "location": "westeurope", "sku": "S0",
                                "trainingId": account_id("cv-defect-train", OTHER_SUB),
                                "predictionId": account_id("cv-defect-pred", OTHER_SUB)}},
}

CREATE_WORKLOAD = {
    "name": "Repro-Lab",
    "wave": 3,
    "legacy": {"customVision": {"mode": "create", "sku": "S0", "location": "northeurope"}},
}

IMAGE_ANALYSIS_WORKLOAD = {
    "name": "receipts",
    "wave": 2,
    "legacy": {"imageAnalysis": {"mode": "reference", "id": account_id("cv-receipts")}},
}


def stack(*workloads: dict, **overrides) -> dict:
    config = {
        "azure-native:location": "westeurope",
        "azure-native:subscriptionId": SUB,
        "cvmigrate:resourceGroup": {"name": "rg-cvmigrate-test", "create": True},
        "cvmigrate:logAnalytics": {"create": True, "retentionInDays": 90},
        "cvmigrate:archive": {"create": True},
        "cvmigrate:keyVault": {"create": True},
        "cvmigrate:workloads": [copy.deepcopy(w) for w in workloads],
        # An environment needs an alert receiver (or alerts.enabled: false).
        "cvmigrate:alerts": {"emails": [ONCALL]},
    }
    for key, value in overrides.items():
        config[f"cvmigrate:{key}"] = value
    return config
