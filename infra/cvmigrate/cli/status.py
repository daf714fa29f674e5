"""`cvmigrate status --stack <env> (--source DIR | --workspace ID)`: the cutover report.

Exit codes: 0 on track; 3 regression, off track or incomplete data; 2 bad input.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
from pathlib import Path

from ..artefacts import render
from ..compare.evidence import evidence_by_workload
from ..clouds import resolve_cloud
from ..config import load_stack_file, stack_file_path
from ..config.alerts import THRESHOLD_RULES
from ..errors import UserError
from ..report.archive import open_archive
from ..report.archive_listing import lookback_days
from ..report.archive_store import DEFAULT_RETENTION_DAYS, default_cache_path
from ..report.chart import write_chart
from ..report.cutover import build_report
from ..report.output import RENDERERS
from ..report.platform_metrics import read_platform_totals
from ..report.query_memo import QueryMemo
from ..report.sources import run_local, workspace_results
from .arguments import add_stack, parse_time


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("status", help="cutover report from a local diagnostic archive or a Log Analytics workspace")
    add_stack(p)
    src = p.add_mutually_exclusive_group()
    src.add_argument("--source", metavar="DIR|URL", help="the archive: a folder (insights-logs-* containers and/or "
                     ".jsonl/.json exports of AzureDiagnostics / AmlOnlineEndpointTrafficLog rows), or read in place: "
                     "https://<account>.blob.core.windows.net[/<container>[/<prefix>]] or az://<container>[/<prefix>]")
    src.add_argument("--workspace", metavar="ID", help="Log Analytics workspace ID (GUID) or ARM ID "
                     "(default: the stack's cvmigrate:logAnalytics.existingWorkspaceId)")
    p.add_argument("--cloud", metavar="NAME", help="AzureCloud, AzureUSGovernment or AzureChinaCloud: the Log "
                   "Analytics, ARM and storage endpoints and the sign-in authority (default: $AZURE_CLOUD, else the "
                   "stack's azure-native:environment, else AzureCloud)")
    p.add_argument("--now", metavar="ISO_TIME", help="pin 'now' (default: the archive's last record; "
                   "the current time for a workspace)")
    cache = p.add_mutually_exclusive_group()
    cache.add_argument("--cache", metavar="PATH", type=Path, help="the incremental archive store (DuckDB file): a "
                       "re-run reads only new or changed files (default: one per source in the user cache folder)")
    cache.add_argument("--no-cache", action="store_true", help="read the whole archive into memory, keep nothing")
    p.add_argument("--cache-retention-days", type=int, default=DEFAULT_RETENTION_DAYS, metavar="N",
                   help="forget cached blobs older than N days before the window's end "
                        f"(default {DEFAULT_RETENTION_DAYS})")
    p.add_argument("--platform-metrics", action="store_true", help="with --source: also read the legacy accounts' "
                   "TotalCalls from Azure Monitor's platform metrics store (Azure sign-in, Monitoring Reader), the second "
                   "readiness signal; without it an archive's silent accounts are 'unconfirmed', never ready "
                   "(--workspace always reads it)")
    p.add_argument("--fit-weeks", metavar="N", help="fit the burn-down line through the last N complete weeks "
                                                    "(2-26; overrides cvmigrate:alerts.thresholds.burndownFitWeeks, "
                                                    "default 8)")
    p.add_argument("--format", choices=("table", "json", "markdown"), default="table")
    p.add_argument("--chart", metavar="FILE.png", help="also write the weekly legacy vs replacement chart")
    p.add_argument("--no-progress", action="store_true", help="no progress bar while loading an archive")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    cfg = with_fit_weeks(load_stack_file(args.stack), args.fit_weeks)
    now = parse_time(args.now, "--now")
    artefacts = render(cfg, evidence_base=stack_file_path(args.stack).parent)
    queries = artefacts.queries
    if args.source:
        results, now, source = _from_archive(args, cfg, artefacts.params, queries, now)
    else:
        results, now, source = _from_workspace(args, cfg, queries, now)
    platform, note = None, ("offline archive: the platform metrics store was not read (pass --platform-metrics "
                            "to read it with an Azure sign-in)")
    if args.platform_metrics or not args.source:
        start = now - dt.timedelta(days=cfg.decommission_silent_days)
        platform = read_platform_totals(cfg, start=start, end=now, cloud=_cloud(args, cfg))
    evidence = evidence_by_workload(cfg, stack_file_path(args.stack).parent)
    report = build_report(cfg, results, now=now, source=source, refs=artefacts.refs,
                          comparisons={name: e.as_dict() for name, e in evidence.items()},
                          platform=platform, platform_note=note)
    sys.stdout.write(RENDERERS[args.format](report))
    if args.chart:
        try:
            write_chart(report, args.chart)
        except OSError as exc:
            raise UserError(f"--chart {args.chart}: cannot write ({exc.strerror})") from None
        print(f"chart written to {args.chart}", file=sys.stderr)
    return report["exitCode"]


def with_fit_weeks(cfg, value):
    """The stack with --fit-weeks N in place of cvmigrate:alerts.thresholds.burndownFitWeeks (the command line
    wins); the range is that threshold's (config.alerts.THRESHOLD_RULES)."""
    if value is None:
        return cfg
    _, low, high = THRESHOLD_RULES["burndownFitWeeks"]
    text = value.strip()
    weeks = int(text) if text.isascii() and text.isdigit() else None
    if weeks is None or not low <= weeks <= high:
        raise UserError(f"--fit-weeks {value}: must be a whole number of complete weeks from {int(low)} to "
                        f"{int(high)} (it overrides cvmigrate:alerts.thresholds.burndownFitWeeks)")
    thresholds = dataclasses.replace(cfg.alerts.thresholds, burndown_fit_weeks=weeks)
    return dataclasses.replace(cfg, alerts=dataclasses.replace(cfg.alerts, thresholds=thresholds))


def _from_archive(args, cfg, params, queries, now):
    if args.cache_retention_days < 1:
        raise UserError(f"--cache-retention-days {args.cache_retention_days}: must be at least 1")
    cache = None if args.no_cache else (args.cache or default_cache_path(args.source))
    con, stats = open_archive(args.source, lookback_days=lookback_days(params), now=now, cache=cache,
                              cloud=_cloud(args, cfg), retention_days=args.cache_retention_days,
                              progress=not args.no_progress and sys.stderr.isatty())
    if stats.cached_files:
        print(f"archive: {stats.ingested_files} new or changed file(s) read, {stats.cached_files} from the cache "
              f"{cache}", file=sys.stderr)
    if now is None:
        now = stats.last.replace(tzinfo=dt.timezone.utc)
    memo = QueryMemo(con, stats.fingerprint)
    results = run_local(con, queries, now, run=lambda _con, text, at: memo.run(text, at))
    memo.prune()
    con.close()                   # the store is written and released before the report is
    if not stats.complete:
        # For the verdict (report.cutover): the load was incomplete; source.load.problems names the files.
        results.problems["archive"] = (f"{len(stats.problems)} file(s) or folder(s) could not be read "
                                       "(source.load.problems lists them)")
    location = str(args.source).split("?", 1)[0]          # never a SAS
    return results, now, {"kind": "archive", "location": location, "load": stats.as_dict()}


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
    return resolve_cloud(args.cloud, stack_environment=cfg.cloud)
