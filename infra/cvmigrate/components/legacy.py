"""The legacy estate: Custom Vision Training + Prediction pairs and Image Analysis accounts.

Modes (per workload, `legacy.customVision.mode` / `legacy.imageAnalysis.mode`):
- reference: the accounts stay unmanaged. Nothing of theirs is registered; the stack only reads them
  (getAccount), attaches a diagnostic setting, copies a key into Key Vault and monitors them.
  Removing the workload from config can therefore never delete them.
- import: brought under management with `import`, `protect` and `retain_on_delete`: even a
  `pulumi destroy` leaves the account in Azure. Settings we do not own (properties, tags, identity)
  are ignored so adoption changes nothing on the account.
- create: new accounts for dev/test reproductions; `kind` changes show as a replacement in preview.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import pulumi
from pulumi_azure_native import cognitiveservices, keyvault

from .. import naming
from ..config import CustomVisionConfig, ImageAnalysisConfig, LegacyAccount
from ..tags import ROLE_LEGACY, cvmigrate_tags
from .diagnostics import DiagnosticsSink, diagnostic_setting
from .foundation import KeyVaultTarget
from .providers import SubscriptionProviders

# The account settings an adopted account keeps exactly as its owners set them.
ADOPTED_IGNORE_CHANGES = ["properties", "tags", "identity"]


@dataclass
class LegacyContext:
    """Shared by every legacy component of one environment."""
    environment: str
    resource_group_name: pulumi.Input[str]   # where create-mode accounts go
    sink: DiagnosticsSink
    key_vault: Optional[KeyVaultTarget]
    providers: SubscriptionProviders
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class AccountHandle:
    id: pulumi.Output[str]
    name: str
    endpoint: pulumi.Output[str]
    location: pulumi.Output[str]
    key_secret_name: Optional[str]
    kind: pulumi.Output[str]            # read from Azure for a referenced account, else the declared kind


def _legacy_account(component: pulumi.ComponentResource, account: LegacyAccount, ctx: LegacyContext,
                    wave: int) -> AccountHandle:
    prefix = f"{account.workload}-{naming.slug(account.label)}"
    tags = cvmigrate_tags(ctx.environment, ROLE_LEGACY, account.workload, wave, extra=ctx.tags)
    provider = ctx.providers.for_subscription(account.id.subscription_id) if account.id else None

    if account.mode == "reference":
        found = cognitiveservices.get_account_output(
            resource_group_name=account.id.resource_group, account_name=account.id.name,
            opts=pulumi.InvokeOutputOptions(parent=component, provider=provider))
        kind = found.kind
        account_id = pulumi.Output.from_input(str(account.id))
        endpoint = found.properties.apply(lambda p: p.endpoint if p else None)
        location = found.location
        rg_name: pulumi.Input[str] = account.id.resource_group
        depends: list[pulumi.Resource] = []
    else:
        kwargs = dict(
            account_name=account.name,
            kind=account.kind,
            sku=cognitiveservices.SkuArgs(name=account.sku),
            location=account.location,
        )
        if account.mode == "import":
            opts = pulumi.ResourceOptions(
                parent=component, provider=provider, import_=str(account.id), protect=True,
                retain_on_delete=True, ignore_changes=ADOPTED_IGNORE_CHANGES)
            resource = cognitiveservices.Account(
                prefix, resource_group_name=account.id.resource_group, **kwargs, opts=opts)
            rg_name = account.id.resource_group
        else:
            properties = cognitiveservices.AccountPropertiesArgs(restore=True) if account.restore else None
            resource = cognitiveservices.Account(
                prefix, resource_group_name=ctx.resource_group_name, properties=properties, tags=tags,
                **kwargs,
                opts=pulumi.ResourceOptions(parent=component, replace_on_changes=["kind"],
                                            delete_before_replace=False))
            rg_name = ctx.resource_group_name
        account_id = resource.id
        endpoint = resource.properties.apply(lambda p: p.endpoint if p else None)
        location = resource.location
        kind = pulumi.Output.from_input(account.kind)
        depends = [resource]

    diagnostic_setting(f"{prefix}-diagnostics", account_id, ctx.sink, parent=component, depends_on=depends,
                       subscription_id=account.id.subscription_id if account.id is not None else None,
                       resource_group=account.id.resource_group if account.id is not None else None)

    secret_name = None
    if account.store_keys and ctx.key_vault is not None:
        secret_name = naming.key_secret_name(account.workload, account.role)
        keys = cognitiveservices.list_account_keys_output(
            resource_group_name=rg_name, account_name=account_id.apply(lambda _: account.name),
            opts=pulumi.InvokeOutputOptions(parent=component, provider=provider))
        keyvault.Secret(
            f"{prefix}-key",
            secret_name=secret_name,
            vault_name=ctx.key_vault.vault_name,
            resource_group_name=ctx.key_vault.resource_group_name,
            properties=keyvault.SecretPropertiesArgs(
                value=pulumi.Output.secret(keys.key1),
                content_type=f"{account.kind} key1 of {account.name}",
            ),
            tags=cvmigrate_tags(ctx.environment, ROLE_LEGACY, account.workload, wave, extra=ctx.tags),
            opts=pulumi.ResourceOptions(parent=component, additional_secret_outputs=["properties"]),
        )
    return AccountHandle(id=account_id, name=account.name, endpoint=endpoint, location=location,
                         key_secret_name=secret_name, kind=kind)


def _warn_kind(account: LegacyAccount, kind: Optional[str]) -> None:
    if kind and kind.lower() != account.kind.lower():
        pulumi.log.warn(
            f"{account.config_path}: account '{account.name}' has kind {kind}, expected {account.kind}; "
            "check that the ID names the right account.")


def _norm(text: Optional[str]) -> str:
    return (text or "").replace(" ", "").lower()


def pair_problem(workload: str, config: CustomVisionConfig, training_kind: Optional[str],
                 prediction_kind: Optional[str], training_location: Optional[str],
                 prediction_location: Optional[str]) -> Optional[str]:
    """Why a workload's Custom Vision pair, as Azure reports it, cannot work; None when it can."""
    t, p = config.training, config.prediction
    kinds = (_norm(training_kind), _norm(prediction_kind))
    expected = (t.kind.lower(), p.kind.lower())
    if kinds == expected[::-1]:
        return (f"workload '{workload}': {t.config_path} names '{t.name}', a {prediction_kind} account, and "
                f"{p.config_path} names '{p.name}', a {training_kind} account: the IDs are swapped. "
                "Fix: exchange trainingId and predictionId.")
    for account, kind in ((t, training_kind), (p, prediction_kind)):
        if kind and kind.lower() != account.kind.lower():
            return (f"workload '{workload}': {account.config_path} names '{account.name}', a {kind} account, not "
                    f"{account.kind}. Fix: use the ID of the workload's {account.kind} account.")
    if training_location and prediction_location and _norm(training_location) != _norm(prediction_location):
        return (f"workload '{workload}': the Training account '{t.name}' is in {training_location} and the "
                f"Prediction account '{p.name}' in {prediction_location}; PublishIteration only publishes to a "
                "prediction resource in the training resource's region (calls fail with 401). "
                f"Fix: reference a Prediction account in {training_location}.")
    return None


