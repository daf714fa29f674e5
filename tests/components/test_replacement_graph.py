"""The replacement side's resource graph under Pulumi mocks: AutoML, Foundry, Document Intelligence / Face,
shared vs dedicated pieces, diagnostics, local auth, role assignments and the workload summary outputs.

Fake provider outputs follow the azure-native provider's documented shapes (account properties.endpoint,
resource IDs); see tests/pulumi_harness.py. Diagnostic categories follow Azure Monitor's supported-logs
pages for Microsoft.CognitiveServices/accounts(/projects) and Microsoft.MachineLearningServices/workspaces
(/onlineEndpoints).
"""
from __future__ import annotations

import copy
import re
import uuid

import pulumi
import pytest

from cvmigrate.program import build, load_config
from cvmigrate import naming
from stacks import IMAGE_ANALYSIS_WORKLOAD, REFERENCE_WORKLOAD, SUB

ACCOUNT = "azure-native:cognitiveservices:Account"
PROJECT = "azure-native:cognitiveservices:Project"
DEPLOYMENT = "azure-native:cognitiveservices:Deployment"
ML_WORKSPACE = "azure-native:machinelearningservices:Workspace"
COMPUTE = "azure-native:machinelearningservices:Compute"
ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint"
INSIGHTS = "azure-native:applicationinsights:Component"
VAULT = "azure-native:keyvault:Vault"
STORAGE = "azure-native:storage:StorageAccount"
DIAG = "azure-native:monitor:DiagnosticSetting"
ROLE = "azure-native:authorization:RoleAssignment"
SECRET = "azure-native:keyvault:Secret"
# Generated names of the test stack (subscription SUB, group rg-cvmigrate-test, environment dev): a readable
# head and a digest of the scope (tests/config/test_naming.py holds the scheme itself).
NAMES = naming.NameScope(SUB, "rg-cvmigrate-test", "dev")
AIS = naming.foundry_account_name(NAMES)
DI = naming.cognitive_account_name("di", NAMES, "receipts")
COMPUTE_NAME = naming.aml_compute_name(NAMES, "shelf-scanner")
DEDICATED_WS = naming.aml_workspace_name(NAMES, "shelf-scanner")
assert re.fullmatch(r"ais-shared-dev-[a-z2-7]{8}", AIS) and re.fullmatch(r"di-receipts-dev-[a-z2-7]{8}", DI)
assert re.fullmatch(r"c-shelf-sc-[a-z]{6}", COMPUTE_NAME)
assert re.fullmatch(r"mlw-shelf-scanner-dev-[a-z2-7]{6}", DEDICATED_WS)
LAW_ID = "/mock/Workspace/log-analytics"
ARCHIVE_ID = "/mock/StorageAccount/archive"
HARNESS_SUB = "00000000-1111-2222-3333-444444444444"  # getClientConfig in pulumi_harness

SP = "0a1b2c3d-0000-4000-8000-00000000000a"
GROUP = "0a1b2c3d-0000-4000-8000-00000000000b"
GPT4O = {"name": "gpt-4o", "model": "gpt-4o", "version": "2024-11-20", "sku": "GlobalStandard", "capacity": 10}
MINI = {"name": "gpt-4o-mini", "model": "gpt-4o-mini", "version": "2024-07-18", "sku": "GlobalStandard",
        "capacity": 5}
AUTOML = {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 2,
          "endpoint": {"name": "shelf-scanner", "authMode": "aad_token"}}


def workload(base, name=None, **sections):
    w = copy.deepcopy(base)
    if name:  # another workload: own name, no legacy accounts (each belongs to exactly one workload)
        w["name"] = name
        w.pop("legacy", None)
    w.update(copy.deepcopy(sections))
    return w


@pytest.fixture(scope="session")
def run(stack_config, run_stack):
    def run(*workloads, **top):
        """Run the real program; returns (graph, resolved workload summaries)."""
        captured: dict = {}

        def program():
            out = build(load_config())
            pulumi.Output.from_input(out["workloads"]).apply(captured.update)

        # Alerts are another concern's; switched off so this graph holds only what these tests are about.
        graph = run_stack(stack_config(*workloads, alerts={"enabled": False}, **top), program=program)
        return graph, captured
    return run


def diag_for(graph, target_id):
    found = [r for r in graph.of_type(DIAG) if r.inputs.get("resourceUri") == target_id]
    assert len(found) == 1, (target_id, [r.inputs.get("resourceUri") for r in graph.of_type(DIAG)])
    return found[0]


