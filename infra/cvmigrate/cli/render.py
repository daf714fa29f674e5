"""`cvmigrate render --stack <env> --out DIR`: the stack's queries as ready-to-paste KQL, offline."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..artefacts import render
from ..artefacts.adx import render_adx
from ..artefacts.alert_index import alert_index
from ..clouds import resolve_cloud
from ..config import load_stack_file
from ..config.loader import stack_file_path
from ..errors import ErrorClassesError, UserError
from ..export.files import write_json_atomic, write_text_atomic
from .arguments import add_stack


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("render", help="write the stack's KQL queries (DIR/queries/<name>.kql), workbook "
                                      "(DIR/workbook.json) and alert rules (DIR/alerts/, DIR/alerts.json); "
                                      "no Azure needed")
    add_stack(p)
    p.add_argument("--out", required=True, metavar="DIR", help="output folder; queries go to DIR/queries/")
    p.add_argument("--error-classes", metavar="FILE", type=Path,
                   help="YAML merged over the bundled queries/error_classes.yaml (hints, status mapping)")
    p.add_argument("--target", choices=("loganalytics", "adx"), default="loganalytics",
                   help="adx: Azure Data Explorer external tables over the archive (DIR/adx/archive_tables.kql) and "
                        "the library queries against them (DIR/adx/queries/)")
    p.add_argument("--storage-account", metavar="NAME", help="adx: the archive storage account (default: the "
                   "stack's cvmigrate:archive account)")
    p.add_argument("--subscription", metavar="ID", help="adx: the subscription of the accounts the stack creates "
                   "(default: azure-native:subscriptionId)")
    p.add_argument("--cloud", metavar="NAME", help="adx: the storage endpoints' cloud (default: $AZURE_CLOUD, else "
                   "the stack's azure-native:environment, else AzureCloud)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    cfg = load_stack_file(args.stack)
    for warning in cfg.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        artefacts = render(cfg, error_classes_path=args.error_classes,
                           evidence_base=stack_file_path(args.stack).parent)
    except ErrorClassesError as exc:
        raise UserError(f"--error-classes: {exc}") from None
    queries = artefacts.queries
    if args.target == "adx":
        return _write_adx(args, cfg, artefacts)
    folder = Path(args.out) / "queries"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, query in queries.items():
            (folder / f"{name}.kql").write_text(query.text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write to {folder}: {exc.strerror}") from None
    workbook = Path(args.out) / "workbook.json"
    try:
        # The Monitoring component deploys this same string (Artefacts.workbook_json).
        workbook.write_text(artefacts.workbook_json, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {workbook}: {exc.strerror}") from None
    alert_files, alert_entries = alert_index(artefacts)
    alerts = Path(args.out) / "alerts"
    try:
        alerts.mkdir(parents=True, exist_ok=True)
        for file_name, text in alert_files.items():
            write_text_atomic(alerts / file_name, text)
        write_json_atomic(Path(args.out) / "alerts.json", alert_entries)
    except OSError as exc:
        raise UserError(f"cannot write to {alerts}: {exc.strerror}") from None
    print(f"{args.stack}: wrote {len(queries)} queries to {folder}/ "
          f"({len(cfg.workloads)} workload(s), {len(cfg.legacy_accounts)} legacy account(s)). "
          "Paste a .kql file into Log Analytics > Logs (inventory.kql into Resource Graph Explorer).")
    print(f"{args.stack}: wrote {len(alert_entries)} alert rules to {Path(args.out) / 'alerts.json'} "
          f"({len(alert_files)} log alert queries in {alerts}/).")
    print(f"{args.stack}: wrote {workbook} (Workbooks > New > Advanced Editor > Gallery Template: paste it).")
    return 0


def _write_adx(args, cfg, artefacts) -> int:
    cloud = resolve_cloud(args.cloud, stack_environment=cfg.cloud)
    adx = render_adx(cfg, artefacts.queries, cloud, refs=artefacts.refs, storage_account=args.storage_account,
                     subscription=args.subscription)
    folder = Path(args.out) / "adx"
    try:
        (folder / "queries").mkdir(parents=True, exist_ok=True)
        (folder / "archive_tables.kql").write_text(adx.setup, encoding="utf-8")
        for name, text in adx.queries.items():
            (folder / "queries" / f"{name}.kql").write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write to {folder}: {exc.strerror}") from None
    print(f"{args.stack}: wrote {folder}/archive_tables.kql (run its commands in your ADX database) and "
          f"{len(adx.queries)} queries to {folder}/queries/ (they read the archive through its functions).")
    return 0
