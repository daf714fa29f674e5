"""The report tables are brought up to date one day at a time (report/archive_tables.py): after files are added,
removed or changed, the cached tables and counts equal a fresh build of the same files, and the days no file
touched are not rewritten."""
from __future__ import annotations

import datetime as dt

from cvmigrate.report.archive import open_archive
from cvmigrate.report.archive_store import TABLES

from .archive_builder import account_id, cs_record, write_blob
from .conftest import at

PRED = account_id("Alpha-Pred")
NOW = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)


def _state(con, stats):
    tables = {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in TABLES}
    return tables, stats.as_dict(), (stats.first, stats.last)


def _same_as_fresh(root, cache, now=NOW):
    con, stats = open_archive(root, lookback_days=60, now=now, cache=cache)
    cached = _state(con, stats)
    built_rows = dict(con.execute("SELECT _day, list(rowid ORDER BY rowid) FROM store.cvm_built_diag "
                                  "GROUP BY _day").fetchall())
    con.close()
    fresh_con, fresh_stats = open_archive(root, lookback_days=60, now=now)
    assert cached == _state(fresh_con, fresh_stats)
    return stats, built_rows


def test_adding_removing_and_changing_files_rebuilds_only_their_days(tmp_path):
    root, cache = tmp_path / "a", tmp_path / "s.duckdb"
    write_blob(root, [cs_record(PRED, at(29, 10)), cs_record(PRED, at(29, 10, 5))])
    late = cs_record(PRED, at(30, 23, 50))
    day30 = write_blob(root, [cs_record(PRED, at(30, 9)), late])
    stats, before = _same_as_fresh(root, cache)
    assert stats.loaded == 4 and stats.skipped["duplicate"] == 0

    # A blob received after midnight holds a new record and a re-delivery of the 30th's last one: the 30th is
    # rebuilt (the duplicate is on its day), the 29th is not touched.
    write_blob(root, [cs_record(PRED, at(31, 0, 10)), late])
    stats, after = _same_as_fresh(root, cache)
    assert stats.loaded == 5 and stats.skipped["duplicate"] == 1
    assert after[dt.date(2027, 5, 29)] == before[dt.date(2027, 5, 29)]
    assert after[dt.date(2027, 5, 30)] != before[dt.date(2027, 5, 30)]

    # The 30th's blob gone: its late record still comes from the later blob, no longer a duplicate.
    day30.unlink()
    stats, _ = _same_as_fresh(root, cache)
    assert stats.loaded == 4 and stats.skipped["duplicate"] == 0

    # An appended (changed) blob, and a future-dated record in it.
    write_blob(root, [cs_record(PRED, at(29, 10, 30)), cs_record(PRED, dt.datetime(2027, 6, 20))])
    stats, _ = _same_as_fresh(root, cache)
    assert stats.loaded == 5 and stats.skipped["future_time"] == 1


def test_another_now_rebuilds_every_day(tmp_path):
    root, cache = tmp_path / "a", tmp_path / "s.duckdb"
    write_blob(root, [cs_record(PRED, at(29, 10)), cs_record(PRED, at(30, 10))])
    write_blob(root, [cs_record(PRED, at(31, 10))])
    first, _ = _same_as_fresh(root, cache)
    earlier, _ = _same_as_fresh(root, cache, now=dt.datetime(2027, 5, 30, tzinfo=dt.timezone.utc))
    assert (first.loaded, first.skipped["future_time"]) == (3, 0)
    assert (earlier.loaded, earlier.skipped["future_time"]) == (1, 2)
    again, _ = _same_as_fresh(root, cache)
    assert again.as_dict() == first.as_dict()