def logs(setting):
    return [entry.get("category") or entry.get("categoryGroup") for entry in setting.inputs["logs"]]


def metrics(setting):
    return [m["category"] for m in setting.inputs.get("metrics", [])]


def replacement_resources(graph):
    return [r for r in graph.resources if r.inputs.get("tags", {}).get("cvmigrate-role") == "replacement"]


# --- AutoML -----------------------------------------------------------------------------------------------

def test_automl_workload_gets_shared_workspace_compute_at_zero_and_endpoint_without_deployment(run):
    g, summaries = run(workload(REFERENCE_WORKLOAD, replacement={"automl": AUTOML}))
    assert g.of_type(ACCOUNT) == [] and g.of_type(PROJECT) == []

    ws = g.one(ML_WORKSPACE)
    assert ws.parent_name == "replacement-automl"  # the environment's shared workspace
    assert ws.inputs["workspaceName"] == "mlw-cvmigrate-dev"
    assert ws.inputs["identity"] == {"type": "SystemAssigned"}
    assert ws.inputs["publicNetworkAccess"] == "Disabled"
    assert ws.inputs["storageAccount"] == "/mock/StorageAccount/replacement-automl-storage"
    assert ws.inputs["keyVault"] == "/mock/Vault/replacement-automl-key-vault"
    assert ws.inputs["applicationInsights"] == "/mock/Component/replacement-automl-app-insights"
    assert ws.inputs["tags"]["cvmigrate-workload"] == "shared"

    insights = g.one(INSIGHTS)
    assert insights.inputs["workspaceResourceId"] == LAW_ID  # workspace-based, same Log Analytics
    assert insights.inputs["ingestionMode"] == "LogAnalytics" and insights.inputs["disableLocalAuth"] is True

    vault = g.one(VAULT, "replacement-automl-key-vault")
    assert vault.inputs["properties"]["enableRbacAuthorization"] is True
    assert vault.inputs["properties"]["enablePurgeProtection"] is True
    store = g.one(STORAGE, "replacement-automl-storage")
    assert store.inputs["allowBlobPublicAccess"] is False and store.inputs["minimumTlsVersion"] == "TLS1_2"

    compute = g.one(COMPUTE)
    assert compute.parent_name == "shelf-scanner-automl-replacement"
    assert compute.inputs["computeName"] == COMPUTE_NAME
    assert compute.inputs["workspaceName"] == "mlw-cvmigrate-dev"
    props = compute.inputs["properties"]
    assert props["computeType"] == "AmlCompute" and props["disableLocalAuth"] is True
    assert props["properties"]["vmSize"] == "Standard_NC4as_T4_v3"
    assert props["properties"]["scaleSettings"] == {
        "minNodeCount": 0, "maxNodeCount": 2, "nodeIdleTimeBeforeScaleDown": "PT120S"}
    assert props["properties"]["remoteLoginPortPublicAccess"] == "Disabled"

    endpoint = g.one(ENDPOINT)
    assert endpoint.inputs["endpointName"] == "shelf-scanner"
    assert endpoint.inputs["kind"] == "Managed"
    assert endpoint.inputs["properties"]["authMode"] == "AADToken"
    assert endpoint.inputs["properties"]["publicNetworkAccess"] == "Disabled"
    assert "traffic" not in endpoint.inputs["properties"]  # no deployment until a model exists
    assert endpoint.ignore_changes == ["properties.traffic", "properties.mirrorTraffic"]
    assert not any(r.type.endswith("OnlineDeployment") for r in g.resources)

    endpoint_diag = diag_for(g, "/mock/OnlineEndpoint/shelf-scanner-automl-endpoint")
    assert logs(endpoint_diag) == ["AmlOnlineEndpointTrafficLog", "AmlOnlineEndpointConsoleLog",
                                   "AmlOnlineEndpointEventLog"]
    assert endpoint_diag.inputs["logAnalyticsDestinationType"] == "Dedicated"
    ws_diag = diag_for(g, "/mock/Workspace/replacement-automl-workspace")
    assert logs(ws_diag) == ["AmlComputeClusterEvent", "AmlComputeClusterNodeEvent", "AmlComputeJobEvent",
                             "AmlRunStatusChangedEvent"]
    assert metrics(ws_diag) == ["AllMetrics"]

    assert summaries["shelf-scanner"]["replacement"] == {"automl": {
        "workspaceId": "/mock/Workspace/replacement-automl-workspace", "workspaceName": "mlw-cvmigrate-dev",
        "sharedWorkspace": True, "computeName": COMPUTE_NAME,
        "computeId": "/mock/Compute/shelf-scanner-automl-compute", "computeSku": "Standard_NC4as_T4_v3",
        "endpointId": "/mock/OnlineEndpoint/shelf-scanner-automl-endpoint", "endpointName": "shelf-scanner",
        "authMode": "AADToken", "scoringUri": None}}
    assert summaries["shelf-scanner"]["replacementRefs"] == [
        {"target": "automl", "name": "shelf-scanner", "deployments": []}]


