"""Argument parsing shared by several subcommands."""
from __future__ import annotations

import datetime as dt

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