def _checked_location(workload: str, config: CustomVisionConfig, training: AccountHandle,
                      prediction: AccountHandle) -> pulumi.Output[str]:
    """The pair's region, once Azure's answer passed :func:`pair_problem`; otherwise the preview fails."""
    def check(values: list) -> str:
        problem = pair_problem(workload, config, *values)
        if problem:
            raise pulumi.RunError(problem)
        return values[2]
    return pulumi.Output.all(training.kind, prediction.kind, training.location, prediction.location).apply(check)


@dataclass
class CustomVisionPairArgs:
    """Required: workload, config, context. Optional: wave (tag value)."""
    workload: str
    config: CustomVisionConfig
    context: LegacyContext
    wave: int = 1


class CustomVisionPair(pulumi.ComponentResource):
    """A workload's Custom Vision Training + Prediction accounts, in any mode."""

    training_id: pulumi.Output[str]
    prediction_id: pulumi.Output[str]
    training_endpoint: pulumi.Output[str]
    prediction_endpoint: pulumi.Output[str]
    location: pulumi.Output[str]
    prediction_resource_id: pulumi.Output[str]

    def __init__(self, name: str, args: CustomVisionPairArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:legacy:CustomVisionPair", name, None, opts)
        training = _legacy_account(self, args.config.training, args.context, args.wave)
        prediction = _legacy_account(self, args.config.prediction, args.context, args.wave)
        self.training_id = training.id
        self.prediction_id = prediction.id
        self.training_endpoint = training.endpoint
        self.prediction_endpoint = prediction.endpoint
        # Referenced accounts are read from Azure (getAccount): kinds and regions are checked there, and the
        # preview fails naming the workload. Created and imported pairs are checked at validation.
        if args.config.mode == "reference":
            self.location = _checked_location(args.workload, args.config, training, prediction)
        else:
            self.location = training.location
        # PublishIteration's `predictionId` query parameter is the prediction resource's ARM ID.
        self.prediction_resource_id = prediction.id
        self.training_key_secret = training.key_secret_name
        self.prediction_key_secret = prediction.key_secret_name
        self.register_outputs({
            "trainingId": self.training_id,
            "predictionId": self.prediction_id,
            "trainingEndpoint": self.training_endpoint,
            "predictionEndpoint": self.prediction_endpoint,
            "location": self.location,
            "predictionResourceId": self.prediction_resource_id,
            "trainingKeySecretName": training.key_secret_name,
            "predictionKeySecretName": prediction.key_secret_name,
        })


@dataclass
class LegacyVisionAccountArgs:
    """Required: workload, config, context. Optional: wave (tag value)."""
    workload: str
    config: ImageAnalysisConfig
    context: LegacyContext
    wave: int = 1


class LegacyVisionAccount(pulumi.ComponentResource):
    """An Image Analysis account (kind ComputerVision), in any mode."""

    account_id: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    location: pulumi.Output[str]

    def __init__(self, name: str, args: LegacyVisionAccountArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:legacy:LegacyVisionAccount", name, None, opts)
        handle = _legacy_account(self, args.config.account, args.context, args.wave)
        if args.config.mode == "reference":
            handle.kind.apply(lambda kind: _warn_kind(args.config.account, kind))
        self.account_id = handle.id
        self.endpoint = handle.endpoint
        self.location = handle.location
        self.key_secret = handle.key_secret_name
        self.register_outputs({
            "accountId": self.account_id,
            "endpoint": self.endpoint,
            "location": self.location,
            "keySecretName": handle.key_secret_name,
        })
