"""Where an archive lives and which of its files a report reads: a local folder, or a blob container read in place
(``https://<account>.blob.<storage suffix>/<container>[/<prefix>]`` or ``az://<container>/<prefix>``, through
adlfs). Only the ``y=/m=/d=`` folders of the time window are listed; what cannot be listed is a
:class:`Problem`, never silently dropped.

Blob names follow the diagnostic-settings layout (learn.microsoft.com/azure/azure-monitor/essentials/
resource-logs, "Send to Azure Storage")::

    insights-logs-<category>/resourceId=/SUBSCRIPTIONS/<sub>/.../<name>/y=YYYY/m=MM/d=DD/h=HH/m=00/PT1H.json

Blob hours are receive times and records may be up to 48 h older than their blob, so the window is widened by
:data:`MARGIN_DAYS` on both sides. This module holds the entries, the partition folders and the local walk; blob
containers are listed by :mod:`.archive_blobs`.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Optional

from ..errors import ArchiveError

RAW_CONTAINER_PREFIX = "insights-logs-"
METRICS_CONTAINER = "insights-metrics-pt1m"      # the AllMetrics category's container (PT1M grain)
EXPORT_SUFFIXES = (".jsonl", ".ndjson", ".json")
MARGIN_DAYS = 2
_Y, _M, _D = re.compile(r"y=(\d{4})"), re.compile(r"m=(\d{2})"), re.compile(r"d=(\d{2})")
_H = re.compile(r"h=(\d{2})")
_HOUR = re.compile(r"/y=(\d{4})/m=(\d{2})/d=(\d{2})/h=(\d{2})/")
_RESOURCE = re.compile(r"resourceId=(/SUBSCRIPTIONS/.+?)/y=\d{4}/", re.IGNORECASE)


class ListingError(ArchiveError):
    """The source cannot be used at all (bad location, no credentials, container not found)."""

    def __init__(self, message: str):
        super().__init__(message, field="source")


@dataclass(frozen=True)
class Entry:
    """One file of the archive: ``path`` is what DuckDB reads (an absolute path, or ``abfs://container/blob``:
    DuckDB names files of a registered fsspec filesystem by its first protocol)."""
    path: str
    size: int
    version: str                 # blob ETag, or a local file's mtime in ns
    kind: str                    # "raw" (resource-log blob), "metrics" (metrics blob) or "export" (LA rows)
    hour: Optional[dt.datetime]  # the blob's y/m/d/h (receive hour), naive UTC; None for exports
    resource: Optional[str]      # upper-case resource ID from the path
    origin: Optional[str] = None  # a blob downloaded to ``path``: the blob's own path

    def as_origin(self) -> "Entry":
        """This entry as listed (a downloaded blob under its blob path)."""
        return Entry(self.origin, self.size, self.version, self.kind, self.hour, self.resource) if self.origin \
            else self


@dataclass(frozen=True)
class Problem:
    """A file or folder that could not be read: counted per reason and listed in the report."""
    path: str
    reason: str                  # unreadable | symlink_loop | oversize | corrupt_file
    detail: str
    resource: Optional[str] = None


@dataclass(frozen=True)
class Window:
    """Calendar days (UTC) whose ``d=`` folders are listed, inclusive."""
    first: dt.date
    last: dt.date

    def holds(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    @classmethod
    def ending(cls, end: dt.datetime, lookback_days: int) -> "Window":
        last = end.date() + dt.timedelta(days=MARGIN_DAYS)
        return cls(end.date() - dt.timedelta(days=lookback_days + MARGIN_DAYS), last)


def newest_day(days: list[dt.date], lookback_days: int) -> Optional[dt.date]:
    """The archive's newest day folder, ignoring folders detached from the rest by more than the lookback (a
    partition dated 2099 must not become "now")."""
    ordered = sorted(days)
    while len(ordered) > 1 and (ordered[-1] - ordered[-2]).days > lookback_days:
        ordered.pop()
    return ordered[-1] if ordered else None


def lookback_days(params: dict[str, Any]) -> int:
    """How many days before "now" the report's queries read, from the render parameters (every ``*Days``,
    ``*Weeks`` (+1 for the partial week) and ``*Hours`` lookback in ``windows`` and ``thresholds``, and the
    decommission lookback): the archive lists no day folder older than that."""
    days = [int(params.get("decommission_lookback_days") or 0)]
    for section in ("windows", "thresholds"):
        for key, value in (params.get(section) or {}).items():
            if key.endswith("Days"):
                days.append(int(value))
            elif key.endswith("Weeks"):
                days.append(7 * (int(value) + 1))
            elif key.endswith("Hours"):
                days.append(-(-int(value) // 24))
    return max(days) + 1


@dataclass
class Listing:
    location: str                                  # shown to the user: never carries a SAS
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: int = 0                               # files that are not JSON
    days: set = field(default_factory=set)          # every d= folder's date seen (before the window applies)


def resource_of(path: str) -> Optional[str]:
    match = _RESOURCE.search(path)
    return match.group(1).rstrip("/").upper() if match else None


def _hour_of(path: str) -> Optional[dt.datetime]:
    match = _HOUR.search(path)
    if not match:
        return None
    try:
        return dt.datetime(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def classify(path: str) -> Optional[str]:
    """"raw", "metrics", "export" or None (not an archive file) from the name alone."""
    segments = path.split("/")
    return _kind(segments[-1], any(s.lower() == METRICS_CONTAINER for s in segments[:-1]),
                 any(s.lower().startswith(RAW_CONTAINER_PREFIX) or s.startswith("resourceId=") for s in segments[:-1]))


def _kind(name: str, metrics: bool, raw: bool) -> Optional[str]:
    """classify for file ``name`` below folders that name the metrics container (``metrics``) or a resource-log
    container or ``resourceId=`` folder (``raw``)."""
    low = name.lower()
    if low.endswith(".gz"):
        low = low[:-3]
    if not low.endswith(EXPORT_SUFFIXES):
        return None
    if low.endswith(".json") and metrics:
        return "metrics"
    if low.endswith(".json") and (raw or low.startswith(RAW_CONTAINER_PREFIX) or name.startswith("resourceId=")):
        return "raw"
    return "export"


def entry_of(path: str, size: int, version: str) -> Optional[Entry]:
    kind = classify(path)
    if kind is None:
        return None
    return Entry(path, size, version, kind, _hour_of(path) if kind != "export" else None, resource_of(path))


YearMonth = tuple[Optional[int], Optional[int]]


def partition_step(ym: YearMonth, seg: str) -> tuple[YearMonth, Optional[tuple[str, Optional[dt.date]]]]:
    """The (year, month) known below folder ``seg`` given its parent's, and ("y"|"m"|"d", date-so-far) when
    ``seg`` is a partition folder (else None). A walk carries the state down instead of re-reading the path."""
    if seg[:2] not in ("y=", "m=", "d="):       # most folders: nothing to match
        return ym, None
    y, m = ym
    if _Y.fullmatch(seg):
        return (int(seg[2:]), None), ("y", None)
    if y is not None and m is None and _M.fullmatch(seg):
        return (y, int(seg[2:])), ("m", None)
    if y is not None and m is not None and _D.fullmatch(seg):
        try:
            return ym, ("d", dt.date(y, m, int(seg[2:])))
        except ValueError:
            return ym, ("d", None)
    return ym, None


def year_month_of(segments: list[str]) -> YearMonth:
    ym: YearMonth = (None, None)
    for seg in segments:
        ym, _ = partition_step(ym, seg)
    return ym


def partition_of(segments: list[str]) -> Optional[tuple[str, Optional[dt.date]]]:
    """("y"|"m"|"d", date-so-far) when ``segments`` ends in a partition folder, else None."""
    return partition_step(year_month_of(segments[:-1]), segments[-1])[1]


def outside_year_month(ym: YearMonth, window: Optional[Window]) -> bool:
    """True when the y= (or y=/m=) folder ``ym`` lies wholly outside the window (pruned without listing)."""
    y, m = ym
    if window is None or y is None:
        return False
    if m is None:
        return not (window.first.year <= y <= window.last.year)
    return not ((window.first.year, window.first.month) <= (y, m) <= (window.last.year, window.last.month))


def outside_window(segments: list[str], window: Optional[Window]) -> bool:
    """True when a y= or m= folder lies wholly outside the window (pruned without listing)."""
    return outside_year_month(year_month_of(segments), window)


# -- local folders ---------------------------------------------------------------------------------

_UNSEEN = object()               # no y=/m=/d=/h= folder run above yet


class _Here(NamedTuple):
    """What the local walk knows about a folder from its path, carried down so that no file's path is parsed
    again: each field gives what :func:`entry_of` would find in the path of a file in this folder."""
    path: str
    ym: YearMonth                 # partition_step's state (pruning, d= folders)
    run: tuple                    # the numbers of the trailing consecutive y=, m=, d= folders
    hour: Any                     # _hour_of's answer once a y=/m=/d=/h= run is above (None: invalid), else _UNSEEN
    resource: Optional[str]       # resource_of's answer
    metrics: bool                 # classify: a segment names the metrics container
    raw: bool                     # classify: a segment names a resource-log container or starts resourceId=
    up: Optional["_Here"]         # the parent folder (loop detection)
    linked: bool = False          # reached through a symbolic link to a folder (its folders may repeat one above)


def _descend(here: _Here, path: str, name: str, ym: YearMonth, link: bool = False) -> _Here:
    """The state of folder ``name`` (at ``path``, a followed symbolic ``link`` or not) below ``here``."""
    run, hour, resource, head = (), here.hour, here.resource, name[:2]
    if head == "y=" and _Y.fullmatch(name):
        run = (int(name[2:]),)
        if resource is None:       # a resourceId= match ends at a y= folder; once found it stays
            resource = resource_of(path + "/")
    elif head == "m=" and len(here.run) == 1 and _M.fullmatch(name) or \
            head == "d=" and len(here.run) == 2 and _D.fullmatch(name):
        run = here.run + (int(name[2:]),)
    elif head == "h=" and len(here.run) == 3 and hour is _UNSEEN and _H.fullmatch(name):
        try:
            hour = dt.datetime(*here.run, int(name[2:]))
        except ValueError:
            hour = None
    low = name.lower()
    return _Here(path, ym, run, hour, resource, here.metrics or low == METRICS_CONTAINER,
                 here.raw or low.startswith(RAW_CONTAINER_PREFIX) or name.startswith("resourceId="), here,
                 here.linked or link)


def _root(top: str) -> _Here:
    here = _Here("", (None, None), (), _UNSEEN, None, False, False, None)
    segments = top.replace(os.sep, "/").split("/")
    for i, name in enumerate(segments):
        here = _descend(here, "/".join(segments[:i + 1]), name, (None, None))
    return here._replace(ym=year_month_of([os.path.basename(top)]), up=None)


def list_local(root: str, window_for: Any, prune: Optional[Window] = None) -> Listing:
    """Walk ``root`` (following symbolic links, detecting loops). ``window_for(days)`` gives the Window
    once the d= folders are known (or None: read everything); y=/m= folders outside ``prune`` (known
    up front when --now is pinned) are not even listed. Folders are not stat-ed (the directory entry says
    what is a folder); only files (size, mtime) and symbolic links are."""
    top = os.path.abspath(os.path.expanduser(root))
    listing = Listing(location=top)
    if not os.path.exists(top):
        raise ListingError(f"{root}: no such file or folder")
    if os.path.isfile(top):
        st = os.stat(top)
        entry = entry_of(top, st.st_size, str(st.st_mtime_ns))
        if entry is None:
            listing.ignored += 1
        else:
            listing.entries.append(entry)
        return listing
    walk = _LocalWalk(listing, prune)
    walk.folder(_root(top), stop_at_days=True)
    window = window_for(sorted(listing.days))
    listed = len(listing.problems)
    for day, here in walk.days:
        if window is None or window.holds(day):
            walk.folder(here, stop_at_days=False)
    # in the order a walk of sorted folders meets them: the d= folders' after the rest
    listing.problems[:listed] = sorted(listing.problems[:listed], key=_walk_order)
    listing.problems[listed:] = sorted(listing.problems[listed:], key=_walk_order)
    listing.entries.sort(key=lambda e: e.path)
    return listing


def _walk_order(problem: Problem) -> list[str]:
    return problem.path.split(os.sep)


class _LocalWalk:
    def __init__(self, listing: Listing, prune: Optional[Window]):
        self.listing, self.prune = listing, prune
        self.days: list[tuple[dt.date, _Here]] = []      # the d= folders met with stop_at_days
        self.keys: dict[str, Optional[tuple[int, int]]] = {}   # folder -> (device, inode), stat-ed on demand

    def key(self, path: str) -> Optional[tuple[int, int]]:
        if path not in self.keys:
            try:
                st = os.stat(path)
                self.keys[path] = (st.st_dev, st.st_ino)
            except OSError:
                self.keys[path] = None
        return self.keys[path]

    def loops(self, here: _Here, key: tuple[int, int]) -> bool:
        """True when the folder ``key`` is ``here`` or a folder above it. Only a link, or a folder below a link,
        can close a loop: the folders above are stat-ed only then."""
        while here is not None:
            if self.key(here.path) == key:
                return True
            here = here.up
        return False

    def folder(self, here: _Here, stop_at_days: bool) -> None:
        listing = self.listing
        try:
            with os.scandir(here.path) as it:
                children = list(it)
        except OSError as exc:
            listing.problems.append(Problem(here.path, "unreadable", exc.strerror or type(exc).__name__,
                                            resource_of(here.path)))
            return
        for child in children:
            if child.is_dir(follow_symlinks=False) and not here.linked:
                self.subfolder(here, child, stop_at_days)     # a folder of the tree: it cannot close a loop
            elif child.is_dir(follow_symlinks=False) or child.is_symlink():
                try:
                    st = os.stat(child.path)          # follows links
                except OSError as exc:
                    listing.problems.append(Problem(child.path, "unreadable", exc.strerror or "broken link",
                                                    resource_of(child.path)))
                    continue
                if stat.S_ISDIR(st.st_mode):
                    self.keys[child.path] = (st.st_dev, st.st_ino)
                    if self.loops(here, self.keys[child.path]):
                        listing.problems.append(Problem(child.path, "symlink_loop", "links back to a folder above "
                                                        "it", resource_of(child.path)))
                        continue
                    self.subfolder(here, child, stop_at_days, link=True)
                elif stat.S_ISREG(st.st_mode):
                    self.file(here, child, st)
            elif child.is_file(follow_symlinks=False):
                self.file(here, child, None)

    def subfolder(self, here: _Here, child: os.DirEntry, stop_at_days: bool, link: bool = False) -> None:
        if not stop_at_days:           # below a d= folder: every folder is listed, no partition is looked for
            self.folder(_descend(here, child.path, child.name, here.ym, link), stop_at_days)
            return
        child_ym, part = partition_step(here.ym, child.name)
        if part and part[0] in ("y", "m") and outside_year_month(child_ym, self.prune):
            return
        below = _descend(here, child.path, child.name, child_ym, link)
        if part and part[0] == "d":
            if part[1] is not None:
                self.listing.days.add(part[1])
                self.days.append((part[1], below))
            return
        self.folder(below, stop_at_days)

    def file(self, here: _Here, child: os.DirEntry, st: Optional[os.stat_result]) -> None:
        """Add file ``child`` of folder ``here`` (``st``: its followed link's stat; else stat-ed here, when it is an
        archive file) as :func:`entry_of` would, without parsing its path."""
        kind = _kind(child.name, here.metrics, here.raw)
        if kind is None:
            self.listing.ignored += 1
            return
        try:
            st = st or child.stat()
        except OSError as exc:
            self.listing.problems.append(Problem(child.path, "unreadable", exc.strerror or type(exc).__name__,
                                                 resource_of(child.path)))
            return
        hour = None if kind == "export" or here.hour is _UNSEEN else here.hour
        self.listing.entries.append(Entry(child.path.replace(os.sep, "/"), st.st_size, str(st.st_mtime_ns), kind,
                                          hour, here.resource))


def short_error(exc: Exception) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return re.sub(r"(sig|se|sp|sv|sr|st|skoid|sktid|AccountKey)=[^&;\s]+", r"\1=***", text)[:200]
