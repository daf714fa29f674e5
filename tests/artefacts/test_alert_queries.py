"""The alert-only queries (queries/alert_*.kql) and the rendered query of every catalogued log alert:
checked by Microsoft's Kusto language service, and executed by duckdb-kql over fixture rows with now()
frozen, giving the numbers worked out by hand below.

Fixture rows follow the same documents as tests/test_kql_executed.py: the AzureDiagnostics mapping of a
Cognitive Services RequestResponse record (MicrosoftDocs/azure-reference-other
azure-monitor-ref/tables/azurediagnostics.md; ResultSignature = HTTP status as text) and the
AmlOnlineEndpointTrafficLog table reference (ResponseCode, TotalDurationMs).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from kql_stacks import EMPTY, MIXED, MIXED_REFS
from kusto_check import check_kql

from cvmigrate.config.alerts import Thresholds
from cvmigrate.artefacts import build_params
from cvmigrate.report import duck
from cvmigrate.artefacts import render
from cvmigrate.artefacts.alert_queries import alert_params, render_alert_template
from cvmigrate.artefacts.catalogue import MAX_QUERY_RANGE_HOURS, LogAlert, load_catalogue, resolve

UTC = dt.timezone.utc
NOW = dt.datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
CASES = {"mixed": (MIXED, MIXED_REFS), "no_refs": (MIXED, []), "zero_workloads": (EMPTY, [])}


def ago(minutes: float) -> dt.datetime:
    return NOW - dt.timedelta(minutes=minutes)


def diag(resource, when, status=200, duration=100, deployment=None):
    props = {"apiName": "Custom Vision"}
    if deployment:
        props["modelDeploymentName"] = deployment
    return {"TimeGenerated": when, "Resource": resource, "ResourceProvider": "MICROSOFT.COGNITIVESERVICES",
            "Category": "RequestResponse", "OperationName": "ClassifyImage", "ResultSignature": str(status),
            "DurationMs": duration, "CallerIPAddress": "10.0.0.***", "properties_s": __import__("json").dumps(props),
            "Type": "AzureDiagnostics"}


def aml(endpoint, when, code=200, duration=100):
    return {"TimeGenerated": when, "EndpointName": endpoint, "DeploymentName": "blue", "ResponseCode": code,
            "TotalDurationMs": duration, "Type": "AmlOnlineEndpointTrafficLog"}


def log_alerts():
    return [a for a in load_catalogue() if isinstance(a, LogAlert)]


@pytest.fixture(scope="module")
def diagnostics():
    texts, sources = {}, {}
    for case, (cfg, refs) in CASES.items():
        for name, (_, q) in render(cfg, refs=refs).alert_rules.items():
            texts[f"{case}/{name}"] = q.text
            sources[f"{case}/{name}"] = q.source
    return texts, check_kql(texts, sources)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("alert", [a.name for a in log_alerts()])
def test_every_alert_query_passes_the_kusto_language_service(diagnostics, case, alert):
    texts, found = diagnostics
    key = f"{case}/{alert}"
    assert not found[key], "\n".join(d.render(texts[key]) for d in found[key])


def test_alert_queries_are_portable_and_name_their_dimensions():
    for name, (resolved, q) in render(MIXED, refs=MIXED_REFS).alert_rules.items():
        assert q.source == "logs" and q.portable, name
        assert set(resolved.alert.dimensions) <= set(q.columns), name


def run(name, rows, aml_rows=(), thresholds=None, now=NOW):
    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", rows)
    duck.insert_rows(con, "AmlOnlineEndpointTrafficLog", list(aml_rows))
    alert = next(a for a in log_alerts() if a.query == name)
    resolved = resolve(alert, thresholds or Thresholds.defaults())
    text = render_alert_template(name, alert_params(build_params(MIXED, refs=MIXED_REFS), resolved))
    return duck.run_query(con, text, now)


def test_legacy_after_cutover_reports_only_cut_over_workloads_in_the_window():
    rows = [diag("RECEIPTS-VISION-01", ago(m)) for m in (1, 5, 10)]
    rows.append(diag("RECEIPTS-VISION-01", ago(20)))          # before the 15-minute window
    rows.append(diag("silent-vision", ago(3), status=401))    # Silent-One: cut-over 2027-02-01
    rows += [diag("CV-SHELF-PRED", ago(2)) for _ in range(5)]  # Shelf-Scanner-A is dual-run: allowed
    rows.append(diag("CV-NOREPL-PRED", ago(2)))               # planned: allowed
    got = {(r["Workload"], r["Account"]): (r["CutoverState"], r["CutoverDate"].date().isoformat(), r["Kind"],
                                           r["Calls"], r["LastCall"])
           for r in run("alert_legacy_after_cutover", rows)}
    assert got == {
        ("receipts", "receipts-vision-01"): ("cut-over", "2027-01-02", "ImageAnalysis", 3, ago(1)),
        ("Silent-One", "silent-vision"): ("cut-over", "2027-02-01", "ImageAnalysis", 1, ago(3)),
    }


def test_error_spike_compares_each_status_share_with_its_threshold():
    rows = [diag("CV-SHELF-PRED", ago(30)) for _ in range(17)]
    rows += [diag("CV-SHELF-PRED", ago(20), 401) for _ in range(2)] + [diag("CV-SHELF-PRED", ago(10), 404)]
    rows.append(diag("CV-SHELF-PRED", ago(120), 401))                     # outside the hour
    rows += [diag("RECEIPTS-VISION-01", ago(40)) for _ in range(38)]
    rows += [diag("RECEIPTS-VISION-01", ago(5), 429), diag("RECEIPTS-VISION-01", ago(6), 401)]
    rows += [diag("CV-NOREPL-PRED", ago(7), 401) for _ in range(10)]      # 10 calls < minCalls 20
    got = {(r["Account"], r["Status"]): (r["Workload"], r["ErrorCalls"], r["Calls"], r["ErrorRate"], r["MaxRate"])
           for r in run("alert_error_spike", rows)}
    # cv-shelf-pred: 20 calls, 2 x 401 = 0.1 > 0.01, 1 x 404 = 0.05 > 0.02.
    # receipts: 40 calls, 1 x 401 = 0.025 > 0.01; 1 x 429 = 0.025 <= 0.05: no row.
    assert got == {
        ("cv-shelf-pred", 401): ("Shelf-Scanner-A", 2, 20, 0.1, 0.01),
        ("cv-shelf-pred", 404): ("Shelf-Scanner-A", 1, 20, 0.05, 0.02),
        ("receipts-vision-01", 401): ("receipts", 1, 40, 0.025, 0.01),
    }


def test_deadline_proximity_fires_only_inside_deadline_days():
    rows = [diag("CV-SHELF-PRED", ago(60)), diag("CV-SHELF-TRAIN", ago(120)),
            diag("CV-NOREPL-PRED", ago(23 * 60)), diag("CV-NOREPL-PRED", ago(25 * 60))]
    # 2027-03-10 -> 2028-09-25: 366 days to 2028-03-10 (29 Feb 2028) + 199 = 565 days.
    assert run("alert_deadline_proximity", rows) == []            # default deadlineDays 180
    got = run("alert_deadline_proximity", rows, thresholds=replace(Thresholds.defaults(), deadline_days=600))
    assert [(r["Workload"], r["Calls"], r["LastCall"], r["DaysToRetirement"]) for r in
            sorted(got, key=lambda r: r["Workload"])] == [
        ("Shelf-Scanner-A", 2, ago(60), 565), ("no-repl-yet", 1, ago(23 * 60), 565)]


def test_cutover_overdue_fires_for_workloads_past_their_date_that_still_call_legacy():
    later = dt.datetime(2027, 4, 2, 12, 0, tzinfo=UTC)   # Shelf-Scanner-A: dual-run, cutover date 2027-03-31
    hours = lambda h: later - dt.timedelta(hours=h)      # noqa: E731
    rows = [diag("CV-SHELF-PRED", hours(2)) for _ in range(3)] + [diag("cv-shelf-train", hours(5))]
    rows.append(diag("CV-SHELF-PRED", hours(30)))         # outside the one-day window
    rows += [diag("cv-norepl-pred", hours(1))]            # no-repl-yet: planned, no date: never overdue
    rows += [diag("RECEIPTS-VISION-01", hours(1))]        # receipts: cut over (legacy-after-cutover's business)
    got = run("alert_cutover_overdue", rows, now=later)
    # 2027-03-31 -> 2027-04-02: 2 days overdue; 3 + 1 calls in the last day.
    assert [(r["Workload"], r["CutoverState"], r["CutoverDate"], r["DaysOverdue"], r["Calls"], r["LastCall"])
            for r in got] == [("Shelf-Scanner-A", "dual-run", "2027-03-31", 2, 4, hours(2))]
    on_the_day = dt.datetime(2027, 3, 31, 18, 0, tzinfo=UTC)
    assert run("alert_cutover_overdue", [diag("CV-SHELF-PRED", on_the_day - dt.timedelta(hours=1))],
               now=on_the_day) == []                      # the cutover day itself is not overdue yet


def test_replacement_health_alert_watches_dual_run_targets_on_error_rate_or_p95():
    shelf = [aml("EP-SHELF-A", ago(30), 200, 100) for _ in range(22)] + [aml("ep-shelf-a", ago(20), 500, 300)
                                                                          for _ in range(3)]
    # receipts is cut-over, not dual-run: its failing Foundry deployment is not this alert's business.
    receipts = [diag("AIS-SHARED-01", ago(10), 500, 900, deployment="Receipts-GPT") for _ in range(25)]
    got = run("alert_replacement_health", receipts, shelf)
    # 25 calls, 3 errors = 0.12 > 0.05; durations 22 x 100 + 3 x 300 ms -> P95 = 300.
    assert [(r["Workload"], r["Target"], r["Calls"], r["ErrorRate"], r["P95DurationMs"], r["MaxErrorRate"],
             r["MaxP95Ms"]) for r in got] == [("Shelf-Scanner-A", "automl", 25, 0.12, 300.0, 0.05, 2000.0)]
    lenient = replace(Thresholds.defaults(), replacement_max_error_rate=0.2)
    assert [r["P95DurationMs"] for r in run("alert_replacement_health", receipts, shelf,
                                            replace(lenient, replacement_max_p95_ms=200))] == [300.0]
    assert run("alert_replacement_health", receipts, shelf, replace(lenient, replacement_max_p95_ms=1000)) == []


def test_alert_templates_follow_the_library_hygiene_and_declare_every_variable():
    import jinja2.meta
    from pathlib import Path

    from test_kql_hygiene import lint

    from cvmigrate.artefacts.queries import template_environment
    from cvmigrate.paths import queries_dir

    env = template_environment(str(queries_dir()))
    declared = set(build_params(MIXED, refs=MIXED_REFS)) | {"lookback_minutes", "window_minutes", "min_calls"}
    templates = sorted((Path(queries_dir()) / "alerts").glob("*.kql"))
    assert [p.stem for p in templates] == ["alert_cutover_overdue", "alert_deadline_proximity", "alert_error_spike",
                                           "alert_legacy_after_cutover", "alert_pipeline_broken",
                                           "alert_replacement_health"]
    for path in templates:
        undeclared = jinja2.meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
        assert undeclared <= declared, f"{path.name}: {sorted(undeclared - declared)}"
    for name, (_, query) in render(MIXED, refs=MIXED_REFS).alert_rules.items():
        assert lint(query.text) == [], name


def test_replacement_health_returns_one_timestamped_row_per_failing_period():
    """2-of-2 failing periods: Azure counts the periods by the datetime column, so the query returns one row per
    failing one-hour period (counted back from now()), stamped with the period's start."""
    bad_now = [aml("ep-shelf-a", ago(10), 500, 100) for _ in range(25)]      # period 0: [now-1h, now)
    bad_before = [aml("ep-shelf-a", ago(70), 500, 100) for _ in range(25)]   # period 1: [now-2h, now-1h)
    too_old = [aml("ep-shelf-a", ago(130), 500, 100) for _ in range(25)]     # outside the 2-hour range
    got = run("alert_replacement_health", [], bad_now + bad_before + too_old)
    assert [(r["TimeGenerated"], r["Workload"], r["Calls"]) for r in got] == [
        (ago(120), "Shelf-Scanner-A", 25), (ago(60), "Shelf-Scanner-A", 25)]
    healthy_before = [aml("ep-shelf-a", ago(70), 200, 100) for _ in range(25)]
    assert [r["TimeGenerated"] for r in run("alert_replacement_health", [], bad_now + healthy_before)] == [ago(60)]
