"""Argument parsing shared by several subcommands."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UserError


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
