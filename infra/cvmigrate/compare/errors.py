"""Errors `compare` raises. User-facing: one line, exit code 2, no traceback, never a key."""
from __future__ import annotations

from ..errors import UserError


class CompareError(UserError):
    """The comparison cannot run (bad dataset, bad option, rejected key, unknown model)."""
