"""`cvmigrate sample --stack <env> --out DIR`: a realistic diagnostic archive for the stack's workloads."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from ..config import load_stack_file, replacement_refs
from ..errors import UserError
from ..report.synthetic_archive import Plant, write_sample
from ..report.synthetic_metrics import BrokenPipeline
from .arguments import add_stack, parse_time


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sample", help="write a realistic diagnostic archive (storage layout) for trying `status`")
    add_stack(p)
    p.add_argument("--out", required=True, metavar="DIR", help="folder to write the archive into")
    p.add_argument("--days", type=int, default=120, help="days of traffic (default 120)")
    p.add_argument("--seed", type=int, default=1, help="random seed; same seed, same archive (default 1)")
    p.add_argument("--end", metavar="ISO_TIME", help="end of the last hour written (default: today 00:00 UTC)")
    p.add_argument("--records", type=int, help="scale the volumes to about this many records")
    p.add_argument("--regression", action="append", metavar="WORKLOAD,START,HOURS,FACTOR",
                   help="plant a regression: the workload's legacy calls at FACTOR x their seasonal level for HOURS "
                        "hours from START (ISO time, on the hour); repeatable; default: the first dual-run workload, "
                        "4x over the last 3 hours. Written to sample-manifest.yaml")
    p.add_argument("--broken-pipeline", action="append", metavar="ACCOUNT,START",
                   help="break the log pipeline of a Cognitive Services account from START (ISO time, on the hour): "
                        "its RequestResponse logs stop, its platform metrics (insights-metrics-pt1m) go on; "
                        "repeatable; written to sample-manifest.yaml")
    p.set_defaults(run=run)


MAX_DAYS = 730
MAX_RECORDS = 50_000_000


def run(args: argparse.Namespace) -> int:
    cfg = load_stack_file(args.stack)
    if not 1 <= args.days <= MAX_DAYS:
        raise UserError(f"--days {args.days} is out of range. Fix: give 1 to {MAX_DAYS} days (Log Analytics keeps "
                        "at most 2 years interactively)")
    if args.records is not None and not 1 <= args.records <= MAX_RECORDS:
        raise UserError(f"--records {args.records} is out of range. Fix: give 1 to {MAX_RECORDS:,}")
    end = parse_time(args.end, "--end") or dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    plants = [_plant(cfg, text) for text in args.regression] if args.regression else None
    broken = [_broken(cfg, text) for text in args.broken_pipeline or ()]
    try:
        summary = write_sample(cfg, args.out, refs=replacement_refs(cfg), days=args.days, seed=args.seed, end=end,
                               records=args.records, plants=plants, broken=broken)
    except OSError as exc:
        raise UserError(f"--out {args.out}: cannot write ({exc.strerror})") from None
    for name in summary.without_replacement:
        print(f"warning: workload {name} has no replacement configured; the sample has no replacement traffic "
              "for it", file=sys.stderr)
    print(f"wrote {summary.records} records in {summary.files} files to {args.out} "
          f"({summary.corrupt_lines} corrupt lines, {summary.skippable_records} records of other resources; "
          f"{summary.duplicates} duplicate deliveries; {summary.metric_records} platform metric records in "
          f"{summary.metric_files} files; broken log pipelines: {len(broken)}; regressing workload: {summary.regressing_workload or 'none'}; "
          f"planted regressions in {summary.manifest}); "
          f"try: cvmigrate status --stack {args.stack} --source {args.out} --now {end.isoformat().replace('+00:00', 'Z')}")
    return 0


def _plant(cfg, text: str) -> Plant:
    parts = [p.strip() for p in text.split(",")]
    example = "e.g. --regression shelf-scanner,2027-05-12T09:00:00Z,2,2.0"
    if len(parts) != 4:
        raise UserError(f"--regression {text!r}: expected WORKLOAD,START,HOURS,FACTOR, {example}")
    name, start_text, hours_text, factor_text = parts
    if name not in {w.name for w in cfg.workloads}:
        raise UserError(f"--regression {text!r}: no workload {name!r} in the stack; {example}")
    start = parse_time(start_text, "--regression")
    try:
        hours, factor = int(hours_text), float(factor_text)
    except ValueError:
        raise UserError(f"--regression {text!r}: HOURS must be a whole number and FACTOR a number; {example}") from None
    if hours < 1 or factor <= 0 or start.minute or start.second:
        raise UserError(f"--regression {text!r}: START on the hour, HOURS >= 1, FACTOR > 0; {example}")
    return Plant(name, start.astimezone(dt.timezone.utc).replace(tzinfo=None), hours, factor)


def _broken(cfg, text: str) -> BrokenPipeline:
    example = "e.g. --broken-pipeline cv-shelf-pred,2027-05-20T00:00:00Z"
    account, _, start_text = (p.strip() for p in text.partition(","))
    accounts = {a.name.lower() for a in cfg.legacy_accounts}
    if account.lower() not in accounts or not start_text:
        raise UserError(f"--broken-pipeline {text!r}: expected ACCOUNT,START with ACCOUNT one of the stack's legacy "
                        f"accounts ({', '.join(sorted(accounts)) or 'none'}); {example}")
    start = parse_time(start_text, "--broken-pipeline")
    if start.minute or start.second or start.microsecond:
        raise UserError(f"--broken-pipeline {text!r}: START must be on the hour; {example}")
    return BrokenPipeline(account, start.astimezone(dt.timezone.utc).replace(tzinfo=None))
