"""Names that must be unique across the workloads of one stack (endpoints in a region, projects and
deployments on a shared account, account names). The workload parsers see one workload at a time, so the
run's claims are handed to each of them; a second claim of a name reports both config paths."""
from __future__ import annotations

from dataclasses import dataclass, field

from .reader import Node


@dataclass
class NameClaims:
    seen: dict[str, str] = field(default_factory=dict)   # "<scope>/<name lower-cased>" -> config path

    def claim(self, node: Node, scope: str, name: str, what: str, fix: str) -> None:
        key = f"{scope}/{name.lower()}"
        if key in self.seen:
            node.error(f"{what} '{name}' is already used at {self.seen[key]}.", fix)
        else:
            self.seen[key] = node.path
