"""Archives in a blob container, read in place through adlfs: parse the source URL
(``https://<account>.blob.<storage suffix>/<container>[/<prefix>]``, ``az://<container>/<prefix>`` or a loopback
emulator URL), open the filesystem with the credential the environment offers, and list the container the way
:mod:`.archive_listing` lists a local folder (only the ``y=/m=/d=`` folders of the time window). A SAS never
appears in a message."""
from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterable, Optional
from urllib.parse import urlsplit

from ..clouds import Cloud, clouds
from .archive_listing import (METRICS_CONTAINER, RAW_CONTAINER_PREFIX, Listing, ListingError, Problem, Window, entry_of,
                              outside_window, partition_of, resource_of, short_error)

LIST_THREADS = 16
_LOOPBACK = ("127.0.0.1", "localhost")


@dataclass(frozen=True)
class BlobLocation:
    account: Optional[str]          # None: from the connection string
    container: str
    prefix: str
    sas: Optional[str]              # query string of the URL (never shown)
    endpoint: Optional[str]         # emulator / path-style account URL, e.g. http://127.0.0.1:10000/devstoreaccount1

    @property
    def shown(self) -> str:
        base = self.endpoint or (f"az://{self.account}" if self.account else "az:/")
        return "/".join(p for p in (base, self.container, self.prefix) if p)


def is_blob_source(text: str) -> bool:
    return text.startswith(("az://", "abfs://", "https://", "http://"))


def parse_blob_source(text: str, cloud: Cloud) -> BlobLocation:
    """``https://<account>.blob.<suffix>/<container>[/<prefix>][?<SAS>]``, ``az://<container>[/<prefix>]``, or a
    path-style emulator URL on a loopback host. Errors never repeat the query string (a SAS)."""
    parts = urlsplit(text)
    shown = text.split("?", 1)[0]
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme in ("az", "abfs"):
        segments = [parts.netloc, *segments] if parts.netloc else segments
        if not segments:
            raise ListingError(f"{shown}: name a container, e.g. az://insights-logs-requestresponse")
        return BlobLocation(None, segments[0], "/".join(segments[1:]), None, None)
    host = (parts.hostname or "").lower()
    if parts.scheme == "http" and host not in _LOOPBACK:
        raise ListingError(f"{shown}: use https:// (plain http only for a local storage emulator)")
    if host in _LOOPBACK:
        if not segments:
            raise ListingError(f"{shown}: an emulator URL is http://127.0.0.1:<port>/<account>/<container>")
        endpoint = f"{parts.scheme}://{parts.netloc}/{segments[0]}"
        return BlobLocation(segments[0], "/".join(segments[1:2]), "/".join(segments[2:]), parts.query or None,
                            endpoint)
    suffix = f".blob.{cloud.storage_suffix}"
    if not host.endswith(suffix):
        other = next((c.name for c in clouds().values() if host.endswith(f".blob.{c.storage_suffix}")), None)
        hint = f"; it is an {other} endpoint: select cloud {other}" if other else ""
        raise ListingError(f"{shown}: not a blob endpoint of {cloud.name} (<account>{suffix}){hint}")
    return BlobLocation(host[: -len(suffix)], "/".join(segments[:1]), "/".join(segments[1:]), parts.query or None,
                        None)


