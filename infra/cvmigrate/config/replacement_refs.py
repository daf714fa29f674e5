"""What the monitoring queries need to attribute replacement traffic to a workload.

`ReplacementRef` is the contract between the replacement stack (which creates the resources)
and the KQL library (which counts their calls): an AML endpoint name matches
AmlOnlineEndpointTrafficLog.EndpointName; an account name matches AzureDiagnostics.Resource
(case-insensitively); Foundry deployments narrow a shared AIServices account to the workload's
deployments (properties_s.modelDeploymentName).
"""
from __future__ import annotations

from dataclasses import dataclass

from .stack_config import StackConfig
from .replacement import endpoint_name, foundry_account_name, shared_foundry_account_name

TARGETS = ("automl", "foundry", "documentIntelligence", "face", "contentUnderstanding")


@dataclass(frozen=True)
class ReplacementRef:
    workload: str
    target: str                      # one of TARGETS
    name: str                        # endpoint name (automl) or Cognitive Services account name
    deployments: tuple[str, ...] = ()  # foundry: model deployment names that belong to the workload


def replacement_refs(cfg: StackConfig) -> list[ReplacementRef]:
    """Per workload, in config order: the names its replacement traffic is attributed by.

    automl -> the managed online endpoint's name; foundry -> the AIServices account's name (shared or
    dedicated) plus the workload's deployment names; documentIntelligence / face -> the account names.
    """
    refs: list[ReplacementRef] = []
    for w in cfg.workloads:
        r = w.replacement
        if r is None:
            continue
        if r.automl is not None:
            refs.append(ReplacementRef(w.name, "automl", endpoint_name(r.automl, w.name, cfg.names)))
        if r.foundry is not None:
            refs.append(ReplacementRef(
                w.name, "foundry", foundry_account_name(r.foundry, w.name, cfg.names, cfg.replacement),
                tuple(d.name for d in r.foundry.deployments)))
        if r.document_intelligence is not None:
            refs.append(ReplacementRef(w.name, "documentIntelligence",
                                       r.document_intelligence.account_name(cfg.names, w.name)))
        if r.face is not None:
            refs.append(ReplacementRef(w.name, "face", r.face.account_name(cfg.names, w.name)))
        if r.content_understanding is not None:
            # Content Understanding runs on the environment's shared AIServices account: its calls there count.
            refs.append(ReplacementRef(w.name, "contentUnderstanding",
                                       shared_foundry_account_name(cfg.names, cfg.replacement)))
    return refs