def test_dedicated_workspace_belongs_to_the_workload_and_takes_its_network_setting(run):
    g, _ = run(workload(REFERENCE_WORKLOAD, replacement={"automl": {
        **AUTOML, "dedicatedWorkspace": True, "publicNetworkAccess": "Enabled"}}))
    ws = g.one(ML_WORKSPACE)
    assert ws.parent_name == "shelf-scanner-automl"
    assert g.by_urn(ws.parent).parent_name == "shelf-scanner-automl-replacement"
    assert ws.inputs["workspaceName"] == DEDICATED_WS
    assert ws.inputs["publicNetworkAccess"] == "Enabled"
    assert ws.inputs["tags"]["cvmigrate-workload"] == "shelf-scanner"
    assert g.one(ENDPOINT).inputs["properties"]["publicNetworkAccess"] == "Enabled"
    assert not [r for r in g.resources if r.name == "replacement-automl"]  # no idle shared workspace


# --- Foundry ----------------------------------------------------------------------------------------------

def test_foundry_account_is_secure_by_default_and_deployments_are_chained(run):
    g, summaries = run(workload(REFERENCE_WORKLOAD, replacement={"foundry": {
        "projectName": "shelf-scanner", "deployments": [GPT4O, MINI]}}))
    account = g.one(ACCOUNT)
    assert account.parent_name == "replacement-foundry"
    assert account.inputs["accountName"] == AIS
    assert account.inputs["kind"] == "AIServices"
    assert account.inputs["identity"] == {"type": "SystemAssigned"}
    assert account.inputs["properties"] == {
        "customSubDomainName": AIS, "disableLocalAuth": True,
        "publicNetworkAccess": "Disabled", "allowProjectManagement": True}
    assert account.replace_on_changes == ["kind"] and account.delete_before_replace is False

    project = g.one(PROJECT)
    assert project.inputs["accountName"] == AIS
    assert project.inputs["projectName"] == "shelf-scanner"
    assert project.inputs["identity"] == {"type": "SystemAssigned"}
    assert account.urn in project.dependencies

    first, second = g.of_type(DEPLOYMENT)
    assert (first.inputs["deploymentName"], second.inputs["deploymentName"]) == ("gpt-4o", "gpt-4o-mini")
    assert first.inputs["sku"] == {"name": "GlobalStandard", "capacity": 10}
    assert first.inputs["properties"] == {"model": {"format": "OpenAI", "name": "gpt-4o", "version": "2024-11-20"}}
    assert project.urn in first.dependencies
    assert first.urn in second.dependencies  # one at a time: parallel writes get 409 RequestConflict

    account_diag = diag_for(g, "/mock/Account/replacement-foundry-account")
    assert logs(account_diag) == ["Audit", "RequestResponse", "AzureOpenAIRequestUsage"]
    assert metrics(account_diag) == ["AllMetrics"]
    assert account_diag.inputs["workspaceId"] == LAW_ID and account_diag.inputs["name"] == "cvmigrate"
    project_diag = diag_for(g, "/mock/Project/shelf-scanner-foundry-project")
    assert logs(project_diag) == ["Audit", "Trace"] and metrics(project_diag) == []

    foundry = summaries["shelf-scanner"]["replacement"]["foundry"]
    assert foundry == {
        "accountId": "/mock/Account/replacement-foundry-account", "accountName": AIS,
        "sharedAccount": True, "endpoint": f"https://{AIS}.cognitiveservices.azure.com/",
        "projectId": "/mock/Project/shelf-scanner-foundry-project", "projectName": "shelf-scanner",
        "projectEndpoints": {}, "deployments": ["gpt-4o", "gpt-4o-mini"]}


