"""The legacy estate's resource graph under Pulumi mocks, for reference, import and create modes.

Fake invoke results follow the azure-native provider's documented shapes (getAccount -> location,
kind, properties.endpoint; listAccountKeys -> key1/key2); see tests/pulumi_harness.py.
"""
from __future__ import annotations

import pytest

from cvmigrate.program import build, load_config
from stacks import (
    CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD, IMPORT_WORKLOAD, OTHER_SUB, REFERENCE_WORKLOAD, SUB, account_id,
)

ACCOUNT = "azure-native:cognitiveservices:Account"
DIAG = "azure-native:monitor:DiagnosticSetting"
SECRET = "azure-native:keyvault:Secret"
COMPONENTS = {"cvmigrate:index:Foundation", "cvmigrate:index:Workload", "cvmigrate:legacy:CustomVisionPair",
              "cvmigrate:legacy:LegacyVisionAccount"}


def diag_for(graph, uri_suffix: str):
    found = [r for r in graph.of_type(DIAG) if str(r.inputs.get("resourceUri", "")).endswith(uri_suffix)]
    assert len(found) == 1, [r.inputs.get("resourceUri") for r in graph.of_type(DIAG)]
    return found[0]


def legacy_types(graph) -> list[str]:
    """The graph without the Monitoring component and its children (tests/test_monitoring_graph.py)."""
    monitoring = {r.urn for r in graph.resources if r.type == "cvmigrate:index:Monitoring"}
    return sorted(r.type for r in graph.resources if r.urn not in monitoring and r.parent not in monitoring)


def test_reference_mode_registers_nothing_of_the_users_accounts(stack_config, run_stack):
    g = run_stack(stack_config(REFERENCE_WORKLOAD))
    assert g.of_type(ACCOUNT) == []
    assert legacy_types(g) == sorted([
        "cvmigrate:index:Foundation", "azure-native:resources:ResourceGroup",
        "azure-native:operationalinsights:Workspace", "azure-native:storage:StorageAccount",
        "azure-native:keyvault:Vault", DIAG,  # the vault's own audit logs
        "cvmigrate:index:Workload", "cvmigrate:legacy:CustomVisionPair",
        DIAG, DIAG, SECRET, SECRET,
    ])
    # Accounts are only read.
    reads = sorted(i.args["accountName"] for i in g.invoked if i.token.endswith("getAccount"))
    assert reads == ["cv-shelf-pred", "cv-shelf-train"]
    workspace = g.one("azure-native:operationalinsights:Workspace")
    archive = g.one("azure-native:storage:StorageAccount")
    for name in ("cv-shelf-train", "cv-shelf-pred"):
        d = diag_for(g, f"/accounts/{name}")
        assert d.inputs["resourceUri"] == account_id(name)
        assert d.inputs["name"] == "cvmigrate"
        assert d.inputs["workspaceId"] == workspace.id
        assert d.inputs["storageAccountId"] == archive.id
        assert [(l.get("category"), l.get("categoryGroup"), l["enabled"]) for l in d.inputs["logs"]] == [
            ("Audit", None, True), ("RequestResponse", None, True)]
        assert [m["category"] for m in d.inputs["metrics"]] == ["AllMetrics"]
        assert "logAnalyticsDestinationType" not in d.inputs  # Cognitive Services logs only go to AzureDiagnostics
        assert d.parent_name == "shelf-scanner-custom-vision"


def test_keys_are_stored_as_key_vault_secrets_and_never_in_plain_text(stack_config, run_stack):
    g = run_stack(stack_config(REFERENCE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD))
    secrets = {r.inputs["secretName"]: r for r in g.of_type(SECRET)}
    assert set(secrets) == {"shelf-scanner-training-key", "shelf-scanner-prediction-key", "receipts-image-analysis-key"}
    vault = g.one("azure-native:keyvault:Vault")
    for secret in secrets.values():
        assert secret.secret_paths == {"properties.value"}
        assert secret.inputs["vaultName"] == vault.inputs["vaultName"]
    assert secrets["shelf-scanner-training-key"].inputs["properties"]["value"] == "key1-cv-shelf-train"
    # RBAC vault with purge protection by default
    assert vault.inputs["properties"]["enableRbacAuthorization"] is True
    assert vault.inputs["properties"]["enablePurgeProtection"] is True
    # No key value appears anywhere else in the graph's inputs.
    for r in g.resources:
        if r.type != SECRET:
            assert "key1-" not in str(r.inputs), r.name


