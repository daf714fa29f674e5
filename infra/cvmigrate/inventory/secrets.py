"""``inventory --key-vault NAME``: keep the identifiers people lose track of as Key Vault secrets, as the
migration guidance recommends: the training endpoint, each project's ID, and each project's published name and
prediction resource ID. Never a key. Secret names follow Key Vault's rule (1-127 of ``0-9a-zA-Z-``,
learn.microsoft.com "About keys, secrets, and certificates": object names)."""
from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import UserError
from ..vault_secrets import secret_client, vault_errors

VAULT_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]")
SECRET_NAME_MAX = 127
PREFIX = "cv"


class KeyVaultError(UserError):
    """Storing the identifiers in Key Vault failed (name, sign-in, permission)."""


def check_vault_name(name: str) -> str:
    if not VAULT_NAME.fullmatch(name or "") or "--" in name:
        raise KeyVaultError(f"{name!r} is not a Key Vault name (3-24 letters, digits and hyphens, "
                            "starting with a letter)", field="key_vault")
    return name


def _slug(text: str) -> str:
    out = re.sub(r"[^0-9a-zA-Z]+", "-", text).strip("-").lower()
    return out[:60].strip("-") or "project"


def identifier_secrets(inv: dict) -> dict[str, str]:
    """Secret name -> value for everything worth keeping (deterministic; a slug shared by two projects gets
    the first 8 characters of each project's ID)."""
    secrets = {f"{PREFIX}-training-endpoint": inv["endpoint"]}
    projects = [p for p in inv["projects"] if "error" not in p]
    slugs = [_slug(str(p["name"])) for p in projects]
    for project, slug in zip(projects, slugs):
        if slugs.count(slug) > 1:
            slug = f"{slug}-{str(project['id'])[:8]}"
        base = f"{PREFIX}-{slug}"
        secrets[f"{base}-project-id"] = str(project["id"])
        published = [it for it in project["iterations"] if it.get("publishName")]
        if published:   # iterations are newest first
            secrets[f"{base}-publish-name"] = str(published[0]["publishName"])
            if published[0].get("predictionResourceId"):
                secrets[f"{base}-prediction-resource-id"] = str(published[0]["predictionResourceId"])
    return secrets


def store(inv: dict, vault_url: str, credential: Any, client_factory: Callable[[str, Any], Any] = None) -> list[str]:
    """Set every identifier secret; returns the names written."""
    client = secret_client(vault_url, credential, client_factory)
    written = []
    for name, value in identifier_secrets(inv).items():
        with vault_errors(KeyVaultError, failed=f"storing secret {name!r} in {vault_url} failed",
                          sign_in=f"cannot sign in to {vault_url} ({{reason}}); run `az login` or use an identity "
                                  "with 'Key Vault Secrets Officer' on the vault"):
            client.set_secret(name, value, content_type="text/plain",
                              tags={"source": "cvmigrate-inventory", "endpoint": inv["endpoint"][:256]})
        written.append(name)
    return written
