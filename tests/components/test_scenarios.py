"""Every component under two scenarios, each run twice (as Azure Verified Modules do with their init and idem
deployments): ``defaults`` (the smallest valid stack: every option left at its default) and ``max`` (every
section and option set). The second run must register exactly what the first did (types, names, inputs,
parents, options): a second `pulumi up` changes nothing."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

import cvmigrate

from stacks import (
    CREATE_WORKLOAD, IMAGE_ANALYSIS_WORKLOAD, IMPORT_WORKLOAD, ONCALL, REFERENCE_WORKLOAD, SUB, account_id,
)

SP = "0a1b2c3d-0000-4000-8000-00000000000a"
GPT4O = {"name": "gpt-4o", "model": "gpt-4o", "version": "2024-11-20", "sku": "GlobalStandard", "capacity": 10}

# Every component with only its required settings (AutoML needs a compute SKU and a node count, the Azure
# Policy assignment its scope); nothing else is set.
DEFAULTS = {
    "azure-native:location": "westeurope",
    "azure-native:subscriptionId": SUB,
    "cvmigrate:workloads": [
        {"name": "shelf-scanner",
         "legacy": {"customVision": {"trainingId": account_id("cv-shelf-train"),
                                     "predictionId": account_id("cv-shelf-pred")}},
         "replacement": {"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 1}, "foundry": {}}},
        {"name": "receipts", "legacy": {"imageAnalysis": {"id": account_id("cv-receipts")}},
         "replacement": {"documentIntelligence": {}, "face": {}}},
    ],
    "cvmigrate:alerts": {"emails": [ONCALL]},
    "cvmigrate:azurePolicy": {"enabled": True, "scope": f"/subscriptions/{SUB}"},
}


def _with(base: dict, **sections) -> dict:
    w = copy.deepcopy(base)
    w.update(copy.deepcopy(sections))
    return w


# The max scenario as stack_config arguments: (workloads, top-level keys).
MAX = ((
    _with(REFERENCE_WORKLOAD, tags={"cost-center": "cv-42"},
          replacement={"automl": {"computeSku": "Standard_NC4as_T4_v3", "maxNodes": 2,
                                  "endpoint": {"name": "shelf-scanner", "authMode": "aad_token"}},
                       "foundry": {"projectName": "shelf-scanner", "deployments": [GPT4O]}},
          access=[{"principalId": SP, "principalType": "ServicePrincipal"}]),
    IMPORT_WORKLOAD,
    CREATE_WORKLOAD,
    _with(IMAGE_ANALYSIS_WORKLOAD, replacement={"documentIntelligence": {}, "face": {}},
          access=[{"principalId": SP, "principalType": "ServicePrincipal"}]),
), dict(
    alerts={"emails": [ONCALL], "webhooks": ["https://hooks.contoso.com/t/abc?sig=s3cr3t"],
            "smsNumbers": ["+1 4255550123"], "thresholds": {"regressionTolerance": 0.5}},
    azurePolicy={"enabled": True, "scope": f"/subscriptions/{SUB}/resourceGroups/rg-cv", "effect": "Deny"},
    tags={"owner": "vision-platform"},
    decommission={"silentDays": 45},
))
SCENARIOS = ("defaults", "max")
# Every ComponentResource type of the package (a test checks this list against the source).
COMPONENTS = (
    "cvmigrate:index:Foundation", "cvmigrate:index:Monitoring", "cvmigrate:index:Workload",
    "cvmigrate:legacy:CustomVisionPair", "cvmigrate:legacy:LegacyVisionAccount", "cvmigrate:policy:AzurePolicy",
    "cvmigrate:replacement:AutoMLStack", "cvmigrate:replacement:AutoMLWorkspace",
    "cvmigrate:replacement:FoundryAccount", "cvmigrate:replacement:FoundryStack",
    "cvmigrate:replacement:VisionServicesStack",
)


@pytest.fixture(scope="module")
def runs(stack_config, run_stack):
    """Both scenarios, each run twice (module-scoped: four program runs for every test below)."""
    out = {}
    for name, raw in {"defaults": DEFAULTS, "max": stack_config(*MAX[0], **MAX[1])}.items():
        first, second = run_stack(raw), run_stack(raw)
        assert first.error is None and second.error is None
        out[name] = (first, second)
    return out


def component_types(graph) -> list[str]:
    return sorted({r.type for r in graph.resources if not r.custom})


def subtree(graph, component_type: str) -> list[tuple]:
    """The snapshot rows of every instance of ``component_type`` and everything parented under it."""
    roots = {r.urn for r in graph.resources if r.type == component_type}
    inside = set(roots)
    changed = True
    while changed:
        changed = False
        for r in graph.resources:
            if r.parent in inside and r.urn not in inside:
                inside.add(r.urn)
                changed = True
    keep = {(r.type, r.name) for r in graph.resources if r.urn in inside}
    return [row for row in graph.snapshot() if (row[0], row[1]) in keep]


def test_the_component_list_is_every_component_resource_of_the_package():
    package = Path(cvmigrate.__file__).parent
    declared = set()
    for path in package.rglob("*.py"):
        declared |= set(re.findall(r'super\(\).__init__\("(cvmigrate:[A-Za-z]+:[A-Za-z]+)"', path.read_text()))
    assert declared == set(COMPONENTS)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_every_scenario_builds_every_component(runs, scenario):
    first, _ = runs[scenario]
    assert component_types(first) == sorted(COMPONENTS)


@pytest.mark.parametrize("component", COMPONENTS)
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_a_second_run_registers_identical_inputs(runs, scenario, component):
    first, second = runs[scenario]
    rows = subtree(first, component)
    assert rows, f"{scenario}: no {component}"
    assert rows == subtree(second, component), f"{scenario}: {component} differs on the second run"


def test_max_sets_more_than_defaults(runs):
    """The max scenario really exercises more options: more resources, and other inputs for shared ones."""
    defaults, maximal = runs["defaults"][0], runs["max"][0]
    assert len(maximal.resources) > len(defaults.resources)
    assert {r.type for r in defaults.resources if r.custom} <= {r.type for r in maximal.resources if r.custom}
