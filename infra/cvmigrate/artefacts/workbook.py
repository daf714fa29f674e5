"""The migration workbook: dashboards/workbook.layout.yaml.j2 + the stack's rendered queries ->
Notebook/1.0 JSON (the format of microsoft/Application-Insights-Workbooks `schema/workbook.json`).

Queries are the rendered files of queries/; the workbook layer only adds its own parameters: TimeRange
(through ``timeContextFromParameter``, never written into the KQL), Workload (a filter line after
queries that have a Workload column) and Environment (shown in the title). The JSON is serialized
canonically (sorted keys, fixed separators) so the deployed ``serializedData`` never diffs between runs.
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from .. import naming
from ..config.stack_config import StackConfig
from ..paths import dashboards_dir, load_data_yaml
from .queries import RenderedQuery, template_environment

SCHEMA_URL = "https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json"
LOGS = "microsoft.operationalinsights/workspaces"
ARG = "microsoft.resourcegraph/resources"
WORKLOAD_FILTER = "| where \"*\" in ({Workload}) or Workload in ({Workload})"
DAY_MS = 86_400_000


def display_name(environment: str) -> str:
    return f"cvmigrate migration ({environment})"


def workbook_name(environment: str) -> str:
    """The workbook's ARM name: a GUID that depends only on environment and display name, so re-running
    never creates a second workbook with the same display name ("A Workbook with the same name already exists")."""
    return naming.stable_uuid("workbook", environment, display_name(environment))


def canonical_json(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def load_layout(context: Mapping[str, Any]) -> dict[str, Any]:
    text = template_environment(str(dashboards_dir())).get_template("workbook.layout.yaml.j2").render(**context)
    return load_data_yaml(text)


def build_workbook(cfg: StackConfig, queries: Mapping[str, RenderedQuery], params: Mapping[str, Any],
                   comparisons: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The Notebook/1.0 document. ``queries``: the stack's rendered library (``cvmigrate.artefacts.render_all``);
    ``params``: the render parameters they were built from (error classes and thresholds for the texts);
    ``comparisons``: each workload's `cvmigrate compare` evidence (``compare.evidence.evidence_rows``)."""
    layout = load_layout({"environment": cfg.environment, "retirement_date": cfg.retirement_date.isoformat(),
                          "error_classes": params["error_classes"], "thresholds": params["thresholds"],
                          "workloads": params["workloads"], "windows": params["windows"],
                          "decommission_lookback_days": params["decommission_lookback_days"],
                          "silent_days": params["silent_days"],
                          "comparisons": list(comparisons)})
    items: list[dict[str, Any]] = [
        {"type": 1, "name": "text - title", "content": {"json": layout["intro"]}},
        _parameters(cfg, layout["parameters"]),
        {"type": 11, "name": "links - tabs", "content": {"version": "LinkItem/1.0", "style": "tabs", "links": [
            {"id": naming.stable_uuid("workbook-tab", tab["id"]), "cellValue": "selectedTab",
             "linkTarget": "parameter", "linkLabel": tab["title"], "subTarget": tab["id"], "style": "link"}
            for tab in layout["tabs"]]}},
    ]
    for tab in layout["tabs"]:
        children = [_item(tab["id"], index, spec, queries) for index, spec in enumerate(tab["items"])]
        items.append({
            "type": 12, "name": f"group - {tab['id']}",
            "content": {"version": "NotebookGroup/1.0", "groupType": "editable", "items": children},
            "conditionalVisibility": {"parameterName": "selectedTab", "comparison": "isEqualTo", "value": tab["id"]},
        })
    return {"version": "Notebook/1.0", "items": items, "isLocked": False, "$schema": SCHEMA_URL}


