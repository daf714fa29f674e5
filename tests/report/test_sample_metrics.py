"""The platform metrics of the synthetic archive (``insights-metrics-pt1m``) and the archive loader's metrics step:
the AzureMetrics rows agree with the logs call for call, a broken log pipeline hides calls from the logs only, and
the loader reads the metrics container's record forms (JSON lines, ``{"records": [...]}``) and skips what is not
a Cognitive Services account's or an AML endpoint's metric.

Record fields and layout: MicrosoftDocs/azure-monitor-docs articles/azure-monitor/platform/
stream-monitoring-data-event-hubs.md ("Data formats": count, total, minimum, maximum, average, resourceId, time,
metricName, timeGrain) and azure-docs articles/batch/batch-diagnostics.md (an insights-metrics-pt1m blob path).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from cvmigrate.config import load_stack_file, replacement_refs
from cvmigrate.report.archive import open_archive
from cvmigrate.report.synthetic_archive import MANIFEST, write_sample
from cvmigrate.report.synthetic_metrics import BrokenPipeline, blob_path, metric_values

from .archive_builder import account_id, cs_record, write_blob

DEMO = Path(__file__).resolve().parents[2] / "examples" / "Pulumi.demo.yaml"
END = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)
BREAK = dt.datetime(2027, 5, 25)


def calls_by_account(con, since=None):
    where = "" if since is None else f" AND TimeGenerated >= TIMESTAMP '{since:%Y-%m-%d %H:%M:%S}'"
    logs = dict(con.execute('SELECT Resource, count(*) FROM "AzureDiagnostics" WHERE Category = \'RequestResponse\''
                            f"{where} GROUP BY Resource").fetchall())
    metrics = dict(con.execute('SELECT Resource, sum(Total) FROM "AzureMetrics" WHERE MetricName = \'TotalCalls\''
                               f"{where} GROUP BY Resource").fetchall())
    return logs, {k: int(v) for k, v in metrics.items()}


def test_metrics_agree_with_the_logs_call_for_call_and_by_outcome(tmp_path):
    cfg = load_stack_file(str(DEMO))
    write_sample(cfg, tmp_path / "a", refs=replacement_refs(cfg), days=14, seed=5, end=END, records=4000)
    con, stats = open_archive(tmp_path / "a", progress=False)
    logs, metrics = calls_by_account(con)
    assert logs == metrics and len(metrics) >= 4                   # every Cognitive Services account, same calls
    assert stats.rows["AzureMetrics"] > 0 and stats.skipped["duplicate"] > 0   # duplicates are no extra calls
    by_name = dict(con.execute('SELECT MetricName, sum(Total) FROM "AzureMetrics" GROUP BY 1').fetchall())
    assert by_name["TotalCalls"] == by_name["SuccessfulCalls"] + by_name["ClientErrors"] + by_name["ServerErrors"]
    assert by_name["TotalErrors"] == by_name["ClientErrors"] + by_name["ServerErrors"] >= by_name["BlockedCalls"] > 0
    blocked, server = con.execute("""SELECT count(*) FILTER (ResultSignature = '429'),
        count(*) FILTER (ResultSignature LIKE '5%') FROM "AzureDiagnostics" WHERE Category = 'RequestResponse'"""
                                  ).fetchall()[0]
    assert (by_name["BlockedCalls"], by_name["ServerErrors"]) == (blocked, server)
    grains = con.execute('SELECT DISTINCT TimeGrain, ResourceProvider FROM "AzureMetrics"').fetchall()
    assert grains == [("PT1M", "MICROSOFT.COGNITIVESERVICES")]


def test_a_broken_pipeline_hides_calls_from_the_logs_only_and_everything_else_is_unchanged(tmp_path):
    cfg = load_stack_file(str(DEMO))
    account = cfg.workloads[0].legacy_accounts[0].name
    refs = replacement_refs(cfg)
    write_sample(cfg, tmp_path / "plain", refs=refs, days=14, seed=5, end=END, records=4000, metrics=False)
    write_sample(cfg, tmp_path / "broken", refs=refs, days=14, seed=5, end=END, records=4000,
                 broken=[BrokenPipeline(account, BREAK)])
    manifest = yaml.safe_load((tmp_path / "broken" / MANIFEST).read_text())
    (pipeline,) = manifest["brokenPipelines"]
    assert (pipeline["account"], pipeline["from"]) == (account, "2027-05-25T00:00:00Z")
    con, _ = open_archive(tmp_path / "broken", progress=False)
    logs, metrics = calls_by_account(con, since=BREAK)
    name = account.upper()
    assert name not in logs and metrics[name] == pipeline["callsWithoutLogs"] > 0
    assert {k: v for k, v in logs.items() if k != name} == {k: v for k, v in metrics.items() if k != name}
    # The same records are drawn: every other log blob is byte for byte the one written without metrics.
    for path in (tmp_path / "plain").rglob("PT1H.json"):
        twin = tmp_path / "broken" / path.relative_to(tmp_path / "plain")
        if f"/{name}/" in path.as_posix() and "insights-logs-requestresponse" in path.as_posix():
            assert twin.exists() == (dt.datetime.strptime(path.as_posix().split("/y=")[1][:19],
                                                          "%Y/m=%m/d=%d/h=%H") < BREAK)
        else:
            assert twin.read_bytes() == path.read_bytes()
    assert not (tmp_path / "plain" / "insights-metrics-pt1m").exists()


def test_the_loader_reads_records_objects_and_skips_other_resources_and_junk(tmp_path):
    root = tmp_path / "archive"
    acct = account_id("Alpha-Pred")
    write_blob(root, [cs_record(acct, dt.datetime(2027, 5, 30, 10, 5))])
    hour = dt.datetime(2027, 5, 30, 10)
    line = {"count": 3, "total": 3, "minimum": 1, "maximum": 1, "average": 1, "resourceId": acct,
            "time": "2027-05-30T10:05:00.0000000Z", "metricName": "TotalCalls", "timeGrain": "PT1M"}
    storage = dict(line, resourceId=account_id("stlogs", provider="MICROSOFT.STORAGE", rtype="STORAGEACCOUNTS"))
    path = blob_path(root, acct, hour)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(line) + "\n" + json.dumps(dict(line, time="soon")) + "\n{\"count\": 2, \"to\n",
                    encoding="utf-8")
    old = blob_path(root, acct, hour + dt.timedelta(hours=1))          # the pre-2018-11 form, pretty-printed
    old.parent.mkdir(parents=True)
    old.write_text(json.dumps({"records": [dict(line, time="2027-05-30T11:00:00.0000000Z", total=4, count=4),
                                           storage]}, indent=2), encoding="utf-8")
    con, stats = open_archive(root, progress=False)
    rows = con.execute('SELECT Resource, ResourceGroup, SubscriptionId, MetricName, Total, "Count", TimeGrain, Type '
                       'FROM "AzureMetrics" ORDER BY TimeGenerated').fetchall()
    assert [r[4] for r in rows] == [3.0, 4.0]
    assert rows[0][:4] == ("ALPHA-PRED", "RG-LEGACY", "00000000-1111-2222-3333-444444444444", "TotalCalls")
    assert rows[0][5:] == (3.0, "PT1M", "AzureMetrics")
    assert (stats.skipped["invalid_time"], stats.skipped["other_resource_type"], stats.skipped["corrupt"]) == (1, 1, 1)


def test_metric_values_split_calls_by_outcome():
    assert metric_values([200, 201, 404, 429, 500, 503]) == {
        "TotalCalls": 6, "SuccessfulCalls": 2, "ClientErrors": 2, "ServerErrors": 2, "TotalErrors": 4,
        "BlockedCalls": 1}
