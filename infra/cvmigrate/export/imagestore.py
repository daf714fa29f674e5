"""``DIR/images/``: original image bytes, downloaded with bounded concurrency, resumable.

Each image is streamed to ``images/.<imageId>.part`` and renamed to ``images/<imageId>.<ext>`` once complete;
then one line goes to the journal (``DIR/.cvmigrate-export.journal``). A re-run trusts an image only if the
journal or the previous manifest records its sha256 and the file on disk still hashes to it; everything else
is fetched again. The journal makes an interrupted run lose nothing that finished.

File names come only from image IDs validated as GUIDs (customvision.ids), lower-cased; a recorded entry whose
file is not exactly ``images/<guid>.<known ext>`` is ignored, and the stale-file cleanup deletes only files of
exactly that shape (or our ``.part`` leftovers) that no kept image owns — nothing else in ``images/``.

Downloads run with at most ``concurrency`` in flight; when the service throttles (429), the window halves and
then grows back by one per window of successful downloads (additive increase, multiplicative decrease).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Optional
from urllib.parse import urlsplit

from ..customvision.training_api import Downloaded
from ..errors import ExportError, TrainingApiError
from ..customvision.ids import GUID, image_file_stem

JOURNAL = ".cvmigrate-export.journal"
KNOWN_EXTENSIONS = {"jpg", "jpeg", "png", "bmp", "gif", "tif", "tiff", "webp", "jpe", "jfif"}
OUR_FILE = re.compile(rf"(?P<stem>{GUID.pattern})\.(?P<ext>[a-z]+)")
OUR_PART = re.compile(rf"\.(?P<stem>{GUID.pattern})\.part")
Download = Callable[[str, str, Path], Downloaded]   # (image id, uri, destination)


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
            if not entry or entry.get("file") != f"images/{image_id.lower()}.{entry.get('format')}" \
                    or entry.get("format") not in KNOWN_EXTENSIONS:
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
        """Delete our image files (``<guid>.<ext>``) that no kept image owns and every ``.<guid>.part``
        leftover; ``keep`` holds the exact relative names (``images/<guid>.<ext>``) to keep."""
        removed = 0
        for path in self.images_dir.iterdir():
            name = path.name
            if OUR_PART.fullmatch(name):
                path.unlink(missing_ok=True)
            elif OUR_FILE.fullmatch(name) and f"images/{name}" not in keep and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    # --- download ------------------------------------------------------------------------------------

    def fetch(self, download: Download, image_id: str, uri: str, project: str) -> StoredImage:
        """Download one image; any failure is re-raised as one line naming the project and the image."""
        stem = image_file_stem(image_id, project)
        tmp = self.images_dir / f".{stem}.part"
        try:
            got = download(image_id, uri, tmp)
        except (TrainingApiError, ExportError) as exc:
            tmp.unlink(missing_ok=True)
            raise ExportError(f"project {project}, image {image_id}: {exc}") from None
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ExportError(f"project {project}, image {image_id}: cannot write {tmp}: {exc.strerror}") from None
        fmt = sniff_format(got.head, uri)
        if fmt is None:
            tmp.unlink(missing_ok=True)
            raise ExportError(f"project {project}, image {image_id}: the service returned bytes that are not a "
                              "known image format")
        rel = f"images/{stem}.{fmt}"
        os.replace(tmp, self.root / rel)
        stored = StoredImage(image_id, rel, got.sha256, got.size, fmt)
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


class Window:
    """Additive-increase / multiplicative-decrease limit on downloads in flight, driven by 429 counts."""

    def __init__(self, ceiling: int, throttled: Callable[[], int]):
        self.ceiling = max(1, ceiling)
        self.size = self.ceiling
        self.smallest = self.ceiling
        self._throttled = throttled
        self._seen = throttled()
        self._successes = 0

    def after_completion(self) -> None:
        now = self._throttled()
        if now > self._seen:
            self._seen = now
            self.size = max(1, self.size // 2)
            self.smallest = min(self.smallest, self.size)
            self._successes = 0
            return
        self._successes += 1
        if self._successes >= self.size and self.size < self.ceiling:
            self.size += 1
            self._successes = 0


def download_all(store: ImageStore, download: Download, todo: list[tuple[str, str]], concurrency: int,
                 on_done: Callable[[StoredImage], None], project: str,
                 throttled: Callable[[], int] = lambda: 0) -> Window:
    """Fetch (image id, uri) pairs with at most ``concurrency`` in flight (fewer while throttled). The first
    failure stops the run after the downloads already in flight finish (they are journaled, so a re-run keeps
    them). Returns the window, whose ``smallest`` shows how far throttling pushed it down."""
    window = Window(concurrency, throttled)
    pending: set[Future] = set()
    failure: Optional[BaseException] = None
    items = iter(todo)
    with ThreadPoolExecutor(max_workers=window.ceiling, thread_name_prefix="cvm-export") as pool:
        while True:
            while failure is None and len(pending) < window.size:
                try:
                    image_id, uri = next(items)
                except StopIteration:
                    break
                pending.add(pool.submit(store.fetch, download, image_id, uri, project))
            if not pending:
                break
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                window.after_completion()
                try:
                    stored = future.result()
                except BaseException as exc:  # noqa: BLE001 - re-raised below, after in-flight work ends
                    failure = failure or exc
                    continue
                on_done(stored)
    if failure is not None:
        raise failure
    return window
