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

Every format the exports produce is read: JSON lines, the pre-2018-11 ``{"records": [...]}`` blobs (one object,
on one line or pretty-printed), and gzip (``.json.gz``). Where the archive lives and which files are read is
:mod:`.archive_listing` (local folder or blob container, only the time window's ``y=/m=/d=`` folders); what
was ingested is kept in :mod:`.archive_store` (``--cache``), so a re-run reads only new or changed files.

Parsing is DuckDB's own JSON reader (``read_json`` with explicit columns, ``ignore_errors``): a corrupt or
truncated line comes back as a row without time and category, which is how it is counted. The blob
paths hold ``resourceId=`` / ``y=`` folders, so DuckDB's hive-partition detection is switched off (it would
overwrite the record's resourceId with the folder's empty value). Skip reasons: ``corrupt``,
``oversize`` (a record over :data:`MAX_RECORD_BYTES`), ``invalid_time``, ``unknown_category`` (a category that
is neither a Cognitive Services one nor AmlOnlineEndpointTrafficLog), ``other_resource_type`` (e.g. a storage
account's RequestResponse rows, or AzureDiagnostics rows of another provider), ``other_table`` (an exported row
of another table); the store adds ``duplicate`` and ``future_time``, and files or folders that cannot be read
are ``unreadable`` (or ``symlink_loop``), listed by path, and make the load incomplete.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional

import duckdb
from tqdm import tqdm

from ..clouds import Cloud, resolve_cloud
from ..errors import ArchiveError
from .archive_listing import (Entry, Listing, Problem, Window, is_blob_source, list_blobs,
                              list_local, newest_day, open_blob_filesystem, parse_blob_source, short_error)
from .archive_store import DEFAULT_RETENTION_DAYS, LoadStats, build, open_store, record_files, sync
from .duck import DUCK_TYPES, table_schemas

# Categories of Microsoft.CognitiveServices/accounts (all land in AzureDiagnostics) and the AML one.
COGNITIVE_CATEGORIES = ("requestresponse", "audit", "trace", "azureopenairequestusage")
AML_TRAFFIC_CATEGORY = "amlonlineendpointtrafficlog"
MAX_RECORD_BYTES = 1024 * 1024       # a record's properties larger than this is skipped as ``oversize``
# Loaded in chunks of at most this many bytes / files: bounds memory whatever the file count.
CHUNK_BYTES = 64 * 1024 * 1024
CHUNK_FILES = 4000

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


