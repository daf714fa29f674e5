"""Every rendered query passes Microsoft's Kusto language service (@kusto/language-service-next, pinned
in package.json) against the real column lists of queries/tables.yaml, for every parameter edge case."""
from __future__ import annotations

import pytest

from kql_stacks import EMPTY, MIXED, MIXED_REFS
from kusto_check import check_kql

from cvmigrate.artefacts import QUERY_NAMES, render_all

# Warnings the service may raise that are expected and harmless. Empty: any diagnostic fails.
EXPECTED_WARNINGS: set[tuple[str, str]] = set()

CASES = {
    "mixed": (MIXED, MIXED_REFS),
    "no_refs": (MIXED, []),
    "zero_workloads": (EMPTY, []),
}


@pytest.fixture(scope="module")
def rendered():
    return {case: render_all(cfg, refs=refs) for case, (cfg, refs) in CASES.items()}


@pytest.fixture(scope="module")
def diagnostics(rendered):
    # One Node process for every query of every case.
    texts = {f"{case}/{name}": q.text for case, qs in rendered.items() for name, q in qs.items()}
    sources = {f"{case}/{name}": q.source for case, qs in rendered.items() for name, q in qs.items()}
    texts["sanity/unknown_column"] = "AzureDiagnostics | where TimeGenerated > ago(1d) | where NoSuchColumn == 1"
    texts["sanity/logs_table_in_arg"] = "AzureDiagnostics | take 1"
    sources["sanity/logs_table_in_arg"] = "arg"
    return check_kql(texts, sources)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("name", QUERY_NAMES)
def test_rendered_query_has_no_kusto_diagnostics(diagnostics, rendered, case, name):
    text = rendered[case][name].text
    found = [d for d in diagnostics[f"{case}/{name}"] if (d.severity, d.code) not in EXPECTED_WARNINGS]
    assert not found, "\n".join(d.render(text) for d in found)


def test_checker_reports_unknown_columns_and_tables(diagnostics):
    assert [d.code for d in diagnostics["sanity/unknown_column"]] == ["KS142"]
    assert "NoSuchColumn" in diagnostics["sanity/unknown_column"][0].message
    assert [d.severity for d in diagnostics["sanity/logs_table_in_arg"]] == ["Error"]


def test_every_query_declares_columns_source_and_portability(rendered):
    for name, q in rendered["mixed"].items():
        assert q.description and q.columns and q.source in ("logs", "arg"), name
    assert rendered["mixed"]["inventory"].source == "arg"
    assert rendered["mixed"]["error_classes"].columns == (
        "Workload", "Account", "ErrorClass", "Calls", "ErrorRate", "FirstSeen", "LastSeen", "Sku", "Region",
        "ResourceId", "Samples", "Hint")
