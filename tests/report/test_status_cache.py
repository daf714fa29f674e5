"""The incremental store (--cache): a re-run reads only new or changed files, and the report from the cache is
the report from a fresh read."""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

from cvmigrate.cli import main
from cvmigrate.report.archive import open_archive

from .archive_builder import account_id, cs_record, write_blob
from .conftest import NOW, at

PRED = account_id("Alpha-Pred")


def status(capsys, stack, root, *extra):
    code = main(["status", "--stack", str(stack), "--source", str(root), "--now", NOW, "--format", "json",
                 "--no-progress", *extra])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_a_rerun_reads_only_new_or_changed_files_and_reports_the_same(capsys, stack, mixed_archive, tmp_path):
    cache = tmp_path / "store.duckdb"
    _, fresh, _ = status(capsys, stack, mixed_archive, "--no-cache")
    _, first, err = status(capsys, stack, mixed_archive, "--cache", str(cache))
    assert first == fresh and "from the cache" not in err
    _, again, err = status(capsys, stack, mixed_archive, "--cache", str(cache))
    assert again == fresh and "archive: 0 new or changed file(s) read, 8 from the cache" in err

    blob = write_blob(mixed_archive, [cs_record(PRED, at(30, 10, 30))])       # appended to an existing blob
    write_blob(mixed_archive, [cs_record(PRED, at(31, 9, 0))])                 # a new hour
    _, grown, err = status(capsys, stack, mixed_archive, "--cache", str(cache))
    assert "archive: 2 new or changed file(s) read, 7 from the cache" in err
    _, grown_fresh, _ = status(capsys, stack, mixed_archive, "--no-cache")
    assert grown == grown_fresh
    assert grown["source"]["load"]["rowsLoaded"]["AzureDiagnostics"] == \
        fresh["source"]["load"]["rowsLoaded"]["AzureDiagnostics"] + 2
    blob.unlink()                                                              # gone from the source: not reported
    _, shrunk, _ = status(capsys, stack, mixed_archive, "--cache", str(cache))
    assert shrunk == status(capsys, stack, mixed_archive, "--no-cache")[1]


def test_the_default_cache_lives_in_the_user_cache_folder(capsys, stack, mixed_archive, tmp_path):
    status(capsys, stack, mixed_archive)
    stores = list((tmp_path / "xdg-cache" / "cvmigrate").glob("archive-*.duckdb"))
    assert len(stores) == 1
    _, _, err = status(capsys, stack, mixed_archive)
    assert f"8 from the cache {stores[0]}" in err


def test_retention_forgets_old_blobs(tmp_path):
    root = tmp_path / "a"
    write_blob(root, [cs_record(PRED, at(30, 10))])
    old = write_blob(root, [cs_record(PRED, at(1, 10))])
    cache = tmp_path / "s.duckdb"
    open_archive(root, lookback_days=60, cache=cache)[0].close()
    con, _ = open_archive(root, lookback_days=60, cache=cache, retention_days=10)
    kept = [r[0] for r in con.execute("SELECT path FROM store.cvm_files").fetchall()]
    assert str(old) not in kept and len(kept) == 1


def test_a_cache_in_use_or_corrupt_is_one_line_exit_2(capsys, stack, mixed_archive, tmp_path):
    cache = tmp_path / "busy.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
                               "c.execute('CREATE TABLE t (x INT)'); print('ready', flush=True); time.sleep(30)",
                               str(cache)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        code = main(["status", "--stack", str(stack), "--source", str(mixed_archive), "--cache", str(cache)])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "in use by another cvmigrate run" in err
    finally:
        holder.kill()
        holder.wait()
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(os.urandom(4096))
    code = main(["status", "--stack", str(stack), "--source", str(mixed_archive), "--cache", str(junk)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "without the cache" in err and "Traceback" not in err


def test_future_and_duplicates_are_the_same_from_the_cache(tmp_path):
    root = tmp_path / "a"
    recs = [cs_record(PRED, at(30, 10, i)) for i in range(3)]
    write_blob(root, recs + [recs[0], cs_record(PRED, dt.datetime(2099, 1, 1))])
    cache = tmp_path / "s.duckdb"
    first = open_archive(root, lookback_days=60, cache=cache)[1]
    second = open_archive(root, lookback_days=60, cache=cache)[1]
    assert first.as_dict() == second.as_dict() and (second.ingested_files, second.cached_files) == (0, 1)
    assert (second.skipped["duplicate"], second.skipped["future_time"], second.loaded) == (1, 1, 3)
