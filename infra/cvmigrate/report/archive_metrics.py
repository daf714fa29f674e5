"""The metrics step of the archive loader (:mod:`.archive`): blobs of the ``insights-metrics-pt1m`` container (what
a diagnostic setting's AllMetrics category writes to a storage account) become AzureMetrics rows, kept in their own
store table (``store.cvm_metrics``) beside the resource logs.

Blob layout and record fields: see :mod:`.synthetic_metrics` (one blob per resource and hour; JSON lines of
``count, total, minimum, maximum, average, resourceId, time, metricName, timeGrain``, the pre-2018-11 form one
``{"records": [...]}`` object). A record becomes an AzureMetrics row the way Log Analytics maps it (MicrosoftDocs/
azure-reference-other azure-monitor-ref/tables/azuremetrics.md): time -> TimeGenerated, metricName -> MetricName,
total/count/average/maximum/minimum -> Total/Count/Average/Maximum/Minimum, timeGrain -> TimeGrain, resourceId ->
ResourceId and its parts (SubscriptionId, ResourceGroup, ResourceProvider, Resource). The export carries no unit,
so UnitName stays empty.

Skip reasons (counted like the logs'): ``corrupt`` (a line that is not a metric record), ``invalid_time``,
``other_resource_type`` (metrics of anything but a Cognitive Services account or an AML online endpoint).
"""
from __future__ import annotations

from typing import Any

import duckdb

from .archive_listing import Entry
from .archive_staging import columns_arg, file_list

METRIC_COLUMNS = {
    "time": "VARCHAR", "resourceId": "VARCHAR", "metricName": "VARCHAR", "timeGrain": "VARCHAR",
    "count": "VARCHAR", "total": "VARCHAR", "minimum": "VARCHAR", "maximum": "VARCHAR", "average": "VARCHAR",
}
_RESOURCE_ID = (r"^/SUBSCRIPTIONS/([^/]+)/RESOURCEGROUPS/([^/]+)/PROVIDERS/([^/]+)/([^/]+)/([^/]+)"
                r"(?:/([^/]+)/([^/]+))?/?$")
_PARTS = "['sub', 'rg', 'provider', 'type', 'name', 'childtype', 'child']"


def _read(con: Any, paths: list[str], fmt: str, table: str) -> None:
    columns = {**METRIC_COLUMNS, "records": "JSON"}
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS SELECT filename AS _file,
            {", ".join(f'"{c}"' for c in columns)}
        FROM read_json({file_list(paths)}, format = '{fmt}', columns = {columns_arg(columns)},
                       ignore_errors = {'true' if fmt == 'newline_delimited' else 'false'},
                       hive_partitioning = false, filename = true)""")


def stage_metrics(con: Any, chunk: list[Entry]) -> None:
    """Read a chunk of metrics blobs into TEMP ``cvm_stage`` with each row's skip reason (NULL: kept)."""
    _read(con, [e.path for e in chunk], "newline_delimited", "cvm_mread")
    damaged = [r[0] for r in con.execute(
        'SELECT DISTINCT _file FROM cvm_mread WHERE time IS NULL AND "metricName" IS NULL AND records IS NULL'
    ).fetchall()]
    for path in damaged:                 # a pretty-printed {"records": [...]} object: read the file whole
        try:
            _read(con, [path], "unstructured", "cvm_mwhole")
        except duckdb.InvalidInputException:
            continue
        con.execute("DELETE FROM cvm_mread WHERE _file = ?", [path])
        con.execute("INSERT INTO cvm_mread SELECT * FROM cvm_mwhole")
    extract = ", ".join(f"rec->>'$.{c}' AS \"{c}\"" for c in METRIC_COLUMNS)
    con.execute(f"""INSERT INTO cvm_mread SELECT _file, {extract}, NULL AS records FROM (
        SELECT _file, unnest(from_json(records, '["json"]')) AS rec FROM cvm_mread
        WHERE records IS NOT NULL AND json_type(records) = 'ARRAY')""")
    row_hash = "hash(" + ", ".join(f'"{c}"' for c in METRIC_COLUMNS) + ")"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT m.*, {row_hash} AS _rh, (try_cast(m.time AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS t,
               regexp_extract(m.resourceId, '{_RESOURCE_ID}', {_PARTS}, 'i') AS rid
        FROM cvm_mread m WHERE records IS NULL OR json_type(records) <> 'ARRAY'
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT *, CASE
            WHEN "metricName" IS NULL OR resourceId IS NULL THEN 'corrupt'
            WHEN t IS NULL THEN 'invalid_time'
            WHEN upper(rid.provider) = 'MICROSOFT.COGNITIVESERVICES' AND upper(rid.type) = 'ACCOUNTS'
                 AND rid.childtype = '' THEN NULL
            WHEN upper(rid.provider) = 'MICROSOFT.MACHINELEARNINGSERVICES' AND upper(rid.type) = 'WORKSPACES'
                 AND upper(rid.childtype) = 'ONLINEENDPOINTS' THEN NULL
            ELSE 'other_resource_type' END AS reason
        FROM cvm_stage
    """)
    con.execute("DROP TABLE cvm_mread")


def insert_metrics(con: Any) -> None:
    """The kept rows of ``cvm_stage`` into the store's AzureMetrics table."""
    con.execute("""
        INSERT INTO store.cvm_metrics BY NAME
        SELECT _file, _rh, t AS TimeGenerated,
               upper(CASE WHEN rid.childtype = '' THEN rid.name ELSE rid.child END) AS Resource,
               upper(rid.rg) AS ResourceGroup, upper(resourceId) AS ResourceId, lower(resourceId) AS _ResourceId,
               upper(rid.provider) AS ResourceProvider, lower(rid.sub) AS SubscriptionId,
               lower(rid.sub) AS _SubscriptionId, "metricName" AS MetricName,
               try_cast(total AS DOUBLE) AS Total, try_cast("count" AS DOUBLE) AS "Count",
               try_cast(average AS DOUBLE) AS Average, try_cast(maximum AS DOUBLE) AS Maximum,
               try_cast(minimum AS DOUBLE) AS Minimum, "timeGrain" AS TimeGrain,
               'Azure' AS SourceSystem, 'AzureMetrics' AS Type
        FROM cvm_stage WHERE reason IS NULL
    """)
