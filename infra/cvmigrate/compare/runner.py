"""Score every selected image on every target: bounded concurrency, a response cache per target and image,
and no image ever dropped.

Cache: ``<out>/cache/<target kind>-<hash of what the target asks>/<imageId>.json`` holds the final HTTP answer
(status, body, latency) and the image's sha256. A re-run parses cached answers instead of calling again, so it
rescores nothing; answers to a changed image, or from a target asked differently (other endpoint, iteration,
deployment, prompt), are never reused. Transient failures (still 429/5xx/timeout after every retry) are not
cached: the next run retries exactly those images. Rejected keys, unknown projects/iterations/deployments stop
the run with one message (HTTP 401/403/404) instead of failing every image.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from ..export.files import write_json_atomic
from .dataset import Sample, Selection
from ..errors import CompareError
from .target import Prediction, ScoreFailure, Target, cache_key
from .transport import Reply, Transient, send

if TYPE_CHECKING:  # annotations only: httpx loads when scoring starts
    import httpx

CACHE = "cache"


@dataclass(frozen=True)
class Outcome:
    image_id: str
    prediction: Optional[Prediction] = None
    error_class: Optional[str] = None
    detail: Optional[str] = None
    latency_ms: Optional[float] = None
    cached: bool = False
    transient: bool = False


@dataclass
class RunStats:
    calls: int = 0
    cached: int = 0
    retries: int = 0
    slept: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, **counts: float) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)


def _image_bytes(sample: Sample) -> bytes:
    data = sample.path.read_bytes()
    if sample.sha256 and hashlib.sha256(data).hexdigest() != sample.sha256:
        raise CompareError(f"image {sample.image_id} ({sample.path.name}) no longer matches the manifest's sha256; "
                           "re-run `cvmigrate export` into that folder")
    return data


def _without_negative(prediction: Prediction, negative: frozenset[str], task: str) -> Prediction:
    """A Negative tag ("none of these") is no prediction of a class: in a multiclass answer whose top score is a
    Negative tag the model predicted nothing; elsewhere the Negative scores and boxes are dropped."""
    if not negative:
        return prediction
    if task == "multiclass" and prediction.scores:
        best = max(prediction.scores.values())
        if any(prediction.scores[t] == best for t in negative if t in prediction.scores):
            return replace(prediction, scores={})
    return replace(prediction, scores={k: v for k, v in prediction.scores.items() if k not in negative},
                   boxes=tuple(b for b in prediction.boxes if b.label not in negative))


class _Scorer:
    def __init__(self, target: Target, folder: Path, client: httpx.Client, selection: Selection,
                 stats: RunStats, sleep: Callable[[float], None]):
        self.target, self.folder, self.client = target, folder, client
        self.negative, self.task = selection.negative_tags, selection.task
        self.stats, self.sleep = stats, sleep
        folder.mkdir(parents=True, exist_ok=True)

    def _cached(self, sample: Sample) -> Optional[Reply]:
        path = self.folder / f"{sample.image_id}.json"
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if entry.get("sha256") != sample.sha256:
            return None
        return Reply(int(entry["status"]), entry.get("body"), float(entry.get("latencyMs") or 0.0))

    def score(self, sample: Sample) -> Outcome:
        reply = self._cached(sample)
        cached = reply is not None
        if reply is None:
            spec = self.target.request(sample, _image_bytes(sample))
            try:
                reply = send(self.client, spec, sleep=self.sleep,
                             on_retry=lambda s: self.stats.add(retries=1, slept=s))
            except Transient as exc:
                self.stats.add(calls=1)
                return Outcome(sample.image_id, error_class=exc.error_class, detail=exc.detail, transient=True)
            self.stats.add(calls=1)
            message = self.target.fatal(reply)
            if message:
                raise CompareError(message)
            write_json_atomic(self.folder / f"{sample.image_id}.json",
                              {"sha256": sample.sha256, "status": reply.status, "latencyMs": reply.latency_ms,
                               "scoredAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "body": reply.body})
        else:
            self.stats.add(cached=1)
        try:
            prediction = _without_negative(self.target.parse(reply), self.negative, self.task)
        except ScoreFailure as exc:
            return Outcome(sample.image_id, error_class=exc.error_class, detail=exc.detail,
                           latency_ms=reply.latency_ms, cached=cached)
        return Outcome(sample.image_id, prediction, latency_ms=reply.latency_ms, cached=cached)


def score_all(selection: Selection, targets: dict[str, Target], out: Path, *, concurrency: int = 4,
              timeout: float = 60.0, sleep: Callable[[float], None] = time.sleep,
              progress: Optional[Callable[[], None]] = None) -> tuple[dict[str, dict[str, Outcome]], RunStats]:
    """role -> image id -> Outcome, for every target and every selected image."""
    if concurrency < 1:
        raise CompareError(f"{concurrency} must be 1 or more", field="concurrency")
    stats = RunStats()
    import httpx  # heavy SDK (httpx, ~0.05 s): loaded when a call is made, not on every CLI start (status)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    results: dict[str, dict[str, Outcome]] = {role: {} for role in targets}
    with httpx.Client(timeout=timeout, limits=limits) as client, ThreadPoolExecutor(concurrency) as pool:
        scorers = {role: _Scorer(t, Path(out) / CACHE / cache_key(t), client, selection, stats, sleep)
                   for role, t in targets.items()}

        def job(role: str, sample: Sample) -> None:
            results[role][sample.image_id] = scorers[role].score(sample)
            if progress is not None:
                progress()

        futures = [pool.submit(job, role, s) for s in selection.samples for role in targets]
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in done:
            if future.exception() is not None:
                raise future.exception()
    return results, stats
