"""Role assignments for the principals a workload lists under `access`.

Role definition IDs are resolved from role names in this one table. The GUIDs are Microsoft's built-in
role IDs, as listed in "Azure built-in roles" (learn.microsoft.com/azure/role-based-access-control/built-in-roles,
AI + machine learning section: .../built-in-roles/ai-machine-learning); built-in role IDs are the same in
every tenant and subscription.

Assignment names are uuid5 over (resource group, scope path, principal, role): the same assignment keeps the
same name on every run, and a re-run never tries to create a duplicate (Azure rejects a second assignment
of the same role to the same principal at the same scope with RoleAssignmentExists).
"""
from __future__ import annotations

from typing import Sequence

import pulumi
from pulumi_azure_native import authorization

from .. import naming
from ..config.principals import AccessPrincipal

# Every Azure built-in role the stack assigns, by name (learn.microsoft.com/azure/role-based-access-control/
# built-in-roles): the one table of role GUIDs in the package.
ROLE_DEFINITIONS: dict[str, str] = {
    "Cognitive Services User": "a97b65f3-24c7-4388-baec-2e87135dc908",
    "Azure AI Developer": "64702f94-c441-49e6-a78b-ef80e0188fee",
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    # The diagnostics DeployIfNotExists assignment's identity (policies/azure/cognitive-diagnostics-dine.json
    # lists the same two in roleDefinitionIds).
    "Monitoring Contributor": "749f88d5-cbae-40b8-bcfc-e573ddc772fa",
    "Log Analytics Contributor": "92aaf0da-9dab-42b6-94a3-d43ce8d16293",
}


def role_definition_id(role: str, subscription_id: str) -> str:
    """The subscription-scoped form ARM stores and returns (sending another form shows a diff every run)."""
    try:
        guid = ROLE_DEFINITIONS[role]
    except KeyError:
        raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLE_DEFINITIONS)}") from None
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def assignment_name(resource_group: str, scope_path: str, principal_id: str, role: str) -> str:
    return naming.stable_uuid("role-assignment", resource_group, scope_path, principal_id, ROLE_DEFINITIONS[role])


def grant(prefix: str, *, scope_id: pulumi.Input[str], scope_path: str, resource_group: str,
          principals: Sequence[AccessPrincipal], roles: Sequence[str], parent: pulumi.Resource,
          depends_on: Sequence[pulumi.Resource] = ()) -> list:
    """One assignment per (principal, role) on ``scope_id``.

    ``scope_path`` is the scope's stable logical path (provider type + names), known before deployment,
    which the assignment name is derived from; ``scope_id`` is the live ARM ID.
    """
    if not principals:
        return []
    client = authorization.get_client_config_output(opts=pulumi.InvokeOutputOptions(parent=parent))
    out = []
    for principal in principals:
        for role in roles:
            name = assignment_name(resource_group, scope_path, principal.principal_id, role)
            out.append(authorization.RoleAssignment(
                f"{prefix}-{naming.slug(role)}-{principal.principal_id}",
                role_assignment_name=name,
                scope=scope_id,
                principal_id=principal.principal_id,
                principal_type=principal.principal_type,
                role_definition_id=client.subscription_id.apply(lambda sub, r=role: role_definition_id(r, sub)),
                description=f"cvmigrate {prefix}: {role}",
                opts=pulumi.ResourceOptions(parent=parent, depends_on=list(depends_on))))
    return out
