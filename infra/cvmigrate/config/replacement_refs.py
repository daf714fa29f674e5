"""What the monitoring queries need to attribute replacement traffic to a workload.

`ReplacementRef` is the contract between the replacement stack (which creates the resources)
and the KQL library (which counts their calls): an AML endpoint name matches
AmlOnlineEndpointTrafficLog.EndpointName; an account name matches AzureDiagnostics.Resource
(case-insensitively); Foundry deployments narrow a shared AIServices account to the workload's
deployments (properties_s.modelDeploymentName).
"""
from __future__ import annotations

from dataclasses import dataclass

TARGETS = ("automl", "foundry", "documentIntelligence", "face")


@dataclass(frozen=True)
class ReplacementRef:
    workload: str
    target: str                      # one of TARGETS
    name: str                        # endpoint name (automl) or Cognitive Services account name
    deployments: tuple[str, ...] = ()  # foundry: model deployment names that belong to the workload
