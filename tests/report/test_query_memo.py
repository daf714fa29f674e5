"""The query memo (report/query_memo.py): kept translations are reused for any ``now``, kept results only for the
same report-table state, query text and ``now``, and come back type for type."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid

import pytest

from cvmigrate.report.archive_store import open_store
from cvmigrate.report.duck import create_tables, insert_rows, run_query
from cvmigrate.report.query_memo import QueryMemo, decode_rows, encode_rows

QUERY = ("AzureDiagnostics | where TimeGenerated > ago(2d) | summarize Calls = count(), Last = max(TimeGenerated) "
         "by Resource | order by Resource asc")
NOW = dt.datetime(2027, 6, 1, tzinfo=dt.timezone.utc)


def test_rows_round_trip_type_for_type():
    rows = [{"a": True, "b": 3, "c": 2.5, "d": None, "e": "x", "f": dt.datetime(2027, 1, 2, 3, 4, 5, 6, dt.timezone.utc),
             "g": dt.datetime(2027, 1, 2), "h": dt.date(2027, 1, 2), "i": dt.timedelta(days=-1, microseconds=7),
             "j": decimal.Decimal("1.10"), "k": uuid.UUID(int=5), "l": [1, {"m": (2, "3")}], "n": {"$": "v"}}]
    back = decode_rows(encode_rows(rows))
    assert back == rows and [type(v) for v in back[0].values()] == [type(v) for v in rows[0].values()]
    with pytest.raises(TypeError):
        encode_rows([{"raw": b"bytes"}])


@pytest.fixture
def con():
    con = open_store(None)
    create_tables(con)
    insert_rows(con, "AzureDiagnostics", [{"TimeGenerated": NOW - dt.timedelta(hours=h), "Resource": f"R{h % 3}"}
                                          for h in range(60)])
    return con


def test_results_are_kept_per_state_and_now_and_translations_for_any_now(con, monkeypatch):
    memo = QueryMemo(con, "state-1")
    first = memo.run(QUERY, NOW)
    assert first == run_query(con, QUERY, NOW)
    assert memo.run(QUERY, NOW) == first and memo.hits == 1
    later = NOW + dt.timedelta(hours=5)
    assert memo.run(QUERY, later) == run_query(con, QUERY, later) != first and memo.hits == 1
    assert con.execute("SELECT count(*) FROM store.cvm_sql").fetchall()[0][0] == 1       # one translation, reused
    again = QueryMemo(con, "state-1")
    assert again.run(QUERY, NOW) == first and again.hits == 1
    other = QueryMemo(con, "state-2")
    assert other.run(QUERY, NOW) == first and other.hits == 0


def test_a_kept_translation_runs_without_the_translator(con, monkeypatch):
    """A re-run whose results must be computed afresh (new data, another now) reuses the kept SQL with the clock
    bound: the translator (most of the CLI's start-up when imported) is not called."""
    QueryMemo(con, "state-1").run(QUERY, NOW)
    later = NOW + dt.timedelta(hours=30)
    expected = run_query(con, QUERY, later)
    import duckdb_kql

    def refuse(*_a, **_k):
        raise AssertionError("translated again")
    monkeypatch.setattr(duckdb_kql, "to_sql", refuse)
    assert QueryMemo(con, "state-2").run(QUERY, later) == expected != QueryMemo(con, "state-2").run(QUERY, NOW)


def test_only_the_newest_states_are_kept(con):
    for n in range(6):
        memo = QueryMemo(con, f"s{n}")
        memo.run(QUERY, NOW)
        memo.prune()
    kept = {r[0] for r in con.execute("SELECT DISTINCT state FROM store.cvm_results").fetchall()}
    assert kept == {"s2", "s3", "s4", "s5"}
