"""The archive store: a DuckDB database (attached as ``store``) of what was ingested (per file: path, size,
ETag or mtime) and its rows, so a daily report ingests only new or changed blobs. Without ``--cache`` the same
store lives in memory, so a cached, a local and a blob run go through one code path and give the same report
for the same data.

The report tables are built from these rows by :mod:`.archive_tables` (incrementally, per day).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import duckdb
from platformdirs import user_cache_dir

from ..errors import ArchiveError
from .archive_listing import Entry, Listing, Problem
from .duck import DUCK_TYPES, table_schemas
from .query_memo import create_memo_tables

STORE_VERSION = "4"                  # bump when the ingested columns or rules change: the cache is rebuilt
DEFAULT_RETENTION_DAYS = 400
SKIP_REASONS = ("corrupt", "invalid_time", "unknown_category", "other_resource_type", "other_table", "oversize",
                "duplicate", "future_time", "unreadable")
TABLES = {"AzureDiagnostics": "store.cvm_diag", "AmlOnlineEndpointTrafficLog": "store.cvm_aml",
          "AzureMetrics": "store.cvm_metrics"}     # the last one: insights-metrics-pt1m blobs (.archive_metrics)
PROBLEMS_LISTED = 50                 # files named in the report; every one is counted


class StoreError(ArchiveError):
    """The cache database cannot be used (locked by another run, corrupt, not writable)."""

    def __init__(self, message: str):
        super().__init__(message, field="cache")


@dataclass
class LoadStats:
    files: int = 0
    rows: Counter = field(default_factory=Counter)        # table -> rows loaded
    skipped: Counter = field(default_factory=Counter)     # reason -> records (unreadable: files/folders)
    ignored_files: int = 0
    ingested_files: int = 0                               # read this run (the rest came from the cache)
    cached_files: int = 0
    problems: list[Problem] = field(default_factory=list)
    first: Any = None                                     # earliest / latest TimeGenerated loaded (naive UTC)
    last: Any = None
    fingerprint: Optional[str] = None                     # this state of the report tables (.archive_tables)

    @property
    def loaded(self) -> int:
        return sum(self.rows.values())

    @property
    def complete(self) -> bool:
        """False when any file or folder could not be read: the report must say ``incomplete``."""
        return not self.problems

    def unreadable_by_resource(self) -> dict[Optional[str], int]:
        """Unreadable files/folders per upper-case resource ID (None: above any resource, e.g. a container)."""
        return dict(Counter(p.resource for p in self.problems))

    def as_dict(self) -> dict[str, Any]:
        reasons = Counter(p.reason for p in self.problems)
        return {
            "files": self.files,
            "ignoredFiles": self.ignored_files,
            "complete": self.complete,
            "rowsLoaded": {k: self.rows.get(k, 0) for k in TABLES},
            "skipped": {reason: self.skipped.get(reason, 0) for reason in SKIP_REASONS},
            "problems": {"byReason": dict(sorted(reasons.items())), "listed": [
                {"path": p.path, "reason": p.reason, "detail": p.detail, "resourceId": p.resource}
                for p in self.problems[:PROBLEMS_LISTED]]},
        }


def default_cache_path(source: str | Path) -> Path:
    """One store per source in the user's cache folder (platformdirs), named after the source's location."""
    text = str(source).split("?", 1)[0]
    if "://" not in text:
        text = os.path.abspath(os.path.expanduser(text))
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return Path(user_cache_dir("cvmigrate")) / f"archive-{digest}.duckdb"


def open_store(path: Optional[Path]) -> Any:
    """A DuckDB connection on the cache file (created with its folder), or in memory for ``None``."""
    database = ":memory:"
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create its folder ({exc.strerror})") from None
        database = str(path)
    con = duckdb.connect(":memory:")              # the report tables: main, in memory
    con.execute("SET TimeZone = 'UTC'")           # what duckdb_kql.connect does (KQL datetimes are UTC)
    con.execute("SET enable_progress_bar = false")  # DuckDB draws it on stdout, which carries the JSON report
    try:
        con.execute(f"ATTACH {_quote(database)} AS store")
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise StoreError(f"{path}: in use by another cvmigrate run; wait for it, or run without the cache") \
                from None
        raise StoreError(f"{path}: cannot open ({_first_line(exc)}); delete it, or run without the cache") from None
    except duckdb.Error as exc:
        raise StoreError(f"{path}: not a usable cache ({_first_line(exc)}); delete it, or run without the cache") \
            from None
    _schema(con)
    return con


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def _schema(con: Any) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS store.cvm_meta (key VARCHAR, value VARCHAR)")
    have = con.execute("SELECT value FROM store.cvm_meta WHERE key = 'version'").fetchall()
    if have and have[0][0] != STORE_VERSION:        # every table of another version's store goes
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'store' "
                                    "AND table_name <> 'cvm_meta'").fetchall():
            con.execute(f'DROP TABLE store."{table}"')
        con.execute("DELETE FROM store.cvm_meta")
    con.execute("DELETE FROM store.cvm_meta WHERE key = 'version'")
    con.execute("INSERT INTO store.cvm_meta VALUES ('version', ?)", [STORE_VERSION])
    con.execute("CREATE TABLE IF NOT EXISTS store.cvm_files (path VARCHAR, size BIGINT, version VARCHAR, kind VARCHAR, "
                "hour TIMESTAMP, resource VARCHAR)")
    con.execute("CREATE TABLE IF NOT EXISTS store.cvm_skips (path VARCHAR, reason VARCHAR, n BIGINT)")
    create_memo_tables(con)
    schemas = table_schemas()
    for name, store in TABLES.items():
        columns = ", ".join(f'"{c}" {DUCK_TYPES[k]}' for c, k in schemas[name].items())
        con.execute(f'CREATE TABLE IF NOT EXISTS {store} (_file VARCHAR, _rh UBIGINT, {columns})')


def sync(con: Any, listing: Listing, retention_start: Optional[dt.datetime]) -> list[Entry]:
    """Record this run's listing (TEMP cvm_listed), forget files changed since they were ingested and raw
    blobs older than ``retention_start``; return the entries to ingest (new or changed). The listing is compared
    with the store in one join in the database: only the paths to ingest come back (none on an unchanged
    archive)."""
    entries = listing.entries
    con.execute("CREATE OR REPLACE TEMP TABLE cvm_listed AS SELECT * FROM (SELECT unnest($1) AS path, "
                "unnest($2)::BIGINT AS size, unnest($3) AS version) ",
                [[e.path for e in entries], [e.size for e in entries], [e.version for e in entries]])
    todo = con.execute("""SELECT l.path, f.path IS NOT NULL FROM cvm_listed l LEFT JOIN store.cvm_files f USING (path)
        WHERE f.path IS NULL OR f.size <> l.size OR f.version <> l.version""").fetchall()
    changed = [path for path, known in todo if known]
    old = retention_start is not None and con.execute(
        "SELECT count(*) FROM store.cvm_files WHERE hour < ?", [retention_start]).fetchall()[0][0]
    if changed or old:
        con.execute("CREATE OR REPLACE TEMP TABLE cvm_stale AS SELECT unnest($1::VARCHAR[]) AS path UNION ALL "
                    "SELECT path FROM store.cvm_files WHERE hour < $2", [changed, retention_start])
        con.execute("BEGIN")
        for table in ("store.cvm_files", "store.cvm_skips"):
            con.execute(f"DELETE FROM {table} WHERE path IN (SELECT path FROM cvm_stale)")
        for table in TABLES.values():
            con.execute(f"DELETE FROM {table} WHERE _file IN (SELECT path FROM cvm_stale)")
        con.execute("COMMIT")
    new = {path for path, _ in todo}
    return [e for e in entries if e.path in new] if new else []


def record_files(con: Any, entries: list[Entry]) -> None:
    con.execute("INSERT INTO store.cvm_files SELECT * FROM (SELECT unnest($1) AS path, unnest($2)::BIGINT AS size, "
                "unnest($3) AS version, unnest($4) AS kind, unnest($5)::TIMESTAMP AS hour, unnest($6) AS resource)",
                [[e.path for e in entries], [e.size for e in entries], [e.version for e in entries],
                 [e.kind for e in entries], [e.hour for e in entries], [e.resource for e in entries]])
