"""Run rendered queries on DuckDB through duckdb-kql: local archives (`cvmigrate status`) and tests.

    con = connect()                       # in-memory DuckDB, UTC, every table of queries/tables.yaml, empty
    insert_rows(con, "AzureDiagnostics", [{"TimeGenerated": ..., "Resource": ..., ...}])
    rows = run_query(con, rendered.text, now=datetime(2027, 3, 1, tzinfo=timezone.utc))

``now`` freezes ``now()``/``ago()`` for the whole query (duckdb-kql's ``query_now``), so a query over an
archive answers as of the archive's end, and tests get exact numbers. Datetimes come back as
timezone-aware UTC; ``dynamic`` columns are stored as DuckDB JSON.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any, Iterable, Mapping, Optional

from ..paths import load_data_yaml, queries_dir

# Kusto scalar type -> DuckDB column type.
DUCK_TYPES = {
    "string": "VARCHAR", "datetime": "TIMESTAMP", "long": "BIGINT", "int": "INTEGER", "real": "DOUBLE",
    "bool": "BOOLEAN", "guid": "VARCHAR", "dynamic": "JSON", "timespan": "INTERVAL",
}


@lru_cache(maxsize=1)
def table_schemas() -> dict[str, dict[str, str]]:
    """``{table: {column: kusto type}}`` from queries/tables.yaml (every database)."""
    doc = load_data_yaml((queries_dir() / "tables.yaml").read_text(encoding="utf-8"))
    return {name: dict(spec["columns"]) for name, spec in doc["tables"].items()}


def connect(database: str = ":memory:") -> Any:
    """A DuckDB connection (TimeZone UTC) holding every table of queries/tables.yaml, empty."""
    import duckdb_kql  # KQL-to-SQL translator: loaded only when a report runs (CLI start-up cost)

    con = duckdb_kql.connect(database)
    create_tables(con)
    return con


def create_tables(con: Any, tables: Optional[Iterable[str]] = None) -> None:
    """CREATE TABLE IF NOT EXISTS for ``tables`` (default: all) with the schemas of queries/tables.yaml."""
    schemas = table_schemas()
    for name in tables if tables is not None else schemas:
        columns = ", ".join(f'"{col}" {DUCK_TYPES[kind]}' for col, kind in schemas[name].items())
        con.execute(f'CREATE TABLE IF NOT EXISTS "{name}" ({columns})')


def insert_rows(con: Any, table: str, rows: Iterable[Mapping[str, Any]]) -> int:
    """Append ``rows`` (column -> value; missing columns are null) to ``table``. Returns the count.

    Unknown columns raise ValueError: a misspelt column would otherwise vanish silently."""
    schema = table_schemas()[table]
    columns = list(schema)
    batch = []
    for row in rows:
        unknown = set(row) - set(schema)
        if unknown:
            raise ValueError(f"{table} has no column(s) {', '.join(sorted(unknown))}")
        batch.append([_to_duck(row.get(col), schema[col]) for col in columns])
    if batch:
        placeholders = ", ".join("?" for _ in columns)
        names = ", ".join(f'"{c}"' for c in columns)
        con.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({placeholders})', batch)
    return len(batch)


def _to_duck(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "datetime":
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value
    if kind == "dynamic" and not isinstance(value, str):
        return json.dumps(value)
    return value


def run_query(con: Any, text: str, now: dt.datetime) -> list[dict[str, Any]]:
    """Execute KQL ``text`` with ``now()`` frozen at ``now`` (aware, or naive meaning UTC); rows as dicts."""
    import duckdb_kql  # KQL-to-SQL translator: loaded only when a report runs (CLI start-up cost)

    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    relation = duckdb_kql.kql(con, text, query_now=now)
    names = relation.columns
    return [{k: from_duck(v) for k, v in zip(names, row)} for row in relation.fetchall()]


def from_duck(value: Any) -> Any:
    """A value of a query row as reports use it: naive datetimes are UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value
