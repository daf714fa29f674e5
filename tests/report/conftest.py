from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from .archive_builder import account_id, aml_record, cs_record, write_blob, write_stack

NOW = "2027-06-01T00:00:00Z"
SCHEMA = Path(__file__).resolve().parents[2] / "infra" / "cvmigrate" / "report" / "report.schema.json"


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute)


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    return write_stack(tmp_path)


@pytest.fixture
def mixed_archive(tmp_path: Path) -> Path:
    """The hand-worked archive of test_status_report (counts are worked out there)."""
    root = tmp_path / "archive"
    pred = account_id("Alpha-Pred")
    statuses = [200] * 6 + [401] * 3 + [404]
    write_blob(root, [cs_record(pred, at(30, 10, i), s, ip="10.1.1.***") for i, s in enumerate(statuses)],
               extra_lines=['{"time":"2027-05-30T10:59:00.0000000Z","resou', "not json at all"])
    write_blob(root, [cs_record(account_id("Alpha-Train"), at(29, 9, i), op="GetIterations") for i in range(2)])
    write_blob(root, [aml_record("ep-alpha", at(30, 11, i), s) for i, s in enumerate([200, 200, 200, 500])])
    beta = [cs_record(account_id("beta-ia"), at(28, 8, i), ip="10.9.9.***", op="AnalyzeImage") for i in range(5)]
    bad_time = dict(beta[0], time="yesterday")
    write_blob(root, beta + [bad_time])
    console = [dict(aml_record("ep-alpha", at(30, 11, i)), category="AmlOnlineEndpointConsoleLog") for i in range(2)]
    write_blob(root, console)
    storage = account_id("stlogs", provider="MICROSOFT.STORAGE", rtype="STORAGEACCOUNTS")
    write_blob(root, [cs_record(storage, at(30, 11))])
    exports = root / "exports"
    exports.mkdir()
    diag = [{"TimeGenerated": f"2027-05-27T0{i}:00:00Z", "Type": "AzureDiagnostics",
             "ResourceProvider": "MICROSOFT.COGNITIVESERVICES", "Category": "RequestResponse", "Resource": "BETA-IA",
             "ResultSignature": s, "CallerIPAddress": "10.9.9.***", "DurationMs": 90, "OperationName": "AnalyzeImage"}
            for i, s in enumerate(["200", "429", "200"])]
    diag.append({"TimeGenerated": "2027-05-27T05:00:00Z", "Type": "AzureActivity", "OperationName": "x"})
    diag.append(dict(diag[0], ResourceProvider="MICROSOFT.STORAGE", Resource="STLOGS"))
    (exports / "beta.jsonl").write_text("\n".join(json.dumps(r) for r in diag) + "\n", encoding="utf-8")
    (exports / "aml.json").write_text(json.dumps([{
        "TimeGenerated": "2027-05-30T12:00:00Z", "EndpointName": "ep-alpha", "ResponseCode": 200,
        "TotalDurationMs": 70, "Type": "AmlOnlineEndpointTrafficLog"}]), encoding="utf-8")
    (exports / "README.txt").write_text("not a log", encoding="utf-8")
    return root

