"""What the report queries cost, kept in the archive store (``--cache``) so a re-run does not pay it again:

- **translations**: the DuckDB SQL of each KQL query. Translating is a pure function of the query text, the
  tables' columns and duckdb-kql's version (``now()`` is a bound parameter, not part of the SQL), and it is most
  of a query's cost on an archive of a few months (ANTLR parsing in Python: about 0.1-0.5 s a query).
- **results**: each query's rows for one state of the report tables (:attr:`.LoadStats.fingerprint`: the files
  read, their versions and the hygiene rules' inputs) and one ``now``. An unchanged archive queried for the same
  moment gets the rows it got last time, type for type; any change to the files, the query text or ``now``
  misses. Only the newest :data:`KEEP_STATES` states are kept.

Without ``--cache`` the store is in memory and nothing outlives the run."""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from functools import lru_cache
from importlib.metadata import version
from typing import Any, Callable, Optional

from .duck import from_duck

KEEP_STATES = 4
_CLOCK_PROBE = "print now = now()"


def create_memo_tables(con: Any) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS store.cvm_sql (key VARCHAR, sql VARCHAR, params VARCHAR)")
    con.execute("CREATE TABLE IF NOT EXISTS store.cvm_results (state VARCHAR, key VARCHAR, rows VARCHAR, "
                "kept TIMESTAMP)")


MEMO_TABLES = ("store.cvm_sql", "store.cvm_results")


class QueryMemo:
    """Runs KQL on ``con`` (the archive store's connection) through the kept translations and results.
    ``state``: the report tables' fingerprint (None: results are not kept)."""

    def __init__(self, con: Any, state: Optional[str]):
        self.con = con
        self.state = state
        self._schema_key: Optional[str] = None
        self.hits = 0

    def run(self, text: str, now: dt.datetime) -> list[dict[str, Any]]:
        """The rows of KQL ``text`` with ``now()`` frozen at ``now`` (aware, or naive meaning UTC)."""
        if now.tzinfo is None:
            now = now.replace(tzinfo=dt.timezone.utc)
        result_key = _digest(text, now.isoformat())
        if self.state is not None:
            kept = self.con.execute("SELECT rows FROM store.cvm_results WHERE state = ? AND key = ?",
                                    [self.state, result_key]).fetchall()
            if kept:
                self.hits += 1
                return decode_rows(kept[0][0])
        rows = self._execute(text, now)
        if self.state is not None:
            try:
                encoded = encode_rows(rows)
            except TypeError:          # a value this memo cannot restore exactly: not kept
                return rows
            self.con.execute("INSERT INTO store.cvm_results VALUES (?, ?, ?, ?)",
                             [self.state, result_key, encoded, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)])
        return rows

    def prune(self) -> None:
        """Forget the results of all but the newest :data:`KEEP_STATES` states."""
        self.con.execute("""DELETE FROM store.cvm_results WHERE state NOT IN (
            SELECT state FROM store.cvm_results GROUP BY state ORDER BY max(kept) DESC LIMIT ?)""", [KEEP_STATES])

    def _execute(self, text: str, now: dt.datetime) -> list[dict[str, Any]]:
        self.con.execute("SET TimeZone='UTC'")
        if self._schema_key is None:          # the tables and columns the queries may read (not the loader's)
            self._schema_key = json.dumps(self.con.execute(
                "SELECT table_catalog, table_name, column_name, data_type FROM information_schema.columns "
                "WHERE table_catalog <> 'temp' ORDER BY ALL").fetchall())
        key = _digest(_translator_version(), self._schema_key, text)
        clock = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
        kept = self.con.execute("SELECT sql, params FROM store.cvm_sql WHERE key = ?", [key]).fetchall()
        if kept:            # a kept translation binds only the clock: no need to load the translator
            sql, params = kept[0][0], {name: clock for name in json.loads(kept[0][1])}
        else:
            sql, params = self._translate(key, text, now, clock)
        relation = self.con.sql(sql, params=params) if params else self.con.sql(sql)
        names = relation.columns
        return [{k: from_duck(v) for k, v in zip(names, row)} for row in relation.fetchall()]

    def _translate(self, key: str, text: str, now: dt.datetime, clock: dt.datetime) -> tuple[str, dict[str, Any]]:
        """Translate ``text``; keep the SQL when its only bound parameters are the clock (``now()``, bound as the
        naive UTC time, which the probe below confirms), so it is reusable for any ``now``."""
        # KQL-to-SQL translator: loaded only when a query is not kept (its parser is most of the CLI's start-up)
        import duckdb_kql
        from duckdb_kql.engine import schema as kql_schema

        translated = duckdb_kql.to_sql(text, schema=kql_schema(self.con), query_now=now)
        if translated.unbound:
            raise duckdb_kql.KqlSchemaError(", ".join(translated.unbound),
                                            hint="declared query parameter with no value and no default")
        sql, params = str(translated), dict(translated.parameters)
        probe = duckdb_kql.to_sql(_CLOCK_PROBE, query_now=now).parameters
        if set(params) <= set(probe) and all(probe[name] == clock for name in params):
            self.con.execute("INSERT INTO store.cvm_sql VALUES (?, ?, ?)", [key, sql, json.dumps(sorted(params))])
        return sql, params


@lru_cache(maxsize=1)
def _translator_version() -> str:
    """duckdb-kql's version, from its installed metadata (importing it would load its parser)."""
    return version("duckdb-kql")


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


# -- exact round trip of query rows through JSON ----------------------------------------------------------

def encode_rows(rows: list[dict[str, Any]]) -> str:
    """JSON text that :func:`decode_rows` turns back into equal rows of the same types; TypeError for a value it
    cannot restore exactly."""
    return json.dumps([[[k, _enc(v)] for k, v in row.items()] for row in rows], allow_nan=True)


def decode_rows(text: str) -> list[dict[str, Any]]:
    return [{k: _dec(v) for k, v in row} for row in json.loads(text)]


def _enc(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if type(value) is int else _refuse(value)
    if isinstance(value, float):
        return value if type(value) is float else _refuse(value)
    if isinstance(value, dt.datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, decimal.Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$": "uuid", "v": str(value)}
    if isinstance(value, list):
        return {"$": "list", "v": [_enc(v) for v in value]}
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [_enc(v) for v in value]}
    if isinstance(value, dict):
        return {"$": "dict", "v": [[_enc(k), _enc(v)] for k, v in value.items()]}
    return _refuse(value)


def _refuse(value: Any) -> Any:
    raise TypeError(f"cannot keep a {type(value).__name__}")


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "datetime": dt.datetime.fromisoformat, "date": dt.date.fromisoformat, "time": dt.time.fromisoformat,
    "timedelta": lambda v: dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
    "decimal": decimal.Decimal, "uuid": uuid.UUID,
    "list": lambda v: [_dec(x) for x in v], "tuple": lambda v: tuple(_dec(x) for x in v),
    "dict": lambda v: {_dec(k): _dec(x) for k, x in v},
}


def _dec(value: Any) -> Any:
    if isinstance(value, dict):
        return _DECODERS[value["$"]](value["v"])
    return value
