"""Render the query templates of queries/ into self-contained KQL.

Every ``queries/<name>.kql`` (names starting with ``_`` are shared fragments) opens with a header
that the rendered text keeps, so a pasted query documents itself::

    // <name>: <what it answers>
    // Columns: A, B, C
    // Source: logs | arg
    // Portable: yes | no - <the duckdb-kql construct it needs>
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

import jinja2

from ..config.stack_config import StackConfig
from ..config.replacement_refs import ReplacementRef, replacement_refs
from ..paths import queries_dir
from .params import build_params, load_error_classes

QUERY_NAMES = (
    "legacy_traffic", "error_classes", "cutover_progress", "burndown", "top_callers",
    "decommission_readiness", "replacement_health", "legacy_regression", "inventory", "ia_feature_usage",
    "cutover_checklist", "pipeline_health",
)


@dataclass(frozen=True)
class RenderedQuery:
    name: str
    text: str                   # self-contained KQL, runs as-is in Log Analytics (source "logs") or ARG ("arg")
    description: str
    columns: tuple[str, ...]    # output columns, in order
    source: str                 # "logs" | "arg"
    portable: bool              # runs on DuckDB through duckdb-kql
    portable_note: str = ""     # why not, when it is not


def kql_string(value: Any) -> str:
    """A KQL string literal. Escapes the characters a double-quoted Kusto literal treats specially."""
    if not isinstance(value, str):
        raise TypeError(f"expected a string for a KQL literal, got {type(value).__name__} {value!r}")
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"')
               .replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))
    return f'"{escaped}"'


def kql_list(values: Iterable[Any]) -> str:
    return ", ".join(kql_string(v) for v in values)


def kql_real(value: Any) -> str:
    """A real literal (always with a decimal point, so integer division never creeps in)."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    text = repr(number)
    return text if ("." in text or "e" in text) else text + ".0"


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs in jinja2's per-user temporary folder: a run otherwise compiles its
    ~25 templates again (0.1 s of every `status`). jinja2 recompiles a template whose source changed; the key also
    holds what else shapes the compiled code (jinja2's version, the environment's syntax options), so a changed
    option never reuses old code. A cache that cannot be read or written is no cache."""

    def __init__(self, options: str):
        super().__init__()                  # jinja2's default folder: <temp>/_jinja2-cache-<uid>, checked private
        self.options = options

    def get_cache_key(self, name: str, filename: Optional[str] = None) -> str:
        return super().get_cache_key(f"{self.options}|{name}", filename)

    def load_bytecode(self, bucket: Any) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - unreadable or damaged: compile the template as without a cache
            bucket.reset()

    def dump_bytecode(self, bucket: Any) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:                     # not writable (full, read-only): the next run compiles again
            pass


@lru_cache(maxsize=4)
def template_environment(folder: str) -> Any:
    """The jinja2 environment every cvmigrate template renders in (queries, alert queries, workbook
    layout): strict about undefined names, with the KQL literal filters; compiled templates are kept between
    runs (:class:`_CompiledTemplates`)."""
    options = dict(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        undefined=jinja2.StrictUndefined,   # a misspelt parameter fails the render, never renders as ""
        **options,
    )
    env.filters.update(kql=kql_string, kql_list=kql_list, kql_real=kql_real)
    try:
        env.bytecode_cache = _CompiledTemplates(f"jinja2 {jinja2.__version__} {sorted(options.items())}")
    except (OSError, RuntimeError):         # no private temporary folder: compile every run
        pass
    return env


def render_template(path: str, params: Mapping[str, Any]) -> str:
    """Render the template ``queries/<path>`` with ``params``: the one place a query's text is made."""
    text = template_environment(str(queries_dir())).get_template(path).render(**params)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_query(name: str, params: Mapping[str, Any]) -> str:
    """Render ``queries/<name>.kql`` with ``params`` (see :func:`cvmigrate.artefacts.params.build_params`)."""
    if name not in QUERY_NAMES:
        raise KeyError(f"unknown query {name!r}; known: {', '.join(QUERY_NAMES)}")
    return render_template(f"{name}.kql", params)


def parse_header(name: str, text: str) -> RenderedQuery:
    head: dict[str, str] = {}
    description = ""
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        key, sep, value = body.partition(":")
        if not description and key == name and sep:
            description = value.strip()
        elif sep and key in ("Columns", "Source", "Portable"):
            head[key] = value.strip()
    missing = [k for k in ("Columns", "Source", "Portable") if k not in head]
    if not description or missing:
        raise ValueError(f"queries/{name}.kql: header must start with '// {name}: <description>' and have "
                         f"// Columns:, // Source: and // Portable: lines (missing: {', '.join(missing) or 'description'})")
    portable_text = head["Portable"]
    portable = portable_text.lower().startswith("yes")
    note = "" if portable else portable_text.split("-", 1)[-1].strip()
    return RenderedQuery(
        name=name, text=text, description=description,
        columns=tuple(c.strip() for c in head["Columns"].split(",")),
        source=head["Source"], portable=portable, portable_note=note,
    )


def render_all(cfg: StackConfig, *, refs: Optional[Sequence[ReplacementRef]] = None,
               error_classes_path: Optional[Path] = None,
               names: Sequence[str] = QUERY_NAMES, evidence_base: Optional[Path] = None) -> dict[str, RenderedQuery]:
    """Every query rendered for ``cfg``, keyed by name, in :data:`QUERY_NAMES` order.

    ``refs``: replacement refs (default: the stack's own); ``error_classes_path``: a user file merged
    over queries/error_classes.yaml (raises :class:`ErrorClassesError` when it is invalid); ``evidence_base``:
    the folder workloads[].evidence paths are relative to (the stack file's)."""
    classes = load_error_classes(error_classes_path)
    refs = replacement_refs(cfg) if refs is None else refs
    return render_queries(build_params(cfg, refs=refs, error_classes=classes, evidence_base=evidence_base), names)


def render_queries(params: Mapping[str, Any], names: Sequence[str] = QUERY_NAMES) -> dict[str, RenderedQuery]:
    """Every query rendered with already-built ``params`` (for callers that also need the params)."""
    return {name: parse_header(name, render_query(name, params)) for name in names}
