"""The user-error hierarchy: problems the user can fix (bad input, an unusable archive or workspace, a
failing export). Library code raises these with a one-line message that names the input by its library
name (``field``) and never a command-line flag; only :mod:`cvmigrate.cli` maps a field to its flag and an
error to an exit code (2, one line, never a traceback).

Packages subclass :class:`UserError` for their own failures (``export.errors.ExportError``,
``customvision.errors.TrainingApiError``, ``compare.errors.CompareError``). Configuration problems have their
own types in :mod:`cvmigrate.config` (every problem at once, with its config path), which the CLI maps the
same way.
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
