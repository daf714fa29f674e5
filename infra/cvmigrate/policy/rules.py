"""The rules of the cvmigrate policy pack, as plain functions over plain data.

Every rule takes the resource type token, the resource's properties as the engine passes them
(camelCase, azure-native v3 shapes: ``props["kind"]``, ``props["properties"]["disableLocalAuth"]``)
and the policy's config, and returns :class:`Finding` objects. Nothing here imports
``pulumi_policy``: the rules run in tests and in `cvmigrate` tooling without the policy SDK;
``cvmigrate.policy.pack`` adapts them to ``ResourceValidationPolicy`` / ``StackValidationPolicy``.

Values the engine cannot know during ``pulumi preview`` (outputs of resources not created yet)
arrive as the engine's unknown sentinels. A rule never guesses on them: it returns a finding with
``unknown=True``, which the pack reports as advisory ("can't decide during preview") instead of
failing the preview or crashing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from ..config.model import DEFAULT_RETIREMENT_DATE, LEGACY_KINDS
from ..config.patterns import iso_duration_minutes
from ..tags import REQUIRED_TAGS, ROLE_REPLACEMENT, ROLES, TAG_ENV, TAG_ROLE

# Type tokens of pulumi-azure-native v3.
ACCOUNT = "azure-native:cognitiveservices:Account"
ML_WORKSPACE = "azure-native:machinelearningservices:Workspace"
ONLINE_ENDPOINT = "azure-native:machinelearningservices:OnlineEndpoint"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
SCHEDULED_QUERY_RULE = "azure-native:monitor:ScheduledQueryRule"
METRIC_ALERT = "azure-native:monitor:MetricAlert"
ACTIVITY_LOG_ALERT = "azure-native:monitor:ActivityLogAlert"
KEY_VAULT_SECRET = "azure-native:keyvault:Secret"
STACK = "pulumi:pulumi:Stack"

# The engine's unknown-value sentinels (pulumi sdk/go/common/resource/properties.go; the same
# strings pulumi_policy/proxy.py checks for).
UNKNOWN_SENTINELS = frozenset({
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",  # bool
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",  # number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",  # string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",  # array
    "030794c1-ac77-496b-92df-f27374a8bd58",  # asset
    "e48ece36-62e2-4504-bad9-02848725956a",  # archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",  # object
})
UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN_BOOL = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7"


class _Unknown:
    """What :func:`get` returns when the value, or an object on the way to it, is unknown."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()


