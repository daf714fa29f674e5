"""Azure Resource Manager IDs: parsed once, compared case-insensitively as ARM does."""
from __future__ import annotations

from dataclasses import dataclass

from .patterns import ARM_ID, is_guid


@dataclass(frozen=True)
class ArmId:
    raw: str
    subscription_id: str
    resource_group: str
    namespace: str          # e.g. Microsoft.CognitiveServices
    types: tuple[str, ...]  # e.g. ("accounts",)
    names: tuple[str, ...]  # e.g. ("cv-shelf-train",)

    @property
    def name(self) -> str:
        return self.names[-1]

    @property
    def resource_type(self) -> str:
        return "/".join([self.namespace, *self.types])

    def is_type(self, resource_type: str) -> bool:
        return self.resource_type.lower() == resource_type.lower()

    def __str__(self) -> str:
        return self.raw


class ArmIdError(ValueError):
    pass


def parse_arm_id(value: str) -> ArmId:
    """Parse ``/subscriptions/<guid>/resourceGroups/<rg>/providers/<ns>/<type>/<name>[/<type>/<name>]``."""
    text = value.strip().rstrip("/")
    match = ARM_ID.fullmatch(text)
    if not match:
        raise ArmIdError(
            "is not an Azure resource ID of the form "
            "/subscriptions/<subscription-id>/resourceGroups/<group>/providers/<Namespace>/<type>/<name>"
        )
    if not is_guid(match["sub"]):
        raise ArmIdError(f"has subscription '{match['sub']}', which is not a GUID")
    parts = match["rest"].split("/")
    if len(parts) % 2:
        raise ArmIdError("ends with a resource type but no resource name")
    return ArmId(
        raw=text,
        subscription_id=match["sub"],
        resource_group=match["rg"],
        namespace=match["ns"],
        types=tuple(parts[0::2]),
        names=tuple(parts[1::2]),
    )
