"""Local diagnostic archives: find the files, load them into DuckDB as AzureDiagnostics /
AmlOnlineEndpointTrafficLog rows (the columns of queries/tables.yaml), count what was skipped and why.

Two kinds of files are understood:

1. Blobs written by a diagnostic setting whose destination is a storage account, downloaded as-is.
   Azure Monitor names them (learn.microsoft.com/azure/azure-monitor/essentials/resource-logs,
   "Send to Azure Storage"; formerly resource-logs-collect-storage, "Schema of platform logs in storage
   account")::

       insights-logs-{log category name}/resourceId=/SUBSCRIPTIONS/{subscription ID}/RESOURCEGROUPS/
           {resource group name}/PROVIDERS/{resource provider name}/{resource type}/{resource name}/
           y={YYYY}/m={MM}/d={DD}/h={HH}/m=00/PT1H.json

   The container name is the category lower-cased (``insights-logs-requestresponse``,
   ``insights-logs-amlonlineendpointtrafficlog``). Each blob holds JSON lines (one record per line since
   the 2018-11-01 format change) of the resource-log common schema: ``time``, ``resourceId``,
   ``category``, ``operationName``, ``resultSignature``, ``durationMs``, ``callerIpAddress``,
   ``correlationId``, ``location``, ``properties`` ... (Azure Monitor "Common and service-specific schemas
   for Azure resource logs"). A Cognitive Services record becomes an AzureDiagnostics row the way Log
   Analytics maps it (time -> TimeGenerated, resourceId -> ResourceId and its parts -> SubscriptionId,
   ResourceGroup, ResourceProvider, ResourceType, Resource; properties -> properties_s as JSON text;
   event -> event_s; location -> location_s; Tenant -> Tenant_s). An AML online endpoint traffic record
   becomes an AmlOnlineEndpointTrafficLog row: the table's columns are read from ``properties`` (under the
   column name, or its camelCase form: the storage key names are not published), EndpointName falls back
   to the endpoint in the resource ID.

2. Exports of Log Analytics rows (``.jsonl`` / ``.ndjson`` lines, or a ``.json`` array as written by
   ``az monitor log-analytics query``) with the table's column names as keys. The table is the row's
   ``Type`` column, or, without one, AzureDiagnostics when ResourceProvider is set and
   AmlOnlineEndpointTrafficLog when EndpointName is.

Parsing is DuckDB's own JSON reader (``read_json`` with explicit columns, ``ignore_errors``): a corrupt or
truncated line comes back as a row without time and category, which is how it is counted. The blob
paths hold ``resourceId=`` / ``y=`` folders, so DuckDB's hive-partition detection is switched off (it would
overwrite the record's resourceId with the folder's empty value). Skip reasons: ``corrupt``,
``invalid_time``, ``unknown_category`` (a category that is neither a Cognitive Services one nor
AmlOnlineEndpointTrafficLog), ``other_resource_type`` (e.g. a storage account's RequestResponse rows, or
AzureDiagnostics rows of another provider), ``other_table`` (an exported row of another table).
"""
from __future__ import annotations

import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

from ..errors import ArchiveError
from .duck import DUCK_TYPES, connect, table_schemas

# Categories of Microsoft.CognitiveServices/accounts (all land in AzureDiagnostics) and the AML one.
COGNITIVE_CATEGORIES = ("requestresponse", "audit", "trace", "azureopenairequestusage")
AML_TRAFFIC_CATEGORY = "amlonlineendpointtrafficlog"
RAW_CONTAINER_PREFIX = "insights-logs-"
EXPORT_SUFFIXES = (".jsonl", ".ndjson", ".json")
SKIP_REASONS = ("corrupt", "invalid_time", "unknown_category", "other_resource_type", "other_table")

# Loaded in chunks of about this many bytes: bounds memory and drives the progress bar.
CHUNK_BYTES = 64 * 1024 * 1024

RAW_COLUMNS = {
    "time": "VARCHAR", "resourceId": "VARCHAR", "category": "VARCHAR", "operationName": "VARCHAR",
    "operationVersion": "VARCHAR", "resultType": "VARCHAR", "resultSignature": "VARCHAR",
    "resultDescription": "VARCHAR", "durationMs": "VARCHAR", "callerIpAddress": "VARCHAR",
    "correlationId": "VARCHAR", "level": "VARCHAR", "location": "VARCHAR", "Tenant": "VARCHAR",
    "event": "VARCHAR", "properties": "JSON",
}
_RESOURCE_ID = (r"^/SUBSCRIPTIONS/([^/]+)/RESOURCEGROUPS/([^/]+)/PROVIDERS/([^/]+)/([^/]+)/([^/]+)"
                r"(?:/([^/]+)/([^/]+))?/?$")
