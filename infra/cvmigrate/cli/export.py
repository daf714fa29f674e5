"""`cvmigrate export`: a Custom Vision project's labelled images and its model's scores -> an Azure ML
AutoML for Images dataset, and with --model the trained compact model (see cvmigrate.export and the README
section "Exporting a Custom Vision project")."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..clouds import resolve_cloud
from ..config import load_stack_file
from ..errors import UserError
from ..customvision.platforms import DEFAULT_PLATFORM, FLAVORS
from ..export import ExportOptions, run_export
from ..export.exporter import DEFAULT_CONCURRENCY
from ..export.keyvault import TRAINING_KEY_FALLBACK
from ..redaction import redact
from .arguments import check_output_folder, legacy_key

DEFAULT_KEY_ENV = "CUSTOM_VISION_TRAINING_KEY"


def add_key_arguments(p: argparse.ArgumentParser) -> None:
    """--endpoint and the training key options, shared by export and inventory."""
    p.add_argument("--endpoint", required=True,
                   help="training resource endpoint, e.g. https://<training-resource>.cognitiveservices.azure.com")
    key = p.add_argument_group("training key (one of)")
    key.add_argument("--key-env", metavar="VAR", default=None,
                     help=f"environment variable holding the training key (default {DEFAULT_KEY_ENV})")
    key.add_argument("--stack", metavar="ENV", help="read the key from this stack's Key Vault (Pulumi.<ENV>.yaml)")
    key.add_argument("--workload", metavar="NAME", help="with --stack: the workload whose training key to read")
    p.add_argument("--cloud", metavar="NAME", help="AzureCloud, AzureUSGovernment or AzureChinaCloud for Key Vault "
                   "and --upload (default: $AZURE_CLOUD, else the stack's azure-native:environment, else AzureCloud)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export a Custom Vision project to an Azure ML AutoML (JSONL + MLTable) dataset",
        description="Download a Custom Vision project's labelled images (Training API v3.3) and write them as "
                    "an AutoML for Images dataset: images/, train/ and validation/ (annotations.jsonl + "
                    "MLTable), manifest.json and README.md; with --model also the trained compact model. "
                    "Re-running resumes.")
    add_key_arguments(p)
    p.add_argument("--project", required=True, help="project ID or name")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder (empty, or a previous export to resume)")
    p.add_argument("--split", type=float, default=0.2, help="validation fraction, stratified by class (default 0.2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument("--holdout-after", metavar="DATE|published",
                   help="write a test split of the images created after DATE (or after the published iteration's "
                        "trainedAt), kept out of train and validation, for `cvmigrate compare`")
    p.add_argument("--include-untagged", action="store_true",
                   help="also download untagged images (listed in untagged/, not used for training)")
    p.add_argument("--datastore-uri", metavar="URI",
                   help="azureml://subscriptions/<sub>/resourcegroups/<rg>/workspaces/<ws>/datastores/<ds>/paths/"
                        "<folder>: where this folder will live in Azure ML; image_url values point there "
                        "(default: local file:// URIs)")
    p.add_argument("--upload", metavar="CONTAINER_URL",
                   help="upload the folder to this blob container URL (DefaultAzureCredential); needs --datastore-uri")
    p.add_argument("--merge-case", action="store_true",
                   help="merge tags whose names differ only in case (otherwise such tags stop the export)")
    p.add_argument("--tag-map", type=Path, metavar="FILE", help="YAML/JSON object {old tag name: new name}")
    model = p.add_argument_group("trained model (compact domains only)")
    model.add_argument("--model", action="store_true", help="also export the trained model into DIR/model/")
    model.add_argument("--platform", default=DEFAULT_PLATFORM, choices=list(FLAVORS),
                       help=f"model platform (default {DEFAULT_PLATFORM})")
    model.add_argument("--flavor", help="; ".join(f"{k}: {', '.join(v)}" for k, v in FLAVORS.items() if v))
    model.add_argument("--iteration", metavar="ID_OR_NAME", help="iteration to export (default: the published one)")
    model.add_argument("--model-timeout", type=float, default=900.0, metavar="SECONDS",
                       help="how long to wait for the service to build the export (default 900)")
    p.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY,
                   help=f"parallel downloads (default {DEFAULT_CONCURRENCY}; halves while the service throttles)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def training_key(args: argparse.Namespace, cloud) -> str:
    if args.key_env and args.stack and args.workload:
        raise UserError("give the key either with --key-env or with --stack/--workload, not both")
    return legacy_key(args, "training", args.key_env or DEFAULT_KEY_ENV, cloud=cloud,
                      fallback=TRAINING_KEY_FALLBACK, alternatives=", pass --key-env <VAR>,")


def run(args: argparse.Namespace) -> int:
    check_output_folder(args.out, "--out")
    cloud = resolve_cloud(args.cloud, stack_environment=load_stack_file(args.stack).cloud if args.stack else None)
    result = run_export(ExportOptions(
        endpoint=args.endpoint, key=training_key(args, cloud), project=args.project, out=args.out,
        split=args.split, seed=args.seed, include_untagged=args.include_untagged,
        datastore_uri=args.datastore_uri, upload=args.upload, concurrency=args.concurrency,
        upload_credential=cloud.credential() if args.upload else None,
        merge_case=args.merge_case, tag_map=args.tag_map, model=args.model, platform=args.platform,
        flavor=args.flavor, iteration=args.iteration, model_timeout=args.model_timeout,
        progress=not args.no_progress, holdout_after=args.holdout_after))
    print(f"{result.project_name}: {result.task}, {result.train} train + {result.validation} validation"
          + (f" + {result.test} test" if result.test else "") + " images"
          + (f", {result.untagged} untagged" if result.untagged else "")
          + (f", {result.dropped_negative} negative-only dropped" if result.dropped_negative else "")
          + (f", {result.invalid_boxes} boxes with missing or invalid coordinates skipped (manifest.json "
             "counts.exported.skipped_boxes_invalid)" if result.invalid_boxes else "")
          + f" -> {result.out} ({result.downloaded} downloaded, {result.reused} already there)")
    if result.lost_all_boxes:
        print(f"warning: {result.lost_all_boxes} detection image(s) lost every box (outside the image or malformed) "
              "and are exported as background images (label []); fix their regions in the portal or drop them "
              "(manifest.json counts.exported.background_after_dropping_every_box)", file=sys.stderr)
    if result.model is not None:
        print(f"model: {result.model['file']} (sha256 {result.model['sha256'][:12]}..., {result.model['bytes']} bytes)")
    if result.uploaded is not None:
        print(f"uploaded {result.uploaded} files to {redact(args.upload)} ({result.upload_skipped} unchanged)")
    print(f"next: see {result.out / 'README.md'} for the az ml / SDK v2 commands", file=sys.stderr)
    return 0
