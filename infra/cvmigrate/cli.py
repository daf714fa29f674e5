"""`cvmigrate` console script. Each subcommand lives in cvmigrate/commands/<name>.py with
``add_parser(subparsers)`` and ``run(args) -> int``.

Exit codes (documented in the README): 0 success / on track, 2 bad input, 3 regression or off track
(status only); anything else is a bug.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from . import __version__

# Subcommand modules, in the order `--help` lists them.
COMMANDS = ("validate", "export", "compare", "render", "status", "sample", "scan")

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Bad input from the user: reported in one line, exit code 2, never a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cvmigrate",
        description="Track and drive the move off Azure AI Custom Vision / Image Analysis (retiring 2028-09-25).",
    )
    parser.add_argument("--version", action="version", version=f"cvmigrate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"cvmigrate.commands.{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from .config import ConfigError, StackFileError

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
    except (UserError, StackFileError) as exc:
        print(f"cvmigrate {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("cvmigrate: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