def _parameters(cfg: StackConfig, spec: Mapping[str, Any]) -> dict[str, Any]:
    workloads = [w.name for w in cfg.workloads]
    params = [
        {"id": naming.stable_uuid("workbook-param", "TimeRange"), "version": "KqlParameterItem/1.0",
         "name": "TimeRange", "label": "Time range", "type": 4, "isRequired": True,
         "typeSettings": {"selectableValues": [{"durationMs": d * DAY_MS} for d in spec["timeRangeDays"]],
                          "allowCustom": True},
         "value": {"durationMs": spec["defaultTimeRangeDays"] * DAY_MS}},
        {"id": naming.stable_uuid("workbook-param", "Workload"), "version": "KqlParameterItem/1.0",
         "name": "Workload", "label": "Workload", "type": 2, "isRequired": True, "multiSelect": True,
         "quote": "'", "delimiter": ",", "jsonData": json.dumps(workloads),
         "typeSettings": {"additionalResourceOptions": ["value::all"], "selectAllValue": "*",
                          "showDefault": False},
         "value": ["value::all"]},
        {"id": naming.stable_uuid("workbook-param", "Environment"), "version": "KqlParameterItem/1.0",
         "name": "Environment", "label": "Environment", "type": 2, "isRequired": True,
         "jsonData": json.dumps([cfg.environment]), "value": cfg.environment},
        # Resource Graph needs subscriptions to search (the Inventory tab); all the reader can see by default.
        {"id": naming.stable_uuid("workbook-param", "Subscription"), "version": "KqlParameterItem/1.0",
         "name": "Subscription", "label": "Subscriptions (Inventory)", "type": 6, "isRequired": True,
         "multiSelect": True, "quote": "'", "delimiter": ",",
         "typeSettings": {"additionalResourceOptions": ["value::all"], "includeAll": True, "showDefault": False},
         "value": ["value::all"]},
    ]
    return {"type": 9, "name": "parameters - main", "content": {
        "version": "KqlParameterItem/1.0", "parameters": params, "style": "above", "queryType": 0,
        "resourceType": LOGS}}


def workbook_query_text(query: RenderedQuery, spec: Mapping[str, Any]) -> str:
    """The rendered query plus the workbook layer: the Workload filter and the visual's own ``pipe``."""
    text = query.text.rstrip("\n")
    use_filter = spec.get("workloadFilter", "Workload" in query.columns)
    if use_filter:
        text += "\n" + WORKLOAD_FILTER
    if spec.get("pipe"):
        text += "\n" + spec["pipe"]
    return text


def _item(tab: str, index: int, spec: Mapping[str, Any], queries: Mapping[str, RenderedQuery]) -> dict[str, Any]:
    if "text" in spec:
        item: dict[str, Any] = {"type": 1, "name": f"text - {tab}-{index}", "content": {"json": spec["text"].rstrip()}}
    else:
        query = queries[spec["query"]]
        content: dict[str, Any] = {
            "version": "KqlItem/1.0", "query": workbook_query_text(query, spec), "size": 0,
            "title": spec["title"], "visualization": spec["visualization"], "showExportToExcel": True,
        }
        if query.source == "arg":
            content.update(queryType=1, resourceType=ARG, crossComponentResources=["{Subscription}"])
        else:
            content.update(queryType=0, resourceType=LOGS)
            if spec.get("timeRangeDays"):
                content["timeContext"] = {"durationMs": int(spec["timeRangeDays"]) * DAY_MS}
            else:
                content["timeContextFromParameter"] = "TimeRange"
        if spec["visualization"] == "tiles":
            tiles = spec["tiles"]
            content["tileSettings"] = {
                "showBorder": True,
                "titleContent": {"columnMatch": tiles["title"], "formatter": 12},
                "subtitleContent": {"columnMatch": tiles["subtitle"], "formatter": 6},
                "leftContent": {"columnMatch": tiles["status"], "formatter": 1},
            }
        item = {"type": 3, "name": f"query - {tab}-{index}-{spec['query']}", "content": content}
    if spec.get("width"):
        item["customWidth"] = str(spec["width"])
    return item


def query_items(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every query item (type 3) of a workbook document, groups included."""
    out: list[dict[str, Any]] = []

    def walk(items):
        for item in items:
            if item.get("type") == 3:
                out.append(item)
            elif item.get("type") == 12:
                walk(item["content"]["items"])

    walk(document["items"])
    return out


def render_workbook_json(cfg: StackConfig, queries: Mapping[str, RenderedQuery], params: Mapping[str, Any],
                         comparisons: Sequence[Mapping[str, Any]] = ()) -> str:
    return canonical_json(build_workbook(cfg, queries, params, comparisons))
