"""The cvmigrate policy pack: :mod:`cvmigrate.policy.rules` wrapped in pulumi_policy policies.

``policies/__main__.py`` calls :func:`serve` (which blocks: ``PolicyPack`` starts the analyzer's
gRPC server). Tests call :func:`build_policies` and drive the validate callbacks directly.

Two things the Python policy SDK does not give a rule, handled here:
- Unknown values: the SDK raises on first access to an unknown value. The rules work on the raw
  values instead (:func:`plain`) and return ``Finding(unknown=True)``; the adapter reports definite
  violations first, then raises the SDK's ``UnknownValueError`` so the engine shows one advisory
  "can't run policy ... during preview" line.
- Secretness: the engine sends secret values wrapped in the secret signature (analyzer_plugin.go
  marshals with KeepSecrets), but pulumi_policy's Analyze/AnalyzeStack unwrap them before a policy
  sees them. :func:`install_secret_marking` keeps the wrapper as ``rules.SecretValue``.

``pulumi_policy`` is imported inside the functions that need it: it is the policy pack's own dependency
(policies/requirements.txt, the dev extra), so the rules and the rest of cvmigrate import without it.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Iterable, Mapping

import pulumi

from ..config.loader import load_from_pulumi
from . import rules
from .rules import Finding, PolicySpec, SecretValue

PACK_NAME = "cvmigrate"
_SIG = "4dabf18193072939515e22adb298388d"
_SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def plain(value: Any) -> Any:
    """pulumi_policy's unknown-checking proxies -> plain dicts/lists, unknown sentinels kept."""
    # the SDK's own wrapper types; pulumi_policy is the pack's own dependency, not cvmigrate's (module docstring)
    from pulumi_policy.proxy import _DictProxy, _ListProxy

    if isinstance(value, _DictProxy):
        value = value["__target"]
    elif isinstance(value, _ListProxy):
        value = value["__target"]
    if isinstance(value, SecretValue):
        return SecretValue(plain(value.value))
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _mark_secrets(value: Any, original: Callable) -> Any:
    if isinstance(value, dict):
        if value.get(_SIG) == _SECRET_SIG:
            return SecretValue(_mark_secrets(value.get("value"), original))
        if _SIG in value:  # assets and archives: the SDK's own decoding
            return original({"v": value})["v"]
        return {k: _mark_secrets(v, original) for k, v in value.items()}
    if isinstance(value, list):
        return [_mark_secrets(v, original) for v in value]
    return value


def install_secret_marking() -> None:
    """Make pulumi_policy keep secret markers (as SecretValue) when it decodes properties for
    Analyze/AnalyzeStack. Idempotent; remediation decoding (proxy_secrets=True) is left alone."""
    import pulumi_policy.policy as sdk  # the pack's dependency: see module docstring

    original = sdk.deserialize_properties
    if getattr(original, "_cvmigrate_marks_secrets", False):
        return

    def deserialize_properties(props, proxy_secrets: bool = False):
        if proxy_secrets:
            return original(props, proxy_secrets)
        return {k: _mark_secrets(v, original) for k, v in props.items()}

    deserialize_properties._cvmigrate_marks_secrets = True  # type: ignore[attr-defined]
    sdk.deserialize_properties = deserialize_properties


class PreviewUndecidable(Exception):
    """Marker base; the real exception subclasses the SDK's UnknownValueError (see _raise_unknown)."""


def _raise_unknown(findings: list[Finding]) -> None:
    from pulumi_policy.proxy import UnknownValueError  # the pack's dependency: see module docstring

    class _Undecidable(UnknownValueError, PreviewUndecidable):
        def __init__(self, message: str):
            Exception.__init__(self, message)
            self.unknown_type_sentinel = rules.UNKNOWN_STRING
            self.props = []
            self.message = message

    raise _Undecidable("; ".join(f.message for f in findings))


def _report(findings: list[Finding], report_violation: Callable, default_urn: str | None = None) -> None:
    for f in findings:
        if not f.unknown:
            report_violation(f.message, f.urn or default_urn)
    unknown = [f for f in findings if f.unknown]
    if unknown:
        _raise_unknown(unknown)


def _config(args: Any, spec: PolicySpec) -> dict[str, Any]:
    get_config = getattr(args, "get_config", None)
    return spec.config(get_config() if get_config else None)


def _stack_name() -> str:
    try:
        return pulumi.get_stack()
    except Exception:  # noqa: BLE001 - no stack settings outside an engine run
        return ""


