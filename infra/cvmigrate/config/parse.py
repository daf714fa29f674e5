"""Raw stack config (the ``cvmigrate:*`` keys of ``Pulumi.<env>.yaml``) -> :class:`StackConfig`.

Everything is validated before the Pulumi program registers a single resource, so a typo can
never leave an environment half-deployed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import Any, Mapping

from ..clouds import DEFAULT_CLOUD, CloudError, clouds, find_cloud
from ..content_understanding.service import service_facts
from .alerts import parse_alerts
from .arm import ArmId, arm_id_field
from .azure_policy import parse_azure_policy
from ..tags import count_problem, tag_problems
from .claims import NameClaims
from .problems import ConfigIssue, Problems
from .legacy_accounts import ParseContext, parse_custom_vision, parse_image_analysis
from .stack_config import (
    CUTOVER_STATES, DEFAULT_RETIREMENT_DATE, ArchiveConfig, CutoverConfig, EvidenceConfig, KeyVaultConfig,
    LogAnalyticsConfig, ResourceGroupConfig, StackConfig, WorkloadConfig,
)
from .names import check_names
from .patterns import ENV_NAME, LOCATION, RESOURCE_GROUP_NAME, WORKLOAD_NAME, is_guid
from .principals import parse_access
from .reader import Node
from .replacement import parse_replacement
from .replacement_defaults import parse_defaults

NAMESPACE = "cvmigrate"

_TOP_KEYS = (
    "environment", "production", "allowCreateInProduction", "resourceGroup", "logAnalytics",
    "archive", "keyVault", "retirementDate", "workloads", "diagnosticSettingName",
    "decommission", "tags", "alerts", "replacement", "azurePolicy", "nameGeneration",
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
    subscription: Any = None
    for key, value in raw.items():
        ns, _, bare = key.rpartition(":")
        ns = ns.removesuffix(":config")      # old-style "ns:config:key"
        key = f"{ns}:{bare}" if ns else bare
        if ns in ("", NAMESPACE):
            values[bare] = value
        elif key == "azure-native:location" and location is None:
            location = value
        elif key == "azure-native:environment":
            cloud_environment = str(value)
        elif key == "azure-native:subscriptionId":
            subscription = value
    root = Node(values, NAMESPACE + ":", problems)  # children render as cvmigrate:workloads[0]...
    root.only_keys(_TOP_KEYS)

    environment = _environment(root, stack)
    subscription_id = _subscription(subscription, problems)
    generation = root.integer("nameGeneration", default=0, minimum=0, maximum=999)
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
    _check_tags(root.get("tags"), tags, {})

    ctx = ParseContext(stack_tags=tags, stack=stack, environment=environment, production=production,
               allow_create=allow_create, location=location or "", retirement=retirement, today=today)
    workloads = _workloads(root.get("workloads"), ctx)

    alerts = parse_alerts(root.get("alerts"))
    replacement_defaults = parse_defaults(root.get("replacement"))
    _check_content_understanding_region(workloads, replacement_defaults.foundry.location or location or "", problems)
    azure_policy = parse_azure_policy(root.get("azurePolicy"))

    cfg = None
    if not problems.errors:
        cfg = StackConfig(subscription_id=subscription_id, name_generation=generation,
            stack=stack, environment=environment, location=location or "", cloud=cloud,
            resource_group=resource_group, log_analytics=log_analytics, archive=archive,
            key_vault=key_vault, retirement_date=retirement, workloads=tuple(workloads),
            production=production, allow_create_in_production=allow_create,
            diagnostic_setting_name=diag_name, decommission_silent_days=silent_days, tags=tags,
            alerts=alerts, replacement=replacement_defaults, azure_policy=azure_policy,
            warnings=tuple(str(w) for w in problems.warnings),
        )
        check_names(cfg, problems)
        if problems.errors:
            cfg = None
    return cfg, problems.issues


def _check_tags(node: Node, tags: dict[str, str], inherited: dict[str, str]) -> None:
    """Azure's tag limits, at validation; a workload's tags count together with the stack's."""
    for name, message, fix in tag_problems(tags):
        node.problems.add(node.child_path(name) if name.strip() else node.path, message, fix)
    too_many = count_problem(len({**inherited, **tags}))
    if too_many:
        node.error(too_many, "drop tags, or move per-workload ones out of cvmigrate:tags.")


_ENV_HELP = "lower-case letters, digits and dashes, at most 15 characters"


def _environment(root: Node, stack: str) -> str:
    """``cvmigrate:environment``, else the stack name; the same rule holds for both, since either ends up in
    resource names and tags."""
    if root.has("environment"):
        return root.string("environment", default="", pattern=ENV_NAME, pattern_help=_ENV_HELP, example="dev") or ""
    candidate = stack.lower()
    if not re.fullmatch(ENV_NAME, candidate):
        root.get("environment").error(
            f"is not set, and the stack name '{stack}' cannot stand in for it ({_ENV_HELP}, "
            "neither starting nor ending with a dash).",
            "set cvmigrate:environment, e.g. `pulumi config set cvmigrate:environment dev`.")
        return ""
    return candidate


def _subscription(value: Any, problems: Problems) -> str:
    """``azure-native:subscriptionId``: hashed into every name that must be unique beyond the stack."""
    path = "azure-native:subscriptionId"
    if value is None or value == "":
        problems.add(path, "is required: generated names are unique per subscription (like Bicep's uniqueString), "
                           "so the stack must know which one it deploys into.",
                     "run `pulumi config set azure-native:subscriptionId <subscription-id>` (az account show --query id).")
        return ""
    if not is_guid(str(value)):
        problems.add(path, f"'{value}' is not a subscription ID (a GUID).",
                     "copy it from `az account show --query id`.")
        return ""
    if str(value).strip("0-") == "":
        problems.warn(path, "is the all-zero placeholder of the example stacks, so generated names are not "
                            "unique to your subscription.",
                      "set your own: `pulumi config set azure-native:subscriptionId <subscription-id>`.")
    return str(value).lower()


