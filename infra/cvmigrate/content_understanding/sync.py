"""Create or update a workload's analyzers so the service holds exactly the definitions of the stack config.

Per analyzer: GET; absent -> PUT (``created``); present with every field of the definition equal ->
nothing (``unchanged``: running twice changes nothing); present but different -> DELETE then PUT
(``replaced``: the CU migration guide replaces an analyzer by deleting it first; whether PUT alone replaces
is not documented). The service may add fields of its own (status, createdAt, defaults): only the
definition's own keys are compared.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from .analyzers_api import ContentUnderstandingClient
from .definition import AnalyzerDefinition


@dataclass(frozen=True)
class SyncAction:
    analyzer: str
    action: str          # created | unchanged | replaced | would-create | would-replace


def covers(current: Any, desired: Any) -> bool:
    """``desired`` is contained in ``current``: equal scalars and lists, dict keys of desired all matching."""
    if isinstance(desired, dict):
        return isinstance(current, dict) and all(covers(current.get(k), v) for k, v in desired.items())
    return current == desired


def sync_analyzers(client: ContentUnderstandingClient, definitions: Sequence[AnalyzerDefinition], *,
                   dry_run: bool = False) -> list[SyncAction]:
    out = []
    for definition in definitions:
        body = definition.body()
        current = client.get_analyzer(definition.id)
        if current is not None and covers(current, body):
            out.append(SyncAction(definition.id, "unchanged"))
            continue
        if dry_run:
            out.append(SyncAction(definition.id, "would-create" if current is None else "would-replace"))
            continue
        if current is not None:
            client.delete_analyzer(definition.id)
        client.put_analyzer(definition.id, body)
        out.append(SyncAction(definition.id, "created" if current is None else "replaced"))
    return out
