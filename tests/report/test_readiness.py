"""Decommission readiness on two independent signals, through `cvmigrate status`: the resource logs (and AzureMetrics,
which comes through the same diagnostic setting) from the archive, and each legacy account's TotalCalls from the
platform metrics store read by Microsoft's MetricsClient (azure-monitor-querymetrics) against a local 127.0.0.1
server speaking the metrics:getBatch wire format (tests/cloud_standin.py ``metrics_batch_value``; the format is
azure-rest-api-specs specification/monitor/data-plane/Microsoft.Insights/stable/2024-02-01/metricBatch.json and its
example MetricBatchExample.json; POST {endpoint}/subscriptions/{sub}/metrics:getBatch with {"resourceids": [...]},
learn.microsoft.com/rest/api/monitor/metrics-batch/batch; errors are the OneAPI {"error": {code, message}}).

ready = silent in the logs for silentDays AND zero platform TotalCalls over the same days; offline -> unconfirmed;
logs silent but platform calls, or AzureMetrics calls in hours without logs -> pipeline_broken (verdict incomplete);
traffic -> active; unreadable data or a failed metrics read -> never ready, never on_track.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

from cloud_standin import ScopeCredential, StandIn, metrics_batch_value

from cvmigrate.cli import main
from cvmigrate.report.platform_metrics import read_platform_totals
from cvmigrate.report.synthetic_archive import MANIFEST, write_sample
from cvmigrate.report.synthetic_metrics import BrokenPipeline, blob_path
from cvmigrate.config import load_stack_file, replacement_refs

from .archive_builder import account_id, aml_record, cs_record, write_blob
from .conftest import NOW, SCHEMA

DEMO = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.demo.yaml"


class MetricsStore:
    """Answers metrics:getBatch: per account name (last segment of the resource ID, any case) the hourly totals
    to return; ``status``/``error`` answer every request with that error instead."""

    def __init__(self, totals=None, status=200, error=None):
        self.totals = {k.lower(): v for k, v in (totals or {}).items()}
        self.status, self.error = status, error
        self.batches: list[list[str]] = []

    def __call__(self, method, path, body):
        if not path.endswith("/metrics:getBatch"):
            return None
        self.batches.append(body["resourceids"])
        if self.status != 200:
            return self.status, {"error": {"code": self.error, "message": "no"}}, ()
        return 200, {"values": [metrics_batch_value(rid, self.totals.get(rid.rsplit("/", 1)[1].lower(), []))
                                for rid in body["resourceids"]]}, ()


@pytest.fixture
def metrics(monkeypatch):
    """`status` reads the platform metrics through the real MetricsClient, sent to the local server."""
    box = {"store": MetricsStore()}
    server = StandIn(route=lambda *a: box["store"](*a)).start()

    def read(cfg, start, end, cloud=None):
        return read_platform_totals(cfg, start=start, end=end, cloud=cloud, credential_factory=ScopeCredential,
                                    transport=server.transport())

    monkeypatch.setattr("cvmigrate.cli.status.read_platform_totals", read)
    box["server"] = server
    yield box
    server.stop()


@pytest.fixture
def quiet_archive(tmp_path):
    """alpha (cut-over): Alpha-Pred last called 41 days 15 hours before NOW, Alpha-Train never; its AutoML replacement
    healthy. beta (planned): beta-ia called yesterday."""
    root = tmp_path / "archive"
    pred = account_id("Alpha-Pred")
    old = dt.datetime(2027, 4, 20, 9)
    write_blob(root, [cs_record(pred, old.replace(minute=i)) for i in range(4)])
    path = blob_path(root, pred, old)
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps({"count": 1, "total": 1, "minimum": 1, "maximum": 1, "average": 1,
                                          "resourceId": pred, "time": f"2027-04-20T09:0{i}:00.0000000Z",
                                          "metricName": "TotalCalls", "timeGrain": "PT1M"}) for i in range(4)) + "\n")
    write_blob(root, [aml_record("ep-alpha", dt.datetime(2027, 5, 30, 11, i)) for i in range(30)])
    write_blob(root, [cs_record(account_id("beta-ia"), dt.datetime(2027, 5, 31, 8, i), op="AnalyzeImage")
                      for i in range(5)])
    return root


def status(capsys, stack, source, *extra):
    code = main(["status", "--stack", str(stack), "--source", str(source), "--now", NOW, "--format", "json",
                 "--no-cache", "--no-progress", *extra])
    out, err = capsys.readouterr()
    report = json.loads(out) if out else None
    if report is not None:
        jsonschema.validate(report, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft202012Validator)
    return code, report, err


def accounts(report):
    return {a["account"]: a for w in report["workloads"] for a in w["accounts"]}


def test_offline_a_log_silent_account_is_unconfirmed_never_ready(capsys, stack, quiet_archive):
    code, report, _ = status(capsys, stack, quiet_archive)
    acc = accounts(report)
    assert {k: v["state"] for k, v in acc.items()} == {
        "alpha-pred": "unconfirmed", "alpha-train": "unconfirmed", "beta-ia": "active"}
    assert not any(a["ready"] for a in acc.values()) and not any(w["ready"] for w in report["workloads"])
    assert acc["alpha-pred"]["evidence"]["platformMetrics"]["status"] == "not_read"
    assert acc["alpha-pred"]["evidence"]["logs"]["daysSilent"] == 41          # 2027-04-20 09:03 -> 06-01 00:00
    assert report["source"]["platformMetrics"]["status"] == "not_read"


def test_silent_in_logs_and_in_the_platform_metrics_store_is_ready(capsys, stack, quiet_archive, metrics):
    code, report, _ = status(capsys, stack, quiet_archive, "--platform-metrics")
    acc = accounts(report)
    assert {k: v["state"] for k, v in acc.items()} == {"alpha-pred": "ready", "alpha-train": "ready", "beta-ia": "active"}
    assert report["workloads"][0]["ready"] is True and report["workloads"][1]["ready"] is False
    evidence = acc["alpha-pred"]["evidence"]
    assert evidence["platformMetrics"] == {"status": "read", "totalCalls": 0.0, "lastCall": None,
                                           "detail": "TotalCalls from 2027-05-02T00:00:00Z to 2027-06-01T00:00:00Z"}
    # One batch per subscription and region, each legacy account once, on the region's public-cloud endpoint.
    assert sorted(rid.rsplit("/", 1)[1] for batch in metrics["store"].batches for rid in batch) == [
        "Alpha-Pred", "Alpha-Train", "beta-ia"]
    seen = [s for s in metrics["server"].seen if s["path"].endswith("metrics:getBatch")]
    assert {(s["host"], s["token"]) for s in seen} == {
        ("westeurope.metrics.monitor.azure.com", "https://metrics.monitor.azure.com/.default")}


def test_the_metrics_endpoint_follows_the_cloud(capsys, stack, quiet_archive, metrics):
    status(capsys, stack, quiet_archive, "--platform-metrics", "--cloud", "AzureUSGovernment")
    seen = [s for s in metrics["server"].seen if s["path"].endswith("metrics:getBatch")]
    assert {(s["host"], s["token"]) for s in seen} == {
        ("westeurope.metrics.monitor.azure.us", "https://metrics.monitor.azure.us/.default")}


def test_logs_silent_but_platform_calls_is_pipeline_broken_and_incomplete(capsys, stack, quiet_archive, metrics):
    metrics["store"] = MetricsStore({"Alpha-Train": [("2027-05-20T10:00:00Z", 7.0), ("2027-05-21T09:00:00Z", 5.0)]})
    code, report, _ = status(capsys, stack, quiet_archive, "--platform-metrics")
    acc = accounts(report)
    train = acc["alpha-train"]
    assert (train["state"], train["ready"]) == ("pipeline_broken", False)
    assert train["evidence"]["platformMetrics"]["totalCalls"] == 12.0
    assert train["evidence"]["platformMetrics"]["lastCall"] == "2027-05-21T09:00:00Z"
    assert "12 TotalCalls" in train["evidence"]["reason"]
    assert acc["alpha-pred"]["state"] == "ready" and report["workloads"][0]["ready"] is False
    assert any(p["query"] == "pipeline_health" for p in report["source"]["problems"])
    assert (report["verdict"], code) == ("incomplete", 3)


def test_a_failed_metrics_read_is_unconfirmed_and_never_on_track(capsys, stack, quiet_archive, metrics):
    metrics["store"] = MetricsStore(status=400, error="BadRequest")
    code, report, _ = status(capsys, stack, quiet_archive, "--platform-metrics")
    acc = accounts(report)
    assert acc["alpha-pred"]["state"] == "unconfirmed" and acc["alpha-pred"]["evidence"]["platformMetrics"]["status"] == "failed"
    assert report["source"]["platformMetrics"]["status"] == "failed"
    assert any(p["query"] == "platform_metrics" for p in report["source"]["problems"])
    assert report["verdict"] != "on_track" and code == 3


def test_403_on_metrics_is_one_line_naming_monitoring_reader_exit_2(capsys, stack, quiet_archive, metrics):
    metrics["store"] = MetricsStore(status=403, error="AuthorizationFailed")
    code, report, err = status(capsys, stack, quiet_archive, "--platform-metrics")
    assert (code, report) == (2, None) and err.count("\n") == 1 and "Traceback" not in err
    assert "Monitoring Reader" in err and "AuthorizationFailed" in err and "alpha-pred" in err


def test_unreadable_data_is_never_ready_even_when_both_signals_are_silent(capsys, stack, quiet_archive, metrics,
                                                                         tmp_path):
    gone = write_blob(quiet_archive, [cs_record(account_id("Alpha-Pred"), dt.datetime(2027, 5, 30, 7))])
    gone.unlink()
    os.symlink(tmp_path / "nowhere.json", gone)
    code, report, _ = status(capsys, stack, quiet_archive, "--platform-metrics")
    assert {a["state"] for w in report["workloads"][:1] for a in w["accounts"]} == {"unconfirmed"}
    assert not report["workloads"][0]["ready"] and report["verdict"] == "incomplete" and code == 3


def test_a_broken_pipeline_in_a_generated_archive_is_pipeline_broken_offline(capsys, tmp_path):
    """The generator breaks one account's log pipeline 12 days before the end: AzureMetrics (same diagnostic setting)
    keeps counting its calls, the logs do not: pipeline_broken with the calls the manifest says the logs miss."""
    cfg = load_stack_file(str(DEMO))
    account = "cv-shelf-scanner-demo-pred"
    write_sample(cfg, tmp_path / "a", refs=replacement_refs(cfg), days=40, seed=4, records=8000, end=dt.datetime(2027, 6, 1),
                 broken=[BrokenPipeline(account, dt.datetime(2027, 5, 20))])
    (expected,) = yaml.safe_load((tmp_path / "a" / MANIFEST).read_text())["brokenPipelines"]
    code, report, _ = status(capsys, DEMO, tmp_path / "a")
    acc = accounts(report)
    broken = acc[account]
    assert (broken["state"], broken["ready"]) == ("pipeline_broken", False)
    assert broken["evidence"]["azureMetrics"]["callsWithoutLogs"] == expected["callsWithoutLogs"] > 0
    assert broken["evidence"]["logs"]["lastLegacyCall"] < "2027-05-20T00:00:00Z"
    assert {a: s["state"] for a, s in acc.items() if a != account} == {
        a: "active" for a in acc if a != account}                 # every other account is called: active
    assert report["verdict"] == "incomplete" and code == 3


def test_sample_broken_pipeline_inputs_are_checked_in_one_line(capsys, tmp_path):
    for value, word in (("nosuch,2027-05-20T00:00:00Z", "legacy accounts"),
                        ("cv-shelf-scanner-demo-pred,2027-05-20T00:30:00Z", "on the hour"),
                        ("cv-shelf-scanner-demo-pred,yesterday", "ISO date/time")):
        code = main(["sample", "--stack", str(DEMO), "--out", str(tmp_path / "s"), "--days", "2",
                     "--broken-pipeline", value])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and word in err and "--broken-pipeline" in err, err
    assert not (tmp_path / "s").exists()                     # nothing half-written


def test_an_account_without_a_known_resource_id_is_unconfirmed_without_a_request(metrics):
    cfg = dataclasses.replace(load_stack_file(str(DEMO)), subscription_id="")
    totals = read_platform_totals(cfg, start=dt.datetime(2027, 5, 1), end=dt.datetime(2027, 6, 1),
                                  credential_factory=ScopeCredential, transport=metrics["server"].transport())
    assert set(totals.errors) == {a.name for a in cfg.legacy_accounts} and not metrics["store"].batches
    assert "azure-native:subscriptionId" in totals.errors["cv-receipts-demo-ia"]
