"""Content Understanding analyzers created and updated idempotently through the REST API (a local stand-in,
cu_fake), from definitions kept in the stack config; the region rule; its calls counted as replacement traffic."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from cvmigrate.artefacts import build_params
from cvmigrate.cli import main
from cvmigrate.config import parse_stack_config, replacement_refs
from cvmigrate.content_understanding.analyzers_api import ContentUnderstandingClient, ContentUnderstandingError
from cvmigrate.content_understanding.definition import AnalyzerDefinition, AnalyzerField
from cvmigrate.content_understanding.sync import sync_analyzers

from .cu_fake import KEY, FakeContentUnderstanding

SHELF = AnalyzerDefinition(
    id="shelf-classifier", description="Shelf photos by product family", completion_model="gpt-4-1",
    fields=(AnalyzerField("Family", "string", "classify", "the product family", ("cereal", "snacks", "drinks")),))


@pytest.fixture
def fake():
    server = FakeContentUnderstanding()
    yield server
    server.close()


def client(fake, key=KEY):
    return ContentUnderstandingClient(fake.endpoint, key=key, sleep=lambda s: None)


def test_first_run_creates_then_nothing_changes(fake):
    with client(fake) as c:
        assert [(a.analyzer, a.action) for a in sync_analyzers(c, [SHELF])] == [("shelf-classifier", "created")]
        stored = fake.analyzers["shelf-classifier"]
        assert stored["baseAnalyzerId"] == "prebuilt-image" and stored["models"] == {"completion": "gpt-4-1"}
        assert stored["fieldSchema"] == {"fields": {"Family": {"type": "string", "method": "classify",
                                                               "description": "the product family",
                                                               "enum": ["cereal", "snacks", "drinks"]}}}
        assert fake.operations == {"op-1": 2}               # polled: Running, then Succeeded
        before = list(fake.requests)
        assert [a.action for a in sync_analyzers(c, [SHELF])] == ["unchanged"]
    assert [m for m, _ in fake.requests[len(before):]] == ["GET"]    # idempotent: only a read


def test_a_changed_definition_is_deleted_and_created_again(fake):
    changed = AnalyzerDefinition(id=SHELF.id, description=SHELF.description, completion_model="gpt-4-1",
                                 fields=(AnalyzerField("Family", "array", "classify", "", ("cereal", "snacks")),))
    with client(fake) as c:
        sync_analyzers(c, [SHELF])
        start = len(fake.requests)
        assert [a.action for a in sync_analyzers(c, [changed])] == ["replaced"]
    methods = [m for m, p in fake.requests[start:] if "/operations/" not in p]
    assert methods == ["GET", "DELETE", "PUT"]
    assert fake.analyzers[SHELF.id]["fieldSchema"]["fields"]["Family"] == {
        "type": "array", "method": "classify", "items": {"type": "string", "enum": ["cereal", "snacks"]}}


def test_dry_run_changes_nothing(fake):
    with client(fake) as c:
        assert [a.action for a in sync_analyzers(c, [SHELF], dry_run=True)] == ["would-create"]
    assert fake.analyzers == {} and [m for m, _ in fake.requests] == ["GET"]


def test_a_wrong_key_is_one_line_without_the_key(fake):
    with client(fake, key="wrong-key-9876543210") as c, pytest.raises(ContentUnderstandingError) as info:
        sync_analyzers(c, [SHELF])
    text = str(info.value)
    assert "HTTP 401" in text and "not accepted by 127.0.0.1" in text
    assert "wrong-key" not in text and "\n" not in text


def test_a_failed_operation_names_the_service_error(fake):
    fake.fail_operations = True
    with client(fake) as c, pytest.raises(ContentUnderstandingError, match="InvalidFieldSchema: bad schema"):
        sync_analyzers(c, [SHELF])


BASE = {"azure-native:location": "westeurope", "azure-native:subscriptionId": "11111111-2222-3333-4444-555555555555",
        "cvmigrate:retirementDate": "2028-09-25", "cvmigrate:alerts": {"emails": ["oncall@contoso.com"]}}


def cu_stack(location: str = "westeurope", fields=None) -> dict:
    fields = fields or [{"name": "Family", "method": "classify", "description": "the product family",
                         "enum": ["cereal", "snacks", "drinks"]}]
    return {**BASE, "cvmigrate:replacement": {"foundry": {"location": location}},
            "cvmigrate:workloads": [{
                "name": "shelf", "legacy": {"customVision": {"mode": "create", "trainingName": "cv-shelf-train",
                                                             "predictionName": "cv-shelf-pred"}},
                "replacement": {"contentUnderstanding": {"analyzers": [{
                    "id": "shelf-classifier", "description": "Shelf photos by product family",
                    "completionModel": "gpt-4-1", "fields": fields}]}}}]}


def test_the_stack_definition_parses_to_the_same_analyzer_and_counts_as_replacement_traffic():
    cfg, issues = parse_stack_config(cu_stack(), "dev")
    assert cfg is not None, [str(i) for i in issues]
    assert cfg.workloads[0].replacement.content_understanding.analyzers == (SHELF,)
    accounts = build_params(cfg, refs=replacement_refs(cfg))["replacement_accounts"]
    assert [(a["workload"], a["target"], a["deployment"]) for a in accounts] == [("shelf", "contentUnderstanding", "")]


@pytest.mark.parametrize("raw, message", [
    (cu_stack(location="brazilsouth"), "needs the shared AIServices account in a Content Understanding region"),
    (cu_stack(fields=[{"name": "Family", "method": "classify"}]), "enum: is required for a classify field"),
    (cu_stack(fields=[{"name": "Family", "method": "extract", "enum": ["a"]}]), "method"),
])
def test_bad_definitions_and_regions_are_config_errors(raw, message):
    cfg, issues = parse_stack_config(raw, "dev")
    assert cfg is None and any(message in str(i) for i in issues), [str(i) for i in issues]


def test_cli_syncs_the_stack_analyzers(fake, tmp_path: Path, monkeypatch, capsys):
    stack = tmp_path / "Pulumi.dev.yaml"
    stack.write_text(yaml.safe_dump({"config": cu_stack()}))
    monkeypatch.setenv("AZURE_CONTENT_UNDERSTANDING_KEY", KEY)
    assert main(["analyzers", "--stack", str(stack), "--endpoint", fake.endpoint]) == 0
    assert main(["analyzers", "--stack", str(stack), "--endpoint", fake.endpoint]) == 0
    assert capsys.readouterr().out.splitlines() == ["shelf/shelf-classifier: created", "shelf/shelf-classifier: unchanged"]
    assert main(["analyzers", "--stack", str(stack), "--endpoint", "http://example.com"]) == 2
    assert "--endpoint" in capsys.readouterr().err


def test_calls_on_the_shared_account_count_as_the_workloads_replacement_traffic():
    import datetime as dt

    from cvmigrate.artefacts import render_all
    from cvmigrate.report import duck

    cfg, _ = parse_stack_config(cu_stack(), "dev")
    (ref,) = [r for r in replacement_refs(cfg) if r.target == "contentUnderstanding"]
    now = dt.datetime(2027, 3, 10, 12, tzinfo=dt.timezone.utc)

    def row(resource, minutes):
        return {"TimeGenerated": now - dt.timedelta(minutes=minutes), "Resource": resource.upper(),
                "ResourceProvider": "MICROSOFT.COGNITIVESERVICES", "Category": "RequestResponse",
                "OperationName": "Analyze", "ResultSignature": "200", "DurationMs": 900, "Type": "AzureDiagnostics"}

    con = duck.connect()
    duck.insert_rows(con, "AzureDiagnostics", [row(ref.name, m) for m in range(1, 7)] + [row("cv-shelf-pred", 3)] * 2)
    rows = duck.run_query(con, render_all(cfg, names=("cutover_progress",))["cutover_progress"].text, now)
    # 6 Content Understanding calls against 2 legacy prediction calls: legacy share 2 / 8.
    assert [(r["Workload"], r["LegacyCalls"], r["ReplacementCalls"], r["LegacyShare"]) for r in rows] == [
        ("shelf", 2, 6, 0.25)]
