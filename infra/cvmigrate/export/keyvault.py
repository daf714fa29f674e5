"""The training key from the stack's Key Vault: the vault and secret names the Pulumi program stores legacy
keys under (``naming.stack_key_vault_name`` and ``naming.key_secret_name(workload, "training")``)."""
from __future__ import annotations

from typing import Any, Callable, Optional

from .. import naming
from ..clouds import Cloud, resolve_cloud
from ..config import load_stack_file
from ..errors import ExportError
from ..redaction import register
from ..vault_secrets import secret_client, vault_errors


TRAINING_KEY_FALLBACK = "give the training key from an environment variable instead"


def training_key_location(stack: str, workload: str, cloud: Optional[Cloud] = None) -> tuple[str, str]:
    """(vault URL, secret name) for a workload's Custom Vision training key, from Pulumi.<stack>.yaml.
    The vault's DNS suffix is ``cloud``'s (default: $AZURE_CLOUD, else the stack's azure-native:environment)."""
    return legacy_key_location(stack, workload, "training", TRAINING_KEY_FALLBACK, cloud)


def legacy_key_location(stack: str, workload: str, role: str, fallback: str,
                        cloud: Optional[Cloud] = None) -> tuple[str, str]:
    """(vault URL, secret name) for a workload's Custom Vision ``role`` key (training | prediction);
    ``fallback`` tells the user how else to give the key."""
    cfg = load_stack_file(stack)
    where = cloud or resolve_cloud(stack_environment=cfg.cloud)
    try:
        wl = cfg.workload(workload)
    except KeyError:
        names = ", ".join(w.name for w in cfg.workloads) or "none"
        raise ExportError(f"{workload!r} is not in stack {stack!r} (workloads: {names})", field="workload") from None
    if wl.custom_vision is None:
        raise ExportError(f"workload {workload!r} has no legacy.customVision account in stack {stack!r}; {fallback}")
    account = wl.custom_vision.training if role == "training" else wl.custom_vision.prediction
    if not account.store_keys:
        raise ExportError(f"workload {workload!r} does not store its keys in Key Vault (storeKeys: false); {fallback}")
    return where.vault_url(naming.stack_key_vault_name(cfg)), naming.key_secret_name(workload, role)


def read_secret(url: str, secret_name: str, credential: Optional[Any] = None,
                client_factory: Optional[Callable[[str, Any], Any]] = None, cloud: Optional[Cloud] = None) -> str:
    """Read one secret with azure-identity (the cloud's DefaultAzureCredential unless one is given)."""
    from azure.core.exceptions import ResourceNotFoundError  # heavy SDK: only when a key is read from a vault

    if credential is None:
        credential = (cloud or resolve_cloud()).credential()
    client = secret_client(url, credential, client_factory)
    with vault_errors(ExportError, failed=f"reading secret {secret_name!r} from {url} failed",
                      sign_in=f"cannot sign in to read {url} ({{reason}}); run `az login` or set up a managed "
                              "identity with 'Key Vault Secrets User' on the vault"):
        try:
            value = client.get_secret(secret_name).value
        except ResourceNotFoundError:
            raise ExportError(f"secret {secret_name!r} not found in {url}; has `pulumi up` stored the workload's "
                              "keys there? Otherwise give the training key from an environment variable") from None
    if not value:
        raise ExportError(f"secret {secret_name!r} in {url} is empty")
    register(value)      # a key read from the vault is never printed afterwards, whatever quotes it
    return value
