"""Raw stack config (the ``cvmigrate:*`` keys of ``Pulumi.<env>.yaml``) -> :class:`StackConfig`.

Everything is validated before the Pulumi program registers a single resource, so a typo can
never leave an environment half-deployed.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Mapping

from ..clouds import DEFAULT_CLOUD, CloudError, clouds, find_cloud
from .arm import ArmId, ArmIdError, parse_arm_id
from .errors import ConfigIssue, Problems
from .model import (
    CUTOVER_STATES, DEFAULT_RETIREMENT_DATE, LEGACY_MODES, ROLE_KINDS, ArchiveConfig,
    CustomVisionConfig, CutoverConfig, ImageAnalysisConfig, KeyVaultConfig, LegacyAccount,
    LogAnalyticsConfig, ResourceGroupConfig, StackConfig, WorkloadConfig,
)
from .reader import Node

NAMESPACE = "cvmigrate"
WORKLOAD_NAME = r"[A-Za-z0-9][A-Za-z0-9-]{0,38}[A-Za-z0-9]"
ENV_NAME = r"[a-z0-9][a-z0-9-]{0,14}"
ACCOUNT_NAME = r"[A-Za-z0-9][A-Za-z0-9-]{0,62}[A-Za-z0-9]"
LOCATION = r"[a-z0-9]+"

# Sections owned by other concerns. Each maps a key to a parser(node) -> value; the parsed value
# lands in StackConfig.extra[key] (top level) or on the workload (per workload).
# A parser that is None keeps the raw value (the section is validated where it is consumed).
TOP_SECTIONS: dict[str, Callable[[Node], Any] | None] = {}
WORKLOAD_SECTIONS: dict[str, Callable[[Node, WorkloadConfig], Any] | None] = {}

from .alerts import parse_alerts  # noqa: E402  (alerts.py only needs reader.Node)
TOP_SECTIONS["alerts"] = parse_alerts
from .replacement import parse_access, parse_defaults, parse_replacement  # noqa: E402
TOP_SECTIONS["replacement"] = parse_defaults
WORKLOAD_SECTIONS["replacement"] = parse_replacement
WORKLOAD_SECTIONS["access"] = parse_access
from .azure_policy import parse_azure_policy  # noqa: E402
TOP_SECTIONS["azurePolicy"] = parse_azure_policy

_TOP_KEYS = (
    "environment", "production", "allowCreateInProduction", "resourceGroup", "logAnalytics",
    "archive", "keyVault", "retirementDate", "workloads", "diagnosticSettingName",
    "decommission", "tags",
)


def parse_stack_config(raw: Mapping[str, Any], stack: str, *, today: dt.date | None = None,
                       location: str | None = None) -> tuple[StackConfig | None, list[ConfigIssue]]:
    """Parse and validate. Returns (config or None, every issue found: errors and warnings).

    ``raw`` holds the stack's config keys, either namespaced (``cvmigrate:workloads``) or bare.
    ``location`` is ``azure-native:location``.
    """
    today = today or dt.date.today()
    problems = Problems()
    values: dict[str, Any] = {}
    cloud_environment: str | None = None
    for key, value in raw.items():
        ns, _, bare = key.rpartition(":")
        if ns in ("", NAMESPACE):
            values[bare] = value
        elif key == "azure-native:location" and location is None:
            location = value
        elif key == "azure-native:environment":
            cloud_environment = str(value)
    root = Node(values, NAMESPACE + ":", problems)  # children render as cvmigrate:workloads[0]...
    root.only_keys([*_TOP_KEYS, *TOP_SECTIONS])

    environment = root.string("environment", default=stack.lower(), pattern=ENV_NAME,
                              pattern_help="lower-case letters, digits and dashes, at most 15 characters",
                              example="dev")
    production = root.boolean("production")
    allow_create = root.boolean("allowCreateInProduction")

    if not location:
        problems.add("azure-native:location", "is required: every resource the stack creates needs a region.",
                     "run `pulumi config set azure-native:location westeurope`.")
        location = ""
    elif not re.fullmatch(LOCATION, str(location)):
        problems.add("azure-native:location", f"'{location}' is not an Azure region name.",
                     "use the short lower-case form, e.g. westeurope.")

    cloud = DEFAULT_CLOUD
    if cloud_environment:
        try:
            cloud = find_cloud(cloud_environment, "azure-native:environment").name
        except CloudError:
            problems.add("azure-native:environment", f"'{cloud_environment}' is not an Azure cloud.",
                         f"use one of {', '.join(clouds())} (or remove the key for AzureCloud).")

    resource_group = _resource_group(root.get("resourceGroup"), environment)
    log_analytics = _log_analytics(root.get("logAnalytics"))
    archive = _archive(root.get("archive"))
    key_vault = _key_vault(root.get("keyVault"))

    retirement = root.date("retirementDate", default=DEFAULT_RETIREMENT_DATE)
    if retirement and retirement <= today:
        root.get("retirementDate").error(
            f"{retirement.isoformat()} is not in the future (today is {today.isoformat()}).",
            'the retirement date is "2028-09-25"; remove the key to use it.')

    diag_name = root.string("diagnosticSettingName", default="cvmigrate",
                            pattern=r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}",
                            pattern_help="letters, digits, '-', '_' and '.'", example="cvmigrate")
    decommission = root.get("decommission")
    silent_days = 30
    if decommission.is_object():
        decommission.only_keys(["silentDays"])
        silent_days = decommission.integer("silentDays", default=30, minimum=1, maximum=365)

    tags = root.string_map("tags")
    for key in tags:
        if key.lower().startswith("cvmigrate-"):
            problems.add(f"cvmigrate:tags.{key}", "uses the reserved prefix 'cvmigrate-'.",
                         "the stack sets cvmigrate-* tags itself; rename your tag.")

    ctx = _Ctx(stack=stack, environment=environment, production=production,
               allow_create=allow_create, location=location or "", retirement=retirement, today=today)
    workloads = _workloads(root.get("workloads"), ctx)

    extra: dict[str, Any] = {}
    for key, parser in TOP_SECTIONS.items():
        node = root.get(key)
        extra[key] = parser(node) if parser else node.value

    cfg = None
    if not problems.errors:
        cfg = StackConfig(
            stack=stack, environment=environment, location=location or "", cloud=cloud,
            resource_group=resource_group, log_analytics=log_analytics, archive=archive,
            key_vault=key_vault, retirement_date=retirement, workloads=tuple(workloads),
            production=production, allow_create_in_production=allow_create,
            diagnostic_setting_name=diag_name, decommission_silent_days=silent_days, tags=tags,
            extra=extra, warnings=tuple(str(w) for w in problems.warnings),
        )
    return cfg, problems.issues


class _Ctx:
    def __init__(self, **kw: Any):
        self.__dict__.update(kw)


def _resource_group(node: Node, environment: str) -> ResourceGroupConfig:
    if not node.is_object():
        return ResourceGroupConfig(name=f"rg-cvmigrate-{environment}", create=True)
    node.only_keys(["name", "create"])
    name = node.string("name", default=f"rg-cvmigrate-{environment}", pattern=r"[-\w.()]{1,89}[-\w()]",
                       pattern_help="letters, digits, '-', '_', '.', '(' and ')', at most 90 characters",
                       example="rg-cvmigrate-dev")
    return ResourceGroupConfig(name=name, create=node.boolean("create", default=True))


def _existing(node: Node, key: str, resource_type: str, example: str) -> ArmId | None:
    value = node.string(key)
    if value is None:
        return None
    try:
        arm = parse_arm_id(value)
    except ArmIdError as exc:
        node.get(key).error(f"'{value}' {exc}.", f"copy the resource ID from the portal, e.g. {example}.")
        return None
    if not arm.is_type(resource_type):
        node.get(key).error(f"points to a {arm.resource_type}, not a {resource_type}.",
                            f"use the ID of a {resource_type} resource.")
        return None
    return arm


_LAW_EXAMPLE = "/subscriptions/<id>/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-shared"


def _log_analytics(node: Node) -> LogAnalyticsConfig:
    if not node.is_object():
        return LogAnalyticsConfig()
    node.only_keys(["create", "retentionInDays", "existingWorkspaceId", "name"])
    existing = _existing(node, "existingWorkspaceId", "Microsoft.OperationalInsights/workspaces", _LAW_EXAMPLE)
    create = node.boolean("create", default=not node.has("existingWorkspaceId"))
    if create and node.has("existingWorkspaceId"):
        node.error("sets both create: true and existingWorkspaceId.", "keep one of them.")
    if not create and not node.has("existingWorkspaceId"):
        node.error("has create: false but no existingWorkspaceId.",
                   f"set existingWorkspaceId: {_LAW_EXAMPLE}, or create: true.")
    retention = node.integer("retentionInDays", default=90, minimum=30, maximum=730)
    name = node.string("name", pattern=r"[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]",
                       pattern_help="4-63 letters, digits and dashes", example="law-cvmigrate-dev")
    return LogAnalyticsConfig(create=create, retention_in_days=retention, existing_id=existing, name=name)


def _archive(node: Node) -> ArchiveConfig:
    if not node.is_object():
        return ArchiveConfig()
    node.only_keys(["create", "existingId", "name"])
    existing = _existing(node, "existingId", "Microsoft.Storage/storageAccounts",
                         "/subscriptions/<id>/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/stlogs")
    create = node.boolean("create", default=False)
    if create and existing:
        node.error("sets both create: true and existingId.", "keep one of them.")
    name = node.string("name", pattern=r"[a-z0-9]{3,24}", pattern_help="3-24 lower-case letters and digits",
                       example="stcvmigratedev01")
    return ArchiveConfig(enabled=create or existing is not None, create=create, existing_id=existing, name=name)


def _key_vault(node: Node) -> KeyVaultConfig:
    if not node.is_object():
        return KeyVaultConfig()
    node.only_keys(["create", "existingId", "name", "purgeProtection", "softDeleteRetentionInDays", "enabled"])
    existing = _existing(node, "existingId", "Microsoft.KeyVault/vaults",
                         "/subscriptions/<id>/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-shared")
    enabled = node.boolean("enabled", default=True)
    create = node.boolean("create", default=existing is None)
    if create and existing:
        node.error("sets both create: true and existingId.", "keep one of them.")
    if enabled and not create and not existing:
        node.error("has create: false but no existingId.", "set existingId, create: true, or enabled: false.")
    name = node.string("name", pattern=r"[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]",
                       pattern_help="3-24 letters, digits and dashes, starting with a letter", example="kv-cvm-dev")
    return KeyVaultConfig(
        enabled=enabled, create=create and enabled, existing_id=existing, name=name,
        purge_protection=node.boolean("purgeProtection", default=True),
        soft_delete_retention_days=node.integer("softDeleteRetentionInDays", default=90, minimum=7, maximum=90),
    )


_WORKLOAD_KEYS = ("name", "owner", "wave", "legacy", "cutover", "tags")


def _workloads(node: Node, ctx: _Ctx) -> list[WorkloadConfig]:
    if node.value is None:
        return []
    if not node.is_list(example="[{name: shelf-scanner, legacy: {...}}]"):
        return []
    seen: dict[str, str] = {}
    seen_accounts: dict[str, str] = {}
    out: list[WorkloadConfig] = []
    for index, item in node.items():
        if not item.is_object(required=True, example="{name: shelf-scanner, ...}"):
            continue
        item.only_keys([*_WORKLOAD_KEYS, *WORKLOAD_SECTIONS])
        name = item.string("name", required=True, pattern=WORKLOAD_NAME,
                           pattern_help="2-40 letters, digits and dashes, not starting or ending with a dash",
                           example="shelf-scanner")
        if name:
            key = name.lower()
            if key in seen:
                item.get("name").error(f"'{name}' is already used by {seen[key]} (names are compared case-insensitively).",
                                       "give every workload a unique name.")
            seen[key] = item.child_path("name")
        owner = item.string("owner")
        wave = item.integer("wave", default=1, minimum=0, maximum=99)
        cutover = _cutover(item.get("cutover"), ctx)
        legacy = item.get("legacy")
        custom_vision = image_analysis = None
        if legacy.is_object():
            legacy.only_keys(["customVision", "imageAnalysis"])
            if name:
                custom_vision = _custom_vision(legacy.get("customVision"), name, ctx)
                image_analysis = _image_analysis(legacy.get("imageAnalysis"), name, ctx)
        workload = WorkloadConfig(name=name or f"workload-{index}", owner=owner, wave=wave,
                                  custom_vision=custom_vision, image_analysis=image_analysis,
                                  cutover=cutover, tags=item.string_map("tags"), index=index)
        for account in workload.legacy_accounts:
            key = (str(account.id).lower() if account.id else f"create/{account.name.lower()}")
            if key in seen_accounts:
                node.problems.add(account.config_path,
                                  f"account '{account.name}' is already declared at {seen_accounts[key]}.",
                                  "each legacy account belongs to exactly one workload and one role.")
            seen_accounts[key] = account.config_path
        sections: dict[str, Any] = {}
        for key, parser in WORKLOAD_SECTIONS.items():
            sub = item.get(key)
            sections[key] = parser(sub, workload) if parser else sub.value
        if sections:
            workload = _replace(workload, **{k: v for k, v in sections.items() if k in ("replacement", "access")})
        out.append(workload)
    return out


def _replace(workload: WorkloadConfig, **changes: Any) -> WorkloadConfig:
    from dataclasses import replace
    return replace(workload, **changes)


def _cutover(node: Node, ctx: _Ctx) -> CutoverConfig:
    if not node.is_object():
        return CutoverConfig()
    node.only_keys(["state", "date"])
    state = node.choice("state", CUTOVER_STATES, default="planned")
    date = node.date("date")
    if date and ctx.retirement and date > ctx.retirement:
        node.get("date").error(
            f"{date.isoformat()} is after the retirement date {ctx.retirement.isoformat()}: legacy calls fail from then on.",
            "plan the cutover before the retirement date.")
    if state in ("cut-over", "decommissioned") and node.get("date").value is None:
        node.get("date").error(f"is required when state is '{state}'.",
                               'set the day traffic moved, e.g. date: "2027-03-31".')
    return CutoverConfig(state=state or "planned", date=date)


_CV_KEYS = {
    "reference": ("mode", "trainingId", "predictionId", "storeKeys"),
    "import": ("mode", "trainingId", "predictionId", "storeKeys", "sku", "location",
               "trainingLocation", "predictionLocation", "trainingSku", "predictionSku"),
    "create": ("mode", "sku", "location", "trainingLocation", "predictionLocation", "trainingSku",
               "predictionSku", "trainingName", "predictionName", "restore", "storeKeys"),
}
_CV_ID_EXAMPLE = "/subscriptions/<subscription-id>/resourceGroups/rg-cv/providers/Microsoft.CognitiveServices/accounts/cv-shelf-train"
_SKUS = ("F0", "S0", "S1")


def _account_id(node: Node, key: str) -> ArmId | None:
    value = node.string(key, required=True, example=_CV_ID_EXAMPLE)
    if value is None:
        return None
    try:
        arm = parse_arm_id(value)
    except ArmIdError as exc:
        node.get(key).error(f"'{value}' {exc}.", f"copy the account's resource ID, e.g. {_CV_ID_EXAMPLE}.")
        return None
    if not arm.is_type("Microsoft.CognitiveServices/accounts"):
        node.get(key).error(
            f"points to a {arm.resource_type}; a legacy account must be a Microsoft.CognitiveServices/accounts resource.",
            f"use the Cognitive Services account ID, e.g. {_CV_ID_EXAMPLE}.")
        return None
    if not re.fullmatch(ACCOUNT_NAME, arm.name):
        node.get(key).error(f"account name '{arm.name}' is not a valid Cognitive Services account name.",
                            "check the ID for a typo.")
        return None
    return arm


def _mode(node: Node, ctx: _Ctx) -> str | None:
    mode = node.choice("mode", LEGACY_MODES, default="reference")
    if mode == "create" and ctx.production and not ctx.allow_create:
        node.get("mode").error(
            "create mode makes new legacy accounts, and this environment is marked production "
            "(cvmigrate:production: true).",
            "adopt the existing accounts with mode: reference or import, or set "
            "cvmigrate:allowCreateInProduction: true if you really mean it.")
    return mode


def _location(node: Node, key: str, default: str) -> str:
    value = node.string(key, default=default, pattern=LOCATION, pattern_help="an Azure region name",
                        example="westeurope")
    return value or default


def _custom_vision(node: Node, workload: str, ctx: _Ctx) -> CustomVisionConfig | None:
    if not node.is_object():
        return None
    mode = _mode(node, ctx)
    if mode is None:
        return None
    node.only_keys(_CV_KEYS[mode])
    store_keys = node.boolean("storeKeys", default=True)
    common = dict(workload=workload, mode=mode, store_keys=store_keys)
    if mode == "reference":
        tid, pid = _account_id(node, "trainingId"), _account_id(node, "predictionId")
        if tid and pid and str(tid).lower() == str(pid).lower():
            node.get("predictionId").error("is the same account as trainingId.",
                                           "Custom Vision needs two accounts: the Training and the Prediction resource.")
            return None
        if not (tid and pid):
            return None
        return CustomVisionConfig(
            mode=mode,
            training=LegacyAccount(role="training", name=tid.name, kind=ROLE_KINDS["training"], id=tid,
                                   config_path=node.child_path("trainingId"), **common),
            prediction=LegacyAccount(role="prediction", name=pid.name, kind=ROLE_KINDS["prediction"], id=pid,
                                     config_path=node.child_path("predictionId"), **common),
        )
    sku = node.choice("sku", _SKUS, default="S0")
    if mode == "import":
        location = node.string("location", required=True, pattern=LOCATION, example="westeurope")
        t_loc = _location(node, "trainingLocation", location or "")
        p_loc = _location(node, "predictionLocation", location or "")
        tid, pid = _account_id(node, "trainingId"), _account_id(node, "predictionId")
        _same_region(node, t_loc, p_loc)
        if not (tid and pid and location):
            return None
        return CustomVisionConfig(
            mode=mode,
            training=LegacyAccount(role="training", name=tid.name, kind=ROLE_KINDS["training"], id=tid,
                                   location=t_loc, sku=node.choice("trainingSku", _SKUS, default=sku) or sku,
                                   config_path=node.child_path("trainingId"), **common),
            prediction=LegacyAccount(role="prediction", name=pid.name, kind=ROLE_KINDS["prediction"], id=pid,
                                     location=p_loc, sku=node.choice("predictionSku", _SKUS, default=sku) or sku,
                                     config_path=node.child_path("predictionId"), **common),
        )
    # create
    location = _location(node, "location", ctx.location)
    t_loc = _location(node, "trainingLocation", location)
    p_loc = _location(node, "predictionLocation", location)
    _same_region(node, t_loc, p_loc)
    base = f"cv-{workload.lower()}-{ctx.environment}"[:57]
    t_name = node.string("trainingName", default=f"{base}-train", pattern=ACCOUNT_NAME,
                         pattern_help="2-64 letters, digits and dashes", example="cv-shelf-dev-train")
    p_name = node.string("predictionName", default=f"{base}-pred", pattern=ACCOUNT_NAME,
                         pattern_help="2-64 letters, digits and dashes", example="cv-shelf-dev-pred")
    if t_name and p_name and t_name.lower() == p_name.lower():
        node.get("predictionName").error("equals trainingName.", "give the two accounts different names.")
    restore = node.boolean("restore")
    return CustomVisionConfig(
        mode=mode,
        training=LegacyAccount(role="training", name=t_name or "", kind=ROLE_KINDS["training"], location=t_loc,
                               sku=node.choice("trainingSku", _SKUS, default=sku) or sku, restore=restore,
                               config_path=node.child_path("trainingName"), **common),
        prediction=LegacyAccount(role="prediction", name=p_name or "", kind=ROLE_KINDS["prediction"], location=p_loc,
                                 sku=node.choice("predictionSku", _SKUS, default=sku) or sku, restore=restore,
                                 config_path=node.child_path("predictionName"), **common),
    )


def _same_region(node: Node, training: str, prediction: str) -> None:
    if training and prediction and training != prediction:
        node.get("predictionLocation").error(
            f"the Training account is in {training} and the Prediction account in {prediction}; "
            "PublishIteration only publishes to a prediction resource in the training resource's region.",
            "put both accounts in the same region.")


def _image_analysis(node: Node, workload: str, ctx: _Ctx) -> ImageAnalysisConfig | None:
    if not node.is_object():
        return None
    mode = _mode(node, ctx)
    if mode is None:
        return None
    allowed = {"reference": ("mode", "id", "storeKeys"),
               "import": ("mode", "id", "storeKeys", "sku", "location"),
               "create": ("mode", "name", "sku", "location", "restore", "storeKeys")}[mode]
    node.only_keys(allowed)
    common = dict(workload=workload, role="imageAnalysis", mode=mode, kind=ROLE_KINDS["imageAnalysis"],
                  store_keys=node.boolean("storeKeys", default=True))
    if mode in ("reference", "import"):
        arm = _account_id(node, "id")
        location = None
        sku = "S1"
        if mode == "import":
            location = node.string("location", required=True, pattern=LOCATION, example="westeurope")
            sku = node.choice("sku", _SKUS, default="S1") or "S1"
        if not arm or (mode == "import" and not location):
            return None
        return ImageAnalysisConfig(mode=mode, account=LegacyAccount(
            name=arm.name, id=arm, location=location, sku=sku, config_path=node.child_path("id"), **common))
    name = node.string("name", default=f"cv-{workload.lower()}-{ctx.environment}-ia"[:64], pattern=ACCOUNT_NAME,
                       pattern_help="2-64 letters, digits and dashes", example="cv-receipts-dev-ia")
    return ImageAnalysisConfig(mode=mode, account=LegacyAccount(
        name=name or "", location=_location(node, "location", ctx.location),
        sku=node.choice("sku", _SKUS, default="S1") or "S1", restore=node.boolean("restore"),
        config_path=node.child_path("name"), **common))
