"""Policies cvmigrate-no-plaintext-secrets (Key Vault secret values are Pulumi secrets) and
cvmigrate-no-plaintext-secret-outputs (a stack policy: no output exposes a credential in plain text)."""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping, Sequence

from .values import KEY_VAULT_SECRET, STRING_LIST, UNKNOWN, Finding, PolicySpec, SecretValue, get, is_unknown

SECRETS = PolicySpec(
    name="cvmigrate-no-plaintext-secrets",
    description="Key Vault secret values are Pulumi secrets, and no stack output exposes a key, password, "
                "token or connection string in plain text.",
    schema={
        "allowedOutputs": {**STRING_LIST, "description": "stack output paths exempt from the check"},
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
