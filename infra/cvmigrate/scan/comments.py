"""Blank out comments (keeping strings, line numbers and columns) so a commented-out call is no finding.

A small tokenizer per comment style: string literals are matched first so a `//` or `#` inside a string
(`"https://..."`, `"#fff"`) is not taken for a comment. Every character of a comment becomes a space; its
newlines stay, so the lines and columns of what follows are unchanged.
"""
from __future__ import annotations

import re

_DQ = r'"(?:\\.|[^"\\\n])*"'
_SQ = r"'(?:\\.|[^'\\\n])*'"
_TRIPLE = r'"""(?:\\.|[^\\])*?"""|' + r"'''(?:\\.|[^\\])*?'''"
_BACKTICK = r"`(?:\\.|[^`\\])*`"

_STYLES = {
    # Python, shell, YAML, TOML, INI/.env, PowerShell, .http files
    "hash": re.compile(rf"(?P<s>{_TRIPLE}|{_DQ}|{_SQ})|(?P<c>#[^\n]*)", re.DOTALL),
    # C#, Java, Kotlin, Go, JavaScript/TypeScript, Terraform, Bicep, CSS (Java/Kotlin text blocks as triple)
    "c": re.compile(rf"(?P<s>{_TRIPLE}|{_DQ}|{_SQ}|{_BACKTICK})|(?P<c>//[^\n]*|/\*.*?(?:\*/|\Z))", re.DOTALL),
    "xml": re.compile(r"(?P<s>(?!))|(?P<c><!--.*?(?:-->|\Z))", re.DOTALL),
}

_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(match: re.Match[str]) -> str:
    if match.group("c") is None:
        return match.group(0)
    return _NOT_NEWLINE.sub(" ", match.group(0))


def strip_comments(text: str, style: str) -> str:
    """``text`` with every comment of ``style`` (hash | c | xml | none) replaced by spaces."""
    pattern = _STYLES.get(style)
    if pattern is None:
        return text
    return pattern.sub(_blank, text)
