"""The DuckDB SQL of the archive loader (:mod:`.archive`): read a chunk of archive files (``read_text`` and the
JSON functions for plain blobs, ``read_json`` for gzip and Log Analytics exports) into the TEMP ``cvm_stage`` table, give every row its skip reason, and insert the kept rows into the store's
AzureDiagnostics / AmlOnlineEndpointTrafficLog tables. Raw diagnostic-setting blobs and Log Analytics exports
each have a stage and an insert step; the file formats and skip reasons are described in :mod:`.archive`."""
from __future__ import annotations

from typing import Any, Iterable

import duckdb

from .archive_listing import Entry
from .duck import DUCK_TYPES, table_schemas


# Categories of Microsoft.CognitiveServices/accounts (all land in AzureDiagnostics) and the AML one.
COGNITIVE_CATEGORIES = ("requestresponse", "audit", "trace", "azureopenairequestusage")
AML_TRAFFIC_CATEGORY = "amlonlineendpointtrafficlog"
MAX_RECORD_BYTES = 1024 * 1024       # a record's properties larger than this is skipped as ``oversize``

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


def is_json_array_file(path: str) -> bool:
    name = path.lower()
    return name.endswith(".json") or name.endswith(".json.gz")


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


def _struct(columns: dict[str, str]) -> str:
    """A json_transform structure ``{"column": "TYPE", ...}`` as a SQL string literal."""
    return _sql_str("{" + ", ".join(f'"{k}": "{v}"' for k, v in columns.items()) + "}")


def _read_raw_json(con: Any, paths: list[str], fmt: str, table: str, create: bool) -> None:
    columns = {**RAW_COLUMNS, "records": "JSON"}
    verb = f"CREATE OR REPLACE TEMP TABLE {table} AS" if create else f"INSERT INTO {table}"
    con.execute(f"""{verb} SELECT filename AS _file, {", ".join(f'"{c}"' for c in columns)}
        FROM read_json({file_list(paths)}, format = '{fmt}', columns = {columns_arg(columns)},
                       ignore_errors = {'true' if fmt == 'newline_delimited' else 'false'},
                       hive_partitioning = false, filename = true)""")


def _read_raw_text(con: Any, paths: list[str]) -> None:
    """Plain (not gzip) blobs into TEMP cvm_read: ``read_text`` and DuckDB's JSON functions. Per file this is several
    times cheaper than ``read_json`` (one-record hourly blobs are the common case) and gives the same rows: an
    unparseable line is a row of nulls. A file with unparseable lines that is one JSON object as a whole (a
    pretty-printed ``{"records": [...]}`` blob) is read whole."""
    columns = {**RAW_COLUMNS, "records": "JSON"}
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cvm_lines AS SELECT * FROM (
        SELECT filename AS _file, unnest(string_split(content, chr(10))) AS line FROM read_text({file_list(paths)}))
        WHERE trim(line, ' ' || chr(9) || chr(13)) <> ''""")
    damaged = [r[0] for r in con.execute("SELECT DISTINCT _file FROM cvm_lines WHERE NOT json_valid(line)").fetchall()]
    if damaged:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE cvm_whole AS SELECT filename AS _file, content AS line
            FROM read_text({file_list(damaged)}) WHERE json_valid(content) AND json_type(content) = 'OBJECT'""")
        con.execute("DELETE FROM cvm_lines WHERE _file IN (SELECT _file FROM cvm_whole)")
        con.execute("INSERT INTO cvm_lines SELECT * FROM cvm_whole")
        con.execute("DROP TABLE cvm_whole")
    con.execute(f"""CREATE OR REPLACE TEMP TABLE cvm_read AS SELECT _file, r.* FROM (
        SELECT _file, CASE WHEN json_valid(line) AND json_type(line) = 'OBJECT'
                           THEN json_transform(line, {_struct(columns)}) END AS r FROM cvm_lines)""")
    con.execute("DROP TABLE cvm_lines")


def stage_raw(con: Any, chunk: list[Entry]) -> None:
    plain = [e.path for e in chunk if not e.path.lower().endswith(".gz")]
    by_json = [e.path for e in chunk if e.path.lower().endswith(".gz")]          # gzip: read_json decompresses
    if plain:
        try:
            _read_raw_text(con, plain)
        except duckdb.InvalidInputException:      # not UTF-8 text: read_json counts the bad lines as corrupt
            by_json += plain
            plain = []
    if by_json:
        _read_raw_json(con, by_json, "newline_delimited", "cvm_read", create=not plain)
    # A file read_json found unparseable lines in may be one pretty-printed {"records": [...]} object: read it whole.
    damaged = [r[0] for r in con.execute(
        "SELECT DISTINCT _file FROM cvm_read WHERE time IS NULL AND category IS NULL AND records IS NULL AND "
        "_file IN (SELECT unnest($1))", [by_json]).fetchall()] if by_json else []
    for path in damaged:
        try:
            _read_raw_json(con, [path], "unstructured", "cvm_whole", create=True)
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


def insert_raw(con: Any) -> None:
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
    read = [col for col in aml_schema if col not in _AML_ENVELOPE]
    paths, prop = _property_paths(["EndpointName", *read])
    from_properties = ",\n".join(f"{_cast(prop[col], aml_schema[col])} AS \"{col}\"" for col in read)
    con.execute(f"""
        INSERT INTO store.cvm_aml BY NAME
        SELECT _file, _rh, t AS TimeGenerated, location AS Location, operationName AS OperationName,
               rid.name AS AzureMLWorkspaceName,
               coalesce({prop['EndpointName']}, rid.child) AS EndpointName,
               lower(resourceId) AS _ResourceId, lower(rid.sub) AS _SubscriptionId,
               'AmlOnlineEndpointTrafficLog' AS Type, 'Azure' AS SourceSystem,
               {from_properties}
        FROM (SELECT *, json_extract_string(properties, {paths}) AS _p FROM cvm_stage
              WHERE reason IS NULL AND cat = '{AML_TRAFFIC_CATEGORY}')
    """)


def _property_paths(columns: list[str]) -> tuple[str, dict[str, str]]:
    """The JSON paths of the raw record's ``properties`` for ``columns`` (each under the column's name or its
    camelCase form: the storage key names are not published) as one list literal, read in one parse of the
    properties into ``_p``, and per column the expression of its value (the first path that is set).
    One parse per record, not two per column: 5x faster on AML traffic."""
    paths: list[str] = []
    prop: dict[str, str] = {}
    for column in dict.fromkeys(columns):
        camel = column[0].lower() + column[1:]
        names = [column] if camel == column else [column, camel]
        refs = []
        for name in names:
            paths.append(f"'$.{name}'")
            refs.append(f"_p[{len(paths)}]")
        prop[column] = f"coalesce({', '.join(refs)})" if len(refs) > 1 else refs[0]
    return "[" + ", ".join(paths) + "]", prop


def _export_columns() -> dict[str, str]:
    columns: dict[str, str] = {}
    for name in ("AzureDiagnostics", "AmlOnlineEndpointTrafficLog"):
        for col, kind in table_schemas()[name].items():
            columns[col] = "JSON" if kind == "dynamic" else "VARCHAR"
    return columns


def stage_exports(con: Any, chunk: list[Entry]) -> None:
    """JSON-lines exports and .json arrays (``az monitor log-analytics query``) into TEMP cvm_stage."""
    lines = [e for e in chunk if not is_json_array_file(e.path)]
    arrays = [e for e in chunk if is_json_array_file(e.path)]
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


def insert_exports(con: Any) -> None:
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
