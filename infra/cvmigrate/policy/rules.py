"""The rules of the cvmigrate policy pack, as plain functions over plain data: the catalogue of every policy.

Each policy lives in its own module, its :class:`PolicySpec` beside its rule (no_new_legacy, diagnostics_required,
replacement_account, required_tags, alert_rules, plaintext_secrets); what they share is in :mod:`.values`.
Every resource rule takes the resource type token, the resource's properties as the engine passes them
(camelCase, azure-native v3 shapes) and the policy's config, and returns :class:`Finding` objects. Nothing here
imports ``pulumi_policy``: the rules run in tests and in `cvmigrate` tooling without the policy SDK;
``cvmigrate.policy.pack`` adapts them to ``ResourceValidationPolicy`` / ``StackValidationPolicy``.
"""
from __future__ import annotations

from .alert_rules import ALERTS, alert_rules
from .diagnostics_required import DIAGNOSED_TYPES, DIAGNOSTICS, StackResource, diagnostics_required
from .no_new_legacy import DEFAULT_FREEZE_DATE, NO_NEW_LEGACY, no_new_legacy_accounts
from .plaintext_secrets import SECRET_OUTPUTS, SECRETS, key_vault_secret, secret_like_name, secret_outputs
from .replacement_account import REPLACEMENT, replacement_account
from .required_tags import REQUIRED_TAGS_SPEC, TAGGED_TYPES, required_tags
from .values import (
    ACCOUNT, ACTIVITY_LOG_ALERT, DIAGNOSTIC_SETTING, KEY_VAULT_SECRET, METRIC_ALERT, ML_WORKSPACE, ONLINE_ENDPOINT,
    SCHEDULED_QUERY_RULE, STACK, UNKNOWN, UNKNOWN_BOOL, UNKNOWN_SENTINELS, UNKNOWN_STRING, Finding, PolicySpec,
    SecretValue, get, is_unknown, reveal,
)

POLICIES = (NO_NEW_LEGACY, DIAGNOSTICS, REPLACEMENT, REQUIRED_TAGS_SPEC, ALERTS, SECRETS, SECRET_OUTPUTS)

__all__ = [
    "ACCOUNT", "ACTIVITY_LOG_ALERT", "ALERTS", "DEFAULT_FREEZE_DATE", "DIAGNOSED_TYPES", "DIAGNOSTICS",
    "DIAGNOSTIC_SETTING", "KEY_VAULT_SECRET", "METRIC_ALERT", "ML_WORKSPACE", "NO_NEW_LEGACY", "ONLINE_ENDPOINT",
    "POLICIES", "REPLACEMENT", "REQUIRED_TAGS_SPEC", "SCHEDULED_QUERY_RULE", "SECRETS", "SECRET_OUTPUTS", "STACK",
    "TAGGED_TYPES", "UNKNOWN", "UNKNOWN_BOOL", "UNKNOWN_SENTINELS", "UNKNOWN_STRING", "Finding", "PolicySpec",
    "SecretValue", "StackResource", "alert_rules", "diagnostics_required", "get", "is_unknown", "key_vault_secret",
    "no_new_legacy_accounts", "replacement_account", "required_tags", "reveal", "secret_like_name",
    "secret_outputs",
]
