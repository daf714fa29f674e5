"""The report tables of an archive (AzureDiagnostics, AmlOnlineEndpointTrafficLog, AzureMetrics), kept in the
archive store and brought up to date incrementally, one UTC day of ``TimeGenerated`` at a time.

The store (:mod:`.archive_store`) holds every ingested file's rows. The report tables hold the rows of the files
listed this run after two hygiene steps (issue #12 item 7):

- **future-dated** records are excluded and counted (``future_time``): later than ``--now`` when pinned; else
  later than their blob's hour + 1 h + :data:`FUTURE_TOLERANCE` (a blob's hour is when Azure received the
  record), or, for Log Analytics exports, later than the current time (or the newest blob hour, if later) + 1 h
  + the tolerance. They never move "now".
- **duplicates** (the same record delivered twice: storage export is at-least-once and append blobs are re-read)
  are removed and counted (``duplicate``): records are identical when every field is (a 64-bit hash of them).

Both rules act within one day: a duplicate has the same ``TimeGenerated`` as its original, so it is on the same
day, and whether a record is future-dated depends only on the record, its file and the rule's inputs. So the
built rows are kept per day (``store.cvm_built_*``, with each day's counts in ``store.cvm_built_days`` and the
files that went into each day in ``store.cvm_built_files``), and a run rebuilds only the days that the files
added or removed since the last build have rows on: adding a day of blobs rebuilds that day (and the day before,
for records received after midnight), not the archive. A change of the hygiene rule's inputs (a different
``--now``; the current time, when Log Analytics exports are read without ``--now``) rebuilds every day.

The report tables the queries read are views over the built tables, so nothing is copied per run; a re-run on an
unchanged archive compares the listing with ``store.cvm_built_files`` and builds nothing.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Optional

from .archive_store import STORE_VERSION, TABLES, LoadStats
from .duck import create_tables, table_schemas

FUTURE_TOLERANCE = dt.timedelta(days=1)
# Report table -> the store table of its built rows (the report table is a view over it).
BUILT = {"AzureDiagnostics": "store.cvm_built_diag", "AmlOnlineEndpointTrafficLog": "store.cvm_built_aml",
         "AzureMetrics": "store.cvm_built_metrics"}
_REPORT_FIRST_LAST = ("AzureDiagnostics", "AmlOnlineEndpointTrafficLog")   # the span of the report's records


def build(con: Any, now: Optional[dt.datetime], wall_clock: dt.datetime) -> LoadStats:
    """Bring the report tables up to date with this run's listed files (TEMP ``cvm_listed``, see
    :func:`.archive_store.sync`) and return what they hold: rows per table, future-dated and duplicate records,
    the files' skipped records, the first and last TimeGenerated. ``stats.fingerprint`` names this state of the
    report tables (the files read with their versions, and the inputs of the hygiene rules)."""
    pinned = now.astimezone(dt.timezone.utc).replace(tzinfo=None) if now is not None else None
    con.execute("CREATE OR REPLACE TEMP TABLE cvm_use AS SELECT f.path AS _file, f.hour, f.size, f.version "
                "FROM store.cvm_files f JOIN cvm_listed USING (path)")
    newest_blob, undated = con.execute("SELECT max(hour), count(*) FILTER (hour IS NULL) FROM cvm_use").fetchall()[0]
    export_limit = max(filter(None, (wall_clock.astimezone(dt.timezone.utc).replace(tzinfo=None), newest_blob))) \
        + dt.timedelta(hours=1) + FUTURE_TOLERANCE
    future = ("d.TimeGenerated > $now" if pinned is not None else
              "d.TimeGenerated > coalesce(u.hour + INTERVAL 1 HOUR + $tol, $export_limit)")
    params = {"now": pinned} if pinned is not None else {"tol": FUTURE_TOLERANCE, "export_limit": export_limit}
    rule = f"now={pinned}" if pinned is not None else f"tol={FUTURE_TOLERANCE};limit={export_limit if undated else ''}"
    # The set of (file, size, version) as a count and a sum of 64-bit hashes: order-free, 10x cheaper than hashing
    # the sorted list, and an accidental match of two different sets is as unlikely as a hash collision.
    state = con.execute("SELECT sha256(? || chr(1) || count(*) || chr(1) || "
                        "coalesce(sum(hash(_file, size, version)), 0)) FROM cvm_use",
                        [f"{STORE_VERSION};{rule}"]).fetchall()[0][0]
    _create(con)
    _update(con, rule, future, params)
    stats = _stats(con)
    stats.fingerprint = state
    return stats


def _create(con: Any) -> None:
    """The built tables (store) and the report tables: views over them, the other tables of queries/tables.yaml
    empty."""
    schemas = table_schemas()
    for name, built in BUILT.items():
        cols = ", ".join(f'"{c}"' for c in schemas[name])
        con.execute(f"CREATE TABLE IF NOT EXISTS {built} AS SELECT {cols}, _rh, NULL::DATE AS _day "
                    f"FROM {TABLES[name]} LIMIT 0")
        con.execute(f'CREATE OR REPLACE VIEW "{name}" AS SELECT {cols} FROM {built}')
    con.execute("CREATE TABLE IF NOT EXISTS store.cvm_built_days (tbl VARCHAR, day DATE, total BIGINT, "
                "futures BIGINT, kept BIGINT, first TIMESTAMP, last TIMESTAMP)")
    con.execute("CREATE TABLE IF NOT EXISTS store.cvm_built_files (path VARCHAR, size BIGINT, version VARCHAR, "
                "day DATE)")
    create_tables(con, [t for t in schemas if t not in BUILT])


def _update(con: Any, rule: str, future: str, params: dict) -> None:
    """Rebuild the days the files added or removed since the last build have rows on (every day when the rule
    changed), in one transaction."""
    kept_rule = con.execute("SELECT value FROM store.cvm_meta WHERE key = 'built_rule'").fetchall()
    everything = not kept_rule or kept_rule[0][0] != rule
    con.execute("BEGIN")
    try:
        if everything:
            for table in (*BUILT.values(), "store.cvm_built_days", "store.cvm_built_files"):
                con.execute(f"DELETE FROM {table}")
            con.execute("DELETE FROM store.cvm_meta WHERE key = 'built_rule'")
            con.execute("INSERT INTO store.cvm_meta VALUES ('built_rule', ?)", [rule])
        con.execute("""CREATE OR REPLACE TEMP TABLE cvm_added AS
            SELECT _file AS path, size, version FROM cvm_use
            EXCEPT SELECT path, size, version FROM store.cvm_built_files""")
        con.execute("""CREATE OR REPLACE TEMP TABLE cvm_removed AS
            SELECT path, size, version FROM store.cvm_built_files
            EXCEPT SELECT _file, size, version FROM cvm_use""")
        changed = con.execute("SELECT (SELECT count(*) FROM cvm_added) + (SELECT count(*) FROM cvm_removed)"
                              ).fetchall()[0][0]
        if changed:
            _rebuild_days(con, future, params)
        con.execute("COMMIT")
        for table in ("cvm_added", "cvm_removed", "cvm_added_days", "cvm_days"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _rebuild_days(con: Any, future: str, params: dict) -> None:
    days_of = " UNION ALL ".join(f"SELECT _file, CAST(TimeGenerated AS DATE) AS day FROM {store} "
                                 "WHERE _file IN (SELECT path FROM cvm_added)" for store in TABLES.values())
    con.execute(f"CREATE OR REPLACE TEMP TABLE cvm_added_days AS SELECT DISTINCT _file, day FROM ({days_of})")
    con.execute("""CREATE OR REPLACE TEMP TABLE cvm_days AS
        SELECT day FROM cvm_added_days
        UNION SELECT b.day FROM store.cvm_built_files b JOIN cvm_removed r USING (path, size, version)
        WHERE b.day IS NOT NULL""")
    con.execute("DELETE FROM store.cvm_built_files b USING cvm_removed r "
                "WHERE b.path = r.path AND b.size = r.size AND b.version = r.version")
    con.execute("INSERT INTO store.cvm_built_files SELECT a.path, a.size, a.version, d.day "
                "FROM cvm_added a LEFT JOIN cvm_added_days d ON d._file = a.path")
    con.execute("DELETE FROM store.cvm_built_days WHERE day IN (SELECT day FROM cvm_days)")
    for name, store in TABLES.items():
        built = BUILT[name]
        cols = ", ".join(f'"{c}"' for c in table_schemas()[name])
        con.execute(f"DELETE FROM {built} WHERE _day IN (SELECT day FROM cvm_days)")
        # The days' rows of the files in use: row ids first (a narrow table), then one insert of the first row of
        # each distinct record that is not future-dated, in time and record-hash order.
        con.execute(f"""CREATE OR REPLACE TEMP TABLE cvm_keys AS
            SELECT d.rowid AS _row, d._rh, ({future}) AS _future, d.TimeGenerated AS _t,
                   CAST(d.TimeGenerated AS DATE) AS _day
            FROM {store} d JOIN cvm_use u USING (_file)
            WHERE CAST(d.TimeGenerated AS DATE) IN (SELECT day FROM cvm_days)""", params)
        con.execute(f"""INSERT INTO {built} SELECT {cols}, _rh, CAST(TimeGenerated AS DATE) FROM {store} d
            WHERE d.rowid IN (SELECT min(_row) FROM cvm_keys WHERE NOT _future GROUP BY _rh)
            ORDER BY d.TimeGenerated, d._rh""")
        con.execute(f"""INSERT INTO store.cvm_built_days
            SELECT '{name}', _day, count(*), count(*) FILTER (_future), count(DISTINCT _rh) FILTER (NOT _future),
                   min(_t) FILTER (NOT _future), max(_t) FILTER (NOT _future)
            FROM cvm_keys GROUP BY _day""")
        con.execute("DROP TABLE cvm_keys")


def _stats(con: Any) -> LoadStats:
    stats = LoadStats()
    for name, total, futures, kept in con.execute(
            "SELECT tbl, sum(total), sum(futures), sum(kept) FROM store.cvm_built_days GROUP BY tbl").fetchall():
        stats.rows[name] = int(kept)
        stats.skipped["future_time"] += int(futures)
        stats.skipped["duplicate"] += int(total - futures - kept)
    for name in TABLES:
        stats.rows.setdefault(name, 0)
    skipped: Counter = Counter()
    for reason, n in con.execute("SELECT reason, sum(n) FROM store.cvm_skips JOIN cvm_use ON path = _file "
                                 "GROUP BY reason").fetchall():
        skipped[reason] += int(n)
    stats.skipped.update(skipped)
    stats.first, stats.last = con.execute(
        "SELECT min(first), max(last) FROM store.cvm_built_days WHERE tbl IN (SELECT unnest($1))",
        [list(_REPORT_FIRST_LAST)]).fetchall()[0]
    return stats
