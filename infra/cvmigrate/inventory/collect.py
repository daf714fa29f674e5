"""Read every project on a training resource: domain, type, image counts, tags, iterations (with the published
ones' per-tag precision, recall and AP) and hygiene findings. Fails closed: a project that could not be read
completely is listed with its error and the whole inventory is ``incomplete``.

Calls (Training API v3.3): GetDomains, GetProjects, and per project GetTags, GetTaggedImageCount,
GetUntaggedImageCount, GetIterations and GetIterationPerformance for each published iteration.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Optional

from ..customvision import TrainingApiError, TrainingClient
from ..customvision.training_api import PORTAL_OVERLAP_THRESHOLD, PORTAL_THRESHOLD
from .findings import project_findings

INVENTORY_VERSION = 1
ITERATION_FIELDS = ("id", "name", "status", "trainedAt", "publishName", "exportable")


def project_type(domain: dict, settings: dict) -> str:
    if domain.get("type") == "ObjectDetection":
        return "detection"
    # classificationType is nullable; the service treats a classifier without one as Multiclass.
    return "multilabel" if settings.get("classificationType") == "Multilabel" else "multiclass"


def _performance(client: TrainingClient, project_id: str, iteration_id: str, detection: bool) -> dict:
    overlap = PORTAL_OVERLAP_THRESHOLD if detection else None
    perf = client.get_iteration_performance(project_id, iteration_id, PORTAL_THRESHOLD, overlap)
    return {"threshold": PORTAL_THRESHOLD, "overlapThreshold": overlap, "precision": perf.get("precision"),
            "recall": perf.get("recall"), "averagePrecision": perf.get("averagePrecision"),
            "perTag": sorted(({"name": t.get("name"), "precision": t.get("precision"), "recall": t.get("recall"),
                               "averagePrecision": t.get("averagePrecision")}
                              for t in perf.get("perTagPerformance") or []), key=lambda t: str(t["name"]))}


def _project(client: TrainingClient, project: dict, domains: dict[str, dict]) -> dict:
    project_id = str(project["id"])
    settings = project.get("settings") or {}
    domain_id = str(settings.get("domainId"))
    domain = domains.get(domain_id) or client.get_domain(domain_id)
    kind = project_type(domain, settings)
    tags = client.get_tags(project_id)
    tagged = client.get_tagged_image_count(project_id)
    untagged = client.get_untagged_image_count(project_id)
    iterations = []
    for it in sorted(client.get_iterations(project_id), key=lambda i: str(i.get("trainedAt") or ""), reverse=True):
        entry: dict[str, Any] = {k: it.get(k) for k in ITERATION_FIELDS}
        entry["predictionResourceId"] = it.get("originalPublishResourceId") or None
        entry["publishName"] = it.get("publishName") or None
        entry["performance"] = (_performance(client, project_id, str(it["id"]), kind == "detection")
                                if entry["publishName"] else None)
        iterations.append(entry)
    tag_rows = sorted(({"name": t.get("name"), "imageCount": int(t.get("imageCount") or 0),
                        "type": t.get("type") or "Regular"} for t in tags), key=lambda t: str(t["name"]))
    return {
        "id": project_id, "name": project.get("name"), "type": kind,
        "domain": {"id": domain.get("id"), "name": domain.get("name"), "exportable": bool(domain.get("exportable"))},
        "images": {"tagged": tagged, "untagged": untagged},
        "tags": tag_rows,
        "iterations": iterations,
        "findings": project_findings(tag_rows, untagged),
    }


def collect(client: TrainingClient, now: Optional[Callable[[], dt.datetime]] = None) -> dict:
    """The inventory document (see the README section "Inventory")."""
    moment = (now or (lambda: dt.datetime.now(dt.timezone.utc)))()
    domains = {str(d["id"]): d for d in client.get_domains()}
    projects = []
    for project in sorted(client.get_projects(), key=lambda p: (str(p.get("name")), str(p.get("id")))):
        try:
            projects.append(_project(client, project, domains))
        except TrainingApiError as exc:
            projects.append({"id": project.get("id"), "name": project.get("name"), "error": str(exc)})
    failed = [p for p in projects if "error" in p]
    return {
        "inventory_version": INVENTORY_VERSION,
        "endpoint": client.endpoint,
        "collected_at": moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "status": "incomplete" if failed else "complete",
        "projects": projects,
    }