_RESOURCE_PARTS = "['sub', 'rg', 'provider', 'type', 'name', 'childtype', 'child']"
# AmlOnlineEndpointTrafficLog columns that come from the record envelope, not from properties.
_AML_ENVELOPE = {"TimeGenerated", "Location", "OperationName", "AzureMLWorkspaceName", "EndpointName",
                 "_ResourceId", "_SubscriptionId", "Type", "SourceSystem", "TenantId"}


@dataclass
class ArchiveFiles:
    root: Path
    raw: list[Path] = field(default_factory=list)        # insights-logs-*/.../PT1H.json blobs
    exports: list[Path] = field(default_factory=list)    # Log Analytics row exports
    ignored: int = 0                                      # other files (not JSON)

    @property
    def total_bytes(self) -> int:
        return sum(_size(p) for p in (*self.raw, *self.exports))


@dataclass
class LoadStats:
    files: int = 0
    rows: Counter = field(default_factory=Counter)        # table -> rows loaded
    skipped: Counter = field(default_factory=Counter)     # reason -> records skipped
    ignored_files: int = 0
    first: Any = None                                     # earliest / latest TimeGenerated loaded (naive UTC)
    last: Any = None

    @property
    def loaded(self) -> int:
        return sum(self.rows.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "ignoredFiles": self.ignored_files,
            "rowsLoaded": {k: self.rows.get(k, 0) for k in ("AzureDiagnostics", "AmlOnlineEndpointTrafficLog")},
            "skipped": {reason: self.skipped.get(reason, 0) for reason in SKIP_REASONS},
        }


def discover(source: Path | str) -> ArchiveFiles:
    """Every loadable file under ``source`` (a folder, or one file)."""
    root = Path(source).expanduser()
    if not root.exists():
        raise ArchiveError(f"{root}: no such file or folder", field="source")
    found = ArchiveFiles(root=root)
    paths: Iterable[Path]
    if root.is_file():
        paths = [root]
    else:
        paths = (Path(d) / f for d, _, names in os.walk(root) for f in sorted(names))
    for path in paths:
        if _is_raw_blob(path, root):
            found.raw.append(path)
        elif path.suffix.lower() in EXPORT_SUFFIXES:
            found.exports.append(path)
        else:
            found.ignored += 1
    found.raw.sort()
    found.exports.sort()
    if not found.raw and not found.exports:
        raise ArchiveError(
            f"{root}: no diagnostic logs found; expected insights-logs-<category>/resourceId=/.../PT1H.json "
            "blobs downloaded from the archive storage account, or .jsonl/.json exports of AzureDiagnostics / "
            "AmlOnlineEndpointTrafficLog rows", field="source")
    return found


def _is_raw_blob(path: Path, root: Path) -> bool:
    if path.suffix.lower() != ".json":
        return False
    parts = path.parts if path == root else (root.name, *path.relative_to(root).parts)
    return any(p.lower().startswith(RAW_CONTAINER_PREFIX) for p in parts) or "resourceId=" in parts


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def load(con: Any, files: ArchiveFiles, *, progress: bool = False) -> LoadStats:
    """Append every file's records to the AzureDiagnostics / AmlOnlineEndpointTrafficLog tables of ``con``
    (created by :func:`cvmigrate.report.duck.create_tables`)."""
    from tqdm import tqdm

    schemas = table_schemas()
    stats = LoadStats(files=len(files.raw) + len(files.exports), ignored_files=files.ignored)
    with tqdm(total=files.total_bytes, unit="B", unit_scale=True, desc="loading archive", file=sys.stderr,
              disable=not progress, leave=False) as bar:
        for chunk in _chunks(files.raw):
            _load_raw(con, chunk, schemas, stats)
            bar.update(sum(_size(p) for p in chunk))
        for fmt, group in (("newline_delimited", [p for p in files.exports if p.suffix.lower() != ".json"]),
                           ("auto", [p for p in files.exports if p.suffix.lower() == ".json"])):
            for chunk in _chunks(group):
                _load_exports(con, chunk, fmt, schemas, stats)
                bar.update(sum(_size(p) for p in chunk))
    first, last = con.execute(
        'SELECT min(t), max(t) FROM (SELECT TimeGenerated AS t FROM "AzureDiagnostics" '
        'UNION ALL SELECT TimeGenerated FROM "AmlOnlineEndpointTrafficLog")').fetchall()[0]
    stats.first, stats.last = first, last
    return stats


