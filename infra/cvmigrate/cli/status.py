"""`cvmigrate status --stack <env> (--source DIR | --workspace ID)`: the cutover report.

Exit codes: 0 on track; 3 regression, off track or incomplete data; 2 bad input.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..artefacts import render
from ..compare.evidence import evidence_by_workload
from ..clouds import CloudError, resolve_cloud
from ..config import load_stack_file, stack_file_path
from ..errors import UserError
from ..report.archive import open_archive
from ..report.chart import write_chart
from ..report.cutover import build_report
from ..report.output import RENDERERS
from ..report.sources import run_local, workspace_results
from .arguments import parse_time


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="cutover report from a local diagnostic archive or a Log Analytics workspace")
    p.add_argument("--stack", required=True, metavar="ENV", help="stack name (reads Pulumi.<ENV>.yaml) or a path")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--source", metavar="DIR", help="downloaded archive: insights-logs-* containers and/or "
                     ".jsonl/.json exports of AzureDiagnostics / AmlOnlineEndpointTrafficLog rows")
    src.add_argument("--workspace", metavar="ID", help="Log Analytics workspace ID (GUID) or ARM ID "
                     "(default: the stack's cvmigrate:logAnalytics.existingWorkspaceId)")
    p.add_argument("--cloud", metavar="NAME", help="AzureCloud, AzureUSGovernment or AzureChinaCloud: the Log "
                   "Analytics, ARM and storage endpoints and the sign-in authority (default: $AZURE_CLOUD, else the "
                   "stack's azure-native:environment, else AzureCloud)")
    p.add_argument("--now", metavar="ISO_TIME", help="pin 'now' (default: the archive's last record; "
                   "the current time for a workspace)")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    p.add_argument("--chart", metavar="FILE.png", help="also write the weekly legacy vs replacement chart")
    p.add_argument("--no-progress", action="store_true", help="no progress bar while loading an archive")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    cfg = load_stack_file(args.stack)
    now = parse_time(args.now, "--now")
    queries = render(cfg, evidence_base=stack_file_path(args.stack).parent).queries
    if args.source:
        results, now, source = _from_archive(args, queries, now)
    else:
        results, now, source = _from_workspace(args, cfg, queries, now)
    evidence = evidence_by_workload(cfg, stack_file_path(args.stack).parent)
    report = build_report(cfg, results, now=now, source=source,
                          comparisons={name: e.as_dict() for name, e in evidence.items()})
    sys.stdout.write(RENDERERS[args.format](report))
    if args.chart:
        try:
            write_chart(report, args.chart)
        except OSError as exc:
            raise UserError(f"--chart {args.chart}: cannot write ({exc.strerror})") from None
        print(f"chart written to {args.chart}", file=sys.stderr)
    return report["exitCode"]


def _from_archive(args, queries, now):
    con, stats = open_archive(args.source, progress=not args.no_progress and sys.stderr.isatty())
    if now is None:
        now = stats.last.replace(tzinfo=dt.timezone.utc)
    results = run_local(con, queries, now)
    return results, now, {"kind": "archive", "location": str(args.source), "load": stats.as_dict()}


def _from_workspace(args, cfg, queries, now):
    workspace = args.workspace
    if not workspace and cfg.log_analytics.existing_id is not None:
        workspace = str(cfg.log_analytics.existing_id)
    if not workspace:
        raise UserError("no data source: pass --source DIR (a downloaded archive) or --workspace <workspace ID or "
                        "ARM ID> (for a workspace this stack created: `pulumi stack output` lists its ID)")
    if now is not None:
        # Log Analytics evaluates now() itself; a pinned time cannot be honoured there.
        raise UserError("--now pins the time of a local archive only; Log Analytics queries run as of the current time")
    results, workspace_id = workspace_results(workspace, queries, cloud=_cloud(args, cfg))
    now = dt.datetime.now(dt.timezone.utc)
    return results, now, {"kind": "workspace", "location": workspace_id, "load": None}


def _cloud(args, cfg):
    try:
        return resolve_cloud(args.cloud, stack_environment=cfg.cloud)
    except CloudError as exc:
        raise UserError(str(exc)) from None