def open_archive(source: str | Path, *, lookback_days: Optional[int] = None, now: Optional[dt.datetime] = None,
                 cache: Optional[Path] = None, cloud: Optional[Cloud] = None,
                 retention_days: int = DEFAULT_RETENTION_DAYS, progress: bool = False,
                 wall_clock: Optional[dt.datetime] = None, environ: Optional[dict] = None) -> tuple[Any, LoadStats]:
    """A DuckDB connection whose AzureDiagnostics / AmlOnlineEndpointTrafficLog tables hold the archive's
    records of the time window (``lookback_days`` before ``now``, or before the newest day folder), and what was
    loaded, skipped and could not be read. ``cache``: the store file (None: in memory).

    Raises :class:`ArchiveError` when the location is wrong or nothing usable was found."""
    cloud = cloud or resolve_cloud(environ={} if environ is None else environ)
    wall = (wall_clock or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(tzinfo=None)
    pinned = now.astimezone(dt.timezone.utc).replace(tzinfo=None) if now is not None else None
    state: dict[str, Optional[Window]] = {"window": None}

    def window_for(days: list[dt.date]) -> Optional[Window]:
        newest = newest_day(days, lookback_days) if lookback_days is not None else None
        if lookback_days is None:
            return None
        if pinned is not None:
            end = pinned
        elif newest is not None:
            end = dt.datetime.combine(newest, dt.time()) + dt.timedelta(days=1)
        else:
            return None
        state["window"] = Window.ending(end, lookback_days)
        return state["window"]

    prune = Window.ending(pinned, lookback_days) if pinned is not None and lookback_days is not None else None
    fs = None
    if is_blob_source(str(source)):
        loc = parse_blob_source(str(source), cloud)
        fs = open_blob_filesystem(loc, cloud, environ)
        listing = list_blobs(fs, loc, window_for, prune)
    else:
        listing = list_local(str(source), window_for, prune)
    if not listing.entries and not listing.problems:
        raise ArchiveError(
            f"{listing.location}: no diagnostic logs found; expected insights-logs-<category>/resourceId=/"
            ".../PT1H.json blobs of the archive storage account, or .jsonl/.json exports of AzureDiagnostics / "
            "AmlOnlineEndpointTrafficLog rows", field="source")
    con = open_store(cache)
    window = state["window"]
    retention = (dt.datetime.combine(window.last, dt.time()) - dt.timedelta(days=retention_days)) if window else None
    if retention is not None:       # retention shorter than the window: older blobs are neither read nor kept
        listing.entries = [e for e in listing.entries if e.hour is None or e.hour >= retention]
    todo = sync(con, listing, retention)
    problems = list(listing.problems)
    problems += ingest(con, todo, fs=fs, progress=progress)
    stats = build(con, pinned, wall)
    stats.files, stats.ignored_files = len(listing.entries), listing.ignored
    stats.ingested_files, stats.cached_files = len(todo), len(listing.entries) - len(todo)
    stats.problems = problems
    stats.skipped["unreadable"] += sum(1 for p in problems if p.reason in ("unreadable", "symlink_loop"))
    if stats.loaded == 0:
        skipped = ", ".join(f"{n} {r}" for r, n in sorted(stats.skipped.items()) if n) or "no records"
        raise ArchiveError(f"{listing.location}: nothing usable in {stats.files} file(s) ({skipped}); "
                           "expected Cognitive Services RequestResponse records or AML online endpoint traffic",
                           field="source")
    return con, stats


def ingest(con: Any, entries: list[Entry], *, fs: Any = None, progress: bool = False) -> list[Problem]:
    """Read ``entries`` into the store, chunk by chunk, each chunk in one transaction. A chunk that cannot be read
    is split until the unreadable files are found; those are returned as problems (and not recorded). Blobs
    (``fs``: adlfs) are fetched concurrently into a temporary folder per chunk, then read like local files."""
    problems: list[Problem] = []
    groups = [("raw", [e for e in entries if e.kind == "raw"]),
              ("export", [e for e in entries if e.kind == "export"])]
    with tqdm(total=sum(e.size for e in entries), unit="B", unit_scale=True, desc="loading archive",
              file=sys.stderr, disable=not progress, leave=False) as bar:
        for kind, group in groups:
            for chunk in _chunks(group):
                if fs is None:
                    _ingest_chunk(con, kind, chunk, problems)
                else:
                    with tempfile.TemporaryDirectory(prefix="cvmigrate-blobs-") as folder:
                        local = _fetch(fs, chunk, Path(folder), problems)
                        if local:
                            _ingest_chunk(con, kind, local, problems)
                bar.update(sum(e.size for e in chunk))
    return problems


def _fetch(fs: Any, chunk: list[Entry], folder: Path, problems: list[Problem]) -> list[Entry]:
    """Download ``chunk`` concurrently (adlfs ``cat``); each blob becomes ``folder/<n><suffix>`` and an Entry whose
    ``path`` is that file and whose ``origin`` is the blob."""
    names = [e.path.removeprefix("abfs://") for e in chunk]
    got = fs.cat(names, on_error="return")
    local = []
    for i, (entry, name) in enumerate(zip(chunk, names)):
        data = got.get(name, FileNotFoundError(name))
        if isinstance(data, BaseException):
            problems.append(Problem(entry.path, "unreadable", _one_line(data), entry.resource))
            continue
        lower = name.lower()
        suffix = next(s for s in (".json.gz", ".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson", ".json", "")
                      if lower.endswith(s))
        target = folder / f"{i}{suffix}"
        target.write_bytes(data)
        local.append(dataclasses.replace(entry, path=str(target), origin=entry.path))
    return local


def _ingest_chunk(con: Any, kind: str, chunk: list[Entry], problems: list[Problem]) -> None:
    try:   # reading and staging happen outside the transaction: a failed whole-file probe must not abort it
        if kind == "raw":
            _stage_raw(con, chunk)
        else:
            _stage_exports(con, chunk)
    except (duckdb.IOException, duckdb.HTTPException, duckdb.InvalidInputException, OSError) as exc:
        if len(chunk) == 1:
            entry = chunk[0].as_origin()
            problems.append(Problem(entry.path, "unreadable", _one_line(exc), entry.resource))
            return
        half = len(chunk) // 2
        _ingest_chunk(con, kind, chunk[:half], problems)
        _ingest_chunk(con, kind, chunk[half:], problems)
        return
    if chunk[0].origin:           # downloaded blobs: rows belong to the blob, not to the temporary file
        con.execute("CREATE OR REPLACE TEMP TABLE cvm_map AS SELECT unnest($1) AS tmp, unnest($2) AS path",
                    [[e.path for e in chunk], [e.origin for e in chunk]])
        con.execute("UPDATE cvm_stage SET _file = m.path FROM cvm_map m WHERE cvm_stage._file = m.tmp")
    con.execute("BEGIN")
    try:
        (_insert_raw if kind == "raw" else _insert_exports)(con)
        con.execute("INSERT INTO store.cvm_skips SELECT _file, reason, count(*) FROM cvm_stage "
                    "WHERE reason IS NOT NULL GROUP BY _file, reason")
        record_files(con, [e.as_origin() for e in chunk])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("DROP TABLE cvm_stage")


def _is_json_array_file(path: str) -> bool:
    name = path.lower()
    return name.endswith(".json") or name.endswith(".json.gz")


def _one_line(exc: BaseException) -> str:
    return short_error(exc if isinstance(exc, Exception) else Exception(str(exc)))


def _chunks(entries: list[Entry]) -> Iterable[list[Entry]]:
    chunk: list[Entry] = []
    size = 0
    for entry in entries:
        chunk.append(entry)
        size += entry.size
        if size >= CHUNK_BYTES or len(chunk) >= CHUNK_FILES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def file_list(paths: Iterable[str]) -> str:
    """A DuckDB list literal of file paths (read_json's first argument)."""
    return "[" + ", ".join(_sql_str(p) for p in paths) + "]"


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


def _read_raw(con: Any, paths: list[str], fmt: str, table: str, create: bool) -> None:
    columns = {**RAW_COLUMNS, "records": "JSON"}
    verb = f"CREATE OR REPLACE TEMP TABLE {table} AS" if create else f"INSERT INTO {table}"
    con.execute(f"""{verb} SELECT filename AS _file, {", ".join(f'"{c}"' for c in columns)}
        FROM read_json({file_list(paths)}, format = '{fmt}', columns = {columns_arg(columns)},
                       ignore_errors = {'true' if fmt == 'newline_delimited' else 'false'},
                       hive_partitioning = false, filename = true)""")


def _stage_raw(con: Any, chunk: list[Entry]) -> None:
    _read_raw(con, [e.path for e in chunk], "newline_delimited", "cvm_read", create=True)
    # A file with unparseable lines may be one pretty-printed {"records": [...]} object: re-read it whole.
    damaged = [r[0] for r in con.execute(
        "SELECT DISTINCT _file FROM cvm_read WHERE time IS NULL AND category IS NULL AND records IS NULL").fetchall()]
    for path in damaged:
        try:
            _read_raw(con, [path], "unstructured", "cvm_whole", create=True)
        except duckdb.InvalidInputException:
            continue                                  # really corrupt lines: counted below
        con.execute("DELETE FROM cvm_read WHERE _file = ?", [path])
        con.execute("INSERT INTO cvm_read SELECT * FROM cvm_whole")
    # {"records": [...]} objects: one row per element.
    extract = ", ".join((f"rec->'$.{c}'" if kind == "JSON" else f"rec->>'$.{c}'") + f' AS "{c}"'
                        for c, kind in RAW_COLUMNS.items())
    con.execute(f"""INSERT INTO cvm_read SELECT _file, {extract}, NULL AS records FROM (
        SELECT _file, unnest(from_json(records, '["json"]')) AS rec FROM cvm_read
        WHERE records IS NOT NULL AND json_type(records) = 'ARRAY')""")
    cognitive = ", ".join(_sql_str(c) for c in COGNITIVE_CATEGORIES)
    raw_hash = "hash(" + ", ".join(f'"{c}"' if kind != "JSON" else f'CAST("{c}" AS VARCHAR)'
                                   for c, kind in RAW_COLUMNS.items()) + ")"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT r.*, lower(r.category) AS cat, {raw_hash} AS _rh,
               (try_cast(r.time AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS t,
               regexp_extract(r.resourceId, '{_RESOURCE_ID}', {_RESOURCE_PARTS}, 'i') AS rid
        FROM cvm_read r WHERE records IS NULL OR json_type(records) <> 'ARRAY'
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_stage AS
        SELECT *, CASE
            WHEN time IS NULL AND category IS NULL THEN 'corrupt'
            WHEN strlen(CAST(properties AS VARCHAR)) > {MAX_RECORD_BYTES} THEN 'oversize'
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


def _insert_raw(con: Any) -> None:
    cognitive = ", ".join(_sql_str(c) for c in COGNITIVE_CATEGORIES)
    con.execute(f"""
        INSERT INTO store.cvm_diag BY NAME
        SELECT _file, _rh, t AS TimeGenerated, upper(resourceId) AS ResourceId, lower(resourceId) AS _ResourceId,
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
    """)
    aml_schema = table_schemas()["AmlOnlineEndpointTrafficLog"]
    from_properties = ",\n".join(
        f"{_cast(_prop(col), kind)} AS \"{col}\"" for col, kind in aml_schema.items() if col not in _AML_ENVELOPE)
    con.execute(f"""
        INSERT INTO store.cvm_aml BY NAME
        SELECT _file, _rh, t AS TimeGenerated, location AS Location, operationName AS OperationName,
               rid.name AS AzureMLWorkspaceName,
               coalesce({_prop('EndpointName')}, rid.child) AS EndpointName,
               lower(resourceId) AS _ResourceId, lower(rid.sub) AS _SubscriptionId,
               'AmlOnlineEndpointTrafficLog' AS Type, 'Azure' AS SourceSystem,
               {from_properties}
        FROM cvm_stage WHERE reason IS NULL AND cat = '{AML_TRAFFIC_CATEGORY}'
    """)


def _prop(column: str) -> str:
    """A property of the raw record under the column's name or its camelCase form."""
    camel = column[0].lower() + column[1:]
    names = [column] if camel == column else [column, camel]
    return "coalesce(" + ", ".join(f"json_extract_string(properties, '$.{n}')" for n in names) + ")" \
        if len(names) > 1 else f"json_extract_string(properties, '$.{column}')"


def _export_columns() -> dict[str, str]:
    columns: dict[str, str] = {}
    for name in ("AzureDiagnostics", "AmlOnlineEndpointTrafficLog"):
        for col, kind in table_schemas()[name].items():
            columns[col] = "JSON" if kind == "dynamic" else "VARCHAR"
    return columns


def _stage_exports(con: Any, chunk: list[Entry]) -> None:
    """JSON-lines exports and .json arrays (``az monitor log-analytics query``) into TEMP cvm_stage."""
    lines = [e for e in chunk if not _is_json_array_file(e.path)]
    arrays = [e for e in chunk if _is_json_array_file(e.path)]
    con.execute("DROP TABLE IF EXISTS cvm_stage")
    for fmt, part in (("newline_delimited", lines), ("auto", arrays)):
        if part:
            _stage_export_files(con, part, fmt)


def _stage_export_files(con: Any, chunk: list[Entry], fmt: str) -> None:
    columns = _export_columns()
    row_hash = "hash(" + ", ".join(f'r."{c}"' if k != "JSON" else f'CAST(r."{c}" AS VARCHAR)'
                                   for c, k in columns.items()) + ")"
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'cvm_stage'").fetchall()[0][0]
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cvm_part AS
        SELECT r.filename AS _file, r.* EXCLUDE (filename), {row_hash} AS _rh,
               (try_cast(r.TimeGenerated AS TIMESTAMPTZ) AT TIME ZONE 'UTC') AS t,
               CASE WHEN r.Type = 'AzureDiagnostics' OR (r.Type IS NULL AND r.ResourceProvider IS NOT NULL)
                        THEN 'AzureDiagnostics'
                    WHEN r.Type = 'AmlOnlineEndpointTrafficLog' OR (r.Type IS NULL AND r.EndpointName IS NOT NULL)
                        THEN 'AmlOnlineEndpointTrafficLog' END AS tbl
        FROM read_json({file_list(e.path for e in chunk)}, format = '{fmt}', columns = {columns_arg(columns)},
                       ignore_errors = true, hive_partitioning = false, filename = true) AS r
    """)
    every = " AND ".join(f'"{c}" IS NULL' for c in columns)
    con.execute(f"""
        {"INSERT INTO cvm_stage" if exists else "CREATE TEMP TABLE cvm_stage AS"}
        SELECT *, CASE
            WHEN {every} THEN 'corrupt'
            WHEN tbl IS NULL THEN 'other_table'
            WHEN t IS NULL THEN 'invalid_time'
            WHEN tbl = 'AzureDiagnostics' AND upper(ResourceProvider) <> 'MICROSOFT.COGNITIVESERVICES'
                THEN 'other_resource_type'
            ELSE NULL END AS reason
        FROM cvm_part
    """)
    con.execute("DROP TABLE cvm_part")


def _insert_exports(con: Any) -> None:
    schemas = table_schemas()
    diag_schema = schemas["AzureDiagnostics"]
    aml_schema = schemas["AmlOnlineEndpointTrafficLog"]
    for table, store, schema in (("AzureDiagnostics", "store.cvm_diag", diag_schema),
                                 ("AmlOnlineEndpointTrafficLog", "store.cvm_aml", aml_schema)):
        select = ", ".join(("t" if col == "TimeGenerated" else _cast(f'"{col}"', kind)) + f' AS "{col}"'
                           for col, kind in schema.items())
        con.execute(f"""
            INSERT INTO {store} BY NAME SELECT _file, _rh, {select}
            FROM cvm_stage WHERE reason IS NULL AND tbl = '{table}'
        """)
