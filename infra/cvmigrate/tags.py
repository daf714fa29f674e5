"""Tags on everything the stack creates, so policies, cost reports and queries can find it."""
from __future__ import annotations

from typing import Optional

TAG_WORKLOAD = "cvmigrate-workload"
TAG_ROLE = "cvmigrate-role"
TAG_WAVE = "cvmigrate-wave"
TAG_ENV = "cvmigrate-env"
REQUIRED_TAGS = (TAG_WORKLOAD, TAG_ROLE, TAG_ENV)

ROLE_LEGACY = "legacy"
ROLE_REPLACEMENT = "replacement"
ROLE_MONITORING = "monitoring"
ROLES = (ROLE_LEGACY, ROLE_REPLACEMENT, ROLE_MONITORING)

SHARED_WORKLOAD = "shared"


def cvmigrate_tags(environment: str, role: str, workload: Optional[str] = None, wave: Optional[int] = None,
                   extra: Optional[dict[str, str]] = None) -> dict[str, str]:
    if role not in ROLES:
        raise ValueError(f"unknown cvmigrate role {role!r}")
    tags = dict(extra or {})
    tags[TAG_ENV] = environment
    tags[TAG_ROLE] = role
    tags[TAG_WORKLOAD] = workload or SHARED_WORKLOAD
    if wave is not None:
        tags[TAG_WAVE] = str(wave)
    return tags
