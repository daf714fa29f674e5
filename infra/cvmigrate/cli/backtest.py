"""`cvmigrate backtest --stack S --source ARCHIVE --from T1 --to T2 [--format ...] [--out FILE]`: every alert
rule of the stack replayed over the archive, and the regression rule scored against planted regressions.

Exit codes: 0 every planted regression paged and no false page (or no manifest); 3 a missed regression, a false
page, or an archive that could not be read completely; 2 bad input."""
from __future__ import annotations

import argparse
import sys

from ..artefacts import render
from ..backtest import run_backtest
from ..backtest.plan import check_window
from ..backtest.report_text import RENDERERS
from ..clouds import resolve_cloud
from ..config import load_stack_file, stack_file_path
from ..errors import UserError
from .arguments import add_stack, check_output_file, parse_time, write_file


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backtest", help="replay every alert rule over an archive with now() frozen at each "
                                        "evaluation: when each would have fired and resolved, and against "
                                        "sample-manifest.yaml which planted regressions were paged")
    add_stack(p)
    p.add_argument("--source", required=True, metavar="DIR|URL", help="the archive, as for `cvmigrate status`")
    p.add_argument("--from", dest="start", metavar="ISO_TIME", help="start of the replayed window (exclusive)")
    p.add_argument("--to", dest="end", metavar="ISO_TIME", help="end of the replayed window (inclusive)")
    p.add_argument("--format", choices=tuple(RENDERERS), default="table")
    p.add_argument("--out", metavar="FILE", help="write the report to FILE instead of stdout (never half-written)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar while loading the archive")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    start, end = parse_time(args.start, "--from"), parse_time(args.end, "--to")
    for value, flag in ((start, "--from"), (end, "--to")):
        if value is None:
            raise UserError(f"{flag} is required: the backtest replays the window --from T1 --to T2, e.g. "
                            "--from 2026-06-01T00:00:00Z --to 2027-06-01T00:00:00Z")
    check_window(start, end)
    if args.out:
        check_output_file(args.out, "--out")
    cfg = load_stack_file(args.stack)
    artefacts = render(cfg, evidence_base=stack_file_path(args.stack).parent)
    report = run_backtest(artefacts, args.source, start, end, cloud=resolve_cloud(None, stack_environment=cfg.cloud),
                          progress=not args.no_progress and sys.stderr.isatty())
    text = RENDERERS[args.format](report)
    if args.out:
        write_file(args.out, text, "--out")
        print(f"backtest report ({args.format}) written to {args.out}: {report['verdict']}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return report["exitCode"]
