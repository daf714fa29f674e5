"""`cvmigrate validate --stack <env>`: check Pulumi.<env>.yaml without Pulumi or Azure."""
from __future__ import annotations

import argparse
import sys

from ..checklist import coverage_warnings, evidence_warnings
from ..compare.evidence import cutover_warnings
from ..config import load_stack_file, replacement_refs, stack_file_path
from .arguments import add_stack


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="check a stack's configuration and list every problem at once")
    add_stack(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    cfg = load_stack_file(args.stack)
    base = stack_file_path(args.stack).parent
    for warning in (*cfg.warnings, *cutover_warnings(cfg, base), *coverage_warnings(cfg, base, replacement_refs(cfg)),
                    *evidence_warnings(cfg, base)):
        print(f"warning: {warning}", file=sys.stderr)
    accounts = cfg.legacy_accounts
    print(f"{args.stack}: configuration is valid — {len(cfg.workloads)} workload(s), "
          f"{len(accounts)} legacy account(s), retirement {cfg.retirement_date.isoformat()}.")
    return 0
