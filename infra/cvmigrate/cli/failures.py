"""How the `cvmigrate` CLI reports an exception: one redacted line, and the exit code.

- bad input a user or a service can send (a file that is not UTF-8, nested too deeply, unreadable or on a full
  disk, a path that names a file where a folder is needed, an invalid URL) -> one line naming the problem and
  the fix, exit 2;
- anything else is a bug -> one line saying so, exit 1; the traceback only with ``CVMIGRATE_DEBUG=1``, and
  redacted like every other line.

Every line goes through :func:`cvmigrate.redaction.redact`, so keys and URL credentials never reach the terminal.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import traceback
from typing import Optional

from ..redaction import redact

EXIT_BAD_INPUT = 2
EXIT_BUG = 1
DEBUG_ENV = "CVMIGRATE_DEBUG"
LONGEST_TOKEN = 200            # a value quoted in a message is cut beyond this (a 50 MB line stays one line)
_LONG_TOKEN = re.compile(r"\S{%d,}" % (LONGEST_TOKEN + 1))

# errno -> (what happened, the fix)
_OS_ERRORS = {getattr(errno, name): text for name, text in {
    "ENOSPC": ("no space left on the device", "free space or point the output somewhere else"),
    "EDQUOT": ("disk quota exceeded", "free space or point the output somewhere else"),
    "EROFS": ("the file system is read-only", "choose a writable folder"),
    "EACCES": ("permission denied", "check the file's permissions or run as a user who may read/write it"),
    "EPERM": ("operation not permitted", "check the file's permissions"),
    "ENOENT": ("no such file or folder", "check the path"),
    "ENOTDIR": ("a path component is a file, not a folder", "give a folder path (or remove the file)"),
    "EISDIR": ("is a folder, not a file", "give a file path"),
    "ELOOP": ("too many levels of symbolic links (a symlink loop)", "fix or remove the symbolic link"),
    "ENAMETOOLONG": ("file name too long", "use a shorter path"),
    "EEXIST": ("already exists", "remove it or choose another path"),
    "EMFILE": ("too many open files", "raise the open-file limit (ulimit -n) or scan less at once"),
    "EIO": ("input/output error", "check the disk"),
}.items() if hasattr(errno, name)}


def _inputs(args) -> str:
    """The file-like arguments the user gave, for naming the culprit when an exception does not."""
    named = []
    for option in ("stack", "source", "out", "error_classes", "chart", "paths"):
        value = getattr(args, option, None)
        if value:
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            named.append(f"--{option.replace('_', '-')} {shown}" if option != "paths" else shown)
    return "; ".join(named)


def bad_input_message(exc: BaseException, args) -> Optional[str]:
    """The one-line message for an exception caused by bad input, or None when it is a bug."""
    if isinstance(exc, OSError) and exc.errno in _OS_ERRORS:
        what, fix = _OS_ERRORS[exc.errno]
        where = exc.filename or _inputs(args) or "a file"
        extra = f" -> {exc.filename2}" if getattr(exc, "filename2", None) else ""
        return f"{where}{extra}: {what}. Fix: {fix}."
    if isinstance(exc, UnicodeDecodeError):
        byte = exc.object[exc.start:exc.start + 1].hex() if isinstance(exc.object, bytes) else "?"
        return (f"{_inputs(args) or 'an input file'}: not UTF-8 text (byte 0x{byte} at offset {exc.start}). "
                "Fix: save the file as UTF-8 (a Windows editor may have saved it as cp1252/ANSI).")
    if isinstance(exc, RecursionError):
        return (f"{_inputs(args) or 'the input'}: nested too deeply to read (lists or maps inside each other "
                "hundreds of levels deep). Fix: flatten the structure.")
    if isinstance(exc, MemoryError):
        return f"{_inputs(args) or 'the input'}: too large to read into memory. Fix: split it or give a smaller file."
    if isinstance(exc, ValueError) and "null byte" in str(exc):
        return "an argument contains a NUL byte. Fix: remove it (paths and names cannot contain \\0)."
    return None


class RedactingStream:
    """A text stream that redacts every write before passing it on (stderr while a command runs: warnings,
    progress and anything a library prints there)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextlib.contextmanager
def redacted_stderr():
    original = sys.stderr
    sys.stderr = RedactingStream(original)
    try:
        yield
    finally:
        sys.stderr = original


def clip(text: str) -> str:
    """Cut every whitespace-free run longer than LONGEST_TOKEN characters to its head and its length."""
    return _LONG_TOKEN.sub(lambda m: f"{m.group()[:60]}...[{len(m.group()):,} characters]", text)


def emit(text: object) -> None:
    """Print one error text on stderr: redacted (secrets), clipped (huge values)."""
    print(clip(redact(text)), file=sys.stderr)


def report(exc: BaseException, args, command: str) -> int:
    """Print ``exc`` as one redacted line on stderr; return the exit code."""
    message = bad_input_message(exc, args)
    if message is not None:
        emit(f"cvmigrate {command}: {message}")
        return EXIT_BAD_INPUT
    emit(f"cvmigrate {command}: internal error ({type(exc).__name__}: {exc}). This is a bug in "
         f"cvmigrate: please report it; set {DEBUG_ENV}=1 to see where it happened.")
    if os.environ.get(DEBUG_ENV):
        emit("".join(traceback.format_exception(exc)))
    return EXIT_BUG
