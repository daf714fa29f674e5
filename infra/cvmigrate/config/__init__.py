"""Stack configuration: the contract between Pulumi.<env>.yaml and every cvmigrate component and command."""
from .arm import ArmId, ArmIdError, is_guid, parse_arm_id
from .errors import ConfigError, ConfigIssue, Problems
from .loader import StackFileError, find_project_dir, load_from_pulumi, load_stack_file, read_stack_file
from .model import (
    CUTOVER_STATES, DEFAULT_RETIREMENT_DATE, KIND_IMAGE_ANALYSIS, KIND_PREDICTION, KIND_TRAINING,
    LEGACY_KINDS, ArchiveConfig, CustomVisionConfig, CutoverConfig, ImageAnalysisConfig, KeyVaultConfig,
    LegacyAccount, LogAnalyticsConfig, ResourceGroupConfig, StackConfig, WorkloadConfig,
)
from .parse import TOP_SECTIONS, WORKLOAD_SECTIONS, parse_stack_config

__all__ = [name for name in dir() if not name.startswith("_")]
