"""Expiring image URLs: the fake signs every originalImageUri with an expiry on its clock and answers 403
AuthenticationFailed after it, as Azure Storage does for an expired SAS. An expired URL is fetched again
through GetImagesByIds (``GET /projects/{projectId}/images/id?imageIds=``) and retried, so a long export
finishes in one run; every download error names the project and the image."""
from __future__ import annotations

import pytest

from cv_fake import DOMAINS, FakeProject, image, tag
from cv_projects import EMPTY_ID, MC_ID, img_id
from cvmigrate.export import ExportError


def big(service, n=600):
    p = FakeProject(EMPTY_ID, "big", DOMAINS["classification"], "Multiclass", [tag("t1", "one")])
    p.tagged = [image(service, p, img_id("ee", k), k, ({"id": "t1"},)) for k in range(n)]
    return service.add(p)


def test_a_600_image_export_with_short_lived_urls_finishes_in_one_run(service, export):
    big(service)
    service.url_ttl = 300.0          # URLs live five "minutes" ...
    service.seconds_per_blob = 10.0  # ... and every download takes ten "seconds": most listed URLs expire
    result, out = export("big", split=0.2, concurrency=4)
    refreshed = service.calls(r"/images/id$")
    assert (result.train + result.validation, result.downloaded) == (600, 600)
    assert len(refreshed) > 100                                   # most images needed a fresh URL
    assert all(len(c["query"]["imageIds"].split(",")) == 1 for c in refreshed)
    assert len(list((out / "images").iterdir())) == 600
    expired = [c for c in service.calls(r"^/blob/")]
    assert len(expired) == 600 + len(refreshed)                    # one failed read per refresh, no more


def test_an_image_whose_url_keeps_failing_is_named_with_its_project(projects, service, export):
    victim = img_id("aa", 4)
    projects["multiclass"].blobs.pop(victim)                      # gone from storage: 404 on every URL
    with pytest.raises(ExportError) as err:
        export("shelf", split=0, concurrency=1)
    message = str(err.value)
    assert message.startswith(f"project 'shelf' ({MC_ID}), image {victim}: the image URL answered HTTP 404")
    assert "still after 3 fresh URLs from GetImagesByIds" in message and "\n" not in message
    assert [c["query"]["imageIds"] for c in service.calls(r"/images/id$")] == [victim] * 3


def test_an_image_deleted_during_the_export_is_explained(projects, service, export):
    victim = img_id("aa", 2)
    p = projects["multiclass"]
    p.blobs.pop(victim)
    listed = list(p.tagged)
    real_route = service.route

    def route(path, query, headers, method="GET"):
        if path.endswith("/images/id"):
            p.tagged = [i for i in listed if i["id"] != victim]     # deleted after the listing
        return real_route(path, query, headers, method)

    service.route = route
    with pytest.raises(ExportError, match=rf"project 'shelf' \({MC_ID}\), image {victim}: .*GetImagesByIds no longer "
                                          "returns the image"):
        export("shelf", split=0, concurrency=1)


def test_a_server_error_on_one_image_names_the_project_and_image(projects, service, export, sleeps):
    victim = img_id("aa", 5)
    service.fail(rf"^/blob/{victim}$", 500, times=-1)
    with pytest.raises(ExportError, match=rf"^project 'shelf' \({MC_ID}\), image {victim}: download original image "
                                          "still failing after 6 attempts"):
        export("shelf", split=0, concurrency=2)
