"""`cvmigrate inventory`: every project, iteration and published name on a Custom Vision training resource,
with data-hygiene findings; optionally kept as Key Vault secrets (see cvmigrate.inventory and the README
section "Inventory")."""
from __future__ import annotations

import argparse
import sys

from ..clouds import resolve_cloud
from ..config import load_stack_file
from ..customvision import TrainingClient
from ..inventory import FORMATS, collect, render
from ..inventory.secrets import check_vault_name, store
from .export import add_key_arguments, training_key

EXIT_INCOMPLETE = 3


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "inventory", help="list every Custom Vision project, iteration and published name, with hygiene findings",
        description="Read every project on a Custom Vision training resource (Training API v3.3): type, domain, "
                    "image and tag counts, iterations (published name, prediction resource, exportable, the "
                    "published iteration's per-tag precision/recall/AP) and data-hygiene findings. Exit code 3 "
                    "when a project could not be read (the output then says incomplete).")
    add_key_arguments(p)
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default table)")
    p.add_argument("--key-vault", metavar="NAME",
                   help="also store the endpoint, project IDs, published names and prediction resource IDs as "
                        "secrets in this Key Vault (never a key)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    vault = check_vault_name(args.key_vault) if args.key_vault else None
    cloud = resolve_cloud(args.cloud, stack_environment=load_stack_file(args.stack).cloud if args.stack else None)
    with TrainingClient(args.endpoint, training_key(args, cloud)) as client:
        inv = collect(client)
    sys.stdout.write(render(inv, args.format))
    if vault:
        url = cloud.vault_url(vault)
        written = store(inv, url, cloud.credential())
        print(f"stored {len(written)} secrets in {url}", file=sys.stderr)
    if inv["status"] != "complete":
        failed = [p for p in inv["projects"] if "error" in p]
        print(f"cvmigrate inventory: incomplete: {len(failed)} project(s) could not be read (see above)",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    return 0