def test_stack_outputs_carry_no_key_material(stack_config, run_stack):
    g = run_stack(stack_config(REFERENCE_WORKLOAD), program=lambda: build(load_config()))
    exported = g.outputs["result"]
    assert "key1-" not in str(exported)
    assert exported["workloads"]["shelf-scanner"]["legacyAccounts"] == [
        {"name": "cv-shelf-train", "kind": "Training"}, {"name": "cv-shelf-pred", "kind": "Prediction"}]


def test_import_mode_adopts_with_protect_and_retain_on_delete(stack_config, run_stack):
    g = run_stack(stack_config(IMPORT_WORKLOAD))
    accounts = {r.inputs["accountName"]: r for r in g.of_type(ACCOUNT)}
    assert set(accounts) == {"cv-defect-train", "cv-defect-pred"}
    provider = g.one("pulumi:providers:azure-native")
    assert provider.inputs["subscriptionId"] == OTHER_SUB  # the accounts live in another subscription
    for name, kind in (("cv-defect-train", "CustomVision.Training"), ("cv-defect-pred", "CustomVision.Prediction")):
        a = accounts[name]
        assert a.import_id == account_id(name, OTHER_SUB)
        assert a.protect and a.retain_on_delete
        assert a.ignore_changes == ["properties", "tags", "identity"]
        assert (a.inputs["kind"], a.inputs["location"], a.inputs["sku"]) == (kind, "westeurope", {"name": "S0"})
        assert a.inputs["resourceGroupName"] == "rg-cv"
        assert "tags" not in a.inputs  # adoption changes nothing on the account
        assert a.provider.startswith(provider.urn)
    key_reads = [i for i in g.invoked if i.token.endswith("listAccountKeys")]
    assert {i.provider.rsplit("::", 1)[0] for i in key_reads} == {provider.urn}


def test_create_mode_builds_both_kinds_in_one_region_with_kind_replacement(stack_config, run_stack):
    g = run_stack(stack_config(CREATE_WORKLOAD))
    accounts = {r.inputs["kind"]: r for r in g.of_type(ACCOUNT)}
    assert set(accounts) == {"CustomVision.Training", "CustomVision.Prediction"}
    group = g.one("azure-native:resources:ResourceGroup")
    for kind, a in accounts.items():
        assert a.inputs["location"] == "northeurope"
        assert a.inputs["resourceGroupName"] == group.inputs["resourceGroupName"]
        assert a.replace_on_changes == ["kind"]
        assert not a.protect and not a.import_id
        assert a.inputs["tags"] == {"cvmigrate-env": "dev", "cvmigrate-role": "legacy",
                                    "cvmigrate-workload": "Repro-Lab", "cvmigrate-wave": "3"}
        d = diag_for(g, f"/{a.name}")
        assert a.urn in d.dependencies
    assert accounts["CustomVision.Training"].inputs["accountName"] == "cv-repro-lab-dev-train"


def test_create_mode_restore_flag_restores_a_soft_deleted_name(stack_config, run_stack):
    w = {**CREATE_WORKLOAD, "legacy": {"customVision": {"mode": "create", "restore": True}}}
    g = run_stack(stack_config(w))
    assert all(a.inputs["properties"] == {"restore": True} for a in g.of_type(ACCOUNT))


