"""``DIR/images/``: original image bytes, downloaded with bounded concurrency, resumable.

Each image is streamed to ``images/.<imageId>.part`` and renamed to ``images/<imageId>.<ext>`` once complete;
then one line goes to the journal (``DIR/.cvmigrate-export.journal``). A re-run trusts an image only if the
journal or the previous manifest records its sha256 and the file on disk still hashes to it; everything else
is fetched again. The journal makes an interrupted run lose nothing that finished.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional
from urllib.parse import urlsplit

from .errors import ExportError

JOURNAL = ".cvmigrate-export.journal"
KNOWN_EXTENSIONS = {"jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp", "jpe", "jfif"}


@dataclass(frozen=True)
class StoredImage:
    image_id: str
    file: str        # relative to DIR, e.g. images/<id>.jpg
    sha256: str
    bytes: int
    format: str

    def as_manifest(self) -> dict:
        return {"file": self.file, "sha256": self.sha256, "bytes": self.bytes, "format": self.format}


def sniff_format(head: bytes, uri: str = "") -> Optional[str]:
    """Image format from its magic bytes (the service's blob URIs carry no extension)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith(b"BM"):
        return "bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    suffix = urlsplit(uri).path.rsplit(".", 1)
    if len(suffix) == 2 and suffix[1].lower() in KNOWN_EXTENSIONS:
        return suffix[1].lower()
    return None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ImageStore:
    def __init__(self, root: Path):
        self.root = root
        self.images_dir = root / "images"
        self.images_dir.mkdir(parents=True, exist_ok=True)
        self.journal_path = root / JOURNAL
        self._lock = threading.Lock()
        self._journal = None

    # --- resume ------------------------------------------------------------------------------------

    def recorded(self, previous_manifest_images: dict[str, dict]) -> dict[str, dict]:
        """Entries from the previous manifest, overridden by journal lines written since."""
        entries = dict(previous_manifest_images)
        if self.journal_path.is_file():
            with open(self.journal_path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        item = json.loads(line)
                        entries[item["id"]] = {k: item[k] for k in ("file", "sha256", "bytes", "format")}
                    except (ValueError, KeyError, TypeError):
                        continue  # a line cut short by a crash
        return entries

    def verified(self, entries: dict[str, dict], wanted: Iterable[str]) -> dict[str, StoredImage]:
        """The recorded images that are wanted and still on disk with the recorded checksum."""
        ok: dict[str, StoredImage] = {}
        for image_id in wanted:
            entry = entries.get(image_id)
            if not entry:
                continue
            path = self.root / entry["file"]
            try:
                if path.stat().st_size != entry["bytes"] or sha256_file(path) != entry["sha256"]:
                    continue
            except OSError:
                continue
            ok[image_id] = StoredImage(image_id, entry["file"], entry["sha256"], entry["bytes"], entry["format"])
        return ok

    def remove_stale(self, keep: set[str]) -> int:
        """Delete images (and leftover .part files) of images no longer in the project."""
        removed = 0
        for path in self.images_dir.iterdir():
            name = path.name
            image_id = name[1:].split(".", 1)[0] if name.startswith(".") else name.split(".", 1)[0]
            if name.startswith(".") and name.endswith(".part"):
                path.unlink(missing_ok=True)
            elif image_id not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    # --- download ------------------------------------------------------------------------------------

    def fetch(self, download: Callable[[str, Path], tuple[str, int, bytes]], image_id: str,
              uri: str) -> StoredImage:
        tmp = self.images_dir / f".{image_id}.part"
        sha, size, head = download(uri, tmp)
        fmt = sniff_format(head, uri)
        if fmt is None:
            tmp.unlink(missing_ok=True)
            raise ExportError(f"image {image_id}: the service returned bytes that are not a known image format")
        rel = f"images/{image_id}.{fmt}"
        os.replace(tmp, self.root / rel)
        stored = StoredImage(image_id, rel, sha, size, fmt)
        self._append_journal(stored)
        return stored

    def _append_journal(self, stored: StoredImage) -> None:
        line = json.dumps({"id": stored.image_id, **stored.as_manifest()}) + "\n"
        with self._lock:
            if self._journal is None:
                self._journal = open(self.journal_path, "a", encoding="utf-8")
            self._journal.write(line)
            self._journal.flush()

    def close(self) -> None:
        with self._lock:
            if self._journal is not None:
                self._journal.close()
                self._journal = None

    def finish(self) -> None:
        """The manifest now holds everything the journal did."""
        self.close()
        self.journal_path.unlink(missing_ok=True)


def download_all(store: ImageStore, download: Callable[[str, Path], tuple[str, int, bytes]],
                 todo: list[tuple[str, str]], concurrency: int,
                 on_done: Callable[[StoredImage], None]) -> dict[str, StoredImage]:
    """Fetch (image id, uri) pairs with at most ``concurrency`` in flight. The first failure stops the
    run after the downloads already in flight finish (they are journaled, so a re-run keeps them)."""
    done: dict[str, StoredImage] = {}
    pending: set[Future] = set()
    failure: Optional[BaseException] = None
    items = iter(todo)
    with ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="cvm-export") as pool:
        while True:
            while failure is None and len(pending) < max(1, concurrency) * 2:
                try:
                    image_id, uri = next(items)
                except StopIteration:
                    break
                pending.add(pool.submit(store.fetch, download, image_id, uri))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                try:
                    stored = future.result()
                except BaseException as exc:  # noqa: BLE001 - re-raised below, after in-flight work ends
                    failure = failure or exc
                    continue
                done[stored.image_id] = stored
                on_done(stored)
    if failure is not None:
        raise failure
    return done
