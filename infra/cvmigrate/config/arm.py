"""Azure Resource Manager IDs: parsed once, compared case-insensitively as ARM does, and read from a stack config
key with one set of messages (:func:`arm_id_field`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .patterns import ARM_ID, is_guid
from .reader import Node


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


def arm_id_field(node: Node, key: str, resource_type: str, example: str, *, required: bool = False,
                 copy_fix: Optional[str] = None, wrong_type: Optional[str] = None,
                 wrong_type_fix: Optional[str] = None) -> Optional[ArmId]:
    """The ARM ID at ``node[key]`` if it is one of a ``resource_type`` resource; else the problem is recorded on the
    key and None returned. ``copy_fix``: the fix for text that is no ARM ID; ``wrong_type`` (``{found}`` is the
    ID's resource type) and ``wrong_type_fix``: for an ID of another type. Defaults name the resource type."""
    value = node.string(key, required=True, example=example) if required else node.string(key)
    if value is None:
        return None
    try:
        arm = parse_arm_id(value)
    except ArmIdError as exc:
        node.get(key).error(f"'{value}' {exc}.", copy_fix or f"copy the resource ID from the portal, e.g. {example}.")
        return None
    if not arm.is_type(resource_type):
        node.get(key).error((wrong_type or f"points to a {{found}}, not a {resource_type}.").replace(
            "{found}", arm.resource_type), wrong_type_fix or f"use the ID of a {resource_type} resource.")
        return None
    return arm
