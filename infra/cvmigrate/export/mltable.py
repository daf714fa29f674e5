"""The ``MLTable`` file AutoML for Images reads next to each ``annotations.jsonl``.

Structure from MicrosoftDocs/azure-ai-docs ``articles/machine-learning/how-to-prepare-datasets-for-automl-images.md``
("Create MLTable"): a JSON-lines file read with ``read_json_lines`` and its ``image_url`` column converted to
``stream_info``.
"""
from __future__ import annotations

from pathlib import Path

import yaml

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