def _resource_group(node: Node, environment: str) -> ResourceGroupConfig:
    if not node.is_object():
        return ResourceGroupConfig(name=f"rg-cvmigrate-{environment}", create=True)
    node.only_keys(["name", "create"])
    name = node.string("name", default=f"rg-cvmigrate-{environment}", pattern=RESOURCE_GROUP_NAME,
                       pattern_help="letters, digits, '-', '_', '.', '(' and ')', at most 90 characters",
                       example="rg-cvmigrate-dev")
    return ResourceGroupConfig(name=name, create=node.boolean("create", default=True))


_LAW_EXAMPLE = "/subscriptions/<id>/resourceGroups/rg-ops/providers/Microsoft.OperationalInsights/workspaces/law-shared"


def _log_analytics(node: Node) -> LogAnalyticsConfig:
    if not node.is_object():
        return LogAnalyticsConfig()
    node.only_keys(["create", "retentionInDays", "existingWorkspaceId", "name"])
    existing = arm_id_field(node, "existingWorkspaceId", "Microsoft.OperationalInsights/workspaces", _LAW_EXAMPLE)
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
    existing = arm_id_field(node, "existingId", "Microsoft.Storage/storageAccounts",
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
    existing = arm_id_field(node, "existingId", "Microsoft.KeyVault/vaults",
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


_WORKLOAD_KEYS = ("name", "owner", "wave", "legacy", "cutover", "tags", "replacement", "access", "evidence")


def _workloads(node: Node, ctx: ParseContext) -> list[WorkloadConfig]:
    if node.value is None:
        return []
    if not node.is_list(example="[{name: shelf-scanner, legacy: {...}}]"):
        return []
    seen: dict[str, str] = {}
    seen_accounts: dict[str, str] = {}
    claims = NameClaims()
    out: list[WorkloadConfig] = []
    for index, item in node.items():
        if not item.is_object(required=True, example="{name: shelf-scanner, ...}"):
            continue
        item.only_keys(_WORKLOAD_KEYS)
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
                custom_vision = parse_custom_vision(legacy.get("customVision"), name, ctx)
                image_analysis = parse_image_analysis(legacy.get("imageAnalysis"), name, ctx)
        workload = WorkloadConfig(name=name or f"workload-{index}", owner=owner, wave=wave,
                                  custom_vision=custom_vision, image_analysis=image_analysis,
                                  cutover=cutover, tags=item.string_map("tags"), index=index,
                                  evidence=_evidence(item.get("evidence")))
        _check_tags(item.get("tags"), workload.tags, ctx.stack_tags)
        for account in workload.legacy_accounts:
            key = (str(account.id).lower() if account.id else f"create/{account.name.lower()}")
            if key in seen_accounts:
                node.problems.add(account.config_path,
                                  f"account '{account.name}' is already declared at {seen_accounts[key]}.",
                                  "each legacy account belongs to exactly one workload and one role.")
            seen_accounts[key] = account.config_path
        workload = replace(workload, replacement=parse_replacement(item.get("replacement"), workload.name, claims, ctx.today),
                           access=parse_access(item.get("access")))
        out.append(workload)
    return out


def _check_content_understanding_region(workloads: list[WorkloadConfig], region: str, problems: Problems) -> None:
    """Content Understanding runs on the shared AIServices account: it must sit in a region the service supports."""
    supported = service_facts().regions
    for w in workloads:
        cu = w.replacement.content_understanding if w.replacement else None
        if cu is not None and region and region.lower() not in supported:
            problems.add(cu.config_path, f"needs the shared AIServices account in a Content Understanding region; "
                                         f"it would be in {region}.",
                         f"set cvmigrate:replacement.foundry.location to one of {', '.join(supported)}.")


def _evidence(node: Node) -> EvidenceConfig:
    if not node.is_object():
        return EvidenceConfig()
    node.only_keys(["scan", "inventory", "export"])
    return EvidenceConfig(scan=node.string("scan", example="evidence/shelf-scanner.scan.json"),
                          inventory=node.string("inventory", example="evidence/shelf-scanner.inventory.json"),
                          export=node.string("export", example="exports/shelf-scanner/manifest.json"))


def _cutover(node: Node, ctx: ParseContext) -> CutoverConfig:
    if not node.is_object():
        return CutoverConfig()
    node.only_keys(["state", "date", "evidence"])
    state = node.choice("state", CUTOVER_STATES, default="planned")
    date = node.date("date")
    evidence = node.string("evidence", pattern=r"(?![A-Za-z][A-Za-z0-9+.-]*://).+\.json",
                           pattern_help="the path of a compare.json written by `cvmigrate compare`, not a URL",
                           example="compare/shelf/compare.json")
    if date and ctx.retirement and date > ctx.retirement:
        node.get("date").error(
            f"{date.isoformat()} is after the retirement date {ctx.retirement.isoformat()}: legacy calls fail from then on.",
            "plan the cutover before the retirement date.")
    if state in ("cut-over", "decommissioned") and node.get("date").value is None:
        node.get("date").error(f"is required when state is '{state}'.",
                               'set the day traffic moved, e.g. date: "2027-03-31".')
    return CutoverConfig(state=state or "planned", date=date, evidence=evidence or None)