def test_writes_to_a_shared_account_are_serialized_across_workloads(run):
    a = workload(REFERENCE_WORKLOAD, replacement={"foundry": {"deployments": [GPT4O]}})
    b = workload(REFERENCE_WORKLOAD, name="catalog", replacement={"foundry": {"deployments": [MINI]}})
    g, _ = run(a, b)
    projects = {p.inputs["projectName"]: p for p in g.of_type(PROJECT)}
    deployments = {d.inputs["deploymentName"]: d for d in g.of_type(DEPLOYMENT)}
    assert projects["shelf-scanner"].urn in deployments["gpt-4o"].dependencies
    # The second workload's project waits for the first workload's last deployment.
    assert deployments["gpt-4o"].urn in projects["catalog"].dependencies
    assert projects["catalog"].urn in deployments["gpt-4o-mini"].dependencies
    assert len(g.of_type(ACCOUNT)) == 1


def test_config_reaches_the_shared_account_restore_and_public_access(run):
    g, _ = run(workload(REFERENCE_WORKLOAD, replacement={"foundry": {"deployments": [GPT4O]}}),
               replacement={"foundry": {"accountName": "ais-contoso-dev", "publicNetworkAccess": "Enabled",
                                        "restore": True}})
    account = g.one(ACCOUNT)
    assert account.inputs["accountName"] == "ais-contoso-dev"
    assert account.inputs["properties"] == {
        "customSubDomainName": "ais-contoso-dev", "disableLocalAuth": True, "publicNetworkAccess": "Enabled",
        "allowProjectManagement": True, "restore": True}


def test_dedicated_foundry_account_is_the_workloads_own(run):
    g, summaries = run(workload(REFERENCE_WORKLOAD, replacement={"foundry": {
        "dedicatedAccount": True, "accountName": "ais-shelf-dev", "deployments": [GPT4O]}}))
    account = g.one(ACCOUNT)
    assert account.parent_name == "shelf-scanner-foundry"
    assert account.inputs["tags"]["cvmigrate-workload"] == "shelf-scanner"
    assert not [r for r in g.resources if r.name == "replacement-foundry"]
    assert summaries["shelf-scanner"]["replacementRefs"] == [
        {"target": "foundry", "name": "ais-shelf-dev", "deployments": ["gpt-4o"]}]


# --- Image Analysis targets ------------------------------------------------------------------------------

def test_image_analysis_workload_gets_document_intelligence_and_face_accounts(run):
    g, summaries = run(workload(IMAGE_ANALYSIS_WORKLOAD, replacement={"documentIntelligence": {}, "face": {}}))
    accounts = {a.inputs["kind"]: a for a in g.of_type(ACCOUNT)}
    assert sorted(accounts) == ["Face", "FormRecognizer"]
    di, face = accounts["FormRecognizer"], accounts["Face"]
    assert di.inputs["accountName"] == DI
    for account in (di, face):
        assert account.parent_name == "receipts-vision-replacement"
        assert account.inputs["properties"]["disableLocalAuth"] is True
        assert account.inputs["properties"]["publicNetworkAccess"] == "Disabled"
        assert account.inputs["properties"]["customSubDomainName"] == account.inputs["accountName"]
        assert "allowProjectManagement" not in account.inputs["properties"]
        assert account.replace_on_changes == ["kind"]
        setting = diag_for(g, account.id)
        assert logs(setting) == ["Audit", "RequestResponse"] and metrics(setting) == ["AllMetrics"]
    ia = summaries["receipts"]["replacement"]
    assert ia["documentIntelligence"] == {
        "accountId": "/mock/Account/receipts-documentIntelligence", "accountName": DI,
        "kind": "FormRecognizer", "endpoint": f"https://{DI}.cognitiveservices.azure.com/"}
    assert ia["face"]["kind"] == "Face"


# --- the mixed estate -------------------------------------------------------------------------------------

MIXED = (
    workload(REFERENCE_WORKLOAD, replacement={"automl": AUTOML},
             access=[{"principalId": SP, "principalType": "ServicePrincipal"}]),
    workload(REFERENCE_WORKLOAD, name="catalog", replacement={"foundry": {"deployments": [GPT4O, MINI]}},
             access=[{"principalId": SP, "principalType": "ServicePrincipal"},
                     {"principalId": GROUP, "principalType": "Group"}]),
    workload(IMAGE_ANALYSIS_WORKLOAD, replacement={"documentIntelligence": {}},
             access=[{"principalId": GROUP, "principalType": "Group"}]),
)


