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


# Azure's tag limits (learn.microsoft.com/azure/azure-resource-manager/management/tag-resources, "Limitations"):
# at most 50 name/value pairs per resource, names up to 512 characters (128 on storage accounts, and the stack's
# tags land on its storage accounts), values up to 256, names without < > % & \ ? /, values plain strings.
MAX_TAGS = 50
MAX_TAG_NAME = 128
MAX_TAG_VALUE = 256
FORBIDDEN_TAG_NAME_CHARS = '<>%&\\?/'
CVMIGRATE_TAG_COUNT = 4           # cvmigrate_tags() adds env, role, workload and wave
RESERVED_PREFIX = "cvmigrate-"


def tag_problems(tags: dict[str, str]) -> list[tuple[str, str, str]]:
    """(tag name, problem, fix) for every tag Azure would refuse; the count is checked by :func:`count_problem`."""
    out: list[tuple[str, str, str]] = []
    for name, value in tags.items():
        if not name.strip():
            out.append((name, "is an empty tag name.", "give the tag a name."))
            continue
        bad = sorted({c for c in name if c in FORBIDDEN_TAG_NAME_CHARS})
        if bad:
            out.append((name, f"contains {' '.join(bad)}, which Azure does not allow in tag names.",
                        f"rename it without any of {' '.join(FORBIDDEN_TAG_NAME_CHARS)}."))
        if len(name) > MAX_TAG_NAME:
            out.append((name, f"is a {len(name)}-character tag name; Azure allows {MAX_TAG_NAME} on storage "
                              "accounts, which carry the stack's tags.", f"shorten it to {MAX_TAG_NAME} characters."))
        if len(value) > MAX_TAG_VALUE:
            out.append((name, f"has a {len(value)}-character value; Azure allows {MAX_TAG_VALUE}.",
                        f"shorten the value to {MAX_TAG_VALUE} characters."))
        if name.lower().startswith(RESERVED_PREFIX):
            out.append((name, f"uses the reserved prefix '{RESERVED_PREFIX}'.",
                        "the stack sets cvmigrate-* tags itself; rename your tag."))
    return out


def count_problem(count: int) -> str | None:
    total = count + CVMIGRATE_TAG_COUNT
    if total > MAX_TAGS:
        return (f"gives a resource {total} tags ({count} configured + {CVMIGRATE_TAG_COUNT} cvmigrate-*); Azure "
                f"allows {MAX_TAGS}.")
    return None
