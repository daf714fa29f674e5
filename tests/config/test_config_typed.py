"""The stack config is typed all the way down: every section a dataclass field, no `Any`, no untyped bag.

Consumers read `cfg.alerts`, `cfg.replacement`, `cfg.azure_policy`, `workload.replacement`, `workload.access`
without re-checking types; this test fails the day a field goes back to `Any` or a dict of unknowns.
"""
from __future__ import annotations

import dataclasses
import typing

from cvmigrate.config import StackConfig, parse_stack_config
from cvmigrate.config.alerts import AlertsConfig
from cvmigrate.config.azure_policy import AzurePolicyConfig
from cvmigrate.config.replacement_defaults import ReplacementDefaults


def _dataclasses_reachable(root: type) -> dict[type, dict[str, object]]:
    """Every dataclass reachable from ``root`` through field annotations, with its resolved hints."""
    out: dict[type, dict[str, object]] = {}
    todo = [root]
    while todo:
        cls = todo.pop()
        if cls in out:
            continue
        hints = typing.get_type_hints(cls)
        out[cls] = hints
        stack = list(hints.values())
        while stack:
            hint = stack.pop()
            if dataclasses.is_dataclass(hint):
                todo.append(hint)
            stack.extend(typing.get_args(hint))
    return out


def test_no_field_is_any_or_an_open_bag():
    reached = _dataclasses_reachable(StackConfig)
    assert len(reached) > 15   # StackConfig, workloads, legacy accounts, every section and its parts
    for cls, hints in reached.items():
        for name, hint in hints.items():
            flat = [hint]
            while flat:
                h = flat.pop()
                assert h is not typing.Any, f"{cls.__name__}.{name} is Any"
                if typing.get_origin(h) is dict:
                    assert typing.get_args(h) == (str, str), f"{cls.__name__}.{name} is {h}"
                flat.extend(typing.get_args(h))
    assert "extra" not in {f.name for f in dataclasses.fields(StackConfig)}


def test_every_section_is_a_typed_field():
    raw = {"azure-native:location": "westeurope", "azure-native:subscriptionId": "11111111-2222-3333-4444-555555555555",
           "cvmigrate:alerts": {"enabled": False},
           "cvmigrate:azurePolicy": {"enabled": False}}
    cfg, issues = parse_stack_config(raw, "dev")
    assert cfg is not None, issues
    assert isinstance(cfg.alerts, AlertsConfig) and cfg.alerts.enabled is False
    assert cfg.replacement == ReplacementDefaults()
    assert cfg.azure_policy == AzurePolicyConfig(enabled=False)
