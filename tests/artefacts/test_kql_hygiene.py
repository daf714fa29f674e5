"""Hygiene of the bundled queries: time filter first, scoping with ==/in~/has, no `contains` or
`search`, no hard-coded subscription IDs, every template variable defined; and the parameter edge cases."""
from __future__ import annotations

import re
from pathlib import Path

import jinja2
import jinja2.meta
import pytest

from kql_stacks import EMPTY, MIXED, MIXED_REFS

from cvmigrate.config.replacement_refs import ReplacementRef
from cvmigrate.artefacts import QUERY_NAMES, ErrorClassesError, build_params, load_error_classes, render_all, render_query
from cvmigrate.artefacts.queries import kql_string, template_environment
from cvmigrate.paths import queries_dir

LOG_TABLES = ("AzureDiagnostics", "AzureMetrics", "AmlOnlineEndpointTrafficLog", "AzureActivity")
SCOPED_COLUMNS = ("Resource", "EndpointName", "name", "['type']", "['kind']")
ALLOWED_SCOPING = ("==", "in~", "has", "=~", "in")


@pytest.fixture(scope="module")
def texts():
    return {name: q.text for name, q in render_all(MIXED, refs=MIXED_REFS).items()}


def code_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.lstrip().startswith("//")]


def lint(text: str) -> list[str]:
    problems = []
    lines = code_lines(text)
    body = "\n".join(lines)
    if re.search(r"\bcontains\b", body, re.I):
        problems.append("uses contains (slow, matches substrings of other names): use has, == or in~")
    if re.search(r"\bsearch\b", body, re.I):
        problems.append("uses search: scope to a table and filter columns")
    if re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", body, re.I) \
            or re.search(r"/subscriptions/", body, re.I):
        problems.append("hard-codes a subscription ID")
    for i, line in enumerate(lines):
        words = re.findall(r"\b\w+\b", line)
        if words[-1:] and words[-1] in LOG_TABLES and re.fullmatch(r"\W*(let \w+ = )?\(?\w+", line.strip()):
            following = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if not re.match(r"\|\s*where\s+TimeGenerated\b", following):
                problems.append(f"{words[-1]} is not filtered on TimeGenerated first: {following!r}")
    for column in SCOPED_COLUMNS:
        for match in re.finditer(r"\|\s*where\s+" + re.escape(column) + r"\s+(\S+)", body):
            if match.group(1) not in ALLOWED_SCOPING:
                problems.append(f"scopes {column} with {match.group(1)}")
    return problems


@pytest.mark.parametrize("name", QUERY_NAMES)
def test_bundled_query_is_clean(texts, name):
    assert lint(texts[name]) == []


@pytest.mark.parametrize("bad, expected", [
    ("AzureDiagnostics\n| where Resource contains \"cv\"", "uses contains"),
    ("search * | take 1", "uses search"),
    ("AzureDiagnostics\n| where ResourceProvider == \"X\"\n| where TimeGenerated > ago(1d)", "not filtered on TimeGenerated"),
    ("AzureDiagnostics\n| where TimeGenerated > ago(1d)\n| where Resource startswith \"cv\"", "scopes Resource with startswith"),
    ("AzureDiagnostics\n| where TimeGenerated > ago(1d)\n| where _ResourceId == "
     "\"/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/x\"", "hard-codes a subscription ID"),
])
def test_lint_catches_each_rule(bad, expected):
    assert any(expected in p for p in lint(bad))


def test_every_template_variable_is_a_render_parameter():
    env = template_environment(str(queries_dir()))
    params = build_params(MIXED, refs=MIXED_REFS)
    for path in sorted(Path(queries_dir()).glob("*.kql")):
        source = path.read_text(encoding="utf-8")
        undeclared = jinja2.meta.find_undeclared_variables(env.parse(source))
        assert undeclared <= set(params), f"{path.name}: {sorted(undeclared - set(params))}"


def test_missing_parameter_fails_the_render_instead_of_rendering_empty():
    params = build_params(MIXED, refs=MIXED_REFS)
    del params["silent_days"]
    with pytest.raises(jinja2.UndefinedError):
        render_query("decommission_readiness", params)


