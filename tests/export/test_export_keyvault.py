"""The training key from the stack's Key Vault: same vault and secret names as the Pulumi program
(cvmigrate.naming.stack_key_vault_name / key_secret_name), read with an injectable credential and client."""
from __future__ import annotations

import textwrap

import pytest
from azure.core.exceptions import ClientAuthenticationError, ResourceNotFoundError

from cvmigrate import naming
from cvmigrate.cli import main
from cvmigrate.config import load_stack_file
from cvmigrate.export import ExportError
from cvmigrate.export.keyvault import read_secret, training_key_location

STACK = textwrap.dedent("""\
    config:
      azure-native:location: westeurope
      azure-native:subscriptionId: "11111111-2222-3333-4444-555555555555"
      cvmigrate:resourceGroup: {name: rg-cvm-kvtest, create: true}
      cvmigrate:logAnalytics: {create: true}
      cvmigrate:archive: {create: true}
      cvmigrate:keyVault: {create: true}
      cvmigrate:alerts: {enabled: false}
      cvmigrate:workloads:
        - name: shelf-scanner
          legacy:
            customVision: {mode: create, sku: S0}
        - name: receipts
          legacy:
            imageAnalysis: {mode: create, sku: S1}
    """)


@pytest.fixture
def stack_file(tmp_path):
    path = tmp_path / "Pulumi.kvtest.yaml"
    path.write_text(STACK)
    return path


class FakeSecrets:
    def __init__(self, secrets, error=None):
        self.secrets, self.error, self.calls = secrets, error, []

    def factory(self, url, credential):
        self.calls.append((url, credential))
        return self

    def get_secret(self, name):
        if self.error:
            raise self.error
        if name not in self.secrets:
            raise ResourceNotFoundError("SecretNotFound")
        return type("Secret", (), {"value": self.secrets[name]})()


def test_vault_and_secret_names_are_the_ones_the_stack_stores_keys_under(stack_file):
    cfg = load_stack_file(str(stack_file))
    url, secret = training_key_location(str(stack_file), "shelf-scanner")
    assert url == f"https://{naming.stack_key_vault_name(cfg)}.vault.azure.net/"
    assert url.startswith("https://kv-cvm-kvtest-")
    assert secret == "shelf-scanner-training-key"


def test_unknown_workload_and_a_workload_without_custom_vision_are_named(stack_file):
    with pytest.raises(ExportError, match=r"workload 'shelf' is not in stack .*workloads: shelf-scanner, receipts"):
        training_key_location(str(stack_file), "shelf")
    with pytest.raises(ExportError, match="workload 'receipts' has no legacy.customVision account"):
        training_key_location(str(stack_file), "receipts")


def test_read_secret_uses_the_given_credential_and_explains_failures():
    fake = FakeSecrets({"shelf-scanner-training-key": "k-123"})
    cred = object()
    assert read_secret("https://kv.vault.azure.net/", "shelf-scanner-training-key", cred, fake.factory) == "k-123"
    assert fake.calls == [("https://kv.vault.azure.net/", cred)]
    with pytest.raises(ExportError, match="secret 'other-training-key' not found in https://kv.vault.azure.net/"):
        read_secret("https://kv.vault.azure.net/", "other-training-key", cred, fake.factory)
    denied = FakeSecrets({}, ClientAuthenticationError("DefaultAzureCredential failed to retrieve a token"))
    with pytest.raises(ExportError, match="cannot sign in to read .*az login"):
        read_secret("https://kv.vault.azure.net/", "x", cred, denied.factory)


def test_cli_reads_the_key_from_key_vault_and_exports(projects, service, stack_file, tmp_path, monkeypatch, capsys):
    seen = {}

    def fake_read(url, secret, cloud=None):
        seen["args"] = (url, secret)
        return service.key

    monkeypatch.setattr("cvmigrate.cli.arguments.read_secret", fake_read)
    monkeypatch.delenv("CUSTOM_VISION_TRAINING_KEY", raising=False)
    code = main(["export", "--endpoint", service.endpoint, "--project", "shelf", "--out", str(tmp_path / "kv"),
                 "--stack", str(stack_file), "--workload", "shelf-scanner", "--no-progress"])
    assert code == 0, capsys.readouterr().err
    assert seen["args"][1] == "shelf-scanner-training-key"
    assert (tmp_path / "kv" / "train" / "annotations.jsonl").is_file()


def test_stack_without_workload_is_a_usage_error(tmp_path, capsys):
    code = main(["export", "--endpoint", "https://x.cognitiveservices.azure.com", "--project", "p",
                 "--out", str(tmp_path), "--stack", "dev"])
    assert code == 2 and "--stack and --workload go together" in capsys.readouterr().err


def test_prediction_key_location_for_compare(stack_file):
    from cvmigrate.export.keyvault import legacy_key_location

    url, secret = legacy_key_location(str(stack_file), "shelf-scanner", "prediction", "set X instead")
    assert (url, secret) == (training_key_location(str(stack_file), "shelf-scanner")[0],
                             "shelf-scanner-prediction-key")
    with pytest.raises(ExportError, match="no legacy.customVision account in stack .*; set X instead"):
        legacy_key_location(str(stack_file), "receipts", "prediction", "set X instead")
