"""`cvmigrate` console script. Each subcommand lives in cvmigrate/cli/<name>.py with
``add_parser(subparsers)`` and ``run(args) -> int``.

The library raises domain errors (:mod:`cvmigrate.errors`, :mod:`cvmigrate.config`) that name their input by
its library name; only this package maps them to flag names and exit codes (documented in the README):
0 success / on track, 2 bad input, 3 regression or off track (status) or an incomplete inventory;
anything else is a bug.

Everything printed on error goes through :mod:`cvmigrate.redaction` (keys, URL credentials, SAS signatures,
tokens), and no exception a user or a service can cause ends in a traceback (:mod:`cvmigrate.cli.failures`).
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .. import __version__
from ..config import ConfigError, StackFileError
from ..errors import UserError
from . import analyzers, backtest, compare, export, inventory, render, sample, scan, status, validate
from ..redaction import install_logging_redaction, redact, register_environment
from .failures import clip, emit, redacted_stderr, report

# Subcommand modules, in the order `--help` lists them.
COMMANDS = (validate, export, inventory, compare, render, status, backtest, sample, scan, analyzers)

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
    "cache": "--cache", "storage_account": "--storage-account", "subscription": "--subscription",
    "datastore_uri": "--datastore-uri", "project": "--project", "tag_map": "--tag-map", "merge_case": "--merge-case",
    "model": "--model", "platform": "--platform", "flavor": "--flavor", "iteration": "--iteration",
    "model_timeout": "--model-timeout", "cloud": "--cloud", "stack": "--stack", "key_vault": "--key-vault",
    "platform_metrics": "--platform-metrics",
    "from": "--from", "to": "--to",
}


def describe(exc: UserError) -> str:
    """The one-line message of a user error, its input named by the flag that sets it."""
    return exc.render(lambda field: FLAGS.get(field, field))


class ArgumentParser(argparse.ArgumentParser):
    """argparse, with its error line (which quotes the offending value) redacted."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, clip(redact(f"{self.prog}: error: {message}")) + "\n")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="cvmigrate",
        description="Track and drive the move off Azure AI Custom Vision / Image Analysis (retiring 2028-09-25).",
    )
    parser.add_argument("--version", action="version", version=f"cvmigrate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    install_logging_redaction()
    register_environment()       # keys in CUSTOM_VISION_*_KEY, AZURE_*_SECRET ... are never printed
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:          # --help, --version, or argparse's (redacted) usage error
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        with redacted_stderr():
            return int(args.run(args) or 0)
    except ConfigError as exc:
        emit(exc.render())
        return EXIT_BAD_INPUT
    except UserError as exc:
        emit(f"cvmigrate {args.command}: {describe(exc)}")
        return EXIT_BAD_INPUT
    except StackFileError as exc:
        emit(f"cvmigrate {args.command}: {exc}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("cvmigrate: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:           # noqa: BLE001 - the last line of defence: one redacted line, never a traceback
        return report(exc, args, args.command)
