"""The local walk (issue #16, the re-run's fixed cost): it stats no folder of a tree without links (the directory
entry says what is a folder), carries what a file's path says down the walk instead of parsing every path, and
still follows links and finds the loops they close, wherever they close."""
from __future__ import annotations

import datetime as dt
import os

from cvmigrate.report.archive_listing import Window, entry_of, list_local

BASE = "insights-logs-requestresponse/resourceId=/SUBSCRIPTIONS/S1/RESOURCEGROUPS/G/PROVIDERS/X/ACCOUNTS/ACC1"
ODD_FOLDERS = [               # what entry_of reads from a path, in the shapes a path can take
    f"{BASE}/y=2027/m=05/d=30/h=10/m=00",
    f"{BASE}/y=2027/m=05/d=31/h=25/m=00",                      # an hour that is no hour: None
    f"{BASE}/y=2027/m=05/d=29/h=01",                           # files right in the h= folder
    f"{BASE}/y=2027/m=05/d=28/x/h=03/m=00",                    # h= not right below d=: no hour
    f"{BASE}/y=2027/m=05/d=27/h=0\u0661/m=00",                  # a non-ASCII digit (\\d matches it)
    f"{BASE}/y=2027/m=05/d=26/h=04/y=2027/m=05/d=26/h=05/m=00",  # two runs: the first one counts
    "Insights-Metrics-PT1M/resourceId=/SUBSCRIPTIONS/S2/y=2027/m=05/d=30/h=02/m=00",
    "exports/y=2027/m=05/d=30/h=03",
    "weird/fooresourceId=/subscriptions/abc/y=2027/m=05/d=30/h=07/m=00",
    "weird/resourceId=/nosub/y=2027/resourceId=/SUBSCRIPTIONS/Z/y=2027/m=05/d=30/h=08",
    "weird/resourceId=/SUBSCRIPTIONS//y=2027/y=2026/m=05/d=30/h=09",
]
FILES = ["PT1H.json", "PT1H.json.gz", "rows.ndjson", "a.JSONL", "insights-logs-odd.json", "resourceId=odd.json",
         "notes.txt"]


def listing(root, days=400, prune=None):
    return list_local(str(root), lambda found: Window.ending(dt.datetime(2027, 6, 1), days), prune)


def odd_archive(root):
    for folder in ODD_FOLDERS:
        (root / folder).mkdir(parents=True)
        for name in FILES:
            (root / folder / name).write_text("{}\n")
    return root


def test_every_entry_is_what_its_path_says(tmp_path):
    root = odd_archive(tmp_path / "y=2027" / "archive")      # the root's own path counts too
    found = listing(root)
    assert len(found.entries) == len(ODD_FOLDERS) * (len(FILES) - 1) and found.ignored == len(ODD_FOLDERS)
    assert [e for e in found.entries if entry_of(e.path, e.size, e.version) != e] == []
    kinds = {e.kind for e in found.entries}
    hours = {e.hour for e in found.entries}
    assert kinds == {"raw", "metrics", "export"} and {None, dt.datetime(2027, 5, 30, 10)} <= hours


def test_a_tree_without_links_stats_files_never_folders(tmp_path, monkeypatch):
    root = odd_archive(tmp_path / "archive")
    stated = []
    real = os.stat

    def spy(path, *args, **kwargs):
        stated.append(os.fspath(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", spy)
    found = listing(root)
    assert len(found.entries) == len(ODD_FOLDERS) * (len(FILES) - 1)
    assert set(stated) <= {str(root)}        # the root itself (does it exist, is it a file); no folder below


def test_a_loop_closed_by_a_folder_below_a_link_is_found_where_it_closes(tmp_path):
    """``ylink`` reaches the account's y=2027 folder from the top, and ``loop`` in an hour folder links to the
    account folder: through ``ylink``, ``loop`` is no folder above, but its y=2027 is (``ylink`` itself). (The
    folders below ``ylink`` are no partition folders, no y= above them: it is walked before the d= folders.)"""
    root = tmp_path / "archive"
    hour = root / BASE / "y=2027/m=05/d=30/h=10"
    (hour / "m=00").mkdir(parents=True)
    (hour / "m=00" / "PT1H.json").write_text("{}\n")
    os.symlink(root / BASE / "y=2027", root / "ylink")
    os.symlink(root / BASE, hour / "loop")
    os.symlink(root / "nowhere", root / "broken.json")
    found = listing(root, days=60)
    assert [(p.path.removeprefix(str(root)), p.reason) for p in found.problems] == [
        ("/broken.json", "unreadable"),
        ("/ylink/m=05/d=30/h=10/loop/y=2027", "symlink_loop"),
        (f"/{BASE}/y=2027/m=05/d=30/h=10/loop", "symlink_loop")]
    assert [e.path.removeprefix(str(root)) for e in found.entries] == [
        f"/{BASE}/y=2027/m=05/d=30/h=10/m=00/PT1H.json", "/ylink/m=05/d=30/h=10/m=00/PT1H.json"]
    assert [(e.kind, e.hour) for e in found.entries] == [("raw", dt.datetime(2027, 5, 30, 10)), ("export", None)]


def test_below_a_day_folder_every_folder_is_listed_whatever_its_name_says(tmp_path):
    """y=/m= folders outside the window are pruned on the way down to the d= folders, never below one: a folder
    named like a partition inside a day is just a folder (its files' hour is the day's)."""
    root = tmp_path / "archive"
    nested = root / BASE / "y=2027/m=05/d=30/h=01/y=1999/m=01/d=01/h=00"
    nested.mkdir(parents=True)
    (nested / "PT1H.json").write_text("{}\n")
    (root / BASE / "y=1999/m=01/d=01/h=00").mkdir(parents=True)
    (root / BASE / "y=1999/m=01/d=01/h=00/PT1H.json").write_text("{}\n")
    found = listing(root, days=60, prune=Window.ending(dt.datetime(2027, 6, 1), 60))
    assert [(e.path.removeprefix(str(root)), e.hour) for e in found.entries] == [
        (f"/{BASE}/y=2027/m=05/d=30/h=01/y=1999/m=01/d=01/h=00/PT1H.json", dt.datetime(2027, 5, 30, 1))]
