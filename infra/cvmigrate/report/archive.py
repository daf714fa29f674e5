"""Local diagnostic archives: find the files, load them into DuckDB as AzureDiagnostics /
AmlOnlineEndpointTrafficLog rows (the columns of queries/tables.yaml), and the ``insights-metrics-pt1m`` blobs
as AzureMetrics rows (:mod:`.archive_metrics`), count what was skipped and why.

Two kinds of files are understood:

1. Blobs written by a diagnostic setting whose destination is a storage account, downloaded as-is.
   Azure Monitor names them (learn.microsoft.com/azure/azure-monitor/essentials/resource-logs,
   "Send to Azure Storage"; formerly resource-logs-collect-storage, "Schema of platform logs in storage
   account")::

       insights-logs-{log category name}/resourceId=/SUBSCRIPTIONS/{subscription ID}/RESOURCEGROUPS/
           {resource group name}/PROVIDERS/{resource provider name}/{resource type}/{resource name}/
           y={YYYY}/m={MM}/d={DD}/h={HH}/m=00/PT1H.json

   The container name is the category lower-cased (``insights-logs-requestresponse``,
   ``insights-logs-amlonlineendpointtrafficlog``). Each blob holds JSON lines (one record per line since
   the 2018-11-01 format change) of the resource-log common schema: ``time``, ``resourceId``,
   ``category``, ``operationName``, ``resultSignature``, ``durationMs``, ``callerIpAddress``,
   ``correlationId``, ``location``, ``properties`` ... (Azure Monitor "Common and service-specific schemas
   for Azure resource logs"). A Cognitive Services record becomes an AzureDiagnostics row the way Log
   Analytics maps it (time -> TimeGenerated, resourceId -> ResourceId and its parts -> SubscriptionId,
   ResourceGroup, ResourceProvider, ResourceType, Resource; properties -> properties_s as JSON text;
   event -> event_s; location -> location_s; Tenant -> Tenant_s). An AML online endpoint traffic record
   becomes an AmlOnlineEndpointTrafficLog row: the table's columns are read from ``properties`` (under the
   column name, or its camelCase form: the storage key names are not published), EndpointName falls back
   to the endpoint in the resource ID.

2. Exports of Log Analytics rows (``.jsonl`` / ``.ndjson`` lines, or a ``.json`` array as written by
   ``az monitor log-analytics query``) with the table's column names as keys. The table is the row's
   ``Type`` column, or, without one, AzureDiagnostics when ResourceProvider is set and
   AmlOnlineEndpointTrafficLog when EndpointName is.

Every format the exports produce is read: JSON lines, the pre-2018-11 ``{"records": [...]}`` blobs (one object,
on one line or pretty-printed), and gzip (``.json.gz``). Where the archive lives and which files are read is
:mod:`.archive_listing` (local folder or blob container, only the time window's ``y=/m=/d=`` folders); what
was ingested is kept in :mod:`.archive_store` (``--cache``), so a re-run reads only new or changed files; the
SQL that stages and inserts the rows is :mod:`.archive_staging`.

Parsing is DuckDB's own JSON reader (``read_json`` with explicit columns, ``ignore_errors``): a corrupt or
truncated line comes back as a row without time and category, which is how it is counted. The blob
paths hold ``resourceId=`` / ``y=`` folders, so DuckDB's hive-partition detection is switched off (it would
overwrite the record's resourceId with the folder's empty value). Skip reasons: ``corrupt``,
``oversize`` (a record over :data:`.archive_staging.MAX_RECORD_BYTES`), ``invalid_time``, ``unknown_category``
(a category that is neither a Cognitive Services one nor AmlOnlineEndpointTrafficLog), ``other_resource_type`` (e.g. a storage
account's RequestResponse rows, or AzureDiagnostics rows of another provider), ``other_table`` (an exported row
of another table); the report tables (:mod:`.archive_tables`) add ``duplicate`` and ``future_time``, and files
or folders that cannot be read are ``unreadable`` (or ``symlink_loop``), listed by path, and make the load
incomplete.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional

import duckdb
from tqdm import tqdm

from ..clouds import Cloud, resolve_cloud
from ..errors import ArchiveError
from .archive_blobs import is_blob_source, list_blobs, open_blob_filesystem, parse_blob_source
from .archive_listing import Entry, Problem, Window, list_local, newest_day, short_error
from .archive_metrics import insert_metrics, stage_metrics
from .archive_staging import insert_exports, insert_raw, stage_exports, stage_raw
from .archive_store import DEFAULT_RETENTION_DAYS, LoadStats, open_store, record_files, sync
from .archive_tables import build

# Loaded in chunks of at most this many bytes / files: bounds memory whatever the file count.
CHUNK_BYTES = 64 * 1024 * 1024
CHUNK_FILES = 4000


def open_archive(source: str | Path, *, lookback_days: Optional[int] = None, now: Optional[dt.datetime] = None,
                 cache: Optional[Path] = None, cloud: Optional[Cloud] = None,
                 retention_days: int = DEFAULT_RETENTION_DAYS, progress: bool = False,
                 wall_clock: Optional[dt.datetime] = None, environ: Optional[dict] = None) -> tuple[Any, LoadStats]:
    """A DuckDB connection whose AzureDiagnostics / AmlOnlineEndpointTrafficLog tables hold the archive's
    records of the time window (``lookback_days`` before ``now``, or before the newest day folder), and what was
    loaded, skipped and could not be read. ``cache``: the store file (None: in memory); the report tables are
    brought up to date incrementally (:mod:`.archive_tables`).

    Raises :class:`ArchiveError` when the location is wrong or nothing usable was found."""
    cloud = cloud or resolve_cloud(environ={} if environ is None else environ)
    wall = (wall_clock or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(tzinfo=None)
    pinned = now.astimezone(dt.timezone.utc).replace(tzinfo=None) if now is not None else None
    state: dict[str, Optional[Window]] = {"window": None}

    def window_for(days: list[dt.date]) -> Optional[Window]:
        newest = newest_day(days, lookback_days) if lookback_days is not None else None
        if lookback_days is None:
            return None
        if pinned is not None:
            end = pinned
        elif newest is not None:
            end = dt.datetime.combine(newest, dt.time()) + dt.timedelta(days=1)
        else:
            return None
        state["window"] = Window.ending(end, lookback_days)
        return state["window"]

    prune = Window.ending(pinned, lookback_days) if pinned is not None and lookback_days is not None else None
    fs = None
    if is_blob_source(str(source)):
        loc = parse_blob_source(str(source), cloud)
        fs = open_blob_filesystem(loc, cloud, environ)
        listing = list_blobs(fs, loc, window_for, prune)
    else:
        listing = list_local(str(source), window_for, prune)
    if not listing.entries and not listing.problems:
        raise ArchiveError(
            f"{listing.location}: no diagnostic logs found; expected insights-logs-<category>/resourceId=/"
            ".../PT1H.json blobs of the archive storage account, or .jsonl/.json exports of AzureDiagnostics / "
            "AmlOnlineEndpointTrafficLog rows", field="source")
    con = open_store(cache)
    window = state["window"]
    retention = (dt.datetime.combine(window.last, dt.time()) - dt.timedelta(days=retention_days)) if window else None
    if retention is not None:       # retention shorter than the window: older blobs are neither read nor kept
        listing.entries = [e for e in listing.entries if e.hour is None or e.hour >= retention]
    todo = sync(con, listing, retention)
    problems = list(listing.problems)
    problems += ingest(con, todo, fs=fs, progress=progress)
    stats = build(con, pinned, wall)
    stats.files, stats.ignored_files = len(listing.entries), listing.ignored
    stats.ingested_files, stats.cached_files = len(todo), len(listing.entries) - len(todo)
    stats.problems = problems
    stats.skipped["unreadable"] += sum(1 for p in problems if p.reason in ("unreadable", "symlink_loop"))
    if stats.loaded == 0:
        skipped = ", ".join(f"{n} {r}" for r, n in sorted(stats.skipped.items()) if n) or "no records"
        raise ArchiveError(f"{listing.location}: nothing usable in {stats.files} file(s) ({skipped}); "
                           "expected Cognitive Services RequestResponse records or AML online endpoint traffic",
                           field="source")
    return con, stats


def ingest(con: Any, entries: list[Entry], *, fs: Any = None, progress: bool = False) -> list[Problem]:
    """Read ``entries`` into the store, chunk by chunk, each chunk in one transaction. A chunk that cannot be read
    is split until the unreadable files are found; those are returned as problems (and not recorded). Blobs
    (``fs``: adlfs) are fetched concurrently into a temporary folder per chunk, then read like local files."""
    problems: list[Problem] = []
    groups = [(kind, [e for e in entries if e.kind == kind]) for kind in ("raw", "export", "metrics")]
    with tqdm(total=sum(e.size for e in entries), unit="B", unit_scale=True, desc="loading archive",
              file=sys.stderr, disable=not progress, leave=False) as bar:
        for kind, group in groups:
            for chunk in _chunks(group):
                if fs is None:
                    _ingest_chunk(con, kind, chunk, problems)
                else:
                    with tempfile.TemporaryDirectory(prefix="cvmigrate-blobs-") as folder:
                        local = _fetch(fs, chunk, Path(folder), problems)
                        if local:
                            _ingest_chunk(con, kind, local, problems)
                bar.update(sum(e.size for e in chunk))
    return problems


def _fetch(fs: Any, chunk: list[Entry], folder: Path, problems: list[Problem]) -> list[Entry]:
    """Download ``chunk`` concurrently (adlfs ``cat``); each blob becomes ``folder/<n><suffix>`` and an Entry whose
    ``path`` is that file and whose ``origin`` is the blob."""
    names = [e.path.removeprefix("abfs://") for e in chunk]
    got = fs.cat(names, on_error="return")
    local = []
    for i, (entry, name) in enumerate(zip(chunk, names)):
        data = got.get(name, FileNotFoundError(name))
        if isinstance(data, BaseException):
            problems.append(Problem(entry.path, "unreadable", _one_line(data), entry.resource))
            continue
        lower = name.lower()
        suffix = next(s for s in (".json.gz", ".jsonl.gz", ".ndjson.gz", ".jsonl", ".ndjson", ".json", "")
                      if lower.endswith(s))
        target = folder / f"{i}{suffix}"
        target.write_bytes(data)
        local.append(dataclasses.replace(entry, path=str(target), origin=entry.path))
    return local


def _ingest_chunk(con: Any, kind: str, chunk: list[Entry], problems: list[Problem]) -> None:
    try:   # reading and staging happen outside the transaction: a failed whole-file probe must not abort it
        _STEPS[kind][0](con, chunk)
    except (duckdb.IOException, duckdb.HTTPException, duckdb.InvalidInputException, OSError) as exc:
        if len(chunk) == 1:
            entry = chunk[0].as_origin()
            problems.append(Problem(entry.path, "unreadable", _one_line(exc), entry.resource))
            return
        half = len(chunk) // 2
        _ingest_chunk(con, kind, chunk[:half], problems)
        _ingest_chunk(con, kind, chunk[half:], problems)
        return
    if chunk[0].origin:           # downloaded blobs: rows belong to the blob, not to the temporary file
        con.execute("CREATE OR REPLACE TEMP TABLE cvm_map AS SELECT unnest($1) AS tmp, unnest($2) AS path",
                    [[e.path for e in chunk], [e.origin for e in chunk]])
        con.execute("UPDATE cvm_stage SET _file = m.path FROM cvm_map m WHERE cvm_stage._file = m.tmp")
    con.execute("BEGIN")
    try:
        _STEPS[kind][1](con)
        con.execute("INSERT INTO store.cvm_skips SELECT _file, reason, count(*) FROM cvm_stage "
                    "WHERE reason IS NOT NULL GROUP BY _file, reason")
        record_files(con, [e.as_origin() for e in chunk])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("DROP TABLE cvm_stage")


# Per kind of file: the staging step (read a chunk into TEMP cvm_stage) and the insert step (kept rows -> store).
_STEPS = {"raw": (stage_raw, insert_raw), "export": (stage_exports, insert_exports),
          "metrics": (stage_metrics, insert_metrics)}


def _one_line(exc: BaseException) -> str:
    return short_error(exc if isinstance(exc, Exception) else Exception(str(exc)))


def _chunks(entries: list[Entry]) -> Iterable[list[Entry]]:
    chunk: list[Entry] = []
    size = 0
    for entry in entries:
        chunk.append(entry)
        size += entry.size
        if size >= CHUNK_BYTES or len(chunk) >= CHUNK_FILES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk
