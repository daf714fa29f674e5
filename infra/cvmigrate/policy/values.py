"""What a cvmigrate policy rule reads and returns: the engine's values (type tokens, unknown sentinels during
preview, secrets) and a :class:`Finding`; :class:`PolicySpec` is a policy's name, description, config schema
(JSON Schema) and defaults. Each policy lives in its own module of this package, its spec beside its rule.

Values the engine cannot know during ``pulumi preview`` (outputs of resources not created yet) arrive as the
engine's unknown sentinels. A rule never guesses on them: it returns a finding with ``unknown=True``, which the
pack reports as advisory ("can't decide during preview") instead of failing the preview or crashing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

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


def truthy_config(config: Mapping[str, Any] | None, defaults: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(defaults)
    for key, value in (config or {}).items():
        if key != "enforcementLevel" and value is not None:
            merged[key] = value
    return merged


@dataclass(frozen=True)
class PolicySpec:
    name: str
    description: str
    schema: dict[str, dict[str, Any]]
    defaults: dict[str, Any] = field(default_factory=dict)
    stack: bool = False

    def config(self, raw: Mapping[str, Any] | None) -> dict[str, Any]:
        return truthy_config(raw, self.defaults)


STRING_LIST = {"type": "array", "items": {"type": "string"}}
