"""Errors the export raises. Both are user-facing: one line, exit code 2, no traceback."""
from __future__ import annotations

from ..errors import UserError


class ExportError(UserError):
    """The export cannot go on (bad key, wrong endpoint, unknown project, service failure)."""


class ReconciliationError(ExportError):
    """What was exported differs from what the service says the project holds."""
