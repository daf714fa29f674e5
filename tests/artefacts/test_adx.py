"""`cvmigrate render --target adx`: the external tables over the archive and the library queries against them,
checked with Microsoft's Kusto language service (tests/kusto/check.js): the control commands parse, and every
library query, run through the two compat functions over the external tables, resolves every name."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cvmigrate.cli import main
from cvmigrate.artefacts.adx import TABLES, commands
from kusto_check import check_kql

ROOT = Path(__file__).resolve().parents[2]
DEMO = str(ROOT / "examples" / "Pulumi.demo.yaml")
SUB = "00000000-1111-2222-3333-444444444444"
# The external tables' columns: the resource-log common schema of the stored records (durationMs a number).
REQUESTS = {"time": "datetime", "resourceId": "string", "category": "string", "operationName": "string",
            "operationVersion": "string", "resultType": "string", "resultSignature": "string",
            "resultDescription": "string", "durationMs": "long", "callerIpAddress": "string",
            "correlationId": "string", "level": "string", "location": "string", "Tenant": "string",
            "event": "string", "properties": "dynamic", "Hour": "datetime"}
TRAFFIC = {"time": "datetime", "resourceId": "string", "category": "string", "operationName": "string",
           "location": "string", "properties": "dynamic"}
EXTERNAL = {"adx": {TABLES["requests"]: REQUESTS, TABLES["traffic"]: TRAFFIC}}


@pytest.fixture
def rendered(tmp_path, capsys):
    code = main(["render", "--stack", DEMO, "--out", str(tmp_path), "--target", "adx", "--storage-account",
                 "stcvmlogs", "--subscription", SUB, "--cloud", "AzureUSGovernment"])
    assert code == 0, capsys.readouterr().err
    return tmp_path / "adx"


def function_bodies(setup: str) -> dict[str, str]:
    out = {}
    for command in commands(setup):
        match = re.match(r"\.create-or-alter function .*?\) (\w+)\(\) \{(.*)\}\s*$", command, re.S)
        if match:
            out[match.group(1)] = match.group(2)
    return out


def test_commands_parse_and_name_one_folder_per_account_in_the_clouds_storage(rendered):
    setup = (rendered / "archive_tables.kql").read_text()
    cmds = commands(setup)
    assert [c.split("(")[0].split()[-1] if "function" not in c else c.split(")")[1].split("(")[0].strip()
            for c in cmds] == [TABLES["requests"], TABLES["traffic"], "AzureDiagnostics", "AmlOnlineEndpointTrafficLog"]
    uris = re.findall(r"h@'([^']+)'", cmds[0])
    assert uris and all(u.startswith("https://stcvmlogs.blob.core.usgovcloudapi.net/insights-logs-requestresponse/"
                                     f"resourceId=/SUBSCRIPTIONS/{SUB}/") and u.endswith(";impersonate") for u in uris)
    assert any("/ACCOUNTS/CV-SHELF-SCANNER-DEMO-PRED;" in u for u in uris)
    diagnostics = check_kql({f"cmd{i}": c for i, c in enumerate(cmds)}, sources={f"cmd{i}": "adx" for i in
                                                                              range(len(cmds))},
                            external_tables=EXTERNAL)
    assert {n: [d.render(cmds[int(n[3:])]) for d in ds if d.severity == "Error"] for n, ds in diagnostics.items()} \
        == {f"cmd{i}": [] for i in range(len(cmds))}


def test_every_library_query_runs_against_the_archive_functions(rendered):
    bodies = function_bodies((rendered / "archive_tables.kql").read_text())
    prelude = "".join(f"let {name} = view () {{{body}}};\n" for name, body in bodies.items())
    queries = {p.stem: prelude + p.read_text() for p in sorted((rendered / "queries").glob("*.kql"))}
    assert "cutover_progress" in queries and "inventory" not in queries and "pipeline_health" not in queries
    diagnostics = check_kql(queries, sources={n: "adx" for n in queries}, external_tables=EXTERNAL)
    errors = {n: [d.render(queries[n]) for d in ds if d.severity == "Error"] for n, ds in diagnostics.items()}
    assert errors == {n: [] for n in queries}


def test_the_check_catches_a_broken_command_and_an_unknown_column(rendered):
    cmd = commands((rendered / "archive_tables.kql").read_text())[0].replace("pathformat=(", "pathformat=")
    query = 'external_table("%s") | where NoSuchColumn > 1' % TABLES["requests"]
    diagnostics = check_kql({"cmd": cmd, "q": query}, sources={"cmd": "adx", "q": "adx"}, external_tables=EXTERNAL)
    assert all(any(d.severity == "Error" for d in ds) for ds in diagnostics.values())


def test_a_stack_without_an_archive_account_is_one_line_exit_2(tmp_path, capsys):
    code = main(["render", "--stack", DEMO, "--out", str(tmp_path), "--target", "adx"])
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("warning:")]
    assert code == 2 and len(err) == 1 and "--storage-account is needed" in err[0]