def test_names_are_matched_case_insensitively_through_lower_cased_literals():
    params = build_params(MIXED, refs=MIXED_REFS)
    assert {a["account"] for a in params["legacy_accounts"]} == {
        "cv-shelf-train", "cv-shelf-pred", "receipts-vision-01", "cv-norepl-train", "cv-norepl-pred", "silent-vision"}
    assert params["replacement_endpoints"] == [{"endpoint": "ep-shelf-a", "workload": "Shelf-Scanner-A", "target": "automl"}]
    assert params["replacement_accounts"] == [
        {"account": "ais-shared-01", "workload": "receipts", "target": "foundry", "deployment": "receipts-gpt"},
        {"account": "ais-shared-01", "workload": "receipts", "target": "foundry", "deployment": "receipts-mini"},
        {"account": "di-silent", "workload": "Silent-One", "target": "documentIntelligence", "deployment": ""},
    ]
    text = render_query("legacy_traffic", params)
    assert '"cv-shelf-pred", "Shelf-Scanner-A", "Prediction"' in text   # workload name keeps its case


def test_workload_without_replacement_gets_no_replacement_rows():
    params = build_params(MIXED, refs=[ReplacementRef("Silent-One", "face", "Face-Silent")])
    assert params["replacement_endpoints"] == []
    assert params["replacement_accounts"] == [
        {"account": "face-silent", "workload": "Silent-One", "target": "face", "deployment": ""}]
    text = render_query("cutover_progress", params)
    assert "let ReplacementEndpointNames = dynamic([]);" in text
    assert '"Shelf-Scanner-A"' not in text.split("let ReplacementAccounts")[1].split("];")[0]


def test_zero_workloads_render_empty_datatables():
    text = render_all(EMPTY, refs=[])["legacy_traffic"].text
    assert "let LegacyAccounts = datatable(Account:string, Workload:string, Kind:string)[\n];" in text
    assert "let LegacyAccountNames = dynamic([]);" in text


def test_thresholds_from_the_stack_reach_the_queries():
    from cvmigrate.config.parse import parse_stack_config
    from kql_stacks import TODAY
    cfg, issues = parse_stack_config({
        "azure-native:location": "westeurope", "azure-native:subscriptionId": "11111111-2222-3333-4444-555555555555",
        "cvmigrate:alerts": {"emails": ["oncall@contoso.com"],
                             "thresholds": {"regressionTolerance": 0.5, "replacementMaxErrorRate": 0.02}},
    }, "t", today=TODAY)
    assert cfg is not None, [str(i) for i in issues]
    queries = render_all(cfg, refs=[])
    assert "let RegressionTolerance = 0.5;" in queries["legacy_regression"].text
    assert "ErrorRate <= 0.02 and" in queries["replacement_health"].text


def test_kql_strings_are_escaped():
    assert kql_string('say "hi" \\ now\n') == '"say \\"hi\\" \\\\ now\\n"'


def test_error_class_override_replaces_hints_and_inserts_new_classes_before_catch_alls(tmp_path):
    override = tmp_path / "classes.yaml"
    override.write_text(
        "classes:\n"
        "  - {class: key_mismatch_401, statuses: [401], hint: 'Rotate to the key in vault kv-vision.'}\n"
        "  - {class: gone_410, statuses: [410], hint: 'The \"v2\" endpoint is gone; call v3.'}\n")
    classes = load_error_classes(override)
    names = [c["class"] for c in classes]
    assert names.index("gone_410") < names.index("server_5xx") < names.index("other_4xx")
    text = render_all(MIXED, refs=[], error_classes_path=override)["error_classes"].text
    assert '"key_mismatch_401", "", "Rotate to the key in vault kv-vision."' in text     # Sku "": the class's hint
    assert 'Status in (410), "gone_410"' in text and '\\"v2\\"' in text


@pytest.mark.parametrize("content, message", [
    ("classes: []", "non-empty 'classes'"),
    ("classes:\n  - {class: Bad-Name, statuses: [401], hint: x}", ".class must be"),
    ("classes:\n  - {class: a_1, statuses: [200], hint: x}", ".statuses must list HTTP error statuses"),
    ("classes:\n  - {class: a_1, hint: x}", "exactly one of statuses"),
    ("classes:\n  - {class: a_1, range: [599, 500], hint: x}", ".range must be"),
])
def test_invalid_error_class_files_are_rejected_with_the_entry_named(tmp_path, content, message):
    path = tmp_path / "c.yaml"
    path.write_text(content)
    with pytest.raises(ErrorClassesError, match=re.escape(message)):
        load_error_classes(path)