def open_blob_filesystem(loc: BlobLocation, cloud: Cloud, environ: Optional[dict] = None) -> Any:
    """adlfs AzureBlobFileSystem: a SAS in the URL, else $AZURE_STORAGE_CONNECTION_STRING, else
    $AZURE_STORAGE_SAS_TOKEN, else DefaultAzureCredential at the cloud's authority."""
    from adlfs import AzureBlobFileSystem  # heavy SDK: only for blob sources

    env = os.environ if environ is None else environ
    conn = env.get("AZURE_STORAGE_CONNECTION_STRING", "").strip()
    common = {"skip_instance_cache": True}
    if loc.endpoint and not conn:
        raise ListingError(f"{loc.shown}: an emulator URL needs AZURE_STORAGE_CONNECTION_STRING")
    if loc.sas:
        return AzureBlobFileSystem(account_name=loc.account, sas_token=loc.sas,
                                   account_host=cloud.blob_host(loc.account), **common)
    if conn:
        return AzureBlobFileSystem(connection_string=conn, **common)
    account = loc.account or env.get("AZURE_STORAGE_ACCOUNT_NAME", "").strip()
    if not account:
        raise ListingError(f"{loc.shown}: az:// names no account; set AZURE_STORAGE_ACCOUNT_NAME or "
                           "AZURE_STORAGE_CONNECTION_STRING, or pass https://<account>.blob."
                           f"{cloud.storage_suffix}/<container>")
    sas = env.get("AZURE_STORAGE_SAS_TOKEN", "").strip()
    if sas:
        return AzureBlobFileSystem(account_name=account, sas_token=sas, account_host=cloud.blob_host(account),
                                   **common)
    return AzureBlobFileSystem(account_name=account, account_host=cloud.blob_host(account),
                               credential=cloud.async_credential(), **common)


def list_blobs(fs: Any, loc: BlobLocation, window_for: Any, prune: Optional[Window] = None) -> Listing:
    """List the container under the prefix (no container: every ``insights-logs-*`` container of the account and
    ``insights-metrics-pt1m``):
    folders with ``ls`` down to the ``d=`` level, then one flat ``find`` per day of the window (in parallel)."""
    listing = Listing(location=loc.shown)
    root = f"{loc.container}/{loc.prefix}".strip("/")
    days: list[tuple[str, dt.date]] = []
    try:
        top = fs.ls(root, detail=True)
        if not root:
            top = [c for c in top if c["name"].strip("/").lower().startswith(RAW_CONTAINER_PREFIX)
                   or c["name"].strip("/").lower() == METRICS_CONTAINER]
    except FileNotFoundError:
        raise ListingError(f"{listing.location}: no such container or prefix") from None
    except Exception as exc:  # noqa: BLE001 - authorisation, network, bad credentials
        raise ListingError(f"{listing.location}: cannot list ({short_error(exc)})") from None
    _walk_blobs(fs, root, top, listing, days, prune)
    window = window_for(sorted(listing.days))
    wanted = [path for path, day in days if window is None or window.holds(day)]

    def find(path: str) -> tuple[str, Any]:
        try:
            return path, fs.find(path, detail=True)
        except Exception as exc:  # noqa: BLE001 - any SDK/network failure makes the day unreadable
            return path, exc

    with ThreadPoolExecutor(max_workers=LIST_THREADS) as pool:
        for path, found in pool.map(find, wanted):
            if isinstance(found, Exception):
                listing.problems.append(Problem(f"abfs://{path}", "unreadable", short_error(found), resource_of(path)))
                continue
            _add_blobs(listing, found.values())
    listing.entries.sort(key=lambda e: e.path)
    return listing


def _walk_blobs(fs: Any, path: str, children: list[dict], listing: Listing, days: list,
                prune: Optional[Window]) -> None:
    files = []
    for child in children:
        name = child["name"].rstrip("/")
        if child.get("type") == "directory":
            segs = name.split("/")
            part = partition_of(segs)
            if part and part[0] in ("y", "m") and outside_window(segs, prune):
                continue
            if part and part[0] == "d":
                if part[1] is not None:
                    listing.days.add(part[1])
                    days.append((name, part[1]))
                continue
            try:
                below = fs.ls(name, detail=True)
            except FileNotFoundError:
                continue
            except Exception as exc:  # noqa: BLE001 - authorisation, network: the folder is unreadable
                listing.problems.append(Problem(f"abfs://{name}", "unreadable", short_error(exc), resource_of(name)))
                continue
            _walk_blobs(fs, name, below, listing, days, prune)
        else:
            files.append(child)
    _add_blobs(listing, files)


def _add_blobs(listing: Listing, blobs: Iterable[dict]) -> None:
    for blob in blobs:
        if blob.get("type") == "directory":
            continue
        version = str(blob.get("etag") or blob.get("last_modified") or "")
        entry = entry_of(f"abfs://{blob['name']}", int(blob.get("size") or 0), version)
        if entry is None:
            listing.ignored += 1
        else:
            listing.entries.append(entry)
