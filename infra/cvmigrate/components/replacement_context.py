"""What every replacement component of one environment shares: where resources go, where their logs go,
how they are tagged, and the shared resources' settings."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi

from ..config.principals import AccessPrincipal
from ..config.replacement_defaults import ReplacementDefaults
from ..naming import NameScope
from ..tags import ROLE_REPLACEMENT, cvmigrate_tags
from . import access
from .diagnostics import DiagnosticsSink


@dataclass
class ReplacementContext:
    """Required: environment, location, resource_group_name (live), resource_group (configured name, used in
    deterministic names), sink, names (what generated names are unique for). Optional: tags, defaults
    (cvmigrate:replacement), key_vault_purge_protection."""
    environment: str
    location: str
    resource_group_name: pulumi.Input[str]
    resource_group: str
    sink: DiagnosticsSink
    names: NameScope
    tags: dict[str, str] = field(default_factory=dict)
    defaults: ReplacementDefaults = field(default_factory=ReplacementDefaults)
    key_vault_purge_protection: bool = True

    def tags_for(self, workload: Optional[str] = None, wave: Optional[int] = None) -> dict[str, str]:
        return cvmigrate_tags(self.environment, ROLE_REPLACEMENT, workload, wave, extra=self.tags)


class SharedGrants:
    """Role assignments on a resource several workloads share: each (principal, role) is created once, by
    the resource's own component, whichever workload asked first. Two workloads listing the same principal
    must not each own the one Azure assignment (removing either workload would revoke it for both)."""

    def __init__(self, owner: pulumi.ComponentResource, prefix: str, scope_id: pulumi.Input[str],
                 scope_path: str, resource_group: str, depends_on: Sequence[pulumi.Resource] = ()):
        self._owner = owner
        self._prefix = prefix
        self._scope_id = scope_id
        self._scope_path = scope_path
        self._resource_group = resource_group
        self._depends_on = list(depends_on)
        self._done: dict[tuple[str, str], pulumi.Resource] = {}

    def grant(self, principals: Sequence[AccessPrincipal], roles: Sequence[str]) -> list[pulumi.Resource]:
        out = []
        for principal in principals:
            for role in roles:
                key = (principal.principal_id, role)
                if key not in self._done:
                    self._done[key] = access.grant(
                        self._prefix, scope_id=self._scope_id, scope_path=self._scope_path,
                        resource_group=self._resource_group, principals=[principal], roles=[role],
                        parent=self._owner, depends_on=self._depends_on)[0]
                out.append(self._done[key])
        return out
