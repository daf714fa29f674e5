"""`cvmigrate scan PATH... [--format table|json|markdown|sarif] [--out FILE]`: legacy Custom Vision /
Image Analysis use in source trees and configuration, with the replacement of each finding."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from ..errors import UserError
from ..scan.formats import FORMATS, LEVELS, at_or_above, render
from ..scan.scanner import ScanResult, scan

EXIT_FOUND = 3


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("scan", help="find Custom Vision / Computer Vision / Image Analysis / Face use in code and "
                                    "config (SDKs, REST URLs, key headers, endpoints, keys in source)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to scan (.gitignore is respected)")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default table); sarif is "
                                                                     "SARIF 2.1.0 for code-scanning uploads")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of stdout (replaced whole, never half-written)")
    p.add_argument("--fail-on", choices=("none",) + LEVELS, default="none",
                   help="exit 3 when a finding is at this SARIF level or above: error (a key in source), warning "
                        "(also SDK, REST, key headers), note (also endpoints); default none (exit 0)")
    p.add_argument("--jobs", type=int, metavar="N", help="worker processes (default: the CPUs available)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    for path in args.paths:
        if not os.path.exists(path):
            raise UserError(f"PATH {path}: no such file or folder; pass a checkout folder or a file")
    if args.jobs is not None and args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    result = scan(args.paths, jobs=args.jobs)
    text = render(result, args.format)
    if not args.out:
        sys.stdout.write(text)
        return _gate(result, args.fail_on)
    out = Path(args.out)
    try:
        fd, tmp = tempfile.mkstemp(dir=out.parent if str(out.parent) else ".", prefix=f".{out.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(f"--out {args.out}: cannot write ({exc.strerror}); pick a writable file") from None
    print(f"wrote {len(result.findings)} findings ({args.format}) to {args.out}; "
          f"{result.files_scanned} files scanned", file=sys.stderr)
    return _gate(result, args.fail_on)


def _gate(result: ScanResult, level: str) -> int:
    """Exit 3 when --fail-on LEVEL finds something at that level or above (the report is written first)."""
    if level == "none":
        return 0
    failing = at_or_above(result, level)
    if not failing:
        return 0
    print(f"cvmigrate scan: {len(failing)} finding(s) at level {level} or above (--fail-on {level})",
          file=sys.stderr)
    return EXIT_FOUND
