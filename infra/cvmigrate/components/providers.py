"""Explicit azure-native providers for subscriptions other than the stack's own.

Legacy accounts usually live in application teams' subscriptions. Diagnostic settings address them
by full resource ID and work through the default provider, but invokes (getAccount, listAccountKeys)
and imports run against the provider's subscription, so each foreign subscription gets one
provider, created once, named after the subscription (stable across runs).
"""
from __future__ import annotations

from typing import Optional

import pulumi
import pulumi_azure_native

# Authentication settings an explicit provider does not inherit from `azure-native:*` stack config.
_INHERITED = ("tenantId", "clientId", "clientSecret", "clientCertificatePath", "clientCertificatePassword",
              "useMsi", "useOidc", "oidcRequestToken", "oidcRequestUrl", "oidcToken", "environment",
              "auxiliaryTenantIds", "location")
_SECRET = {"clientSecret", "clientCertificatePassword", "oidcRequestToken", "oidcToken"}


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


class SubscriptionProviders:
    def __init__(self, parent: pulumi.Resource):
        self._parent = parent
        self._providers: dict[str, pulumi.ProviderResource] = {}
        cfg = pulumi.Config("azure-native")
        self._home = (cfg.get("subscriptionId") or "").lower()

    def for_subscription(self, subscription_id: str) -> Optional[pulumi.ProviderResource]:
        """None for the stack's own subscription (when known), else the explicit provider."""
        key = subscription_id.lower()
        if key == self._home:
            return None
        if key not in self._providers:
            cfg = pulumi.Config("azure-native")
            args = {}
            for name in _INHERITED:
                value = cfg.get_secret(name) if name in _SECRET else cfg.get(name)
                if value is not None:
                    args[_snake(name)] = value
            if "use_msi" in args:
                args["use_msi"] = str(args["use_msi"]).lower() == "true"
            if "use_oidc" in args:
                args["use_oidc"] = str(args["use_oidc"]).lower() == "true"
            args.pop("auxiliary_tenant_ids", None)
            self._providers[key] = pulumi_azure_native.Provider(
                f"subscription-{key}", subscription_id=subscription_id, **args,
                opts=pulumi.ResourceOptions(parent=self._parent))
        return self._providers[key]