def test_every_resource_is_parented_and_tagged(stack_config, run_stack):
    g = run_stack(stack_config(REFERENCE_WORKLOAD, IMPORT_WORKLOAD, CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD))
    top_level = {r.name for r in g.resources if r.parent_type == "pulumi:pulumi:Stack"}
    assert top_level == {"foundation", "shelf-scanner", "defect-detector", "Repro-Lab", "receipts", "monitoring"}
    for r in g.resources:
        if r.type in COMPONENTS or r.name in top_level:
            continue
        assert r.parent and r.parent_type != "pulumi:pulumi:Stack", r.name
    taggable = [r for r in g.resources if r.custom and r.type not in (DIAG, "pulumi:providers:azure-native")
                and not r.import_id]
    for r in taggable:
        tags = r.inputs.get("tags", {})
        assert {"cvmigrate-env", "cvmigrate-role", "cvmigrate-workload"} <= set(tags), r.name


def test_diagnostic_settings_never_mix_a_category_group_with_its_categories(stack_config, run_stack):
    g = run_stack(stack_config(REFERENCE_WORKLOAD, CREATE_WORKLOAD))
    for d in g.of_type(DIAG):
        logs = d.inputs["logs"]
        assert all(("category" in l) != ("categoryGroup" in l) for l in logs)
        assert not ({l.get("category") for l in logs} - {None} and {l.get("categoryGroup") for l in logs} - {None})


def test_removing_a_workload_never_deletes_an_adopted_account(stack_config, run_stack):
    both = run_stack(stack_config(REFERENCE_WORKLOAD, IMPORT_WORKLOAD))
    only_reference = run_stack(stack_config(REFERENCE_WORKLOAD))
    gone = {r.urn: r for r in both.resources} .keys() - {r.urn for r in only_reference.resources}
    removed = [r for r in both.resources if r.urn in gone]
    # What pulumi would delete: the import-mode accounts are retained in Azure (and protected).
    for r in removed:
        if r.type == ACCOUNT:
            assert r.retain_on_delete and r.protect
    # Removing the reference workload deletes no account at all: none was registered.
    only_import = run_stack(stack_config(IMPORT_WORKLOAD))
    dropped = {r.urn for r in both.resources} - {r.urn for r in only_import.resources}
    # The activity log alert of the stack's subscription stays: it still watches the key vault's setting. The
    # dual-run workload's regression metric alerts go with it (alert rules, not accounts).
    assert {r.type for r in both.resources if r.urn in dropped} == {
        "cvmigrate:index:Workload", "cvmigrate:legacy:CustomVisionPair", DIAG, SECRET, "azure-native:monitor:MetricAlert"}


def test_running_the_program_twice_gives_identical_inputs(stack_config, run_stack):
    config = stack_config(REFERENCE_WORKLOAD, IMPORT_WORKLOAD, CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD)
    assert run_stack(config).snapshot() == run_stack(config).snapshot()


def test_existing_workspace_and_vault_are_used_not_created(stack_config, run_stack):
    law = f"/subscriptions/{SUB}/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-shared"
    kv = f"/subscriptions/{SUB}/resourceGroups/rg-sec/providers/Microsoft.KeyVault/vaults/kv-shared"
    g = run_stack(stack_config(REFERENCE_WORKLOAD, logAnalytics={"existingWorkspaceId": law},
                                keyVault={"existingId": kv}, archive={"create": False},
                                resourceGroup={"name": "rg-existing", "create": False}))
    types = set(g.types())
    assert not types & {"azure-native:operationalinsights:Workspace", "azure-native:keyvault:Vault",
                        "azure-native:storage:StorageAccount", "azure-native:resources:ResourceGroup"}
    assert {d.inputs["workspaceId"] for d in g.of_type(DIAG)} == {law}
    assert all("storageAccountId" not in d.inputs for d in g.of_type(DIAG))
    assert {(s.inputs["vaultName"], s.inputs["resourceGroupName"]) for s in g.of_type(SECRET)} == {("kv-shared", "rg-sec")}


def test_config_errors_stop_the_program_before_any_resource(stack_config, run_stack):
    broken = {**REFERENCE_WORKLOAD, "cutover": {"state": "finished"}}
    with pytest.raises(Exception) as raised:
        run_stack(stack_config(broken, retirementDate="2020-01-01"))
    text = str(raised.value)
    assert "cvmigrate:workloads[0].cutover.state" in text and "cvmigrate:retirementDate" in text
    assert "nothing was deployed" in text
