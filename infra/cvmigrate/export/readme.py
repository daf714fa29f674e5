"""``DIR/README.md``: what was exported and the commands that train the replacement in Azure ML AutoML.

Job YAML keys follow the CLI v2 AutoML image job schemas (autoMLImageClassificationJob,
autoMLImageClassificationMultilabelJob, autoMLImageObjectDetectionJob); the SDK v2 calls are
``azure.ai.ml.automl.image_classification / image_classification_multilabel / image_object_detection``.
"""
from __future__ import annotations

from .mapping import DETECTION, MULTICLASS, MULTILABEL, PRIMARY_METRIC

SCHEMA = {MULTICLASS: "autoMLImageClassificationJob", MULTILABEL: "autoMLImageClassificationMultilabelJob",
          DETECTION: "autoMLImageObjectDetectionJob"}
MODEL = {MULTICLASS: "vitb16r224", MULTILABEL: "vitb16r224", DETECTION: "yolov5"}


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
    return "-".join(p for p in out.split("-") if p)[:60] or "custom-vision-export"


def render(manifest: dict) -> str:
    task = manifest["task"]
    project = manifest["project"]
    counts = manifest["counts"]
    name = _slug(project["name"])
    has_val = counts["exported"]["validation"] > 0
    legacy = manifest.get("legacy_model")
    lines = [
        f"# Custom Vision export: {project['name']}",
        "",
        f"Exported by cvmigrate {manifest['tool']['version']} on {manifest['exported_at']} from "
        f"{manifest['endpoint']} (project `{project['id']}`, domain {manifest['domain']['name']!r}, "
        f"{manifest['domain']['type']}{', ' + manifest['classification_type'] if manifest['classification_type'] else ''}).",
        "",
        f"- AutoML task: `{task}`",
        f"- Images: {counts['exported']['train']} train, {counts['exported']['validation']} validation"
        + (f", {counts['exported']['untagged']} untagged (in `untagged/`, not used for training)"
           if counts["exported"]["untagged"] else ""),
        *([f"- Skipped: {counts['exported']['skipped_boxes_invalid']} boxes whose coordinates or tag the service "
           "returned missing or not a number (`counts.exported.skipped_boxes_invalid` in manifest.json)"]
          if counts["exported"].get("skipped_boxes_invalid") else []),
        f"- Negative-tag policy: {manifest['negative_policy']}",
        f"- Split: stratified, fraction {manifest['split']['fraction']}, seed {manifest['split']['seed']}",
        f"- `manifest.json` holds the tag map, counts per tag and split, the sha256 of every image and the "
        "legacy model's scores.",
        "",
        "## The bar to beat",
        "",
    ]
    if legacy and legacy.get("per_tag") is not None:
        it = legacy["iteration"]
        lines += [
            f"Legacy iteration {it['name']!r}" + (f" (published as {it['publishName']!r})" if it.get("publishName") else
                                                   " (not published)")
            + f", threshold {legacy['threshold']}"
            + (f", overlap threshold {legacy['overlap_threshold']}" if legacy.get("overlap_threshold") is not None else "")
            + f": precision {legacy['precision']}, recall {legacy['recall']}"
            + (f", mAP {legacy['average_precision']}" if legacy.get("average_precision") is not None else "") + ".",
            "",
            "| Tag | Precision | Recall | Average precision |",
            "|---|---|---|---|",
        ]
        lines += [f"| {t['tag']} | {t['precision']} | {t['recall']} | {t['average_precision']} |"
                  for t in legacy["per_tag"]]
    else:
        lines.append("The project has no trained iteration, so there are no legacy scores to compare against.")
    model = manifest.get("model")
    if model:
        lines += ["", "## The exported model (offline fallback)", "",
                  f"`{model['file']}`: {model['platform']}{' ' + model['flavor'] if model['flavor'] else ''} export "
                  f"of iteration {model['iteration']['name']!r}, sha256 `{model['sha256']}`, {model['bytes']} bytes."
                  + (" The service says a newer exporter version is available." if model["newer_version_available"]
                     else "")]
    lines += [
        "",
        "## Train the replacement with Azure ML AutoML",
        "",
        *image_url_lines(manifest["image_urls"]),
        "",
        "### Azure CLI (ml extension v2)",
        "",
        "Save as `job.yml` next to this README, fill in the compute cluster, then run "
        "`az ml job create --file job.yml --workspace-name <ws> --resource-group <rg>`:",
        "",
        "```yaml",
        f"$schema: https://azuremlschemas.azureedge.net/latest/{SCHEMA[task]}.schema.json",
        "type: automl",
        f"task: {task}",
        f"experiment_name: {name}",
        "compute: azureml:<gpu-cluster>",
        f"primary_metric: {PRIMARY_METRIC[task]}",
        "target_column_name: label",
        "training_data:",
        "  path: ./train",
        "  type: mltable",
    ]
    if has_val:
        lines += ["validation_data:", "  path: ./validation", "  type: mltable"]
    lines += [
        "limits:",
        "  timeout_minutes: 120",
        "  max_trials: 1",
        "  max_concurrent_trials: 1",
        "training_parameters:",
        f"  model_name: {MODEL[task]}",
        "```",
        "",
        "To register the data as versioned assets first: "
        f"`az ml data create --name {name}-train --type mltable --path ./train`"
        + (f" and `az ml data create --name {name}-validation --type mltable --path ./validation`" if has_val else "")
        + ", then use `path: azureml:<name>:<version>` in the job.",
        "",
        "### Python SDK v2 (azure-ai-ml)",
        "",
        "```python",
        "from azure.ai.ml import Input, MLClient, automl",
        "from azure.ai.ml.constants import AssetTypes",
        "from azure.identity import DefaultAzureCredential",
        "",
        'ml_client = MLClient(DefaultAzureCredential(), "<subscription-id>", "<resource-group>", "<workspace>")',
        f"job = automl.{task}(",
        '    compute="<gpu-cluster>",',
        f'    experiment_name="{name}",',
        '    training_data=Input(type=AssetTypes.MLTABLE, path="./train"),',
    ]
    if has_val:
        lines.append('    validation_data=Input(type=AssetTypes.MLTABLE, path="./validation"),')
    lines += [
        '    target_column_name="label",',
        f'    primary_metric="{PRIMARY_METRIC[task]}",',
        ")",
        "job.set_limits(timeout_minutes=120, max_trials=1, max_concurrent_trials=1)",
        f'job.set_training_parameters(model_name="{MODEL[task]}")',
        "returned = ml_client.jobs.create_or_update(job)",
        "print(returned.studio_url)",
        "```",
        "",
        "Compare the best trial's per-class metrics with the table above before cutting traffic over.",
        "",
    ]
    return "\n".join(lines)


def image_url_lines(urls: dict) -> list[str]:
    if urls["layout"] == "datastore":
        return [f"`image_url` values are long-form datastore URIs under `{urls['base']}`: upload this folder "
                "there (or use `--upload`), and `mltable` / AutoML resolve every image."]
    return [f"`image_url` values are local `file://` URIs under `{urls['base']}`, so `mltable.load()` opens "
            "every image on this machine. For a job in the cloud, export again with `--datastore-uri "
            "azureml://subscriptions/<sub>/resourcegroups/<rg>/workspaces/<ws>/datastores/<ds>/paths/<folder>` "
            "(the folder that will hold `images/`) and upload the folder there (`--upload <container URL>`). "
            "The short form `azureml://datastores/...` is resolved to null by `mltable`."]
