"""Deterministic names, unique per adopter and per scope.

Names that must be unique beyond the stack's resource group (storage accounts, key vaults and custom
subdomains: global DNS; AML endpoints and computes: the Azure region) end in a digest of
``subscription | resource group | environment | logical name | generation``, like Bicep's
``uniqueString(resourceGroup().id, ...)``: two organisations with ``environment: prod`` and the default group
get different names, and a second run of the same stack gets the same names back. ``generation``
(``cvmigrate:nameGeneration``) is bumped to move away from a name held by a soft-deleted resource.
GUID-named resources use uuid5 over stable inputs. Every name is checked against its type's rule
(``name_rules.yaml``) before anything is registered (see :mod:`cvmigrate.config.names`).
"""
from __future__ import annotations

import base64
import hashlib
import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the config package imports this module; the annotation only
    from .config import StackConfig

# Fixed namespace for every cvmigrate uuid5; changing it renames every generated resource.
CVMIGRATE_NAMESPACE = uuid.UUID("6f1f3c1e-5d7a-5b7e-9a43-2c8f0d6b9e11")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class NameScope:
    """What a generated name is unique for: the deployment subscription, the stack's resource group, the
    environment, and the generation."""
    subscription_id: str
    resource_group: str
    environment: str
    generation: int = 0

    def digest(self, *logical: str, length: int = 8, letters_only: bool = False) -> str:
        """``length`` characters of sha256 over the scope and ``logical``: base32 (a-z, 2-7), or letters."""
        text = "|".join([self.subscription_id, self.resource_group, self.environment, *logical,
                         str(self.generation)]).lower()
        raw = hashlib.sha256(text.encode("utf-8")).digest()
        if not letters_only:
            return base64.b32encode(raw).decode("ascii").lower()[:length]
        number, out = int.from_bytes(raw, "big"), []
        for _ in range(length):
            number, index = divmod(number, len(_LETTERS))
            out.append(_LETTERS[index])
        return "".join(out)

    @property
    def env(self) -> str:
        return alnum(self.environment)


def stable_uuid(*parts: str) -> str:
    """A GUID that depends only on ``parts`` (case-insensitive)."""
    return str(uuid.uuid5(CVMIGRATE_NAMESPACE, "/".join(p.lower() for p in parts)))


def short_hash(*parts: str, length: int = 6) -> str:
    return uuid.uuid5(CVMIGRATE_NAMESPACE, "/".join(p.lower() for p in parts)).hex[:length]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")


def alnum(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def _cut(text: str, length: int) -> str:
    return text[:length].strip("-")


# --- globally unique (DNS) -----------------------------------------------------------------------

def storage_account_name(scope: NameScope, purpose: str) -> str:
    """3-24 lower-case letters and digits, global: st + purpose + env + 10-character digest."""
    return f"st{alnum(purpose)[:4]}{scope.env[:8]}{scope.digest('storage', purpose, length=10)}"


def key_vault_name(scope: NameScope, purpose: str = "cvm") -> str:
    """3-24 letters, digits and dashes, starting with a letter, global."""
    return f"kv-{alnum(purpose)[:4]}-{scope.env[:6]}-{scope.digest('keyvault', purpose)}"


def foundry_account_name(scope: NameScope, workload: str | None = None) -> str:
    """AIServices account; its name is also its custom subdomain (global). One per environment unless a
    workload asks for its own."""
    owner = slug(workload) if workload else "shared"
    return f"ais-{_cut(owner, 20)}-{scope.env[:8]}-{scope.digest('foundry', owner)}"


def cognitive_account_name(prefix: str, scope: NameScope, workload: str) -> str:
    """Document Intelligence (prefix 'di') and Face ('face') accounts, one per workload; also subdomains."""
    return f"{prefix}-{_cut(slug(workload), 24)}-{scope.env[:8]}-{scope.digest(prefix, workload)}"


# --- unique per region -----------------------------------------------------------------------------

def aml_endpoint_name(scope: NameScope, workload: str, configured: str | None = None) -> str:
    """Managed online endpoint: 3-32 letters, digits and single dashes, starting with a letter, unique per
    region (it is part of the scoring URI)."""
    if configured:
        return configured
    head = re.sub(r"-{2,}", "-", f"ep-{slug(workload)}-{scope.env}")
    return f"{_cut(head, 25)}-{scope.digest('endpoint', workload, length=6)}"


def aml_compute_name(scope: NameScope, workload: str) -> str:
    """AmlCompute cluster: 3-24 letters, digits and dashes, starting with a letter, each dash followed later
    by a letter; unique among the computes of the region. The digest is letters only for that rule."""
    return f"c-{_cut(slug(workload), 8)}-{scope.digest('aml-compute', workload, length=6, letters_only=True)}"


# --- unique per resource group ----------------------------------------------------------------------

def aml_workspace_name(scope: NameScope, workload: str | None = None) -> str:
    """Azure ML workspace (3-33 letters, digits, '-', '_'; unique per resource group).
    One per environment ("mlw-cvmigrate-<env>") unless a workload asks for its own."""
    if workload:
        return f"mlw-{_cut(slug(workload), 15)}-{scope.env[:6]}-{scope.digest('aml-workspace', workload, length=6)}"
    return f"mlw-cvmigrate-{scope.env[:15]}"


def key_secret_name(workload: str, role: str) -> str:
    """Key Vault secret holding a legacy account's key (1-127 letters, digits, dashes)."""
    return f"{slug(workload)}-{slug(role).replace('imageanalysis', 'image-analysis')}-key"[:127]


def archive_account_name(cfg: StackConfig) -> str | None:
    """The archive storage account the diagnostic settings write to: the existing one's name, the configured
    name, or the generated one when the stack creates it; None without an archive."""
    archive = cfg.archive
    if archive.existing_id is not None:
        return archive.existing_id.name
    if archive.create:
        return archive.name or storage_account_name(cfg.names, "logs")
    return None


def stack_key_vault_name(cfg: StackConfig) -> str:
    """The vault holding legacy keys: configured name, the existing vault's name, or a generated one."""
    kv = cfg.key_vault
    if kv.existing_id is not None:
        return kv.existing_id.name
    return kv.name or key_vault_name(cfg.names, "cvm")
