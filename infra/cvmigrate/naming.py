"""Deterministic names. uuid5 over stable inputs, never random: a second `pulumi up` changes nothing,
and a re-created environment gets the same names back (plan for soft-delete, see README)."""
from __future__ import annotations

import re
import uuid

# Fixed namespace for every cvmigrate uuid5; changing it renames every generated resource.
CVMIGRATE_NAMESPACE = uuid.UUID("6f1f3c1e-5d7a-5b7e-9a43-2c8f0d6b9e11")


def stable_uuid(*parts: str) -> str:
    """A GUID that depends only on ``parts`` (case-insensitive)."""
    return str(uuid.uuid5(CVMIGRATE_NAMESPACE, "/".join(p.lower() for p in parts)))


def short_hash(*parts: str, length: int = 6) -> str:
    return uuid.uuid5(CVMIGRATE_NAMESPACE, "/".join(p.lower() for p in parts)).hex[:length]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")


def alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def storage_account_name(environment: str, purpose: str, scope: str = "") -> str:
    """3-24 lower-case alphanumerics, globally unique: prefix + env + hash of (scope, env, purpose)."""
    digest = short_hash("storage", scope, environment, purpose, length=8)
    return f"st{alnum(purpose)[:4]}{alnum(environment)[:10]}{digest}"[:24]


def key_vault_name(environment: str, purpose: str = "cvm", scope: str = "") -> str:
    """3-24 characters, letters/digits/dashes, starts with a letter, globally unique."""
    digest = short_hash("keyvault", scope, environment, purpose, length=6)
    return f"kv-{alnum(purpose)[:4]}-{alnum(environment)[:8]}-{digest}"


def key_secret_name(workload: str, role: str) -> str:
    """Key Vault secret holding a legacy account's key (1-127 letters, digits, dashes)."""
    return f"{slug(workload)}-{slug(role).replace('imageanalysis', 'image-analysis')}-key"[:127]


# --- replacement resources (names the monitoring queries attribute traffic by) -----------------

def aml_endpoint_name(workload: str, environment: str, configured: str | None = None) -> str:
    """Managed online endpoint: 3-32 letters/digits/dashes, unique per region."""
    if configured:
        return configured
    return f"ep-{slug(workload)}-{alnum(environment)}"[:32].rstrip("-")


def foundry_account_name(environment: str, workload: str | None = None) -> str:
    """AIServices account (its custom subdomain must be globally unique, hence the hash).
    One per environment unless a workload asks for its own."""
    scope = slug(workload) if workload else "shared"
    return f"ais-{scope[:20]}-{alnum(environment)[:8]}-{short_hash('foundry', environment, scope)}"


def cognitive_account_name(prefix: str, environment: str, workload: str) -> str:
    """Document Intelligence (prefix 'di') and Face ('face') accounts: one per workload."""
    return f"{prefix}-{slug(workload)[:24]}-{alnum(environment)[:8]}-{short_hash(prefix, environment, workload, length=4)}"


def stack_key_vault_name(cfg) -> str:
    """The vault holding legacy keys: configured name, the existing vault's name, or a generated one
    (scoped by resource group so two estates with the same environment name do not collide)."""
    kv = cfg.key_vault
    if kv.existing_id is not None:
        return kv.existing_id.name
    return kv.name or key_vault_name(cfg.environment, "cvm", cfg.resource_group.name)


def aml_workspace_name(environment: str, workload: str | None = None) -> str:
    """Azure ML workspace (3-33 letters, digits, '-', '_'; unique per resource group).
    One per environment ("mlw-cvmigrate-<env>") unless a workload asks for its own."""
    if workload:
        return f"mlw-{slug(workload)[:20].rstrip('-')}-{alnum(environment)[:8]}"
    return f"mlw-cvmigrate-{alnum(environment)[:15]}"


def aml_compute_name(workload: str) -> str:
    """AmlCompute cluster (2-16 letters, digits and dashes, starting with a letter), unique per workspace:
    a workload prefix for people, a hash so two long names with the same prefix do not collide."""
    return f"c-{slug(workload)[:8].rstrip('-')}-{short_hash('aml-compute', workload, length=4)}"
