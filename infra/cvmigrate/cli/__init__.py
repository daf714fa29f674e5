"""`cvmigrate` console script. Each subcommand lives in cvmigrate/cli/<name>.py with
``add_parser(subparsers)`` and ``run(args) -> int``.

The library raises domain errors (:mod:`cvmigrate.errors`, :mod:`cvmigrate.config`) that name their input by
its library name; only this package maps them to flag names and exit codes (documented in the README):
0 success / on track, 2 bad input, 3 regression or off track (status) or an incomplete inventory;
anything else is a bug.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .. import __version__
from ..config import ConfigError, StackFileError
from ..errors import UserError
from . import compare, export, inventory, render, sample, scan, status, validate

# Subcommand modules, in the order `--help` lists them.
COMMANDS = (validate, export, inventory, compare, render, status, sample, scan)

EXIT_OK = 0
EXIT_BAD_INPUT = 2

# The flag of each input a library error can name (UserError.field).
FLAGS = {
    "source": "--source", "workspace": "--workspace", "endpoint": "--endpoint", "split": "--split",
    "concurrency": "--concurrency", "out": "--out", "workload": "--workload", "upload": "--upload",
    "error_classes": "--error-classes", "now": "--now", "chart": "--chart",
    "holdout_after": "--holdout-after", "dataset": "--dataset", "gate": "--gate", "threshold": "--threshold",
    "replacement": "--replacement", "legacy_endpoint": "--legacy-endpoint", "legacy_project": "--legacy-project",
    "legacy_iteration": "--legacy-iteration", "scoring_uri": "--scoring-uri", "foundry_endpoint": "--foundry-endpoint",
    "deployment": "--deployment", "detail": "--detail",
}


def describe(exc: UserError) -> str:
    """The one-line message of a user error, its input named by the flag that sets it."""
    if exc.field is None:
        return exc.message
    return f"{FLAGS.get(exc.field, exc.field)} {exc.message}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvmigrate",
        description="Track and drive the move off Azure AI Custom Vision / Image Analysis (retiring 2028-09-25).",
    )
    parser.add_argument("--version", action="version", version=f"cvmigrate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.run(args) or 0)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except UserError as exc:
        print(f"cvmigrate {args.command}: {describe(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except StackFileError as exc:
        print(f"cvmigrate {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("cvmigrate: interrupted", file=sys.stderr)
        return 130
