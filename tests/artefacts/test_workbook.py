"""The migration workbook (dashboards/workbook.layout.yaml.j2 + the rendered queries): the checks of
microsoft/Application-Insights-Workbooks' CI (test/jsonValidationTest.js: parses, no hard-coded
/subscriptions/<guid>, unique step names) and its analyzer limits (scripts/src/Rules.ts: KQL001 at most
40 Logs queries, ARG001 at most 15 Resource Graph queries), plus the Kusto language service on every query
after substituting the workbook parameters."""
from __future__ import annotations

import json
import re

import pytest

from kql_stacks import EMPTY, MIXED, MIXED_REFS
from kusto_check import check_kql

from cvmigrate.artefacts import render
from cvmigrate.artefacts.workbook import (
    ARG, LOGS, WORKLOAD_FILTER, build_workbook, canonical_json, display_name, query_items,
    workbook_name,
)
from cvmigrate.naming import stable_uuid

CASES = {"mixed": (MIXED, MIXED_REFS), "zero_workloads": (EMPTY, [])}
GUID_RESOURCE = re.compile(r"/subscriptions/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


@pytest.fixture(scope="module")
def workbooks():
    return {case: render(cfg, refs=refs).workbook_json for case, (cfg, refs) in CASES.items()}


def substitute(text: str, workloads: list[str]) -> str:
    """What the workbook does to {Workload} (multi-select, quote ', delimiter ,; All -> '*')."""
    value = ",".join(f"'{w}'" for w in workloads) or "'*'"
    return text.replace("{Workload}", value)


@pytest.mark.parametrize("case", CASES)
def test_workbook_is_notebook_json_with_unique_names_and_no_subscription_ids(workbooks, case):
    doc = json.loads(workbooks[case])
    assert doc["version"] == "Notebook/1.0" and doc["isLocked"] is False
    names = []

    def walk(items):
        for item in items:
            names.append(item["name"])
            if item["type"] == 12:
                walk(item["content"]["items"])
    walk(doc["items"])
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert all(n and not n.startswith("query - 0") for n in names)
    assert not GUID_RESOURCE.search(workbooks[case])
    queries = query_items(doc)
    logs = [q for q in queries if q["content"]["queryType"] == 0]
    arg = [q for q in queries if q["content"]["queryType"] == 1]
    assert len(logs) + len(arg) == len(queries)
    assert 0 < len(logs) <= 40 and 0 < len(arg) <= 15
    assert all(q["content"]["resourceType"] == LOGS for q in logs)
    assert all(q["content"]["resourceType"] == ARG and q["content"]["crossComponentResources"] == ["{Subscription}"]
               for q in arg)


def test_tabs_parameters_and_visuals():
    rendered = render(MIXED, refs=MIXED_REFS)
    doc = build_workbook(MIXED, rendered.queries, rendered.params)
    tabs = next(i for i in doc["items"] if i["type"] == 11)["content"]
    assert tabs["style"] == "tabs"
    assert [link["linkLabel"] for link in tabs["links"]] == [
        "Inventory", "Legacy traffic", "Image Analysis features", "Error classes", "Cutover progress", "Checklist",
        "Burn-down vs 2028-09-25", "Top callers", "Replacement health", "Decommission readiness"]
    groups = [i for i in doc["items"] if i["type"] == 12]
    assert [g["conditionalVisibility"]["value"] for g in groups] == [link["subTarget"] for link in tabs["links"]]
    params = {p["name"]: p for p in next(i for i in doc["items"] if i["type"] == 9)["content"]["parameters"]}
    assert set(params) == {"TimeRange", "Workload", "Environment", "Subscription"}
    assert params["TimeRange"]["type"] == 4 and params["TimeRange"]["value"] == {"durationMs": 30 * 86_400_000}
    assert params["Workload"]["multiSelect"] is True
    assert json.loads(params["Workload"]["jsonData"]) == ["Shelf-Scanner-A", "receipts", "no-repl-yet", "Silent-One"]
    assert params["Environment"]["value"] == "test"
    by_name = {i["name"]: i["content"] for i in query_items(doc)}
    assert by_name["query - burndown-1-burndown"]["visualization"] == "tiles"
    assert by_name["query - burndown-2-burndown"]["visualization"] == "barchart"
    assert by_name["query - features-1-ia_feature_usage"]["visualization"] == "table"
    assert by_name["query - checklist-1-cutover_checklist"]["visualization"] == "table"
    # burn-down reads 26 complete weeks whatever TimeRange says: 26 x 7 + 7 days.
    assert by_name["query - burndown-2-burndown"]["timeContext"] == {"durationMs": 189 * 86_400_000}
    assert "timeContextFromParameter" not in by_name["query - burndown-2-burndown"]
    assert by_name["query - cutover-1-cutover_progress"]["visualization"] == "timechart"
    assert by_name["query - cutover-1-cutover_progress"]["timeContextFromParameter"] == "TimeRange"
    errors = groups[3]["content"]["items"]
    assert "Hint" in errors[0]["content"]["query"]
    how_to = errors[1]["content"]["json"]
    assert "**key_mismatch_401**: The key does not belong to this resource" in how_to
    assert "**throttled_429**" in how_to and "**server_5xx**" in how_to


def test_every_query_item_is_the_rendered_query_plus_the_workbook_layer_only():
    rendered = render(MIXED, refs=MIXED_REFS)
    queries = rendered.queries
    for item in query_items(build_workbook(MIXED, queries, rendered.params)):
        name = item["name"].rsplit("-", 1)[-1]
        text = item["content"]["query"]
        assert text.startswith(queries[name].text.rstrip("\n")), item["name"]
        extra = text[len(queries[name].text.rstrip("\n")):]
        assert "{TimeRange" not in text
        if item["content"]["title"] == "Accounts by kind":        # layout: workloadFilter: false
            assert extra == "\n| summarize Accounts = count() by Kind"
        elif "Workload" in queries[name].columns:
            assert extra.startswith("\n" + WORKLOAD_FILTER), item["name"]
        else:
            assert WORKLOAD_FILTER not in extra, item["name"]


@pytest.mark.parametrize("case", CASES)
def test_every_query_item_passes_the_kusto_language_service(workbooks, case):
    cfg, _ = CASES[case]
    doc = json.loads(workbooks[case])
    texts, sources = {}, {}
    for item in query_items(doc):
        for selection in ([], [w.name for w in cfg.workloads][:2]):
            key = f"{item['name']}/{len(selection)}"
            texts[key] = substitute(item["content"]["query"], selection)
            sources[key] = "arg" if item["content"]["queryType"] == 1 else "logs"
    found = check_kql(texts, sources)
    problems = {k: [d.render(texts[k]) for d in v] for k, v in found.items() if v}
    assert not problems, problems


def test_serialization_is_canonical_and_stable_across_renders():
    first = render(MIXED, refs=MIXED_REFS).workbook_json
    second = render(MIXED, refs=MIXED_REFS).workbook_json
    assert first == second
    assert first == canonical_json(json.loads(first))              # sorted keys, no whitespace
    assert first.startswith('{"$schema":') and ", " not in first.split('"items"')[0]


def test_workbook_name_is_a_uuid5_of_environment_and_display_name():
    assert display_name("prod") == "cvmigrate migration (prod)"
    assert workbook_name("prod") == stable_uuid("workbook", "prod", "cvmigrate migration (prod)")
    assert workbook_name("prod") != workbook_name("dev")
