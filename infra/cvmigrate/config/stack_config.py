"""Typed stack configuration shared by the Pulumi program, `render`, `status` and `export`."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from ..naming import NameScope
from .alerts import AlertsConfig
from .arm import ArmId
from .azure_policy import AzurePolicyConfig
from .principals import AccessPrincipal
from .replacement import ReplacementConfig
from .replacement_defaults import ReplacementDefaults

DEFAULT_RETIREMENT_DATE = dt.date(2028, 9, 25)

CUTOVER_STATES = ("planned", "dual-run", "cut-over", "decommissioned")
LEGACY_MODES = ("reference", "import", "create")

# Account kinds of the retiring services. Kind strings per the ARM API / AVM allowed list.
KIND_TRAINING = "CustomVision.Training"
KIND_PREDICTION = "CustomVision.Prediction"
KIND_IMAGE_ANALYSIS = "ComputerVision"
LEGACY_KINDS = (KIND_TRAINING, KIND_PREDICTION, KIND_IMAGE_ANALYSIS)

# Role of a legacy account inside a workload -> the "Kind" label the queries report.
ROLE_LABELS = {"training": "Training", "prediction": "Prediction", "imageAnalysis": "ImageAnalysis"}
ROLE_KINDS = {"training": KIND_TRAINING, "prediction": KIND_PREDICTION, "imageAnalysis": KIND_IMAGE_ANALYSIS}


@dataclass(frozen=True)
class ResourceGroupConfig:
    name: str
    create: bool = True


@dataclass(frozen=True)
class LogAnalyticsConfig:
    create: bool = True
    retention_in_days: int = 90
    existing_id: Optional[ArmId] = None
    name: Optional[str] = None


@dataclass(frozen=True)
class ArchiveConfig:
    enabled: bool = False
    create: bool = False
    existing_id: Optional[ArmId] = None
    name: Optional[str] = None


@dataclass(frozen=True)
class KeyVaultConfig:
    enabled: bool = True
    create: bool = True
    existing_id: Optional[ArmId] = None
    name: Optional[str] = None
    purge_protection: bool = True
    soft_delete_retention_days: int = 90


@dataclass(frozen=True)
class LegacyAccount:
    """One legacy Cognitive Services account of a workload (training, prediction or Image Analysis)."""

    workload: str
    role: str                       # training | prediction | imageAnalysis
    mode: str                       # reference | import | create
    name: str                       # Azure account name
    kind: str                       # CustomVision.Training | CustomVision.Prediction | ComputerVision
    id: Optional[ArmId] = None      # reference/import: the existing account
    location: Optional[str] = None  # create/import: declared; reference: read from Azure
    sku: str = "S0"
    restore: bool = False           # create: restore a soft-deleted account of this name
    store_keys: bool = True
    config_path: str = ""

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def resource_group(self) -> Optional[str]:
        return self.id.resource_group if self.id else None


@dataclass(frozen=True)
class CustomVisionConfig:
    mode: str
    training: LegacyAccount
    prediction: LegacyAccount


@dataclass(frozen=True)
class ImageAnalysisConfig:
    mode: str
    account: LegacyAccount


@dataclass(frozen=True)
class CutoverConfig:
    state: str = "planned"
    date: Optional[dt.date] = None
    evidence: Optional[str] = None     # path of a `cvmigrate compare` compare.json, relative to the stack file


@dataclass(frozen=True)
class EvidenceConfig:
    """Reports that prove checklist steps (paths relative to the stack file's folder)."""
    scan: Optional[str] = None       # `cvmigrate scan --format json` of the workload's code
    inventory: Optional[str] = None  # `cvmigrate inventory --format json` of the workload's training resource
    export: Optional[str] = None     # `cvmigrate export` manifest.json (or its folder)
    # the staging comparison (compare.json) is cutover.evidence


@dataclass(frozen=True)
class WorkloadConfig:
    name: str
    owner: Optional[str] = None
    wave: int = 1
    custom_vision: Optional[CustomVisionConfig] = None
    image_analysis: Optional[ImageAnalysisConfig] = None
    cutover: CutoverConfig = field(default_factory=CutoverConfig)
    tags: dict[str, str] = field(default_factory=dict)
    replacement: Optional[ReplacementConfig] = None      # where the workload's traffic goes
    access: tuple[AccessPrincipal, ...] = ()             # principals granted roles on it
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)   # checklist reports
    index: int = 0

    @property
    def legacy_accounts(self) -> list[LegacyAccount]:
        accounts: list[LegacyAccount] = []
        if self.custom_vision:
            accounts += [self.custom_vision.training, self.custom_vision.prediction]
        if self.image_analysis:
            accounts.append(self.image_analysis.account)
        return accounts

    @property
    def path(self) -> str:
        return f"cvmigrate:workloads[{self.index}]"


@dataclass(frozen=True)
class StackConfig:
    stack: str
    environment: str
    location: str
    resource_group: ResourceGroupConfig
    log_analytics: LogAnalyticsConfig
    archive: ArchiveConfig
    key_vault: KeyVaultConfig
    retirement_date: dt.date
    workloads: tuple[WorkloadConfig, ...]
    production: bool = False
    allow_create_in_production: bool = False
    diagnostic_setting_name: str = "cvmigrate"
    decommission_silent_days: int = 30
    cloud: str = "AzureCloud"        # azure-native:environment as a cvmigrate.clouds name
    tags: dict[str, str] = field(default_factory=dict)
    subscription_id: str = ""        # azure-native:subscriptionId, the subscription the stack deploys into
    name_generation: int = 0         # cvmigrate:nameGeneration, bumped to escape soft-delete name holds
    alerts: AlertsConfig = field(default_factory=AlertsConfig)                  # cvmigrate:alerts
    replacement: ReplacementDefaults = field(default_factory=ReplacementDefaults)  # cvmigrate:replacement
    azure_policy: AzurePolicyConfig = field(default_factory=AzurePolicyConfig)  # cvmigrate:azurePolicy
    warnings: tuple[str, ...] = ()

    @property
    def names(self) -> NameScope:
        """What the stack's generated names are unique for (see cvmigrate.naming)."""
        return NameScope(self.subscription_id, self.resource_group.name, self.environment, self.name_generation)

    def workload(self, name: str) -> WorkloadConfig:
        for w in self.workloads:
            if w.name == name:
                return w
        raise KeyError(name)

    @property
    def legacy_accounts(self) -> list[LegacyAccount]:
        return [a for w in self.workloads for a in w.legacy_accounts]