def test_mixed_estate_builds_each_target_under_its_workload(run):
    g, summaries = run(*MIXED)
    components = {r.name: r for r in g.resources if r.type.startswith("cvmigrate:replacement:")}
    assert {n: (c.type.split(":")[-1], c.parent_name) for n, c in components.items()} == {
        "replacement-automl": ("AutoMLWorkspace", "cvmigrate-dev"),
        "replacement-foundry": ("FoundryAccount", "cvmigrate-dev"),
        "shelf-scanner-automl-replacement": ("AutoMLStack", "shelf-scanner"),
        "catalog-foundry-replacement": ("FoundryStack", "catalog"),
        "receipts-vision-replacement": ("VisionServicesStack", "receipts"),
    }
    assert sorted((a.inputs["kind"], a.inputs["accountName"]) for a in g.of_type(ACCOUNT)) == [
        ("AIServices", AIS), ("FormRecognizer", DI)]
    assert len(g.of_type(ML_WORKSPACE)) == 1 and len(g.of_type(ENDPOINT)) == 1
    assert len(g.of_type(DEPLOYMENT)) == 2 and len(g.of_type(PROJECT)) == 1
    assert {name: s["replacementRefs"] for name, s in summaries.items()} == {
        "shelf-scanner": [{"target": "automl", "name": "shelf-scanner", "deployments": []}],
        "catalog": [{"target": "foundry", "name": AIS, "deployments": ["gpt-4o", "gpt-4o-mini"]}],
        "receipts": [{"target": "documentIntelligence", "name": DI, "deployments": []}],
    }
    # Every replacement resource is tagged for its workload (shared pieces: "shared").
    assert {r.inputs["tags"]["cvmigrate-workload"] for r in replacement_resources(g)} == {
        "shared", "shelf-scanner", "catalog", "receipts"}


def test_every_replacement_resource_that_emits_logs_sends_them_to_the_workspace(run):
    g, _ = run(*MIXED)
    emitters = [r for r in g.resources if r.type in (ACCOUNT, PROJECT, ML_WORKSPACE, ENDPOINT, VAULT)
                and r.parent_name != "foundation"]
    assert len(emitters) == 6  # AIServices, DI, project, ML workspace, endpoint, AML key vault
    for resource in emitters:
        setting = diag_for(g, resource.id)
        assert setting.inputs["workspaceId"] == LAW_ID
        assert setting.inputs["storageAccountId"] == ARCHIVE_ID
        assert setting.inputs["name"] == "cvmigrate"  # stable: renaming collides with the old setting's sink
        assert setting.parent == resource.parent
    blob = diag_for(g, "/mock/StorageAccount/replacement-automl-storage/blobServices/default")
    assert logs(blob) == ["audit"] and metrics(blob) == ["Transaction"]


def test_no_local_auth_and_no_keys_on_the_replacement_side(run):
    g, summaries = run(*MIXED)
    for account in g.of_type(ACCOUNT):
        assert account.inputs["properties"]["disableLocalAuth"] is True
    assert g.one(COMPUTE).inputs["properties"]["disableLocalAuth"] is True
    assert g.one(INSIGHTS).inputs["disableLocalAuth"] is True
    # Keys are only ever read for legacy accounts (into Key Vault); none for the replacement accounts.
    listed = {i.args["accountName"] for i in g.invoked if i.token.endswith("listAccountKeys")}
    assert listed == {"cv-shelf-train", "cv-shelf-pred", "cv-receipts"}
    assert all(s.parent_name.endswith(("-custom-vision", "-image-analysis")) for s in g.of_type(SECRET))

    def keys(value, path=""):
        if isinstance(value, dict):
            return [p for k, v in value.items() for p in keys(v, f"{path}.{k}")]
        if isinstance(value, list):
            return [p for i, v in enumerate(value) for p in keys(v, f"{path}[{i}]")]
        return [path] if "key" in path.lower().rsplit(".", 1)[-1] else []
    for name, summary in summaries.items():
        assert keys(summary["replacement"]) == [], name


# --- role assignments -------------------------------------------------------------------------------------

def expected_name(scope_path, principal, role_guid, rg="rg-cvmigrate-test"):
    # naming.stable_uuid: uuid5 over the lower-cased parts joined by "/", in cvmigrate's namespace.
    namespace = uuid.UUID("6f1f3c1e-5d7a-5b7e-9a43-2c8f0d6b9e11")
    return str(uuid.uuid5(namespace, "/".join(p.lower() for p in ("role-assignment", rg, scope_path, principal,
                                                                   role_guid))))


COG_USER = "a97b65f3-24c7-4388-baec-2e87135dc908"
AI_DEVELOPER = "64702f94-c441-49e6-a78b-ef80e0188fee"
DATA_SCIENTIST = "f6c7c914-8db3-469d-8ca1-694a8f32e121"