class SecretValue:
    """A value the engine marked secret. The pack wraps secrets in this so the secrets rule can see
    them; every other rule reads through it (see :func:`get`)."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretValue) and other.value == self.value

    def __repr__(self) -> str:
        return "SecretValue(***)"


@dataclass(frozen=True)
class Finding:
    message: str
    unknown: bool = False       # undecidable during preview: reported as advisory, never blocking
    urn: str | None = None


def reveal(value: Any) -> Any:
    while isinstance(value, SecretValue):
        value = value.value
    return value


def is_unknown(value: Any) -> bool:
    value = reveal(value)
    return value is UNKNOWN or (isinstance(value, str) and value in UNKNOWN_SENTINELS)


def get(props: Any, *path: str | int, keep_secret: bool = False) -> Any:
    """``props[path[0]][path[1]]...``; None when absent, UNKNOWN when unknown on the way."""
    value = props
    for key in path:
        value = reveal(value)
        if is_unknown(value):
            return UNKNOWN
        if isinstance(key, int):
            if not isinstance(value, Sequence) or isinstance(value, str) or key >= len(value):
                return None
            value = value[key]
        else:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
    if keep_secret and isinstance(value, SecretValue):
        return value
    if is_unknown(value):
        return UNKNOWN
    return reveal(value)


def _truthy_config(config: Mapping[str, Any] | None, defaults: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in (config or {}).items():
        if key != "enforcementLevel" and value is not None:
            merged[key] = value
    return merged


# --- policy catalogue: names, descriptions, config schema (JSON Schema) and defaults ------------

@dataclass(frozen=True)
class PolicySpec:
    name: str
    description: str
    schema: dict[str, dict[str, Any]]
    defaults: dict[str, Any] = field(default_factory=dict)
    stack: bool = False

    def config(self, raw: Mapping[str, Any] | None) -> dict[str, Any]:
        return _truthy_config(raw, self.defaults)


DEFAULT_FREEZE_DATE = "2027-09-25"  # a year before retirement: later reproductions mostly add burn-down

TAGGED_TYPES = (
    ACCOUNT, ML_WORKSPACE, ONLINE_ENDPOINT,
    "azure-native:resources:ResourceGroup",
    "azure-native:operationalinsights:Workspace",
    "azure-native:storage:StorageAccount",
    "azure-native:keyvault:Vault",
    SCHEDULED_QUERY_RULE, METRIC_ALERT, ACTIVITY_LOG_ALERT,
    "azure-native:monitor:ActionGroup",
    "azure-native:applicationinsights:Workbook",
)
DIAGNOSED_TYPES = (ACCOUNT, ML_WORKSPACE, ONLINE_ENDPOINT)
_STRING_LIST = {"type": "array", "items": {"type": "string"}}

NO_NEW_LEGACY = PolicySpec(
    name="cvmigrate-no-new-legacy-accounts",
    description="No new Custom Vision (Training/Prediction) or Image Analysis (ComputerVision) accounts: "
                "both retire on 2028-09-25. Adopted accounts (import/reference) are allowed.",
    schema={
        "allowCreateEnvironments": {**_STRING_LIST, "description": "environments (cvmigrate-env tag or stack name) "
                                    "where create mode may reproduce a legacy account"},
        "freezeDate": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$",
                       "description": "from this day (YYYY-MM-DD) no environment may create legacy accounts"},
        "adoptedAccounts": {**_STRING_LIST, "description": "account names or resource IDs that are existing "
                            "accounts brought under management (import), not new ones"},
        "legacyKinds": {**_STRING_LIST, "description": "account kinds treated as legacy"},
    },
    defaults={"allowCreateEnvironments": ["dev"], "freezeDate": DEFAULT_FREEZE_DATE, "adoptedAccounts": [],
              "legacyKinds": list(LEGACY_KINDS)},
)
DIAGNOSTICS = PolicySpec(
    name="cvmigrate-diagnostics-required",
    description="Every Cognitive Services account, ML workspace and online endpoint in the stack has a "
                "diagnostic setting that sends logs to a Log Analytics workspace.",
    schema={
        "resourceTypes": {**_STRING_LIST, "description": "type tokens that need a diagnostic setting"},
        "requiredCategories": {**_STRING_LIST, "description": "log categories that must be enabled "
                               "(the allLogs category group covers every category); empty: any enabled log"},
    },
    defaults={"resourceTypes": list(DIAGNOSED_TYPES), "requiredCategories": []},
    stack=True,
)
REPLACEMENT = PolicySpec(
    name="cvmigrate-replacement-account-hardening",
    description="Replacement accounts (tag cvmigrate-role=replacement) disable local (key) auth, have a "
                "managed identity and a custom subdomain, and set public network access as configured.",
    schema={
        "publicNetworkAccess": {"type": "string", "enum": ["Enabled", "Disabled", "Any"],
                                "description": "required value of properties.publicNetworkAccess; Any: not checked"},
        "requireManagedIdentity": {"type": "boolean"},
    },
    defaults={"publicNetworkAccess": "Any", "requireManagedIdentity": True},
)
REQUIRED_TAGS_SPEC = PolicySpec(
    name="cvmigrate-required-tags",
    description="Resources the stack creates carry the cvmigrate-workload, cvmigrate-role and cvmigrate-env tags.",
    schema={
        "requiredTags": {**_STRING_LIST, "description": "tag names every checked resource needs"},
        "resourceTypes": {**_STRING_LIST, "description": "type tokens that are checked"},
    },
    defaults={"requiredTags": list(REQUIRED_TAGS), "resourceTypes": list(TAGGED_TYPES)},
)
ALERTS = PolicySpec(
    name="cvmigrate-alerts-enabled",
    description="Alert rules are enabled, notify at least one action group and are evaluated often enough.",
    schema={
        "maxEvaluationFrequencyMinutes": {"type": "integer", "minimum": 0,
                                          "description": "log alerts must run at least this often (0: not checked)"},
        "exemptRuleNames": {**_STRING_LIST, "description": "rule names (the ARM name) that may stay silent"},
    },
    defaults={"maxEvaluationFrequencyMinutes": 60, "exemptRuleNames": []},
)
SECRETS = PolicySpec(
    name="cvmigrate-no-plaintext-secrets",
    description="Key Vault secret values are Pulumi secrets, and no stack output exposes a key, password, "
                "token or connection string in plain text.",
    schema={
        "allowedOutputs": {**_STRING_LIST, "description": "stack output paths exempt from the check"},
    },
    defaults={"allowedOutputs": []},
)
SECRET_OUTPUTS = PolicySpec(
    name="cvmigrate-no-plaintext-secret-outputs",
    description=SECRETS.description,
    schema=SECRETS.schema,
    defaults=SECRETS.defaults,
    stack=True,
)
POLICIES = (NO_NEW_LEGACY, DIAGNOSTICS, REPLACEMENT, REQUIRED_TAGS_SPEC, ALERTS, SECRETS, SECRET_OUTPUTS)


# --- rule: no new legacy accounts ---------------------------------------------------------------

def _date(value: Any, key: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"policy config {key}: {value!r} is not a date (write YYYY-MM-DD)") from None


def _account_key(value: str) -> str:
    """Name of an account from a name or an ARM ID, lower-case (ARM names are case-insensitive)."""
    return value.rstrip("/").rsplit("/", 1)[-1].lower()


def no_new_legacy_accounts(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                           name: str = "", today: dt.date, environment: str = "",
                           adopted: Iterable[str] = ()) -> list[Finding]:
    """A legacy-kind account in the program is either adopted (an existing account: import mode,
    listed by the stack config or the policy's ``adoptedAccounts``) or created. Creating one is a
    violation unless the environment may create (``allowCreateEnvironments``) and today is before
    ``freezeDate``."""
    if resource_type != ACCOUNT:
        return []
    cfg = NO_NEW_LEGACY.config(config)
    account = get(props, "accountName")
    label = account if isinstance(account, str) else name
    kind = get(props, "kind")
    if kind is UNKNOWN:
        return [Finding(f"account '{label}': kind is not known during preview, so it cannot be told whether "
                        "it is a legacy Custom Vision / Image Analysis account.", unknown=True)]
    legacy = {k.lower(): k for k in cfg["legacyKinds"]}
    if not isinstance(kind, str) or kind.lower() not in legacy:
        return []
    adopted_keys = {_account_key(a) for a in [*adopted, *cfg["adoptedAccounts"]] if a}
    if account is UNKNOWN and adopted_keys:
        return [Finding(f"account of kind {kind}: its name is not known during preview, so it cannot be matched "
                        "against the adopted accounts.", unknown=True)]
    if isinstance(label, str) and label and _account_key(label) in adopted_keys:
        return []
    env = get(props, "tags", TAG_ENV)
    if env is UNKNOWN:
        return [Finding(f"account '{label}' ({kind}): its {TAG_ENV} tag is not known during preview.", unknown=True)]
    env = env or environment
    freeze = _date(cfg["freezeDate"], "freezeDate")
    allowed_envs = {e.lower() for e in cfg["allowCreateEnvironments"]}
    fix = ("adopt the existing account instead (legacy mode: import or reference), or build the replacement; "
           f"Custom Vision and Image Analysis stop working on {DEFAULT_RETIREMENT_DATE.isoformat()}.")
    if str(env).lower() not in allowed_envs:
        why = (f"environment '{env}' may not create legacy accounts "
               f"(allowed: {', '.join(sorted(allowed_envs)) or 'none'})")
    elif today >= freeze:
        why = f"the legacy freeze date {freeze.isoformat()} has passed (today is {today.isoformat()})"
    else:
        return []
    return [Finding(f"creates a new {legacy[kind.lower()]} account '{label}': {why}. Fix: {fix}")]


# --- rule: diagnostics required (stack) --------------------------------------------------------

@dataclass(frozen=True)
class StackResource:
    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    property_dependencies: Mapping[str, Sequence[str]] = field(default_factory=dict)  # prop -> URNs


_LAW = "/providers/microsoft.operationalinsights/workspaces/"


def _setting_state(setting: StackResource, required: Sequence[str]) -> str:
    """'ok', 'bad: <why>' or 'unknown: <why>' for one diagnostic setting's destination and logs."""
    workspace = get(setting.props, "workspaceId")
    if workspace is UNKNOWN:
        return "unknown: its workspaceId is not known during preview"
    if not isinstance(workspace, str) or _LAW not in workspace.lower():
        return f"bad: setting '{setting.name}' sends to no Log Analytics workspace"
    logs = get(setting.props, "logs")
    if logs is UNKNOWN:
        return "unknown: its logs are not known during preview"
    enabled: set[str] = set()
    undecided = False
    for i, _ in enumerate(logs or []):
        on = get(logs, i, "enabled")
        if on is UNKNOWN:
            undecided = True
            continue
        if on is True:
            enabled.add(str(get(logs, i, "category") or "").lower())
            enabled.add("group:" + str(get(logs, i, "categoryGroup") or "").lower())
    enabled.discard("")
    enabled.discard("group:")
    if not enabled:
        return ("unknown: whether its logs are enabled is not known during preview" if undecided
                else f"bad: setting '{setting.name}' enables no log category")
    if "group:alllogs" in enabled:
        return "ok"
    missing = [c for c in required if c.lower() not in enabled]
    if missing:
        return (f"unknown: categories {', '.join(missing)} are not known during preview" if undecided
                else f"bad: setting '{setting.name}' does not enable {', '.join(missing)}")
    return "ok"


def diagnostics_required(resources: Sequence[StackResource], config: Mapping[str, Any] | None) -> list[Finding]:
    """Match diagnostic settings to their targets through ``resourceUri``: equal to the target's ID,
    or (when the ID is not known yet) the target's URN among resourceUri's property dependencies."""
    cfg = DIAGNOSTICS.config(config)
    types = set(cfg["resourceTypes"])
    required = list(cfg["requiredCategories"])
    settings = [r for r in resources if r.type == DIAGNOSTIC_SETTING]
    findings: list[Finding] = []
    for target in (r for r in resources if r.type in types):
        target_id = get(target.props, "id")
        matched: list[StackResource] = []
        undecidable = False
        for s in settings:
            uri = get(s.props, "resourceUri")
            deps = s.property_dependencies.get("resourceUri", ())
            if target.urn in deps:
                matched.append(s)
            elif isinstance(uri, str) and isinstance(target_id, str) and uri.lower() == target_id.lower():
                matched.append(s)
            elif (uri is UNKNOWN or target_id in (None, UNKNOWN)) and not deps:
                undecidable = True
        states = [_setting_state(s, required) for s in matched]
        if "ok" in states:
            continue
        unknown = [st for st in states if st.startswith("unknown")]
        label = f"{target.type.rsplit(':', 1)[-1]} '{get(target.props, 'accountName') or target.name}'"
        if unknown:
            findings.append(Finding(f"{label}: diagnostic setting cannot be checked during preview ("
                                    f"{unknown[0].split(': ', 1)[1]}).", unknown=True, urn=target.urn))
        elif states:
            findings.append(Finding(f"{label}: {states[0].split(': ', 1)[1]}. Fix: send its logs to the "
                                    "Log Analytics workspace (components/diagnostics.py).", urn=target.urn))
        elif undecidable:
            findings.append(Finding(f"{label}: no diagnostic setting could be matched to it during preview "
                                    "(resource IDs not known yet).", unknown=True, urn=target.urn))
        else:
            findings.append(Finding(f"{label} has no diagnostic setting sending logs to Log Analytics: its "
                                    "traffic would be invisible to the migration dashboards. Fix: add one "
                                    "(cvmigrate.components.diagnostics.diagnostic_setting).", urn=target.urn))
    return findings


# --- rule: replacement accounts ----------------------------------------------------------------

def replacement_account(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                        name: str = "") -> list[Finding]:
    """Only accounts tagged as replacements: forcing disableLocalAuth on *legacy* accounts would break
    key-based Training-Key/Prediction-Key clients (anchors-and-pitfalls §4.3)."""
    if resource_type != ACCOUNT:
        return []
    cfg = REPLACEMENT.config(config)
    role = get(props, "tags", TAG_ROLE)
    label = get(props, "accountName")
    label = label if isinstance(label, str) else name
    if role is UNKNOWN:
        return [Finding(f"account '{label}': tag {TAG_ROLE} is not known during preview.", unknown=True)]
    if role != ROLE_REPLACEMENT:
        return []
    findings: list[Finding] = []
    local = get(props, "properties", "disableLocalAuth")
    if local is UNKNOWN:
        findings.append(Finding(f"replacement account '{label}': disableLocalAuth is not known during preview.",
                                unknown=True))
    elif local is not True:
        findings.append(Finding(f"replacement account '{label}' allows key (local) authentication. Fix: set "
                                "properties.disableLocalAuth: true and call it with Entra ID (managed identity)."))
    if cfg["requireManagedIdentity"]:
        identity = get(props, "identity", "type")
        if identity is UNKNOWN:
            findings.append(Finding(f"replacement account '{label}': identity is not known during preview.",
                                    unknown=True))
        elif not isinstance(identity, str) or not re.search(r"(system|user)assigned", identity, re.I):
            findings.append(Finding(f"replacement account '{label}' has no managed identity. Fix: set "
                                    "identity.type: SystemAssigned (or UserAssigned)."))
    subdomain = get(props, "properties", "customSubDomainName")
    if subdomain is UNKNOWN:
        findings.append(Finding(f"replacement account '{label}': customSubDomainName is not known during preview.",
                                unknown=True))
    elif not isinstance(subdomain, str) or not subdomain.strip():
        findings.append(Finding(f"replacement account '{label}' has no custom subdomain: Entra ID token auth "
                                "needs one. Fix: set properties.customSubDomainName."))
    wanted = cfg["publicNetworkAccess"]
    if wanted != "Any":
        public = get(props, "properties", "publicNetworkAccess")
        if public is UNKNOWN:
            findings.append(Finding(f"replacement account '{label}': publicNetworkAccess is not known during "
                                    "preview.", unknown=True))
        elif not isinstance(public, str) or public.lower() != wanted.lower():
            findings.append(Finding(f"replacement account '{label}': publicNetworkAccess is {public!r}, the "
                                    f"policy requires '{wanted}'. Fix: set properties.publicNetworkAccess "
                                    "explicitly (an unset value silently means Enabled)."))
    return findings


# --- rule: required tags -----------------------------------------------------------------------

def required_tags(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                  name: str = "") -> list[Finding]:
    cfg = REQUIRED_TAGS_SPEC.config(config)
    if resource_type not in set(cfg["resourceTypes"]):
        return []
    tags = get(props, "tags")
    short = resource_type.rsplit(":", 1)[-1]
    if tags is UNKNOWN:
        return [Finding(f"{short} '{name}': tags are not known during preview.", unknown=True)]
    tags = tags if isinstance(tags, Mapping) else {}
    findings: list[Finding] = []
    missing: list[str] = []
    for tag in cfg["requiredTags"]:
        value = get(tags, tag)
        if value is UNKNOWN:
            findings.append(Finding(f"{short} '{name}': tag {tag} is not known during preview.", unknown=True))
        elif not isinstance(value, str) or not value.strip():
            missing.append(tag)
    if missing:
        findings.append(Finding(f"{short} '{name}' lacks tag(s) {', '.join(missing)}: cost reports, queries and "
                                "policies find migration resources by them. Fix: build tags with "
                                "cvmigrate.tags.cvmigrate_tags()."))
    role = get(tags, TAG_ROLE)
    if isinstance(role, str) and role.strip() and TAG_ROLE in cfg["requiredTags"] and role not in ROLES:
        findings.append(Finding(f"{short} '{name}': tag {TAG_ROLE}={role!r} is not one of {', '.join(ROLES)}."))
    return findings


# --- rule: alerts enabled and wired ------------------------------------------------------------

def _action_groups(resource_type: str, props: Mapping[str, Any]) -> Any:
    """Action group IDs of a rule (UNKNOWN entries kept): SQR actions.actionGroups[] (IDs),
    MetricAlert actions[].actionGroupId, ActivityLogAlert actions.actionGroups[].actionGroupId."""
    if resource_type == METRIC_ALERT:
        items, key = get(props, "actions"), "actionGroupId"
    else:
        items, key = get(props, "actions", "actionGroups"), ("actionGroupId" if resource_type == ACTIVITY_LOG_ALERT
                                                             else None)
    if items is UNKNOWN:
        return UNKNOWN
    if not isinstance(items, Sequence) or isinstance(items, str):
        return []
    return [get(items, i, key) if key else get(items, i) for i in range(len(items))]


def alert_rules(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                name: str = "") -> list[Finding]:
    if resource_type not in (SCHEDULED_QUERY_RULE, METRIC_ALERT, ACTIVITY_LOG_ALERT):
        return []
    cfg = ALERTS.config(config)
    rule_name = get(props, "ruleName")
    label = rule_name if isinstance(rule_name, str) else name
    if label in cfg["exemptRuleNames"] or name in cfg["exemptRuleNames"]:
        return []
    short = resource_type.rsplit(":", 1)[-1]
    findings: list[Finding] = []
    enabled = get(props, "enabled")
    # ActivityLogAlert defaults to enabled when omitted; the others must say so (MetricAlert requires it,
    # and a log alert whose state depends on an API default is one review away from silence).
    if enabled is None and resource_type == ACTIVITY_LOG_ALERT:
        enabled = True
    if enabled is UNKNOWN:
        findings.append(Finding(f"{short} '{label}': enabled is not known during preview.", unknown=True))
    elif enabled is not True:
        findings.append(Finding(f"{short} '{label}' is not enabled (enabled: {enabled!r}): a silent alert hides "
                                "the legacy traffic it watches. Fix: set enabled: true, or list the rule in "
                                "exemptRuleNames."))
    groups = _action_groups(resource_type, props)
    if groups is UNKNOWN or (isinstance(groups, list) and any(g is UNKNOWN for g in groups)
                             and not any(isinstance(g, str) and g for g in groups)):
        findings.append(Finding(f"{short} '{label}': action groups are not known during preview.", unknown=True))
    elif not any(isinstance(g, str) and g.strip() for g in groups or []):
        findings.append(Finding(f"{short} '{label}' notifies no action group: it fires into the void. Fix: add "
                                "the environment's action group to its actions."))
    limit = int(cfg["maxEvaluationFrequencyMinutes"] or 0)
    if limit and resource_type in (SCHEDULED_QUERY_RULE, METRIC_ALERT):
        freq = get(props, "evaluationFrequency")
        if freq is UNKNOWN:
            findings.append(Finding(f"{short} '{label}': evaluationFrequency is not known during preview.",
                                    unknown=True))
        elif isinstance(freq, str):
            minutes = iso_duration_minutes(freq)
            if minutes is None:
                findings.append(Finding(f"{short} '{label}': evaluationFrequency {freq!r} is not an ISO 8601 "
                                        "duration such as PT15M."))
            elif minutes > limit:
                findings.append(Finding(f"{short} '{label}' is evaluated every {minutes} minutes, more than the "
                                        f"allowed {limit}. Fix: evaluate it at least every {limit} minutes."))
    return findings


# --- rule: no plain-text secrets --------------------------------------------------------------

_SECRET_WORDS = {"key", "keys", "password", "passwd", "secret", "secrets", "token", "tokens", "sas",
                 "credential", "credentials", "connectionstring", "connectionstrings"}
_SECRET_VALUE = re.compile(r"(AccountKey=|SharedAccessKey=|SharedAccessSignature=|[?&]sig=|Password=)", re.I)


def _words(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w.lower() for w in re.split(r"[^A-Za-z]+", spaced) if w]


def secret_like_name(name: str) -> bool:
    """``primaryKey``, ``trainingKey1``, ``connectionString``, ``sasToken``: yes. ``keyVaultName``: no."""
    words = _words(name)
    if not words:
        return False
    return words[-1] in _SECRET_WORDS or "".join(words[-2:]) in _SECRET_WORDS


def key_vault_secret(resource_type: str, props: Mapping[str, Any], config: Mapping[str, Any] | None, *,
                     name: str = "") -> list[Finding]:
    if resource_type != KEY_VAULT_SECRET:
        return []
    value = get(props, "properties", "value", keep_secret=True)
    label = get(props, "secretName")
    label = label if isinstance(label, str) else name
    if value is None or isinstance(value, SecretValue):
        return []
    if value is UNKNOWN:
        return [Finding(f"Key Vault secret '{label}': its value is not known during preview and not marked "
                        "secret; if it resolves to a plain value it lands in the state file in clear text.",
                        unknown=True)]
    return [Finding(f"Key Vault secret '{label}' gets a value that is not a Pulumi secret: it is stored in the "
                    "state file in clear text. Fix: pass pulumi.Output.secret(value) (listAccountKeys results "
                    "included).")]


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, SecretValue) or is_unknown(value):
        yield path, value
    elif isinstance(value, Mapping):
        for key in value:
            yield from _leaves(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, Sequence) and not isinstance(value, str):
        for i, item in enumerate(value):
            yield from _leaves(item, f"{path}[{i}]")
    else:
        yield path, value


def secret_outputs(outputs: Mapping[str, Any], config: Mapping[str, Any] | None) -> list[Finding]:
    """Stack outputs: a key/password/token-named output or a connection-string-looking value must be secret."""
    cfg = SECRET_OUTPUTS.config(config)
    allowed = set(cfg["allowedOutputs"])
    findings: list[Finding] = []
    for path, value in _leaves(outputs, ""):
        if path in allowed or isinstance(value, SecretValue) or value is None:
            continue
        last = re.sub(r"\[\d+\]", "", path).rsplit(".", 1)[-1]
        by_name = secret_like_name(last)
        if is_unknown(value):
            if by_name:
                findings.append(Finding(f"stack output '{path}' is not known during preview and not marked "
                                        "secret.", unknown=True))
            continue
        if by_name and isinstance(value, (str, int)) and str(value) != "":
            findings.append(Finding(f"stack output '{path}' looks like a credential and is exported in plain "
                                    "text. Fix: export pulumi.Output.secret(...) or drop the output."))
        elif isinstance(value, str) and _SECRET_VALUE.search(value):
            findings.append(Finding(f"stack output '{path}' contains a key or SAS signature in plain text. Fix: "
                                    "export it as pulumi.Output.secret(...)."))
    return findings