def stack_adopted_accounts() -> list[str]:
    """Names of the stack's import/reference accounts, from the stack config the engine hands the
    analyzer (PULUMI_CONFIG). Empty when the config is not available or not valid."""
    try:
        cfg, _ = load_from_pulumi()
    except Exception:  # noqa: BLE001 - the policy must still run on stacks without cvmigrate config
        return []
    if cfg is None:
        return []
    return [a.name for a in cfg.legacy_accounts if a.mode in ("import", "reference")]


def build_policies(*, today: Callable[[], dt.date] | None = None, environment: Callable[[], str] | None = None,
                   adopted: Callable[[], Iterable[str]] | None = None) -> list[Any]:
    """Every policy of the pack. The callables default to the real clock, stack and stack config."""
    from pulumi_policy import (  # the pack's dependency: see module docstring
        EnforcementLevel, PolicyConfigSchema, ResourceValidationPolicy, StackValidationPolicy,
    )

    today = today or (lambda: dt.datetime.now(dt.timezone.utc).date())
    environment = environment or _stack_name
    if adopted is None:
        cache: list[list[str]] = []

        def adopted() -> list[str]:  # the stack config does not change while the analyzer runs
            if not cache:
                cache.append(stack_adopted_accounts())
            return cache[0]

    def schema(spec: PolicySpec) -> PolicyConfigSchema:
        return PolicyConfigSchema(properties={k: {**v, **({"default": spec.defaults[k]} if k in spec.defaults else {})}
                                              for k, v in spec.schema.items()})

    def resource_policy(spec: PolicySpec, check: Callable[..., list[Finding]],
                        level: EnforcementLevel, **extra: Callable[[], Any]):
        def validate(args, report_violation):
            kwargs = {k: f() for k, f in extra.items()}
            findings = check(args.resource_type, plain(args.props), _config(args, spec), name=args.name, **kwargs)
            _report(findings, report_violation)
        return ResourceValidationPolicy(name=spec.name, description=spec.description, validate=validate,
                                        enforcement_level=level, config_schema=schema(spec))

    def diagnostics(args, report_violation):
        resources = [rules.StackResource(
            type=r.resource_type, name=r.name, urn=r.urn, props=plain(r.props),
            property_dependencies={k: [d.urn for d in v] for k, v in (r.property_dependencies or {}).items()},
        ) for r in args.resources]
        _report(rules.diagnostics_required(resources, _config(args, rules.DIAGNOSTICS)), report_violation)

    def outputs(args, report_violation):
        findings: list[Finding] = []
        for r in args.resources:
            if r.resource_type == rules.STACK:
                findings += [Finding(f.message, f.unknown, f.urn or r.urn)
                             for f in rules.secret_outputs(plain(r.props), _config(args, rules.SECRET_OUTPUTS))]
        _report(findings, report_violation)

    mandatory, advisory = EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY
    return [
        resource_policy(rules.NO_NEW_LEGACY, rules.no_new_legacy_accounts, mandatory,
                        today=today, environment=environment, adopted=lambda: list(adopted())),
        StackValidationPolicy(name=rules.DIAGNOSTICS.name, description=rules.DIAGNOSTICS.description,
                              validate=diagnostics, enforcement_level=mandatory,
                              config_schema=schema(rules.DIAGNOSTICS)),
        resource_policy(rules.REPLACEMENT, rules.replacement_account, mandatory),
        resource_policy(rules.REQUIRED_TAGS_SPEC, rules.required_tags, advisory),
        resource_policy(rules.ALERTS, rules.alert_rules, mandatory),
        resource_policy(rules.SECRETS, rules.key_vault_secret, mandatory),
        StackValidationPolicy(name=rules.SECRET_OUTPUTS.name, description=rules.SECRET_OUTPUTS.description,
                              validate=outputs, enforcement_level=mandatory,
                              config_schema=schema(rules.SECRET_OUTPUTS)),
    ]


def serve() -> None:  # pragma: no cover - blocks serving the engine
    from pulumi_policy import EnforcementLevel, PolicyPack  # the pack's dependency: see module docstring

    install_secret_marking()
    PolicyPack(name=PACK_NAME, policies=build_policies(), enforcement_level=EnforcementLevel.MANDATORY,
               description="Keeps a Custom Vision / Image Analysis estate migrating: no new legacy accounts, "
                           "diagnostics everywhere, hardened replacements, tagged resources, live alerts, "
                           "no plain-text secrets.")
