"""``--upload <container URL>``: copy the export folder to Blob Storage (azure-storage-blob).

Production signs in with DefaultAzureCredential (the identity needs 'Storage Blob Data Contributor'); the
credential is a parameter so tests can use the storage emulator's account key. Every blob gets the file's
sha256 as metadata; a re-run skips blobs whose size and sha256 already match, so uploads resume too.
"""
from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional
from urllib.parse import urlsplit, urlunsplit

from ..errors import ExportError

CONTENT_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "bmp": "image/bmp",
                 "gif": "image/gif", "tif": "image/tiff", "tiff": "image/tiff", "webp": "image/webp",
                 "json": "application/json", "jsonl": "application/jsonl", "md": "text/markdown"}


@dataclass
class UploadResult:
    uploaded: int = 0
    skipped: int = 0
    prefix: str = ""


def split_container_url(url: str) -> tuple[str, str]:
    """(container URL, blob name prefix) from ``https://<acct>.blob.core.windows.net/<container>[/<dir>]``.
    Emulator URLs carry the account in the path: ``http://127.0.0.1:10000/<acct>/<container>[/<dir>]``."""
    example = "(https://<account>.blob.core.windows.net/<container>[/<folder>])"
    try:
        parts = urlsplit(url)
        _ = parts.hostname, parts.port
    except ValueError as exc:
        raise ExportError(f"{url!r} is not a valid URL ({exc}) {example}", field="upload") from None
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ExportError(f"{url!r} is not a blob container URL {example}", field="upload")
    segments = [s for s in parts.path.split("/") if s]
    host = parts.hostname or ""
    path_style = host in ("127.0.0.1", "localhost") or host.replace(".", "").isdigit()
    needed = 2 if path_style else 1
    if len(segments) < needed:
        raise ExportError(f"{url!r} names no container", field="upload")
    container_path = "/" + "/".join(segments[:needed])
    prefix = "/".join(segments[needed:])
    return urlunsplit((parts.scheme, parts.netloc, container_path, parts.query, "")), prefix


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))


def upload_folder(root: Path, url: str, credential: Optional[Any] = None, concurrency: int = 8) -> UploadResult:
    # heavy SDK (azure-core, azure-storage-blob): imported only for `export --upload`, not on every CLI start
    from azure.core.exceptions import AzureError, ResourceExistsError
    from azure.storage.blob import ContainerClient, ContentSettings

    if credential is None:
        from azure.identity import DefaultAzureCredential  # heavy SDK: only when no credential is given
        credential = DefaultAzureCredential()
    container_url, prefix = split_container_url(url)
    container = ContainerClient.from_container_url(container_url, credential=credential)
    result = UploadResult(prefix=prefix)
    try:
        try:
            container.create_container()
        except ResourceExistsError:
            pass
        base = f"{prefix}/" if prefix else ""
        existing = {b.name: b for b in container.list_blobs(name_starts_with=base or None, include=["metadata"])}

        def one(path: Path) -> bool:
            rel = path.relative_to(root).as_posix()
            name = base + rel
            data = path.read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            have = existing.get(name)
            if have is not None and have.size == len(data) and (have.metadata or {}).get("sha256") == sha:
                return False
            ext = rel.rsplit(".", 1)[-1].lower() if "." in rel else ""
            settings = ContentSettings(content_type=CONTENT_TYPES.get(ext, "application/octet-stream"))
            container.upload_blob(name, data, overwrite=True, metadata={"sha256": sha}, content_settings=settings)
            return True

        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            for changed in pool.map(one, _files(root)):
                if changed:
                    result.uploaded += 1
                else:
                    result.skipped += 1
    except AzureError as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ExportError(f"upload to {container_url} failed: {first}") from None
    finally:
        container.close()
    return result
