"""The user-error hierarchy: problems the user can fix (bad input, an unusable archive or workspace, a
failing export). Library code raises these with a one-line message that names the input by its library
name (``field``) and never a command-line flag; only :mod:`cvmigrate.cli` maps a field to its flag and an
error to an exit code (2, one line, never a traceback).

Each package's own failures are :class:`UserError` subclasses kept here, one home for every user error
(:class:`ExportError`, :class:`TrainingApiError`, :class:`CompareError`). Configuration problems have their
own types in :mod:`cvmigrate.config.problems` (every problem at once, with its config path), which the CLI
maps the same way.
"""
from __future__ import annotations

from typing import Callable, Optional


class UserError(Exception):
    """Bad input or an unusable environment the user can fix.

    ``field`` names the input the message is about, as the library calls it ("source", "endpoint"); the
    message then reads as its continuation ("'x' is not a URL"). ``str()`` joins the two.

    ``mentions`` names other inputs the message refers to, each written ``{name}`` in the message ("needs
    {datastore_uri}"); only those placeholders are filled, so braces elsewhere in the text are left alone.
    """

    def __init__(self, message: str, *, field: Optional[str] = None, mentions: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.field = field
        self.mentions = mentions

    def render(self, name: Callable[[str], str] = str) -> str:
        """The message with ``field`` and every mentioned input spelled by ``name`` (the CLI passes its flags)."""
        text = self.message
        for mention in self.mentions:
            text = text.replace("{" + mention + "}", name(mention))
        return f"{name(self.field)} {text}" if self.field else text

    def __str__(self) -> str:
        return self.render()


class ArchiveError(UserError):
    """A diagnostic archive cannot be used at all (missing path, nothing loadable)."""


class SourceError(UserError):
    """A Log Analytics workspace cannot answer at all (bad workspace ID, authentication, network)."""


class ErrorClassesError(UserError):
    """An error-classes file that cannot be used; the message names the entry and the fix."""


class TrainingApiError(UserError):
    """The Custom Vision Training API cannot be used as asked (bad key, wrong endpoint, service failure)."""


class ServiceError(TrainingApiError):
    """A non-retryable answer from the Training API, with the CustomVisionError code when there is one."""

    def __init__(self, operation: str, status: int, code: str, message: str):
        self.operation, self.status, self.code, self.service_message = operation, status, code, message
        detail = f"{code}: {message}" if code else message
        super().__init__(f"{operation} failed with HTTP {status}" + (f" ({detail})" if detail else ""))


class ImageUrlUnavailable(TrainingApiError):
    """An image's SAS URL answered 403 (expired signature) or 404: ask the API for a fresh URL."""

    def __init__(self, status: int):
        self.status = status
        super().__init__(f"the image URL answered HTTP {status}"
                         + (" (its SAS signature has expired)" if status == 403 else ""))


class UnsafeId(TrainingApiError):
    """An identifier from the service that is not a GUID, so it must not become a file name."""


class ExportError(UserError):
    """The export cannot go on (bad key, wrong endpoint, unknown project, service failure)."""


class ReconciliationError(ExportError):
    """What was exported differs from what the service says the project holds."""


class CompareError(UserError):
    """The comparison cannot run (bad dataset, bad option, rejected key, unknown model)."""


class BacktestError(UserError):
    """A backtest cannot run as asked (a window without data, an unreadable sample manifest)."""
