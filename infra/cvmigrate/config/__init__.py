"""Stack configuration: the contract between Pulumi.<env>.yaml and every cvmigrate component and command."""
from .alerts import AlertsConfig, SmsNumber, Thresholds
from .arm import ArmId, ArmIdError, parse_arm_id
from .azure_policy import AzurePolicyConfig
from .problems import ConfigError, ConfigIssue, Problems
from .loader import find_project_dir, load_from_pulumi, load_stack_file, read_stack_file, stack_file_path
from .stack_file import Secret, StackFileError
from .stack_config import (
    CUTOVER_STATES, DEFAULT_RETIREMENT_DATE, KIND_IMAGE_ANALYSIS, KIND_PREDICTION, KIND_TRAINING,
    LEGACY_KINDS, ArchiveConfig, CustomVisionConfig, CutoverConfig, ImageAnalysisConfig, KeyVaultConfig,
    LegacyAccount, LogAnalyticsConfig, ResourceGroupConfig, StackConfig, WorkloadConfig,
)
from .parse import parse_stack_config
from .patterns import is_guid
from .principals import AccessPrincipal
from .replacement import (
    KIND_AISERVICES, AutoMLConfig, CognitiveTargetConfig, FoundryConfig, ModelDeployment, ReplacementConfig,
)
from .replacement_defaults import ReplacementDefaults, SharedAccountConfig, SharedWorkspaceConfig
from .replacement_refs import ReplacementRef, replacement_refs

__all__ = [name for name in dir() if not name.startswith("_")]
