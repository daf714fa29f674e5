"""The export itself: read the project through the Training API, download the images, write the AutoML
dataset (train/ and validation/ with annotations.jsonl + MLTable), manifest.json and README.md, optionally the
trained model (``--model``), and optionally upload the folder.

Order matters for safety: everything that can be checked cheaply (key, endpoint, project, tag names, image IDs,
counts, listing reconciliation, whether the model can be exported) is checked before the first image is
fetched, and the dataset files are written only after every image is on disk and the counts reconcile. Every
file is written under ``--out``: image and model file names come only from validated GUIDs and an allow-list.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from .. import __version__
from ..customvision import TrainingClient
from ..customvision.platforms import DEFAULT_PLATFORM
from ..errors import ExportError, ReconciliationError
from .files import write_json_atomic, write_jsonl_atomic, write_text_atomic
from .holdout import cutoff, parse_holdout, record as holdout_record, test_ids as holdout_ids
from .imagestore import JOURNAL, ImageStore, StoredImage, download_all
from .mapping import DETECTION, MULTICLASS, MULTILABEL, map_image, record, task_type
from .mltable import ANNOTATIONS, datastore_base, local_base, write_mltable
from .trained_model import check_platform, choose_iteration, export_model
from .readme import render as render_readme
from .source import fetch_with_fresh_urls, legacy_model, list_images, resolve_project
from .split import counts_per_tag, stratified_split
from .tagmap import read_tag_map, renamed_tags
from .upload import upload_folder

MANIFEST = "manifest.json"
MANIFEST_VERSION = 2
DEFAULT_CONCURRENCY = 16
NEGATIVE_POLICY = {
    MULTICLASS: "images tagged only with a Negative tag are dropped (AutoML classification has no 'none' class)",
    MULTILABEL: "images tagged only with a Negative tag are dropped (AutoML classification has no 'none' class)",
    DETECTION: "images tagged with a Negative tag are kept as background images with an empty label list",
}


@dataclass
class ExportOptions:
    endpoint: str
    key: str
    project: str
    out: Path
    split: float = 0.2
    seed: int = 0
    include_untagged: bool = False
    datastore_uri: Optional[str] = None
    upload: Optional[str] = None
    concurrency: int = DEFAULT_CONCURRENCY
    progress: bool = True
    merge_case: bool = False
    tag_map: Optional[Path] = None
    model: bool = False
    platform: str = DEFAULT_PLATFORM
    flavor: Optional[str] = None
    iteration: Optional[str] = None
    model_timeout: float = 900.0
    poll_interval: float = 10.0      # the docs' sample polls GetExports every 10 s
    upload_credential: Any = None
    sleep: Optional[Callable[[float], None]] = None
    clock: Callable[[], float] = time.monotonic
    now: Optional[Callable[[], dt.datetime]] = None
    page_size: int = 256
    holdout_after: Optional[str] = None   # DATE | published: the test split (see holdout.py)


@dataclass
class ExportResult:
    out: Path
    task: str
    project_id: str
    project_name: str
    train: int
    validation: int
    untagged: int
    dropped_negative: int
    invalid_boxes: int
    downloaded: int
    reused: int
    retries: int
    throttled: int = 0
    lost_all_boxes: int = 0      # detection images whose every box was dropped: exported as background
    smallest_window: int = 0     # downloads in flight at the deepest throttling back-off
    final_window: int = 0        # ... and when the last download finished (recovered if == concurrency)
    model: Optional[dict] = None
    uploaded: Optional[int] = None
    upload_skipped: Optional[int] = None
    manifest: dict = field(default_factory=dict, repr=False)
    test: int = 0


def run_export(opts: ExportOptions) -> ExportResult:
    if not 0 <= opts.split < 1:
        raise ExportError(f"{opts.split} must be at least 0 and below 1 (the validation fraction)", field="split")
    if opts.concurrency < 1:
        raise ExportError(f"{opts.concurrency} must be 1 or more", field="concurrency")
    parse_holdout(opts.holdout_after)
    if opts.upload and not opts.datastore_uri:
        raise ExportError("needs {datastore_uri} (where the uploaded folder is in the Azure ML datastore), so that "
                          "the uploaded tables point at the uploaded images, not at file:// paths here",
                          field="upload", mentions=("datastore_uri",))
    base = datastore_base(opts.datastore_uri) if opts.datastore_uri else local_base(opts.out)
    if opts.model:
        check_platform(opts.platform, opts.flavor)
    tag_map = read_tag_map(opts.tag_map) if opts.tag_map else None
    kwargs: dict[str, Any] = {"max_connections": max(4, opts.concurrency)}
    if opts.sleep is not None:
        kwargs["sleep"] = opts.sleep
    with TrainingClient(opts.endpoint, opts.key, **kwargs) as client:
        return _export(client, opts, base, tag_map)


# --- the output folder -------------------------------------------------------------------------------------

def _previous_manifest(out: Path, project_id: str) -> dict:
    """The manifest of an earlier (possibly interrupted) export of the same project into ``out``; refuses a
    non-empty folder that holds anything else."""
    path = out / MANIFEST
    if path.is_file():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            raise ExportError(f"{path} exists but is not a cvmigrate manifest; choose an empty {{out}}",
                              mentions=("out",)) from None
        other = (previous.get("project") or {}).get("id")
        if previous.get("tool", {}).get("name") != "cvmigrate" or other is None:
            raise ExportError(f"{path} exists but is not a cvmigrate manifest; choose an empty {{out}}",
                              mentions=("out",))
        if other != project_id:
            raise ExportError(f"{out} holds an export of project {other}, not {project_id}; choose another {{out}}",
                              mentions=("out",))
        return previous
    if out.exists() and any(p.name != JOURNAL for p in out.iterdir()):
        raise ExportError(f"{out} is not empty and holds no cvmigrate export; choose an empty folder", field="out")
    return {}


def _now(opts: ExportOptions) -> str:
    moment = opts.now() if opts.now else dt.datetime.now(dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _export(client: TrainingClient, opts: ExportOptions, base: str,
            tag_map: Optional[dict[str, str]]) -> ExportResult:
    project = resolve_project(client, opts.project)
    project_id = str(project["id"])
    settings = project.get("settings") or {}
    domain = client.get_domain(settings["domainId"])
    task = task_type(domain, settings)
    label = f"{project.get('name')!r} ({project_id})"
    service_tags = {str(t["id"]): t for t in client.get_tags(project_id)}
    tags, renames = renamed_tags(service_tags, opts.merge_case, tag_map, label)
    iterations = client.get_iterations(project_id)
    model_iteration = (choose_iteration(iterations, opts.iteration, domain, opts.platform, label)
                       if opts.model else None)
    tagged_count = client.get_tagged_image_count(project_id)
    untagged_count = client.get_untagged_image_count(project_id) if opts.include_untagged else None
    if tagged_count == 0:
        raise ExportError(f"project {project.get('name')!r} ({project_id}) has zero tagged images: there is "
                          "nothing to train on; tag images in the Custom Vision portal first")

    out = opts.out
    previous = _previous_manifest(out, project_id)
    out.mkdir(parents=True, exist_ok=True)

    tagged = list_images(client, project_id, True, opts.page_size, label)
    if len(tagged) != tagged_count:
        raise ReconciliationError(
            f"GetTaggedImageCount says {tagged_count} tagged images but GetTaggedImages listed {len(tagged)}; "
            "was the project edited during the export? Run it again when labelling has stopped")
    untagged: dict[str, dict] = {}
    if opts.include_untagged:
        untagged = list_images(client, project_id, False, opts.page_size, label)
        if len(untagged) != untagged_count:
            raise ReconciliationError(
                f"GetUntaggedImageCount says {untagged_count} untagged images but GetUntaggedImages listed "
                f"{len(untagged)}; run the export again when uploads have stopped")
        overlap = set(untagged) & set(tagged)
        if overlap:
            raise ReconciliationError(f"{len(overlap)} images are listed as both tagged and untagged")

    mapped = {image_id: map_image(image, task, tags) for image_id, image in tagged.items()}
    legacy = legacy_model(client, project_id, task, tags, iterations)

    header = {
        "manifest_version": MANIFEST_VERSION,
        "tool": {"name": "cvmigrate", "version": __version__},
        "status": "incomplete",
        "exported_at": _now(opts),
        "endpoint": client.endpoint,
        "project": {"id": project_id, "name": project.get("name"), "description": project.get("description")},
        "domain": {"id": domain.get("id"), "name": domain.get("name"), "type": domain.get("type")},
        "classification_type": settings.get("classificationType") if task != DETECTION else None,
        "task": task,
        "negative_policy": NEGATIVE_POLICY[task],
        "split": {"fraction": opts.split, "seed": opts.seed, "method": "stratified"},
        "image_urls": {"layout": "datastore" if opts.datastore_uri else "local", "base": base},
        "tags": {tid: {"name": t.get("name"), "type": t.get("type"), "image_count": t.get("imageCount")}
                 for tid, t in sorted(service_tags.items(), key=lambda kv: str(kv[1].get("name")))},
        "tag_renames": renames,
    }

    # --- images ---
    store = ImageStore(out)
    wanted = {**{i: img for i, img in tagged.items() if not mapped[i].dropped}, **untagged}
    reused = store.verified(store.recorded(previous.get("images") or {}), wanted)
    store.remove_stale({s.file for s in reused.values()})
    stored: dict[str, StoredImage] = dict(reused)
    todo = [(i, str(wanted[i].get("originalImageUri") or "")) for i in sorted(wanted) if i not in reused]
    missing_uri = [i for i, uri in todo if not uri]
    if missing_uri:
        raise ExportError(f"project {label}: {len(missing_uri)} images have no originalImageUri "
                          f"(first: image {missing_uri[0]})")

    def save_partial() -> None:
        write_json_atomic(out / MANIFEST, {**header, "images": {i: s.as_manifest() for i, s in sorted(stored.items())}})

    save_partial()
    from tqdm import tqdm  # progress bars: imported only once images are downloaded (CLI start-up cost)

    bar = tqdm(total=len(wanted), initial=len(reused), unit="img", desc="images", file=sys.stderr,
               disable=not opts.progress or not todo, dynamic_ncols=True)
    try:
        window = download_all(
            store, lambda image_id, uri, dest: fetch_with_fresh_urls(client, project_id, image_id, uri, dest),
            todo, opts.concurrency, lambda s: (stored.__setitem__(s.image_id, s), bar.update(1)), label,
            lambda: client.stats.throttled)
    except BaseException:
        store.close()
        save_partial()  # everything fetched so far is resumable from the manifest too
        raise
    finally:
        bar.close()

    # --- reconcile: every listed image is either on disk or dropped by the documented policy ---
    absent = sorted(set(wanted) - set(stored))
    dropped_negative = sum(1 for m in mapped.values() if m.dropped)
    kept_tagged = sum(1 for i in tagged if i in stored and not mapped[i].dropped)
    if absent or kept_tagged + dropped_negative != tagged_count or (
            opts.include_untagged and sum(1 for i in untagged if i in stored) != untagged_count):
        raise ReconciliationError(
            f"exported {kept_tagged} tagged images + {dropped_negative} dropped as negative against "
            f"{tagged_count} tagged in the service" + (f"; {len(absent)} images missing" if absent else ""))

    # --- dataset files ---
    labels = {i: m.label for i, m in mapped.items() if not m.dropped}
    # regions the service returned with a missing/null/non-numeric coordinate or tag: skipped, counted, reported
    invalid_boxes = sum(m.invalid_boxes for m in mapped.values())
    lost_all_boxes = sum(1 for m in mapped.values()
                         if m.label == [] and (m.dropped_boxes or m.invalid_boxes))
    holdout, test_ids = None, []
    spec = parse_holdout(opts.holdout_after)
    if spec is not None:
        after, basis = cutoff(spec, legacy)
        holdout = holdout_record(after, basis, legacy)
        test_ids = holdout_ids({i: tagged[i].get("created") for i in labels}, after)
    held = set(test_ids)
    train_ids, val_ids = stratified_split({i: l for i, l in labels.items() if i not in held}, opts.split, opts.seed)

    def url_of(image_id: str) -> str:
        rel = stored[image_id].file
        return base + rel

    def records(ids: list[str]) -> list[dict]:
        return [record(url_of(i), stored[i].format, tagged[i].get("width"), tagged[i].get("height"), labels[i])
                for i in ids]

    splits = {"train": train_ids, "validation": val_ids, "test": test_ids}
    for name, ids in splits.items():
        folder = out / name
        if not ids:
            if folder.is_dir():  # a previous run's split that this run does not have
                for leftover in ("MLTable", ANNOTATIONS):
                    (folder / leftover).unlink(missing_ok=True)
            continue
        folder.mkdir(exist_ok=True)
        write_jsonl_atomic(folder / ANNOTATIONS, records(ids))
        write_mltable(folder)
    if untagged:
        folder = out / "untagged"
        folder.mkdir(exist_ok=True)
        write_jsonl_atomic(folder / ANNOTATIONS, [
            record(url_of(i), stored[i].format, untagged[i].get("width"), untagged[i].get("height"), None)
            for i in sorted(untagged)])

    model = None
    if model_iteration is not None:
        model = export_model(client, project_id, model_iteration, opts.platform, opts.flavor, out,
                             timeout=opts.model_timeout, poll_interval=opts.poll_interval,
                             sleep=opts.sleep or time.sleep, clock=opts.clock)

    split_of = {**{i: "train" for i in train_ids}, **{i: "validation" for i in val_ids}, **{i: "test" for i in test_ids},
                **{i: "untagged" for i in untagged}}
    manifest = {
        **header,
        "status": "complete",
        "counts": {
            "service": {"tagged": tagged_count, "untagged": untagged_count},
            "exported": {"train": len(train_ids), "validation": len(val_ids), "test": len(test_ids),
                         "untagged": len(untagged),
                         "dropped_negative": dropped_negative,
                         "dropped_boxes_outside_image": sum(m.dropped_boxes for m in mapped.values()),
                         "skipped_boxes_invalid": invalid_boxes,
                         "background_after_dropping_every_box": lost_all_boxes},
            "per_tag": {"train": counts_per_tag(labels[i] for i in train_ids),
                        "validation": counts_per_tag(labels[i] for i in val_ids),
                        "test": counts_per_tag(labels[i] for i in test_ids)},
        },
        "legacy_model": legacy,
        "model": model,
        "holdout": holdout,
        "images": {i: {**stored[i].as_manifest(), "split": split_of[i],
                       "created": (tagged.get(i) or untagged.get(i) or {}).get("created")} for i in sorted(stored)},
    }
    write_json_atomic(out / MANIFEST, manifest)
    store.finish()
    write_text_atomic(out / "README.md", render_readme(manifest))

    result = ExportResult(out=out, task=task, project_id=project_id, project_name=str(project.get("name")),
                          train=len(train_ids), validation=len(val_ids), untagged=len(untagged),
                          dropped_negative=dropped_negative, invalid_boxes=invalid_boxes,
                          lost_all_boxes=lost_all_boxes,
                          downloaded=len(todo), reused=len(reused),
                          retries=client.stats.retries, throttled=client.stats.throttled,
                          smallest_window=window.smallest, final_window=window.size, model=model,
                          manifest=manifest, test=len(test_ids))
    if opts.upload:
        up = upload_folder(out, opts.upload, credential=opts.upload_credential, concurrency=opts.concurrency)
        result.uploaded, result.upload_skipped = up.uploaded, up.skipped
    return result
