"""Reading a project through the Training API for the export: the project by ID or name, the image listings
(every image ID validated as a GUID before it can become a file name), the legacy model's scores, and image
bytes with fresh URLs when a listed SAS URL has expired."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from ..customvision import ImageUrlUnavailable, ServiceError, TrainingApiError, TrainingClient, is_guid
from ..customvision.training_api import PORTAL_OVERLAP_THRESHOLD, PORTAL_THRESHOLD, Downloaded
from ..customvision.ids import image_file_stem
from ..errors import ExportError
from .mapping import DETECTION

PERFORMANCE_THRESHOLD = PORTAL_THRESHOLD
OVERLAP_THRESHOLD = PORTAL_OVERLAP_THRESHOLD
URL_REFRESHES = 3       # fresh URLs asked for one image before giving up


def resolve_project(client: TrainingClient, project: str) -> dict:
    """GetProject for an ID, else the GetProjects entry whose name matches (exactly, then ignoring case)."""
    if is_guid(project):
        try:
            return client.get_project(project)
        except ServiceError as exc:
            if exc.status == 404 or exc.code == "NotFoundProject":
                raise ExportError(f"project {project} not found at {client.endpoint}" + _known(client)) from None
            raise
    projects = client.get_projects()
    matches = [p for p in projects if p.get("name") == project]
    if not matches:
        matches = [p for p in projects if str(p.get("name", "")).lower() == project.lower()]
    if not matches:
        raise ExportError(f"no project named {project!r} at {client.endpoint}" + _known(client, projects))
    if len(matches) > 1:
        ids = ", ".join(p["id"] for p in matches)
        raise ExportError(f"{len(matches)} projects are named {project!r} ({ids}); pass {{project}} <ID>",
                          mentions=("project",))
    return matches[0]


def _known(client: TrainingClient, projects: Optional[list[dict]] = None) -> str:
    if projects is None:
        try:
            projects = client.get_projects()
        except TrainingApiError:
            return ""
    if not projects:
        return " (the resource has no projects: is this the right training resource?)"
    listed = ", ".join(f"{p.get('name')!r} ({p.get('id')})" for p in projects[:10])
    return f"; projects there: {listed}" + (" ..." if len(projects) > 10 else "")


IMAGE_KEYS = ("id", "created", "width", "height", "originalImageUri")
TAG_KEYS = ("tagId", "tagName")
REGION_KEYS = ("tagId", "tagName", "left", "top", "width", "height")


def slim(image: dict) -> dict:
    """Only what the export uses: the thumbnail/resized SAS URLs and metadata would triple the memory held
    for a large project."""
    out = {k: image.get(k) for k in IMAGE_KEYS}
    out["tags"] = [{k: t.get(k) for k in TAG_KEYS} for t in image.get("tags") or []]
    out["regions"] = [{k: r.get(k) for k in REGION_KEYS} for r in image.get("regions") or []]
    return out


def list_images(client: TrainingClient, project_id: str, tagged: bool, page_size: int,
                label: str) -> dict[str, dict]:
    """All tagged (or untagged) images by ID; refuses, before anything is downloaded, an ID that is not a
    GUID or that repeats ignoring case (two images would share a file)."""
    images: dict[str, dict] = {}
    stems: set[str] = set()
    for page in client.iter_images(project_id, tagged, page_size):
        for image in page:
            image_id = image.get("id")
            stem = image_file_stem(image_id, label)
            if stem in stems:
                raise ExportError(f"project {label}: image ID {image_id} is listed twice; run the export again "
                                  "when the project is not being edited")
            stems.add(stem)
            images[str(image_id)] = slim(image)
    return images


def fetch_with_fresh_urls(client: TrainingClient, project_id: str, image_id: str, uri: str,
                          dest: Path) -> Downloaded:
    """Download one image; when its SAS URL answers 403 (expired) or 404, ask GetImagesByIds for the image
    again and retry with the fresh ``originalImageUri`` (up to URL_REFRESHES times)."""
    for refresh in range(URL_REFRESHES + 1):
        try:
            return client.download_image(project_id, uri, dest)
        except ImageUrlUnavailable as exc:
            if refresh == URL_REFRESHES:
                raise ExportError(f"{exc}, still after {URL_REFRESHES} fresh URLs from GetImagesByIds") from None
            fresh = [i for i in client.get_images_by_ids(project_id, [image_id]) if str(i.get("id")) == image_id]
            if not fresh or not fresh[0].get("originalImageUri"):
                raise ExportError(f"{exc} and GetImagesByIds no longer returns the image (deleted from the "
                                  "project during the export?); run the export again") from None
            uri = str(fresh[0]["originalImageUri"])
    raise AssertionError("unreachable")


def legacy_model(client: TrainingClient, project_id: str, task: str, tags: dict[str, dict],
                 iterations: list[dict]) -> dict:
    """The published iteration (the latest one trained, if several are published; else the latest completed
    iteration) and its precision/recall/AP per tag: the bar the replacement must beat."""
    chosen = current_iteration(iterations)
    if chosen is None:
        return {"iteration": None, "note": "the project has no trained iteration", "per_tag": None}
    overlap = OVERLAP_THRESHOLD if task == DETECTION else None
    iteration = {k: chosen.get(k) for k in ("id", "name", "status", "trainedAt", "publishName", "domainId",
                                            "classificationType", "trainingType")}
    out: dict[str, Any] = {"iteration": iteration, "published": bool(chosen.get("publishName")),
                           "threshold": PERFORMANCE_THRESHOLD, "overlap_threshold": overlap}
    try:
        perf = client.get_iteration_performance(project_id, chosen["id"], PERFORMANCE_THRESHOLD, overlap)
    except ServiceError as exc:
        out.update(per_tag=None, note=f"GetIterationPerformance failed: {exc.code or exc.status} {exc.service_message}")
        return out
    per_tag = [{"tag": t.get("name") or tags.get(t.get("id"), {}).get("name"), "tag_id": t.get("id"),
                "precision": t.get("precision"), "recall": t.get("recall"),
                "average_precision": t.get("averagePrecision")}
               for t in perf.get("perTagPerformance") or []]
    per_tag.sort(key=lambda t: str(t["tag"]))
    out.update(precision=perf.get("precision"), recall=perf.get("recall"),
               average_precision=perf.get("averagePrecision"), per_tag=per_tag)
    return out


def current_iteration(iterations: list[dict]) -> Optional[dict]:
    """The latest-trained published iteration, else the latest-trained completed one, else None."""
    published = [it for it in iterations if it.get("publishName")]
    completed = [it for it in iterations if it.get("status") == "Completed"]
    pool = published or completed
    if not pool:
        return None
    return max(pool, key=lambda it: (str(it.get("trainedAt") or ""), str(it.get("lastModified") or "")))
