"""Which Azure cloud cvmigrate talks to: the endpoints, DNS suffixes, token audiences and sign-in authority of
AzureCloud, AzureUSGovernment and AzureChinaCloud (data and sources in clouds.yaml next to this file).

The cloud is chosen once per command, in this order: ``--cloud``, the ``AZURE_CLOUD`` environment variable,
the stack's ``azure-native:environment`` (the Pulumi provider's own setting, so a stack deployed to Azure
Government reports from Azure Government without a flag), else AzureCloud. Names are matched without
regard to case, and the Pulumi provider's aliases (``usgovernment``, ``china`` ...) are accepted.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Optional

from .errors import UserError
from .paths import load_data_yaml

DEFAULT_CLOUD = "AzureCloud"
ENV_VAR = "AZURE_CLOUD"
REGISTRY = Path(__file__).with_name("clouds.yaml")


class CloudError(UserError):
    """An unknown cloud name; the message names where it came from and the accepted names."""


@dataclass(frozen=True)
class Cloud:
    name: str
    aliases: tuple[str, ...]
    authority_host: str               # Microsoft Entra sign-in host (azure-identity ``authority=``)
    arm_endpoint: str                 # Azure Resource Manager
    arm_audience: str
    log_analytics_endpoint: str       # Log Analytics query API (LogsQueryClient ``endpoint=``)
    log_analytics_audience: str
    storage_suffix: str               # blob host = <account>.blob.<suffix>
    storage_audience: str
    key_vault_suffix: str             # vault URL = https://<vault>.<suffix>/
    key_vault_audience: str
    cognitive_services_suffix: str
    metrics_suffix: str               # platform metrics data plane: https://<region>.<suffix> (MetricsClient)
    metrics_audience: str

    @staticmethod
    def scope(audience: str) -> str:
        """The OAuth scope of an audience (``<audience>/.default``)."""
        return audience.rstrip("/") + "/.default"

    @property
    def arm_scope(self) -> str:
        return self.scope(self.arm_audience)

    @property
    def log_analytics_scope(self) -> str:
        return self.scope(self.log_analytics_audience)

    @property
    def storage_scope(self) -> str:
        return self.scope(self.storage_audience)

    def metrics_endpoint(self, region: str) -> str:
        """The regional metrics:getBatch endpoint (MetricsClient ``endpoint``)."""
        return f"https://{region}.{self.metrics_suffix}"

    def blob_host(self, account: str) -> str:
        return f"{account}.blob.{self.storage_suffix}"

    def blob_url(self, account: str) -> str:
        return f"https://{self.blob_host(account)}"

    def vault_url(self, vault: str) -> str:
        return f"https://{vault}.{self.key_vault_suffix}/"

    def credential(self, **kwargs: Any) -> Any:
        """DefaultAzureCredential signing in at this cloud's authority."""
        from azure.identity import DefaultAzureCredential  # heavy SDK: imported only when signing in

        return DefaultAzureCredential(authority=self.authority_host, **kwargs)

    def async_credential(self, **kwargs: Any) -> Any:
        """The asyncio DefaultAzureCredential (adlfs needs one) at this cloud's authority."""
        from azure.identity.aio import DefaultAzureCredential  # heavy SDK: imported only when signing in

        return DefaultAzureCredential(authority=self.authority_host, **kwargs)


_FIELDS = {
    "authorityHost": "authority_host", "armEndpoint": "arm_endpoint", "armAudience": "arm_audience",
    "logAnalyticsEndpoint": "log_analytics_endpoint", "logAnalyticsAudience": "log_analytics_audience",
    "storageSuffix": "storage_suffix", "storageAudience": "storage_audience",
    "keyVaultSuffix": "key_vault_suffix", "keyVaultAudience": "key_vault_audience",
    "cognitiveServicesSuffix": "cognitive_services_suffix",
    "metricsSuffix": "metrics_suffix", "metricsAudience": "metrics_audience",
}


@lru_cache(maxsize=1)
def clouds() -> dict[str, Cloud]:
    """Every known cloud by its canonical name, read once from clouds.yaml."""
    doc = load_data_yaml(REGISTRY.read_text(encoding="utf-8"))
    return {name: Cloud(name=name, aliases=tuple(spec["aliases"]),
                        **{attr: spec[key] for key, attr in _FIELDS.items()})
            for name, spec in doc["clouds"].items()}


def find_cloud(name: str, origin: Optional[str] = None) -> Cloud:
    """The cloud called ``name`` (canonical name or alias, any case); CloudError names ``origin`` (where the
    name came from), else the input ``cloud``."""
    wanted = name.strip().lower()
    for cloud in clouds().values():
        if wanted == cloud.name.lower() or wanted in cloud.aliases:
            return cloud
    fix = f"{name!r} is not an Azure cloud; use one of {', '.join(clouds())}"
    raise CloudError(f"{origin} {fix}") if origin else CloudError(fix, field="cloud")


def resolve_cloud(flag: Optional[str] = None, *, stack_environment: Optional[str] = None,
                  environ: Optional[Mapping[str, str]] = None) -> Cloud:
    """``--cloud``, else $AZURE_CLOUD, else the stack's ``azure-native:environment``, else AzureCloud."""
    env = os.environ if environ is None else environ
    if flag:
        return find_cloud(flag)
    if env.get(ENV_VAR, "").strip():
        return find_cloud(env[ENV_VAR], ENV_VAR)
    if stack_environment:
        return find_cloud(stack_environment, "azure-native:environment")
    return clouds()[DEFAULT_CLOUD]
