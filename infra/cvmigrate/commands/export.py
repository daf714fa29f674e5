"""`cvmigrate export`: a Custom Vision project's labelled images and its model's scores -> an Azure ML
AutoML for Images dataset (see cvmigrate.export and the README section "Exporting a Custom Vision project")."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_KEY_ENV = "CUSTOM_VISION_TRAINING_KEY"


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export a Custom Vision project to an Azure ML AutoML (JSONL + MLTable) dataset",
        description="Download a Custom Vision project's labelled images (Training API v3.3) and write them as "
                    "an AutoML for Images dataset: images/, train/ and validation/ (annotations.jsonl + "
                    "MLTable), manifest.json and README.md. Re-running resumes.")
    p.add_argument("--endpoint", required=True,
                   help="training resource endpoint, e.g. https://<training-resource>.cognitiveservices.azure.com")
    p.add_argument("--project", required=True, help="project ID or name")
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="output folder (empty, or a previous export to resume)")
    key = p.add_argument_group("training key (one of)")
    key.add_argument("--key-env", metavar="VAR", default=None,
                     help=f"environment variable holding the training key (default {DEFAULT_KEY_ENV})")
    key.add_argument("--stack", metavar="ENV", help="read the key from this stack's Key Vault (Pulumi.<ENV>.yaml)")
    key.add_argument("--workload", metavar="NAME", help="with --stack: the workload whose training key to read")
    p.add_argument("--split", type=float, default=0.2, help="validation fraction, stratified by class (default 0.2)")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument("--include-untagged", action="store_true",
                   help="also download untagged images (listed in untagged/, not used for training)")
    p.add_argument("--image-url-prefix", metavar="URL",
                   help="prefix for image_url, e.g. azureml://datastores/<ds>/paths/<dir>/ where <dir> holds "
                        "images/ (default: paths relative to the MLTable)")
    p.add_argument("--upload", metavar="CONTAINER_URL",
                   help="upload the folder to this blob container URL (DefaultAzureCredential)")
    p.add_argument("--cloud", metavar="NAME", help="AzureCloud, AzureUSGovernment or AzureChinaCloud for Key Vault "
                   "and --upload (default: $AZURE_CLOUD, else the stack's azure-native:environment, else AzureCloud)")
    p.add_argument("--concurrency", type=int, default=8, help="parallel downloads (default 8)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def training_key(args: argparse.Namespace, cloud) -> str:
    from ..cli import UserError

    if args.stack or args.workload:
        if not (args.stack and args.workload):
            raise UserError("--stack and --workload go together (the key is the workload's training key)")
        if args.key_env:
            raise UserError("give the key either with --key-env or with --stack/--workload, not both")
        from ..export.keyvault import read_secret, training_key_location

        url, secret = training_key_location(args.stack, args.workload, cloud)
        return read_secret(url, secret, cloud=cloud)
    var = args.key_env or DEFAULT_KEY_ENV
    value = os.environ.get(var, "").strip()
    if not value:
        raise UserError(f"environment variable {var} is not set; export the training key into it, pass "
                        "--key-env <VAR>, or read it from Key Vault with --stack <env> --workload <name>")
    return value


def run(args: argparse.Namespace) -> int:
    from ..cli import UserError
    from ..clouds import CloudError, resolve_cloud
    from ..config import load_stack_file
    from ..export import ExportOptions, run_export

    try:
        cloud = resolve_cloud(args.cloud, stack_environment=load_stack_file(args.stack).cloud if args.stack else None)
    except CloudError as exc:
        raise UserError(str(exc)) from None
    result = run_export(ExportOptions(
        endpoint=args.endpoint, key=training_key(args, cloud), project=args.project, out=args.out,
        split=args.split, seed=args.seed, include_untagged=args.include_untagged,
        image_url_prefix=args.image_url_prefix, upload=args.upload, concurrency=args.concurrency,
        upload_credential=cloud.credential() if args.upload else None,
        progress=not args.no_progress))
    print(f"{result.project_name}: {result.task}, {result.train} train + {result.validation} validation images"
          + (f", {result.untagged} untagged" if result.untagged else "")
          + (f", {result.dropped_negative} negative-only dropped" if result.dropped_negative else "")
          + f" -> {result.out} ({result.downloaded} downloaded, {result.reused} already there)")
    if result.uploaded is not None:
        print(f"uploaded {result.uploaded} files to {args.upload} ({result.upload_skipped} unchanged)")
    print(f"next: see {result.out / 'README.md'} for the az ml / SDK v2 commands", file=sys.stderr)
    return 0
