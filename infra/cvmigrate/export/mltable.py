"""The ``MLTable`` file AutoML for Images reads next to each ``annotations.jsonl``.

Structure from MicrosoftDocs/azure-ai-docs ``articles/machine-learning/how-to-prepare-datasets-for-automl-images.md``
("Create MLTable"): a JSON-lines file read with ``read_json_lines`` and its ``image_url`` column converted to
``stream_info``.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import ExportError
from .files import write_text_atomic

ANNOTATIONS = "annotations.jsonl"


def mltable_document(jsonl_name: str = ANNOTATIONS) -> dict:
    return {
        "paths": [{"file": f"./{jsonl_name}"}],
        "transformations": [
            {"read_json_lines": {"encoding": "utf8", "invalid_lines": "error", "include_path_column": False}},
            {"convert_column_types": [{"columns": "image_url", "column_type": "stream_info"}]},
        ],
    }


def write_mltable(folder: Path, jsonl_name: str = ANNOTATIONS) -> Path:
    path = folder / "MLTable"
    text = ("# AutoML for Images input written by `cvmigrate export`: one JSON object per line in "
            f"{jsonl_name}.\n" + yaml.safe_dump(mltable_document(jsonl_name), sort_keys=False))
    write_text_atomic(path, text)
    return path


# --- image_url values that mltable resolves ----------------------------------------------------------------
# mltable 1.7.0 converts (``convert_column_types: stream_info``) only absolute URIs: ``file://`` for local files
# and the long datastore form below; relative paths, bare absolute paths and the short form
# ``azureml://datastores/<ds>/paths/<p>`` become null without an error. Long form as in MicrosoftDocs/azure-ai-docs
# ``articles/machine-learning/reference-automl-images-schema.md``.
DATASTORE_URI = re.compile(
    r"azureml://subscriptions/(?P<subscription>[0-9a-fA-F-]{36})/resourcegroups/(?P<resource_group>[^/]+)"
    r"/workspaces/(?P<workspace>[^/]+)/datastores/(?P<datastore>[^/]+)/paths(?:/(?P<path>.*))?")
SHORT_DATASTORE_URI = re.compile(r"azureml://datastores/(?P<datastore>[^/]+)/paths(?:/(?P<path>.*))?")
DATASTORE_HINT = ("azureml://subscriptions/<subscription-id>/resourcegroups/<resource-group>/workspaces/"
                  "<workspace>/datastores/<datastore>/paths/<folder holding images/>")


def datastore_base(uri: str) -> str:
    """The validated long-form datastore URI of the export folder, ending in ``/``."""
    text = uri.strip()
    if SHORT_DATASTORE_URI.fullmatch(text.rstrip("/")):
        raise ExportError(f"{text!r} is the short azureml:// form, which mltable resolves to "
                          f"null; give the long form {DATASTORE_HINT}", field="datastore_uri")
    match = DATASTORE_URI.fullmatch(text.rstrip("/"))
    if match is None or any(c in text for c in " ?#\\"):
        raise ExportError(f"{text!r} is not a datastore URI; expected {DATASTORE_HINT}", field="datastore_uri")
    path = (match.group("path") or "").strip("/")
    if ".." in path.split("/"):
        raise ExportError(f"{text!r}: the path must not contain '..'", field="datastore_uri")
    head = text[: match.start("path")] if match.group("path") is not None else text.rstrip("/") + "/"
    return head.rstrip("/") + "/" + (path + "/" if path else "")


def local_base(out: Path) -> str:
    """``file:///abs/out/``: the local layout's image_url prefix, which mltable opens as a local stream."""
    return out.resolve().as_uri().rstrip("/") + "/"
