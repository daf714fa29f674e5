"""The exported dataset loads with Microsoft's own clients: `mltable` (1.7.0) loads every split and opens every
`image_url` stream, for the local layout (file:// URIs) and for the uploaded layout (long-form azureml://
datastore URIs, uploaded to Azurite and read back); the job YAML in the export's README loads with azure-ai-ml's
`load_job` for each task. mltable silently turns relative paths and the short azureml:// form into null
(MicrosoftDocs/azure-ai-docs reference-automl-images-schema.md uses the long form), so every row is checked."""
from __future__ import annotations

import json
import re

import mltable
import pytest
from azure.ai.ml import load_job
from azure.storage.blob import ContainerClient

from azurite_server import credential
from cv_projects import ML_ID

SUB, RG, WS, DATASTORE = "5e4f8a3c-0000-4000-8000-000000000000", "rg-ml", "ws-ml", "automldata"
DS = f"azureml://subscriptions/{SUB}/resourcegroups/{RG}/workspaces/{WS}/datastores/{DATASTORE}/paths/cv/parking"
TASKS = {"shelf": "image_classification", ML_ID: "image_classification_multilabel", "parking": "image_object_detection"}


def splits(out):
    return [d for d in ("train", "validation") if (out / d / "MLTable").is_file()]


def rows(folder):
    return [json.loads(line) for line in (folder / "annotations.jsonl").read_text().splitlines()]


@pytest.mark.parametrize("project", list(TASKS))
def test_every_split_loads_in_mltable_and_every_local_image_url_opens(projects, export, project):
    _, out = export(project, split=0.5)
    assert splits(out) == (["train"] if project == ML_ID else ["train", "validation"])  # ML: one image per stratum
    for split in splits(out):
        frame = mltable.load(str(out / split)).to_pandas_dataframe()
        expected = rows(out / split)
        assert len(frame) == len(expected) > 0
        for stream, row in zip(frame["image_url"], expected):
            assert stream is not None, f"{split}: mltable nulled {row['image_url']}"
            assert stream.handler == "Local"
            name = row["image_url"].rsplit("/", 1)[1]
            assert row["image_url"] == (out / "images" / name).resolve().as_uri()
            assert stream.open().read() == (out / "images" / name).read_bytes()


def test_the_uploaded_layout_resolves_to_the_datastore_and_every_stream_is_the_uploaded_blob(
        projects, export, azurite, tmp_path):
    container_url = f"{azurite}/{DATASTORE}"
    _, out = export("parking", split=0.5, datastore_uri=DS, upload=f"{container_url}/cv/parking",
                    upload_credential=credential())
    container = ContainerClient.from_container_url(container_url, credential=credential())
    downloaded = tmp_path / "from-blob"
    for split in splits(out):
        # the tables as AutoML will read them: from the datastore, not from this machine
        (downloaded / split).mkdir(parents=True)
        for name in ("MLTable", "annotations.jsonl"):
            (downloaded / split / name).write_bytes(container.download_blob(f"cv/parking/{split}/{name}").readall())
        frame = mltable.load(str(downloaded / split)).to_pandas_dataframe()
        assert len(frame) == len(rows(out / split)) > 0
        for stream in frame["image_url"]:
            assert stream is not None and stream.handler == "AmlDatastore"
            assert stream.arguments == {"subscription": SUB, "resourceGroup": RG, "workspaceName": WS,
                                        "datastoreName": DATASTORE}
            datastore, path = stream.resource_id.split("/", 1)
            assert datastore == DATASTORE and re.fullmatch(r"cv/parking/images/[0-9a-f-]{36}\.(png|jpg)", path)
            # "open" the stream where the datastore points: the uploaded blob, byte for byte the local image
            assert container.download_blob(path).readall() == (out / path.removeprefix("cv/parking/")).read_bytes()
    container.close()


@pytest.mark.parametrize("project", list(TASKS))
def test_the_readme_job_yaml_loads_with_azure_ai_ml_for_each_task(projects, export, project):
    _, out = export(project, split=0.5, datastore_uri=DS)
    readme = (out / "README.md").read_text()
    block = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    (out / "job.yml").write_text(block)
    job = load_job(out / "job.yml")
    assert job.type == "automl" and job.task_type.lower().replace("_", "") == TASKS[project].replace("_", "")
    assert job.training_data.type == "mltable" and job.training_data.path.endswith("train")
    if (out / "validation" / "MLTable").is_file():
        assert job.validation_data.type == "mltable" and job.validation_data.path.endswith("validation")
    assert job.target_column_name == "label"
    assert job.primary_metric.lower().replace("_", "") == {
        "image_classification": "accuracy", "image_classification_multilabel": "iou",
        "image_object_detection": "meanaverageprecision"}[TASKS[project]]


@pytest.mark.parametrize("uri, expected", [
    ("azureml://datastores/ds/paths/cv", "is the short azureml:// form, which mltable resolves to null"),
    ("https://acct.blob.core.windows.net/c/cv", "is not a datastore URI; expected azureml://subscriptions/"),
    (DS.replace(SUB, "not-a-guid"), "is not a datastore URI"),
    (DS + "/../../elsewhere", "the path must not contain '..'"),
    (DS + "?sig=abc", "is not a datastore URI"),
])
def test_a_datastore_uri_mltable_would_null_or_that_is_not_one_is_refused_in_one_line(
        projects, service, tmp_path, capsys, monkeypatch, uri, expected):
    from cvmigrate.cli import main

    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", service.key)
    code = main(["export", "--endpoint", service.endpoint, "--project", "shelf", "--out", str(tmp_path / "o"),
                 "--no-progress", "--datastore-uri", uri])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and "--datastore-uri" in err and expected in err
    assert service.requests == [] and not (tmp_path / "o").exists()


def test_upload_without_a_datastore_uri_is_refused(projects, service, export):
    from cvmigrate.cli import describe
    from cvmigrate.export import ExportError

    with pytest.raises(ExportError, match="upload needs datastore_uri") as refused:   # the library's names ...
        export("shelf", upload="https://acct.blob.core.windows.net/data/cv")
    assert describe(refused.value).startswith("--upload needs --datastore-uri (")       # ... the CLI's flags
    assert service.requests == []


def test_a_datastore_uri_with_a_trailing_slash_or_an_empty_path_gives_clean_urls(projects, export):
    for uri, prefix in ((DS + "/", DS + "/images/"), (DS.rsplit("/paths", 1)[0] + "/paths", None)):
        _, out = export("parking", out_name=f"o{len(uri)}", split=0, datastore_uri=uri)
        first = rows(out / "train")[0]["image_url"]
        expected = prefix or DS.rsplit("/paths", 1)[0] + "/paths/images/"
        assert first.startswith(expected) and "//images" not in first
