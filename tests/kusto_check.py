"""Check KQL with Microsoft's Kusto language service (tests/kusto/check.js, one Node process per call).

    check_kql({"name": text, ...}, sources={"name": "arg"}) -> {"name": [Diagnostic, ...]}
    result_columns({"name": text, ...}) -> {"name": [("Column", "kusto type"), ...]}

The database the service resolves names against is built from queries/tables.yaml: tables whose
``database`` is ``logs`` (Log Analytics) or ``arg`` (Azure Resource Graph). The service does not know
workspace()/resource() or workbook {Param} placeholders: substitute them before checking.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve().parent / "kusto" / "check.js"


@dataclass(frozen=True)
class Diagnostic:
    severity: str      # Error | Warning | Suggestion | Information
    code: str          # e.g. KS142
    message: str
    start: int         # offset in the query text
    length: int

    def render(self, text: str) -> str:
        line = text.count("\n", 0, self.start) + 1
        snippet = text[self.start:self.start + max(self.length, 1)]
        return f"{self.severity} {self.code} line {line} at {snippet!r}: {self.message}"


def databases() -> dict[str, dict[str, dict[str, str]]]:
    doc = yaml.safe_load((ROOT / "queries" / "tables.yaml").read_text(encoding="utf-8"))
    out: dict[str, dict[str, dict[str, str]]] = {}
    for table, spec in doc["tables"].items():
        out.setdefault(spec["database"], {})[table] = dict(spec["columns"])
    return out


def _run(queries: Mapping[str, str], sources: Optional[Mapping[str, str]], columns: bool,
         external_tables: Optional[Mapping[str, Mapping[str, Mapping[str, str]]]] = None) -> dict:
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: the static KQL check needs Node 20 (run `make test`)")
    if not (ROOT / "node_modules" / "@kusto" / "language-service-next").is_dir():
        raise RuntimeError("@kusto/language-service-next is not installed: run `npm ci` (make test does)")
    payload = {
        "databases": databases(),
        "queries": {name: {"text": text, "database": (sources or {}).get(name, "logs")}
                    for name, text in queries.items()},
        "columns": columns,
        "externalTables": dict(external_tables or {}),
    }
    proc = subprocess.run([node, str(SCRIPT)], input=json.dumps(payload), capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"check.js failed ({proc.returncode}): {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def check_kql(queries: Mapping[str, str], sources: Optional[Mapping[str, str]] = None,
              external_tables: Optional[Mapping[str, Mapping[str, Mapping[str, str]]]] = None
              ) -> dict[str, list[Diagnostic]]:
    """Diagnostics of every query; ``sources`` maps a name to its database ("logs" unless given);
    ``external_tables`` adds ADX external tables: {database: {table: {column: type}}}."""
    raw = _run(queries, sources, columns=False, external_tables=external_tables)
    return {name: [Diagnostic(**d) for d in diags] for name, diags in raw.items()}


def result_columns(queries: Mapping[str, str], sources: Optional[Mapping[str, str]] = None
                   ) -> dict[str, list[tuple[str, str]]]:
    """The result schema of every query as the language service infers it: [(column, kusto type), ...]."""
    raw = _run(queries, sources, columns=True)
    return {name: [(c, t) for c, t in cols] for name, cols in raw.items()}
