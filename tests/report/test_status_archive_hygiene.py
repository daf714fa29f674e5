"""Archive loader hygiene (issue #12 items 5 and 7, issue #16 item 4): duplicates, future-dated records, every
export format, unreadable files and folders, symlink loops and oversize records, each counted and listed."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os

from cvmigrate.cli import main
from cvmigrate.report.archive import open_archive
from cvmigrate.report.archive_staging import MAX_RECORD_BYTES

from .archive_builder import account_id, cs_record, write_blob
from .conftest import at

PRED = account_id("Alpha-Pred")


def load(root, **kw):
    con, stats = open_archive(root, lookback_days=60, **kw)
    diag = con.execute('SELECT count(*) FROM "AzureDiagnostics"').fetchall()[0][0]
    return con, stats, diag


def test_the_same_record_delivered_twice_counts_once(tmp_path):
    root = tmp_path / "a"
    records = [cs_record(PRED, at(30, 10, i)) for i in range(3)]
    write_blob(root, records + [records[0]])                    # re-delivered in the same append blob
    later = write_blob(root, [cs_record(PRED, at(30, 11, 0))])
    with later.open("a") as fh:                                 # and once more in the next hour's blob
        fh.write(json.dumps(records[1]) + "\n")
    _, stats, diag = load(root)
    assert diag == 4 and stats.skipped["duplicate"] == 2


def test_a_future_dated_record_is_excluded_and_never_moves_now(tmp_path, capsys, stack):
    root = tmp_path / "a"
    write_blob(root, [cs_record(PRED, at(30, 10, i)) for i in range(3)] + [cs_record(PRED, dt.datetime(2099, 1, 1))])
    _, stats, diag = load(root)
    assert (diag, stats.skipped["future_time"], stats.last) == (3, 1, dt.datetime(2027, 5, 30, 10, 2))
    # Pinned: records after --now are future too.
    _, stats, diag = load(root, now=dt.datetime(2027, 5, 30, 10, 1, tzinfo=dt.timezone.utc))
    assert (diag, stats.skipped["future_time"]) == (2, 2)
    code = main(["status", "--stack", str(stack), "--source", str(root), "--format", "json", "--no-cache"])
    report = json.loads(capsys.readouterr().out)
    assert report["now"] == "2027-05-30T10:02:00Z" and report["source"]["load"]["skipped"]["future_time"] == 1
    assert code in (0, 3)


def test_records_objects_pretty_printed_and_gzip_are_read(tmp_path):
    root = tmp_path / "a"
    one_line = write_blob(root, [cs_record(PRED, at(29, 8, 0))])
    one_line.write_text(json.dumps({"records": [cs_record(PRED, at(29, 8, i)) for i in range(4)]}))
    pretty = write_blob(root, [cs_record(PRED, at(29, 9, 0))])
    pretty.write_text(json.dumps({"records": [cs_record(PRED, at(29, 9, i)) for i in range(3)]}, indent=2))
    gz = write_blob(root, [cs_record(PRED, at(29, 10, 0))])
    with gzip.open(gz.with_name("PT1H.json.gz"), "wt") as fh:
        fh.write("\n".join(json.dumps(cs_record(PRED, at(29, 10, i))) for i in range(5)) + "\n")
    gz.unlink()
    _, stats, diag = load(root)
    assert diag == 12 and stats.skipped["corrupt"] == 0 and stats.files == 3


def test_unreadable_files_and_symlink_loops_are_counted_listed_and_make_the_load_incomplete(tmp_path, capsys, stack):
    root = tmp_path / "a"
    blob = write_blob(root, [cs_record(PRED, at(30, 10, i)) for i in range(3)])
    beta = account_id("beta-ia")
    gone = write_blob(root, [cs_record(beta, at(30, 10))])
    gone.unlink()
    os.symlink(tmp_path / "nowhere.json", gone)                         # listed, cannot be opened
    os.symlink(blob.parents[5], blob.parent / "loop")                   # a folder linking to its ancestor
    _, stats, diag = load(root)
    assert diag == 3 and not stats.complete
    assert sorted((p.reason, p.resource) for p in stats.problems) == [("symlink_loop", PRED), ("unreadable", beta)]
    assert stats.unreadable_by_resource() == {PRED: 1, beta: 1} and stats.skipped["unreadable"] == 2
    main(["status", "--stack", str(stack), "--source", str(root), "--now", "2027-06-01T00:00:00Z",
          "--format", "json", "--no-cache"])
    source = json.loads(capsys.readouterr().out)["source"]
    assert source["load"]["complete"] is False and source["partial"] is True
    assert source["load"]["problems"]["byReason"] == {"symlink_loop": 1, "unreadable": 1}
    assert [p["resourceId"] for p in source["load"]["problems"]["listed"]] == [PRED, beta]
    assert "archive" in {p["query"] for p in source["problems"]}


def test_an_unreadable_folder_is_a_problem_not_a_silent_skip(tmp_path, monkeypatch):
    root = tmp_path / "a"
    write_blob(root, [cs_record(PRED, at(30, 10))])
    hidden = write_blob(root, [cs_record(account_id("beta-ia"), at(30, 10))]).parents[5]
    real = os.scandir

    def scandir(path):
        if os.fspath(path) == str(hidden):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    _, stats, diag = load(root)
    assert diag == 1 and [(p.path, p.reason, p.detail) for p in stats.problems] == [
        (str(hidden), "unreadable", "Permission denied")]


def test_an_oversize_record_is_skipped_and_counted(tmp_path):
    root = tmp_path / "a"
    huge = dict(cs_record(PRED, at(30, 10, 1)), properties={"blob": "x" * (MAX_RECORD_BYTES + 1)})
    write_blob(root, [cs_record(PRED, at(30, 10, 0)), huge])
    _, stats, diag = load(root)
    assert diag == 1 and stats.skipped["oversize"] == 1


def test_only_the_time_window_is_listed(tmp_path):
    root = tmp_path / "a"
    write_blob(root, [cs_record(PRED, at(30, 10))])
    write_blob(root, [cs_record(PRED, dt.datetime(2026, 1, 5, 3))])       # far outside a 60-day window
    _, stats, diag = load(root)
    assert (stats.files, diag) == (1, 1)


def test_corrupt_lines_crlf_and_non_utf8_blobs_count_the_same_whichever_reader(tmp_path):
    """Plain blobs are read as text (read_text + JSON functions), gzip and non-UTF-8 ones with read_json: the counts
    are the same either way, and a blob that is not UTF-8 is read line by line (corrupt lines), never dropped."""
    root = tmp_path / "a"
    mixed = write_blob(root, [cs_record(PRED, at(30, 10, 0))])
    mixed.write_bytes((json.dumps(cs_record(PRED, at(30, 10, 0))) + "\r\n{\"time\": \"2027-05-30T10:0\r\n\r\n  \n"
                       + json.dumps(cs_record(PRED, at(30, 10, 1))) + "\r\n[1, 2]\n").encode())
    latin = write_blob(root, [cs_record(PRED, at(30, 11, 0))])
    latin.write_bytes(latin.read_bytes() + b"\xff\xfe not json\n" + json.dumps(cs_record(PRED, at(30, 11, 1))).encode())
    packed = write_blob(root, [cs_record(PRED, at(30, 12, 0))])
    with gzip.open(packed.with_name("PT1H.json.gz"), "wb") as fh:
        fh.write(packed.read_bytes() + b"{\"time\": \"2027-05-30T12:0\n")
    packed.unlink()
    _, stats, diag = load(root)
    assert (diag, stats.skipped["corrupt"], stats.complete) == (5, 4, True)
