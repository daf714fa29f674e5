"""`cvmigrate inventory` against the fake Training API v3.3 (GetDomains, GetProjects, GetTags, image counts,
GetIterations, GetIterationPerformance): every field the issue names, the hygiene findings with the thresholds of
inventory/hygiene.yaml, the three formats, fail-closed on a project that cannot be read, and --key-vault writing
the identifiers with Microsoft's SecretClient to a local Key Vault stand-in (tests/cloud_standin.py)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from cv_domains import CLASSIFICATION, CLASSIFICATION_COMPACT, DETECTION
from cv_fake import FakeProject, tag
from cvmigrate.cli import main
from cvmigrate.customvision import TrainingClient
from cvmigrate.inventory import collect, render

P1, P2, P3 = ("11111111-0000-4000-8000-000000000001", "22222222-0000-4000-8000-000000000002",
              "33333333-0000-4000-8000-000000000003")
PRED = ("/subscriptions/5e4f8a3c-0000-4000-8000-000000000000/resourceGroups/rg/providers/"
        "Microsoft.CognitiveServices/accounts/cv-pred")


def it(iteration_id, name, trained, publish="", exportable=False, domain=CLASSIFICATION):
    return {"id": iteration_id, "name": name, "status": "Completed", "created": trained, "lastModified": trained,
            "trainedAt": trained, "projectId": "x", "exportable": exportable,
            "exportableTo": ["ONNX", "TensorFlow"] if exportable else [], "domainId": domain["id"],
            "classificationType": None, "trainingType": "Regular", "reservedBudgetInHours": 0,
            "trainingTimeInMinutes": 3, "publishName": publish, "originalPublishResourceId": PRED if publish else ""}


@pytest.fixture
def estate(training_api):
    svc = training_api
    shelf = FakeProject(P1, "shelf products", CLASSIFICATION_COMPACT, "Multiclass",
                        [tag("t1", "Cat", count=600), tag("t2", "cat", count=40), tag("t3", "dog", count=3),
                         tag("t4", "Negative", "Negative", 1)])
    shelf.tagged = [{"id": f"{n:08x}-0000-4000-8000-000000000000"} for n in range(643)]
    shelf.untagged = [{"id": f"{n:08x}-0000-4000-8000-000000000001"} for n in range(7)]
    shelf.iterations = [it("it-a", "Iteration 1", "2024-01-01T00:00:00Z", exportable=True, domain=CLASSIFICATION_COMPACT),
                        it("it-b", "Iteration 2", "2024-02-01T00:00:00Z", publish="shelf-prod", exportable=True,
                           domain=CLASSIFICATION_COMPACT)]
    shelf.performance = {"it-b": {"perTagPerformance": [
        {"id": "t3", "name": "dog", "precision": 0.5, "precisionStdDeviation": 0, "recall": 0.25,
         "recallStdDeviation": 0, "averagePrecision": 0.4},
        {"id": "t1", "name": "Cat", "precision": 0.9, "precisionStdDeviation": 0, "recall": 0.8,
         "recallStdDeviation": 0, "averagePrecision": 0.85}],
        "precision": 0.88, "precisionStdDeviation": 0, "recall": 0.77, "recallStdDeviation": 0,
        "averagePrecision": 0.81}}
    cars = FakeProject(P2, "cars", DETECTION, None, [tag("c1", "car", count=120), tag("c2", "truck", count=60)])
    cars.tagged = [{"id": f"{n:08x}-0000-4000-8000-000000000002"} for n in range(150)]
    cars.iterations = [it("od-1", "Iteration 1", "2024-03-01T00:00:00Z", publish="cars-v1", domain=DETECTION)]
    cars.performance = {"od-1": {"perTagPerformance": [], "precision": 0.7, "recall": 0.6, "averagePrecision": 0.65}}
    labels = FakeProject(P3, "labels", CLASSIFICATION, "Multilabel", [tag("l1", "red", count=55)])
    for p in (shelf, cars, labels):
        svc.add(p)
    return svc


def inventory(svc):
    with TrainingClient(svc.endpoint, svc.key) as client:
        return collect(client, now=lambda: dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc))


def test_every_project_with_domain_type_counts_tags_iterations_and_the_published_scores(estate):
    inv = inventory(estate)
    assert (inv["status"], inv["endpoint"], inv["collected_at"]) == ("complete", estate.endpoint, "2026-12-01T09:00:00Z")
    cars, labels, shelf = inv["projects"]          # sorted by name
    assert {k: shelf[k] for k in ("id", "name", "type", "domain", "images")} == {
        "id": P1, "name": "shelf products", "type": "multiclass",
        "domain": {"id": CLASSIFICATION_COMPACT["id"], "name": "General (compact)", "exportable": True},
        "images": {"tagged": 643, "untagged": 7}}
    assert shelf["tags"] == [{"name": "Cat", "imageCount": 600, "type": "Regular"},
                             {"name": "Negative", "imageCount": 1, "type": "Negative"},
                             {"name": "cat", "imageCount": 40, "type": "Regular"},
                             {"name": "dog", "imageCount": 3, "type": "Regular"}]
    newest, oldest = shelf["iterations"]
    assert newest == {"id": "it-b", "name": "Iteration 2", "status": "Completed", "trainedAt": "2024-02-01T00:00:00Z",
                      "publishName": "shelf-prod", "exportable": True, "predictionResourceId": PRED,
                      "performance": {"threshold": 0.5, "overlapThreshold": None, "precision": 0.88, "recall": 0.77,
                                      "averagePrecision": 0.81, "perTag": [
                                          {"name": "Cat", "precision": 0.9, "recall": 0.8, "averagePrecision": 0.85},
                                          {"name": "dog", "precision": 0.5, "recall": 0.25, "averagePrecision": 0.4}]}}
    assert (oldest["publishName"], oldest["predictionResourceId"], oldest["performance"]) == (None, None, None)
    assert (cars["type"], cars["domain"]["exportable"], labels["type"]) == ("detection", False, "multilabel")
    assert cars["iterations"][0]["performance"]["overlapThreshold"] == 0.3
    perf_calls = [c["query"] for c in estate.calls(r"/performance$")]
    assert sorted(perf_calls, key=len) == [{"threshold": "0.5"}, {"threshold": "0.5", "overlapThreshold": "0.3"}]


def test_hygiene_findings_use_the_documented_thresholds(estate):
    shelf = inventory(estate)["projects"][2]
    codes = {f["code"]: f["message"] for f in shelf["findings"]}
    assert set(codes) == {"tag-below-training-minimum", "tag-below-recommended", "class-imbalance",
                          "tags-equal-ignoring-case", "untagged-images"}
    assert codes["tag-below-training-minimum"].startswith("1 tag(s) under 5 images") and "'dog'" in codes[
        "tag-below-training-minimum"]
    assert codes["tag-below-recommended"].startswith("1 tag(s) under the recommended 50 images: 'cat'")
    assert "largest tag 'Cat' (600 images) has 200.0x the images of the smallest 'dog' (3)" in codes["class-imbalance"]
    assert "('Cat' / 'cat')" in codes["tags-equal-ignoring-case"] and "--merge-case" in codes["tags-equal-ignoring-case"]
    assert codes["untagged-images"].startswith("7 untagged image(s)")
    cars, labels = inventory(estate)["projects"][:2]
    assert cars["findings"] == [] and labels["findings"] == []   # 120:60 is 2x; 55 images is enough


def test_a_project_that_cannot_be_read_makes_the_inventory_incomplete(estate, capsys, monkeypatch):
    estate.fail(rf"/projects/{P2}/tags$", 503, times=-1)
    monkeypatch.setattr("cvmigrate.customvision.training_api.time.sleep", lambda s: None)
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", estate.key)
    code = main(["inventory", "--endpoint", estate.endpoint, "--format", "json"])
    captured = capsys.readouterr()
    inv = json.loads(captured.out)
    assert code == 3 and inv["status"] == "incomplete"
    assert inv["projects"][0] == {"id": P2, "name": "cars",
                                  "error": "GetTags still failing after 6 attempts (HTTP 503: ErrorUnknown injected 503)"}
    assert "incomplete: 1 project(s) could not be read" in captured.err


def test_table_and_markdown_show_projects_published_names_and_findings(estate, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", estate.key)
    assert main(["inventory", "--endpoint", estate.endpoint]) == 0
    table = capsys.readouterr().out
    assert f"{estate.endpoint}: 3 project(s), 3 iteration(s)" in table and ", complete" in table
    row = next(line for line in table.splitlines() if line.startswith("shelf products"))
    assert P1 in row and "General (compact) (exportable)" in row and "shelf-prod (Iteration 2)" in row
    assert "shelf products: [class-imbalance]" in table
    md = render(inventory(estate), "markdown")
    assert f"| shelf products | `{P1}` | multiclass | General (compact) (exportable) | 643 | 7 | 4 | shelf-prod (Iteration 2) | 5 |" in md
    assert f"| Iteration 2 | `it-b` | Completed | 2024-02-01T00:00:00Z | shelf-prod | {PRED} | True |" in md
    assert "| dog | 0.5 | 0.25 | 0.4 |" in md and "- `untagged-images`: 7 untagged image(s)" in md


def test_a_prediction_key_is_one_line(estate, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", "not-the-training-key")
    code = main(["inventory", "--endpoint", estate.endpoint])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err and err.startswith("cvmigrate inventory: the service rejected the training key")
    assert "not-the-training-key" not in err


def test_key_vault_keeps_the_endpoint_project_ids_published_names_and_prediction_resources(estate):
    from azure.keyvault.secrets import SecretClient

    from cloud_standin import ScopeCredential, StandIn
    from cvmigrate.inventory.secrets import store

    inv = inventory(estate)
    server = StandIn().start()
    try:
        written = store(inv, "https://kv-cvm-legacy.vault.azure.net/", ScopeCredential(),
                        lambda url, cred: SecretClient(url, cred, transport=server.transport()))
    finally:
        server.stop()
    stored = {s["path"].split("/")[2]: body for s, body in zip(server.seen, server.bodies)
              if s["method"] == "PUT" and s["token"]}
    assert written == list(stored)
    assert {name: body["value"] for name, body in stored.items()} == {
        "cv-training-endpoint": estate.endpoint,
        "cv-cars-project-id": P2, "cv-cars-publish-name": "cars-v1", "cv-cars-prediction-resource-id": PRED,
        "cv-labels-project-id": P3,
        "cv-shelf-products-project-id": P1, "cv-shelf-products-publish-name": "shelf-prod",
        "cv-shelf-products-prediction-resource-id": PRED}
    assert all(body["contentType"] == "text/plain" and body["tags"]["source"] == "cvmigrate-inventory"
               for body in stored.values())
    assert estate.key not in json.dumps(stored)                    # never a key
    assert {s["host"] for s in server.seen} == {"kv-cvm-legacy.vault.azure.net"}


def test_a_bad_vault_name_is_refused_before_anything_is_read(estate, capsys, monkeypatch):
    monkeypatch.setenv("CUSTOM_VISION_TRAINING_KEY", estate.key)
    code = main(["inventory", "--endpoint", estate.endpoint, "--key-vault", "kv_with_underscores"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "--key-vault 'kv_with_underscores' is not a Key Vault name" in err
    assert estate.requests == []