def _chunks(paths: list[Path]) -> Iterable[list[Path]]:
    chunk: list[Path] = []
    size = 0
    for path in paths:
        chunk.append(path)
        size += _size(path)
        if size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def file_list(paths: list[Path]) -> str:
    """A DuckDB list literal of file paths (read_json's first argument)."""
    return "[" + ", ".join(_sql_str(str(p)) for p in paths) + "]"


def columns_arg(columns: dict[str, str]) -> str:
    """A DuckDB struct literal ``{'column': 'TYPE', ...}`` (read_json's ``columns``)."""
    return "{" + ", ".join(f"{_sql_str(k)}: {_sql_str(v)}" for k, v in columns.items()) + "}"


def _cast(expr: str, kind: str) -> str:
    target = DUCK_TYPES[kind]
    if target == "VARCHAR":
        return expr
    if target == "TIMESTAMP":
        return f"(try_cast({expr} AS TIMESTAMPTZ) AT TIME ZONE 'UTC')"
    if target == "JSON":
        return f"(CASE WHEN json_valid({expr}) THEN {expr}::JSON END)"
    return f"try_cast({expr} AS {target})"


def _load_raw(con: Any, paths: list[Path], schemas: dict[str, dict[str, str]], stats: LoadStats) -> None:
    cognitive = ", ".join(_sql_str(c) for c in COGNITIVE_CATEGORIES)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT r.*, lower(r.category) AS cat,
               (try_cast(r.time AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS t,
               regexp_extract(r.resourceId, '{_RESOURCE_ID}', {_RESOURCE_PARTS}, 'i') AS rid
        FROM read_json({file_list(paths)}, format = 'newline_delimited', columns = {columns_arg(RAW_COLUMNS)},
                       ignore_errors = true, hive_partitioning = false) AS r
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT *, CASE
            WHEN time IS NULL AND category IS NULL THEN 'corrupt'
            WHEN t IS NULL THEN 'invalid_time'
            WHEN cat IN ({cognitive}) THEN
                CASE WHEN upper(rid.provider) = 'MICROSOFT.COGNITIVESERVICES' AND upper(rid.type) = 'ACCOUNTS'
                          AND rid.childtype = '' THEN NULL ELSE 'other_resource_type' END
            WHEN cat = '{AML_TRAFFIC_CATEGORY}' THEN
                CASE WHEN upper(rid.provider) = 'MICROSOFT.MACHINELEARNINGSERVICES' AND upper(rid.type) = 'WORKSPACES'
                          AND upper(rid.childtype) = 'ONLINEENDPOINTS' THEN NULL ELSE 'other_resource_type' END
            ELSE 'unknown_category' END AS reason
        FROM cvm_stage
    """)
    diag = con.execute(f"""
        INSERT INTO "AzureDiagnostics" BY NAME
        SELECT t AS TimeGenerated, upper(resourceId) AS ResourceId, lower(resourceId) AS _ResourceId,
               lower(rid.sub) AS SubscriptionId, lower(rid.sub) AS _SubscriptionId,
               upper(rid.rg) AS ResourceGroup, upper(rid.provider) AS ResourceProvider,
               upper(rid.type) AS ResourceType, upper(rid.name) AS Resource,
               category AS Category, operationName AS OperationName, operationVersion AS OperationVersion,
               resultType AS ResultType, resultSignature AS ResultSignature,
               resultDescription AS ResultDescription, try_cast(durationMs AS BIGINT) AS DurationMs,
               callerIpAddress AS CallerIPAddress, correlationId AS CorrelationId, level AS Level,
               CAST(properties AS VARCHAR) AS properties_s, event AS event_s, location AS location_s,
               Tenant AS Tenant_s, 'AzureDiagnostics' AS Type, 'Azure' AS SourceSystem
        FROM cvm_stage WHERE reason IS NULL AND cat IN ({cognitive})
    """).fetchall()[0][0]
    aml_schema = schemas["AmlOnlineEndpointTrafficLog"]
    from_properties = ",\n".join(
        f"{_cast(_prop(col), kind)} AS \"{col}\"" for col, kind in aml_schema.items() if col not in _AML_ENVELOPE)
    aml = con.execute(f"""
        INSERT INTO "AmlOnlineEndpointTrafficLog" BY NAME
        SELECT t AS TimeGenerated, location AS Location, operationName AS OperationName,
               rid.name AS AzureMLWorkspaceName,
               coalesce({_prop('EndpointName')}, rid.child) AS EndpointName,
               lower(resourceId) AS _ResourceId, lower(rid.sub) AS _SubscriptionId,
               'AmlOnlineEndpointTrafficLog' AS Type, 'Azure' AS SourceSystem,
               {from_properties}
        FROM cvm_stage WHERE reason IS NULL AND cat = '{AML_TRAFFIC_CATEGORY}'
    """).fetchall()[0][0]
    stats.rows["AzureDiagnostics"] += diag
    stats.rows["AmlOnlineEndpointTrafficLog"] += aml
    for reason, count in con.execute(
            "SELECT reason, count(*) FROM cvm_stage WHERE reason IS NOT NULL GROUP BY reason").fetchall():
        stats.skipped[reason] += count
    con.execute("DROP TABLE cvm_stage")


def _prop(column: str) -> str:
    """A property of the raw record under the column's name or its camelCase form."""
    camel = column[0].lower() + column[1:]
    names = [column] if camel == column else [column, camel]
    return "coalesce(" + ", ".join(f"json_extract_string(properties, '$.{n}')" for n in names) + ")" \
        if len(names) > 1 else f"json_extract_string(properties, '$.{column}')"


def _load_exports(con: Any, paths: list[Path], fmt: str, schemas: dict[str, dict[str, str]],
                  stats: LoadStats) -> None:
    diag_schema = schemas["AzureDiagnostics"]
    aml_schema = schemas["AmlOnlineEndpointTrafficLog"]
    columns: dict[str, str] = {}
    for schema in (diag_schema, aml_schema):
        for col, kind in schema.items():
            columns[col] = "JSON" if kind == "dynamic" else "VARCHAR"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT r.*, (try_cast(r.TimeGenerated AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS t,
               CASE WHEN r.Type = 'AzureDiagnostics' OR (r.Type IS NULL AND r.ResourceProvider IS NOT NULL)
                        THEN 'AzureDiagnostics'
                    WHEN r.Type = 'AmlOnlineEndpointTrafficLog' OR (r.Type IS NULL AND r.EndpointName IS NOT NULL)
                        THEN 'AmlOnlineEndpointTrafficLog' END AS tbl
        FROM read_json({file_list(paths)}, format = '{fmt}', columns = {columns_arg(columns)},
                       ignore_errors = true, hive_partitioning = false) AS r
    """)
    every = " AND ".join(f'"{c}" IS NULL' for c in columns)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT *, CASE
            WHEN {every} THEN 'corrupt'
            WHEN tbl IS NULL THEN 'other_table'
            WHEN t IS NULL THEN 'invalid_time'
            WHEN tbl = 'AzureDiagnostics' AND upper(ResourceProvider) <> 'MICROSOFT.COGNITIVESERVICES'
                THEN 'other_resource_type'
            ELSE NULL END AS reason
        FROM cvm_stage
    """)
    for table, schema in (("AzureDiagnostics", diag_schema), ("AmlOnlineEndpointTrafficLog", aml_schema)):
        select = ", ".join(("t" if col == "TimeGenerated" else _cast(f'"{col}"', kind)) + f' AS "{col}"'
                           for col, kind in schema.items())
        count = con.execute(f"""
            INSERT INTO "{table}" BY NAME SELECT {select}
            FROM cvm_stage WHERE reason IS NULL AND tbl = '{table}'
        """).fetchall()[0][0]
        stats.rows[table] += count
    for reason, count in con.execute(
            "SELECT reason, count(*) FROM cvm_stage WHERE reason IS NOT NULL GROUP BY reason").fetchall():
        stats.skipped[reason] += count
    con.execute("DROP TABLE cvm_stage")


def open_archive(source: Path | str, *, progress: bool = False, database: str = ":memory:") -> tuple[Any, LoadStats]:
    """A DuckDB connection holding the archive under ``source``, and what was loaded / skipped.

    Raises :class:`ArchiveError` when the path is wrong or nothing usable was found."""
    files = discover(source)
    con = connect(database)
    stats = load(con, files, progress=progress)
    if stats.loaded == 0:
        skipped = ", ".join(f"{n} {r}" for r, n in sorted(stats.skipped.items())) or "no records"
        raise ArchiveError(f"{files.root}: nothing usable in {stats.files} file(s) ({skipped}); "
                           "expected Cognitive Services RequestResponse records or AML online endpoint traffic",
                           field="source")
    return con, stats