def roles(graph):
    return sorted((r.inputs["scope"], r.inputs["principalId"], r.inputs["roleDefinitionId"].rsplit("/", 1)[-1],
                   r.inputs["principalType"], r.inputs["roleAssignmentName"]) for r in graph.of_type(ROLE))


def test_access_principals_get_the_roles_of_each_target(run):
    g, _ = run(*MIXED)
    ais = f"Microsoft.CognitiveServices/accounts/{AIS}"
    assert roles(g) == sorted([
        ("/mock/Workspace/replacement-automl-workspace", SP, DATA_SCIENTIST, "ServicePrincipal",
         expected_name("Microsoft.MachineLearningServices/workspaces/mlw-cvmigrate-dev", SP, DATA_SCIENTIST)),
        ("/mock/Account/replacement-foundry-account", SP, COG_USER, "ServicePrincipal",
         expected_name(ais, SP, COG_USER)),
        ("/mock/Account/replacement-foundry-account", GROUP, COG_USER, "Group", expected_name(ais, GROUP, COG_USER)),
        ("/mock/Project/catalog-foundry-project", SP, AI_DEVELOPER, "ServicePrincipal",
         expected_name(f"{ais}/projects/catalog", SP, AI_DEVELOPER)),
        ("/mock/Project/catalog-foundry-project", GROUP, AI_DEVELOPER, "Group",
         expected_name(f"{ais}/projects/catalog", GROUP, AI_DEVELOPER)),
        ("/mock/Account/receipts-documentIntelligence", GROUP, COG_USER, "Group",
         expected_name(f"Microsoft.CognitiveServices/accounts/{DI}", GROUP, COG_USER)),
    ])
    assignment = next(r for r in g.of_type(ROLE) if r.inputs["principalType"] == "Group"
                      and r.inputs["scope"].endswith("documentIntelligence"))
    assert assignment.inputs["roleDefinitionId"] == (
        f"/subscriptions/{HARNESS_SUB}/providers/Microsoft.Authorization/roleDefinitions/{COG_USER}")


def test_role_assignment_names_are_stable_across_runs_and_workload_order(run):
    first, _ = run(*MIXED)
    second, _ = run(*reversed(MIXED))
    assert roles(first) == roles(second)
    assert first.snapshot() == run(*MIXED)[0].snapshot()


def test_a_principal_shared_by_two_workloads_gets_one_assignment_on_the_shared_account(run):
    principal = [{"principalId": SP, "principalType": "ServicePrincipal"}]
    a = workload(REFERENCE_WORKLOAD, replacement={"foundry": {"deployments": [GPT4O]}}, access=principal)
    b = workload(REFERENCE_WORKLOAD, name="catalog", replacement={"foundry": {}}, access=principal)
    g, _ = run(a, b)
    on_account = [r for r in g.of_type(ROLE) if r.inputs["scope"] == "/mock/Account/replacement-foundry-account"]
    assert len(on_account) == 1 and on_account[0].parent_name == "replacement-foundry"
    assert len([r for r in g.of_type(ROLE) if r.inputs["scope"].startswith("/mock/Project/")]) == 2


def test_workload_without_replacement_adds_nothing(run):
    g, summaries = run(workload(REFERENCE_WORKLOAD))
    assert replacement_resources(g) == []
    assert not [r for r in g.resources if r.type.startswith("cvmigrate:replacement:")]
    assert summaries["shelf-scanner"]["replacement"] == {} and summaries["shelf-scanner"]["replacementRefs"] == []


def test_content_understanding_workload_gets_the_shared_ai_services_account_and_its_diagnostics(run):
    g, _ = run(workload(REFERENCE_WORKLOAD, replacement={"contentUnderstanding": {"analyzers": [
        {"id": "shelf-classifier", "fields": [{"name": "Family", "method": "classify", "enum": ["a", "b"]}]}]}}))
    (account,) = [r for r in g.of_type(ACCOUNT) if r.parent_name == "replacement-foundry"]
    assert account.inputs["accountName"] == AIS and account.inputs["kind"] == "AIServices"
    assert account.inputs["location"] == "westeurope"      # a Content Understanding region (config rejects others)
    setting = diag_for(g, account.id)
    assert setting.inputs["workspaceId"] == LAW_ID
    assert not g.of_type(PROJECT) and not g.of_type(DEPLOYMENT)   # the analyzers are data, synced by the CLI
