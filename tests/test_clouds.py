"""The clouds registry (cvmigrate/clouds.yaml) and its use by `status` and `export`, against a local server
standing in for each cloud's endpoints (tests/cloud_standin.py): Microsoft's own clients send the requests, the
stand-in records which host and which token audience each one used."""
from __future__ import annotations

import pytest
from azure.keyvault.secrets import SecretClient

from cloud_standin import SECRET_VALUE, WORKSPACE_GUID, ScopeCredential, StandIn
from cvmigrate.cli import main
from cvmigrate.clouds import CloudError, clouds, find_cloud, resolve_cloud
from cvmigrate.export.keyvault import read_secret
from cvmigrate.report import sources
from cvmigrate.report.cutover import REPORT_QUERIES
from report.archive_builder import write_stack

ARM = ("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-ops/providers/"
       "Microsoft.OperationalInsights/workspaces/law-shared")
# Per cloud: ARM host, Log Analytics host, Key Vault DNS suffix, sign-in authority (clouds.yaml cites the
# sources: azure-cli cloud.py, azure-identity AzureAuthorityHosts, the Log Analytics request-format pages).
EXPECTED = {
    "AzureCloud": ("management.azure.com", "api.loganalytics.io", "vault.azure.net", "login.microsoftonline.com",
                   "core.windows.net"),
    "AzureUSGovernment": ("management.usgovcloudapi.net", "api.loganalytics.us", "vault.usgovcloudapi.net",
                          "login.microsoftonline.us", "core.usgovcloudapi.net"),
    "AzureChinaCloud": ("management.chinacloudapi.cn", "api.loganalytics.azure.cn", "vault.azure.cn",
                        "login.chinacloudapi.cn", "core.chinacloudapi.cn"),
}


@pytest.fixture
def stack(tmp_path):
    return write_stack(tmp_path)


@pytest.fixture
def standin():
    server = StandIn().start()
    yield server
    server.stop()


def test_registry_holds_the_three_clouds_with_their_endpoints():
    assert list(clouds()) == list(EXPECTED)
    for name, (arm, la, kv, authority, storage) in EXPECTED.items():
        c = clouds()[name]
        assert (c.arm_endpoint, c.log_analytics_endpoint, c.key_vault_suffix, c.authority_host, c.storage_suffix) == (
            f"https://{arm}", f"https://{la}", kv, authority, storage)
        assert c.blob_url("acct") == f"https://acct.blob.{storage}"
        assert c.storage_scope == "https://storage.azure.com/.default"


def test_resolution_order_is_flag_then_environment_then_stack():
    env = {"AZURE_CLOUD": "AzureChinaCloud"}
    assert resolve_cloud("usgovernment", stack_environment="public", environ=env).name == "AzureUSGovernment"
    assert resolve_cloud(None, stack_environment="usgov", environ=env).name == "AzureChinaCloud"
    assert resolve_cloud(None, stack_environment="usgov", environ={}).name == "AzureUSGovernment"
    assert resolve_cloud(None, environ={}).name == "AzureCloud"
    with pytest.raises(CloudError, match="AZURE_CLOUD 'mars' is not an Azure cloud; use one of AzureCloud"):
        resolve_cloud(None, environ={"AZURE_CLOUD": "mars"})


@pytest.mark.parametrize("name", list(EXPECTED))
def test_status_workspace_path_talks_to_the_clouds_arm_and_log_analytics(standin, stack, name):
    from cvmigrate.config import load_stack_file
    from cvmigrate.artefacts import render_all

    arm, la, *_ = EXPECTED[name]
    credential = ScopeCredential()
    queries = render_all(load_stack_file(str(stack)), names=REPORT_QUERIES)
    results, used = sources.workspace_results(ARM, queries, credential_factory=lambda: credential,
                                              cloud=find_cloud(name), transport=standin.transport())
    assert used == WORKSPACE_GUID and not results.problems
    assert standin.seen[0] == {"host": arm, "method": "GET", "path": ARM, "token": f"https://{arm}/.default"}
    assert {(s["host"], s["token"]) for s in standin.seen[1:]} == {(la, f"https://{la}/.default")}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_export_reads_the_training_key_from_the_clouds_key_vault(standin, name):
    *_, kv, _, _ = EXPECTED[name]
    cloud = find_cloud(name)
    credential = ScopeCredential()
    value = read_secret(cloud.vault_url("kv-cvm-t"), "shelf-training-key", credential=credential, cloud=cloud,
                        client_factory=lambda u, c: SecretClient(u, c, transport=standin.transport()))
    assert value == SECRET_VALUE
    # First the unauthenticated challenge, then the call signed for the vault audience the challenge named.
    assert [(s["host"], s["token"]) for s in standin.seen] == [
        (f"kv-cvm-t.{kv}", None), (f"kv-cvm-t.{kv}", f"https://{kv}/.default")]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_cli_signs_in_at_the_clouds_authority(monkeypatch, capsys, stack, name):
    """--cloud reaches DefaultAzureCredential's authority; the stand-in refuses, so the run ends in one line."""
    seen = {}

    def credential(**kw):
        seen.update(kw)
        raise RuntimeError("stop here")

    monkeypatch.setattr("azure.identity.DefaultAzureCredential", credential)
    # the stand-in's RuntimeError is not a user error: the CLI reports it in one line, exit 1, no traceback
    assert main(["status", "--stack", str(stack), "--workspace", ARM, "--cloud", name]) == 1
    assert "internal error (RuntimeError: stop here)" in capsys.readouterr().err
    assert seen == {"authority": EXPECTED[name][3]}


def test_stack_environment_selects_the_cloud_and_a_bad_flag_is_one_line(monkeypatch, capsys, stack):
    seen = {}
    monkeypatch.delenv("AZURE_CLOUD", raising=False)
    stack.write_text(stack.read_text().replace("config:\n", "config:\n  azure-native:environment: usgovernment\n"))
    monkeypatch.setattr("azure.identity.DefaultAzureCredential",
                        lambda **kw: seen.update(kw) or (_ for _ in ()).throw(RuntimeError("stop")))
    assert main(["status", "--stack", str(stack), "--workspace", ARM]) == 1
    capsys.readouterr()
    assert seen == {"authority": "login.microsoftonline.us"}
    code = main(["status", "--stack", str(stack), "--workspace", ARM, "--cloud", "AzureMars"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "--cloud 'AzureMars' is not an Azure cloud" in err
