"""The batched replay (one LATERAL run per batch of evaluation times over a window of the staged rows) answers
exactly what one duckdb-kql run per evaluation answers on the rows Azure would give the query at that moment
(up to now, no older than the rule's evaluation range), for every rule the backtest replays."""
from __future__ import annotations

import datetime as dt

import pytest

from cvmigrate.backtest import replay
from cvmigrate.backtest.episodes import replayed_rules
from cvmigrate.backtest.replay import Replayer, evaluation_times
from cvmigrate.report.archive import open_archive
from cvmigrate.report.duck import run_query

from .conftest import END


def _one_by_one(con, replayer, rule, when):
    """The reference: the report tables the query reads refilled with the visible rows, then one plain run."""
    for table in replayer.staged:
        con.execute(f'DELETE FROM "{table}"')
        con.execute(f'INSERT INTO "{table}" SELECT * FROM "cvm_bt_all_{table}" WHERE "TimeGenerated" <= $t '
                    f'AND "TimeGenerated" >= $lo', {"t": when, "lo": when - rule.reach})
    return run_query(con, rule.text, when)


@pytest.fixture(scope="module")
def staged(demo_archive):
    """One load for the module: the Replayer's staged copy stays intact while the reference refills the report
    tables."""
    con, _ = open_archive(demo_archive, lookback_days=60, now=END.replace(tzinfo=dt.timezone.utc))
    for table in replay.REPLAYED_TABLES:        # the archive's report tables are views: the reference refills copies
        con.execute(f'CREATE TABLE "cvm_copy" AS SELECT * FROM "{table}"')
        con.execute(f'DROP VIEW "{table}"')
        con.execute(f'ALTER TABLE "cvm_copy" RENAME TO "{table}"')
    return con, Replayer(con)


@pytest.mark.parametrize("name", ["legacy-regression", "legacy-after-cutover", "error-spike", "replacement-health",
                                  "cutover-overdue", "deadline-proximity", "pipeline-broken"])
def test_batched_replay_equals_one_run_per_evaluation(name, staged, demo_artefacts, monkeypatch):
    monkeypatch.setattr(replay, "BATCH_EVALUATIONS", 3)      # several batches, each refilling its window
    con, replayer = staged
    rule = next(r for r in replayed_rules(demo_artefacts) if r.name == name)
    # Office hours around the planted regression, and the 401 burst of the 31st (error-spike fires).
    times = evaluation_times(dt.datetime(2027, 5, 27, 9), dt.datetime(2027, 5, 27, 12), rule.frequency)
    times += evaluation_times(dt.datetime(2027, 5, 31, 11), dt.datetime(2027, 5, 31, 12), rule.frequency)
    batched = replayer.evaluate(replayer.compile(rule.query, rule.text, rule.reach), times)
    assert set(batched) == set(times)
    for when in times:
        assert batched[when] == _one_by_one(con, replayer, rule, when), when
    if name == "legacy-regression":      # not vacuous: the planted hours regress, the others do not
        flagged = sorted(t for t, rows in batched.items() if any(r["Regressed"] for r in rows))
        assert flagged == [dt.datetime(2027, 5, 27, 11), dt.datetime(2027, 5, 27, 12)]


def test_a_later_record_is_invisible_to_an_earlier_evaluation(staged, demo_artefacts):
    """Batches hold rows past their first evaluations; each evaluation still sees nothing after its own now()."""
    rule = next(r for r in replayed_rules(demo_artefacts) if r.name == "legacy-after-cutover")
    replayer = staged[1]
    times = evaluation_times(END - dt.timedelta(days=1), END, rule.frequency)
    batched = replayer.evaluate(replayer.compile(rule.query, rule.text, rule.reach), times)
    for when, rows in batched.items():
        assert all(r["LastCall"].replace(tzinfo=None) <= when for r in rows)
    assert any(batched.values())


def test_evaluation_times_sit_on_the_frequency_grid():
    quarter = dt.timedelta(minutes=15)
    assert evaluation_times(dt.datetime(2027, 1, 1, 10, 7), dt.datetime(2027, 1, 1, 11), quarter) == [
        dt.datetime(2027, 1, 1, 10, 15), dt.datetime(2027, 1, 1, 10, 30), dt.datetime(2027, 1, 1, 10, 45),
        dt.datetime(2027, 1, 1, 11)]
    hour = dt.timedelta(hours=1)
    assert evaluation_times(dt.datetime(2027, 1, 1), dt.datetime(2027, 1, 1, 3), hour) == [
        dt.datetime(2027, 1, 1, 1), dt.datetime(2027, 1, 1, 2), dt.datetime(2027, 1, 1, 3)]
    assert evaluation_times(dt.datetime(2027, 1, 1, 3), dt.datetime(2027, 1, 1, 3, 30), hour) == []


def test_no_duckdb_progress_bar_reaches_stdout(staged):
    """DuckDB draws its bar for queries over 2 s on stdout, where `--format json` writes the report."""
    con, _ = staged
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0][0] is False
