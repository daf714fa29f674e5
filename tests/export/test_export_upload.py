"""`--upload` against Azurite (the Azure Storage emulator from npm, pinned in package.json), started on a free
loopback port with a temporary workspace and stopped after the test (fixture in conftest.py). Production uses DefaultAzureCredential;
here the credential is the emulator's well-known development account key."""
from __future__ import annotations

import pytest

from azurite_server import credential
from cv_projects import img_id

DS = ("azureml://subscriptions/5e4f8a3c-0000-4000-8000-000000000000/resourcegroups/rg-ml/workspaces/ws-ml/"
      "datastores/automldata/paths/cv/parking")

def test_upload_copies_the_export_folder_and_a_rerun_uploads_nothing_new(projects, export, azurite):
    from azure.storage.blob import ContainerClient

    url = f"{azurite}/automl-data/cv/parking"
    result, out = export("parking", split=0, upload=url, upload_credential=credential(), datastore_uri=DS)
    local = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and not p.name.startswith(".")}
    assert sorted(local) == sorted(
        [f"images/{img_id('cc', n)}.png" for n in (1, 2, 3)] + [f"images/{img_id('cc', 4)}.jpg"]
        + ["train/annotations.jsonl", "train/MLTable", "manifest.json", "README.md"])
    assert (result.uploaded, result.upload_skipped) == (8, 0)

    container = ContainerClient.from_container_url(f"{azurite}/automl-data", credential=credential())
    blobs = {b.name: b for b in container.list_blobs(include=["metadata"])}
    assert sorted(blobs) == sorted(f"cv/parking/{name}" for name in local)
    for name, data in local.items():
        assert container.download_blob(f"cv/parking/{name}").readall() == data
    png = blobs[f"cv/parking/images/{img_id('cc', 1)}.png"]
    assert png.content_settings.content_type == "image/png"
    import hashlib
    assert png.metadata["sha256"] == hashlib.sha256(local[f"images/{img_id('cc', 1)}.png"]).hexdigest()

    again, _ = export("parking", split=0, upload=url, upload_credential=credential(), datastore_uri=DS)
    assert (again.uploaded, again.upload_skipped) == (0, 8)
    container.close()


def test_a_container_url_without_a_container_is_refused():
    from cvmigrate.export import ExportError
    from cvmigrate.export.upload import split_container_url

    assert split_container_url("https://acct.blob.core.windows.net/data/cv/run1") == (
        "https://acct.blob.core.windows.net/data", "cv/run1")
    assert split_container_url("http://127.0.0.1:10000/devstoreaccount1/data") == (
        "http://127.0.0.1:10000/devstoreaccount1/data", "")
    with pytest.raises(ExportError, match="names no container"):
        split_container_url("https://acct.blob.core.windows.net/")
