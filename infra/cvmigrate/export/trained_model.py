"""``export --model``: the trained model of a compact-domain iteration, kept as an offline fallback.

Training API v3.3: GetExports ``GET /projects/{projectId}/iterations/{iterationId}/export`` (Export[]) and
ExportIteration ``POST .../export?platform=&flavor=`` (one Export); Export = ``platform, status (Exporting |
Failed | Done), downloadUri, flavor, newerVersionAvailable``. As MicrosoftDocs/azure-ai-docs
``custom-vision-service/export-programmatically.md`` describes: look for an existing export first (a second
ExportIteration for a queued iteration fails), request one only if there is none (or it failed), poll GetExports
until Done, then download ``downloadUri`` at once. Only iterations trained on a compact domain export
(``custom-vision-service/export-your-model.md``); changing the domain needs a retrain.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Optional

from ..customvision import ImageUrlUnavailable, ServiceError, TrainingClient
from ..customvision.platforms import DONE, FAILED, FLAVORS
from ..errors import ExportError
from .source import current_iteration

MODEL_DIR = "model"
COMPACT_HINT = ("only iterations trained on a compact domain export a model: in the Custom Vision portal open "
                "the project's Settings, choose the compact variant of its domain (e.g. 'General (compact)'), "
                "train a new iteration, then run the export again with {model}")


def check_platform(platform: str, flavor: Optional[str]) -> None:
    if platform not in FLAVORS:
        raise ExportError(f"{platform!r} is not one of {', '.join(FLAVORS)}", field="platform")
    allowed = FLAVORS[platform]
    if flavor is not None and flavor not in allowed:
        raise ExportError(f"{flavor!r} does not apply to {platform}; "
                          + (f"choose one of {', '.join(allowed)} or leave it out" if allowed
                             else f"{platform} takes no flavor"), field="flavor")


def choose_iteration(iterations: list[dict], wanted: Optional[str], domain: dict, platform: str,
                     project: str) -> dict:
    """The iteration to export (given by ID or name, else the published/latest trained one), refused with
    the way out when its domain or the iteration cannot export to ``platform``."""
    if wanted:
        found = [it for it in iterations if wanted in (str(it.get("id")), str(it.get("name")))]
        if not found:
            names = ", ".join(repr(it.get("name")) for it in iterations) or "none"
            raise ExportError(f"{wanted!r} is not an iteration of project {project} (iterations: {names})",
                              field="iteration")
        chosen = found[0]
    else:
        chosen = current_iteration(iterations)
        if chosen is None:
            raise ExportError(f"project {project} has no trained iteration, so there is no model to export")
    if chosen.get("status") not in (None, "Completed"):
        raise ExportError(f"iteration {chosen.get('name')!r} of project {project} is {chosen.get('status')}, "
                          "not trained; choose a completed one with {iteration}", mentions=("iteration",))
    if not domain.get("exportable") or chosen.get("exportable") is False:
        raise ExportError(f"project {project} uses domain {domain.get('name')!r}, which is not exportable: "
                          + COMPACT_HINT, mentions=("model",))
    targets = chosen.get("exportableTo")
    if targets and platform not in targets:
        raise ExportError(f"iteration {chosen.get('name')!r} exports to {', '.join(targets)}, not {platform}; "
                          "pick one of those with {platform}", mentions=("platform",))
    return chosen


def _match(exports: list[dict], platform: str, flavor: Optional[str]) -> Optional[dict]:
    for export in exports:
        if export.get("platform") == platform and (export.get("flavor") or None) == flavor:
            return export
    return None


def export_model(client: TrainingClient, project_id: str, iteration: dict, platform: str,
                 flavor: Optional[str], out: Path, *, timeout: float, poll_interval: float,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> dict:
    """Request (or reuse) the export, wait for Done, download it into ``out/model/``; the manifest entry."""
    iteration_id = str(iteration["id"])
    what = f"{platform}{' ' + flavor if flavor else ''} export of iteration {iteration.get('name')!r}"
    deadline = clock() + timeout
    found = _match(client.get_exports(project_id, iteration_id), platform, flavor)
    requested = False
    if found is None or found.get("status") == FAILED:
        try:
            client.export_iteration(project_id, iteration_id, platform, flavor)
        except ServiceError as exc:
            raise ExportError(f"the service refused the {what}: {exc.code or exc.status} {exc.service_message}"
                              ) from None
        requested = True
    while True:
        found = _match(client.get_exports(project_id, iteration_id), platform, flavor)
        status = (found or {}).get("status")
        if status == DONE and found.get("downloadUri"):
            break
        if status == FAILED:
            raise ExportError(f"the {what} failed in the service; run again to request it anew")
        if clock() >= deadline:
            raise ExportError(f"the {what} is still {status or 'not listed'} after {timeout:g} s; run the same "
                              "command again later (it reuses the pending export) or raise {model_timeout}",
                              mentions=("model_timeout",))
        sleep(poll_interval)
    folder = out / MODEL_DIR
    folder.mkdir(exist_ok=True)
    name = f"{platform}{'-' + flavor if flavor else ''}.zip"   # from the allow-list only
    tmp = folder / f".{name}.part"
    uri = str(found["downloadUri"])
    try:
        got = client.download(project_id, uri, tmp, "download model export")
    except ImageUrlUnavailable:
        # downloadUri is a SAS URL too: GetExports signs a fresh one.
        found = _match(client.get_exports(project_id, iteration_id), platform, flavor) or {}
        if not found.get("downloadUri"):
            raise ExportError(f"the {what} download URL expired and GetExports no longer lists it") from None
        got = client.download(project_id, str(found["downloadUri"]), tmp, "download model export")
    os.replace(tmp, folder / name)
    return {"iteration": {k: iteration.get(k) for k in ("id", "name", "publishName", "trainedAt", "domainId")},
            "platform": platform, "flavor": flavor, "file": f"{MODEL_DIR}/{name}", "sha256": got.sha256,
            "bytes": got.size, "requested": requested,
            "newer_version_available": bool(found.get("newerVersionAvailable"))}
