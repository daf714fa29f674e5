"""Argument parsing shared by several subcommands."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Optional

from ..clouds import Cloud
from ..errors import UserError
from ..export.keyvault import legacy_key_location, read_secret
from ..redaction import register


def add_stack(parser: argparse.ArgumentParser) -> None:
    """The required ``--stack ENV`` of every command that reads a stack file."""
    parser.add_argument("--stack", required=True, metavar="ENV", help="stack name (reads Pulumi.<ENV>.yaml) or a path")


def parse_time(text: str | None, flag: str) -> dt.datetime | None:
    """An ISO date/time argument (``Z`` allowed, UTC when no offset is given); None when not given."""
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"{flag} {text!r} is not an ISO date/time; use e.g. 2027-06-01T00:00:00Z") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def check_output_folder(path: Path | str, flag: str) -> None:
    """An output folder argument must not name an existing file: checked before any service is called, so the
    mistake costs nothing and nothing is half-written."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{flag} {folder} is a file, not a folder. Fix: give an empty folder (or a previous "
                        "run's folder to resume)")


def legacy_key(args: argparse.Namespace, role: str, env_var: str, *, fallback: str, alternatives: str = "",
               cloud: Optional[Cloud] = None) -> str:
    """A workload's legacy Custom Vision ``role`` key (training | prediction): from the stack's Key Vault when
    --stack and --workload are given, else from the environment variable ``env_var``. ``fallback`` tells the user
    how else to give the key when the vault cannot hold it; ``alternatives`` names other ways in the message for an
    unset variable. The key is registered with the redactor either way."""
    if args.stack or args.workload:
        if not (args.stack and args.workload):
            raise UserError(f"--stack and --workload go together (the key is the workload's {role} key)")
        url, secret = legacy_key_location(args.stack, args.workload, role, fallback, cloud)
        return read_secret(url, secret, cloud=cloud)      # registered with the redactor by read_secret
    value = os.environ.get(env_var, "").strip()
    register(value)
    if not value:
        raise UserError(f"environment variable {env_var} is not set; export the {role} key into it{alternatives} or "
                        "read it from Key Vault with --stack <env> --workload <name>")
    return value


def check_output_file(path: Path | str, flag: str) -> None:
    """An output file argument must name a file in an existing folder: checked before the work starts."""
    out = Path(path)
    if out.is_dir():
        raise UserError(f"{flag} {out} is a folder. Fix: give a file path, e.g. {out / 'report.txt'}")
    if not out.parent.is_dir():
        raise UserError(f"{flag} {out}: its folder {out.parent} does not exist. Fix: create it or choose another path")


def write_file(path: Path | str, text: str, flag: str) -> None:
    """Write ``text`` to ``path`` whole: a temporary file beside it, renamed when complete (never half-written)."""
    out = Path(path)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except OSError as exc:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        raise UserError(f"{flag} {out}: cannot write ({exc.strerror}). Fix: choose a writable file") from None
