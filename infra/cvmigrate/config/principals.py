"""A workload's ``access`` section: the Entra ID principals granted data-plane roles on its replacement
resources (the role table itself lives with the components).

    access:
      - {principalId: <object id>, principalType: ServicePrincipal}
"""
from __future__ import annotations

from dataclasses import dataclass

from .patterns import is_guid
from .reader import Node

PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal")


@dataclass(frozen=True)
class AccessPrincipal:
    principal_id: str
    principal_type: str
    config_path: str = ""


def parse_access(node: Node) -> tuple[AccessPrincipal, ...]:
    example = "[{principalId: 00000000-0000-0000-0000-000000000000, principalType: ServicePrincipal}]"
    if not node.is_list(example=example):
        return ()
    out: list[AccessPrincipal] = []
    seen: dict[str, str] = {}
    for _, item in node.items():
        if not item.is_object(required=True, example=example):
            continue
        item.only_keys(["principalId", "principalType"])
        pid = item.string("principalId", required=True, example="00000000-0000-0000-0000-000000000000")
        ptype = item.choice("principalType", PRINCIPAL_TYPES, required=True)
        if pid is not None and not is_guid(pid):
            item.get("principalId").error(
                f"'{pid}' is not an object ID (a GUID like 00000000-0000-0000-0000-000000000000).",
                "use the principal's object ID from Entra ID (for an app: the service principal's "
                "object ID, not the application/client ID).")
            continue
        if pid is None or ptype is None:
            continue
        if pid.lower() in seen:
            item.get("principalId").error(f"is already listed at {seen[pid.lower()]}.", "list each principal once.")
            continue
        seen[pid.lower()] = item.path
        out.append(AccessPrincipal(principal_id=pid.lower(), principal_type=ptype, config_path=item.path))
    return tuple(out)
