"""Every name the stack gives a resource, checked at validation: against its type's rule (``name_rules.yaml``)
after truncation, and against the stack's other names in the same uniqueness scope.

:func:`planned_names` derives the names with the same functions the components call (``cvmigrate.naming``
and the config's name helpers); a test holds the mock graph of every example stack to this plan.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from .. import naming
from ..paths import load_data_yaml
from .problems import Problems
from .stack_config import StackConfig, WorkloadConfig
from .replacement import endpoint_name, foundry_account_name, shared_foundry_account_name

RULES_FILE = Path(__file__).resolve().parent.parent / "name_rules.yaml"


@dataclass(frozen=True)
class NameRule:
    kind: str
    what: str
    min: int
    max: int
    pattern: str
    scope: str
    source: str
    forbid: tuple[str, ...] = ()
    dash_then_letter: bool = False

    def problem(self, name: str) -> Optional[str]:
        """Why ``name`` breaks the rule, or None."""
        if not self.min <= len(name) <= self.max:
            return f"is {len(name)} characters; a {self.what} name has {self.min}-{self.max}"
        if not re.fullmatch(self.pattern, name):
            return f"has characters or ends a {self.what} name may not have (rule: {self.pattern})"
        for bad in self.forbid:
            if bad in name:
                return f"contains '{bad}', which a {self.what} name may not"
        if self.dash_then_letter and any(not re.search(r"[A-Za-z]", rest) for rest in name.split("-")[1:]):
            return f"has a dash not followed by a letter, which a {self.what} name needs"
        return None


@lru_cache(maxsize=1)
def name_rules() -> dict[str, NameRule]:
    data = load_data_yaml(RULES_FILE.read_text(encoding="utf-8"))["rules"]
    return {kind: NameRule(kind=kind, what=r["what"], min=r["min"], max=r["max"], pattern=r["pattern"],
                           scope=r["scope"], source=str(r["source"]), forbid=tuple(r.get("forbid") or ()),
                           dash_then_letter=bool(r.get("dash_then_letter")))
            for kind, r in data.items()}


@dataclass(frozen=True)
class PlannedName:
    kind: str          # a key of name_rules.yaml
    name: str
    scope: str         # where it must be unique: "global", "region:<r>", "rg" (the stack's), "rg:<sub>/<rg>", "vault"
    owner: str         # "workload 'x'" or "the environment"
    path: str          # the config key that pins it (or that makes the stack create it)


def planned_names(cfg: StackConfig) -> list[PlannedName]:
    names, env = cfg.names, "the environment"
    out: list[PlannedName] = []

    def add(kind: str, name: str, scope: str, owner: str, path: str) -> None:
        out.append(PlannedName(kind, name, scope, owner, path))

    if cfg.log_analytics.create:
        add("logAnalytics", cfg.log_analytics.name or f"law-cvmigrate-{cfg.environment}", "rg", env,
            "cvmigrate:logAnalytics.name")
    if cfg.archive.create:
        add("storageAccount", cfg.archive.name or naming.storage_account_name(names, "logs"), "global", env,
            "cvmigrate:archive.name")
    if cfg.key_vault.enabled and cfg.key_vault.create:
        add("keyVault", naming.stack_key_vault_name(cfg), "global", env, "cvmigrate:keyVault.name")
    for w in cfg.workloads:
        owner = f"workload '{w.name}'"
        for account in w.legacy_accounts:
            if account.mode == "create":
                add("cognitiveAccount", account.name, "rg", owner, account.config_path)
            elif account.mode == "import" and account.id is not None:   # adopted: its name, its group
                add("cognitiveAccount", account.name,
                    f"rg:{account.id.subscription_id}/{account.id.resource_group}".lower(), owner, account.config_path)
            if account.store_keys and cfg.key_vault.enabled:
                add("keyVaultSecret", naming.key_secret_name(w.name, account.role), "vault", owner,
                    account.config_path)
        out += _replacement_names(cfg, w, owner)
    return out


def _replacement_names(cfg: StackConfig, w: WorkloadConfig, owner: str) -> list[PlannedName]:
    from_cfg, workload = w.replacement, w.name
    if from_cfg is None:
        return []
    names, defaults, out = cfg.names, cfg.replacement, []
    if from_cfg.automl is not None:
        a = from_cfg.automl
        path = a.config_path
        if a.dedicated_workspace:
            region = a.location or cfg.location
            out += _workspace(names, workload, None, owner, path)
        else:
            region = defaults.automl.location or cfg.location
            out += _workspace(names, None, defaults.automl.name, "the environment", "cvmigrate:replacement.automl")
        out.append(PlannedName("amlCompute", naming.aml_compute_name(names, workload), f"region:{region}", owner,
                               f"{path}.computeSku"))
        out.append(PlannedName("amlEndpoint", endpoint_name(a, workload, names), f"region:{region}", owner,
                               f"{path}.endpoint.name"))
    if from_cfg.foundry is not None:
        f = from_cfg.foundry
        account = foundry_account_name(f, workload, names, defaults)
        if f.dedicated_account:
            out.append(PlannedName("subdomainAccount", account, "global", owner, f"{f.config_path}.accountName"))
        else:
            out.append(PlannedName("subdomainAccount", shared_foundry_account_name(names, defaults), "global",
                                   "the environment", "cvmigrate:replacement.foundry.accountName"))
        out.append(PlannedName("foundryProject", f.project_name, f"account:{account}", owner,
                               f"{f.config_path}.projectName"))
    for target in (from_cfg.document_intelligence, from_cfg.face):
        if target is not None:
            out.append(PlannedName("subdomainAccount", target.account_name(names, workload), "global", owner,
                                   f"{target.config_path}.name"))
    return out


def _workspace(names: naming.NameScope, workload: Optional[str], pinned: Optional[str], owner: str,
               path: str) -> list[PlannedName]:
    """An AML workspace and the storage account and key vault it brings (shared: the first workload that
    uses it brings it; the duplicates are dropped in check_names)."""
    scope = naming.slug(workload) if workload else "shared"
    return [
        PlannedName("amlWorkspace", pinned or naming.aml_workspace_name(names, workload), "rg", owner, path),
        PlannedName("storageAccount", naming.storage_account_name(names, f"aml-{scope}"), "global", owner, path),
        PlannedName("keyVault", naming.key_vault_name(names, f"aml-{scope}"), "global", owner, path),
    ]


def check_names(cfg: StackConfig, problems: Problems) -> None:
    """Each planned name against its rule; two different owners of one name in one scope are a collision."""
    rules = name_rules()
    seen: dict[tuple[str, str, str], PlannedName] = {}
    for planned in planned_names(cfg):
        rule = rules[planned.kind]
        family = _family(planned.kind)
        # A created Cognitive Services account is unique in the stack's group whatever else holds for it.
        scope = "rg" if family == "cognitive" and not planned.scope.startswith("rg:") else planned.scope
        key = (family, scope, planned.name.lower())
        first = seen.get(key)
        if first is not None:
            if first.owner != planned.owner or first.path != planned.path:
                problems.add(planned.path, f"{rule.what} name '{planned.name}' of {planned.owner} is also the "
                             f"name {first.owner} uses at {first.path}; Azure allows it once {_scope_text(scope)}.",
                             "pin a distinct name at one of the two paths, or rename one workload.")
            continue
        seen[key] = planned
        why = rule.problem(planned.name)
        if why:
            problems.add(planned.path, f"{rule.what} name '{planned.name}' {why} (source: {rule.source}).",
                         "pin a valid name at this path, or shorten the workload or environment name.")


def _family(kind: str) -> str:
    """Kinds that share one namespace in Azure (a created Cognitive Services account is either)."""
    return "cognitive" if kind in ("subdomainAccount", "cognitiveAccount") else kind


def _scope_text(scope: str) -> str:
    if scope == "global":
        return "in all of Azure"
    kind, _, where = scope.partition(":")
    return {"region": f"per region ({where})", "account": f"per account ({where})", "vault": "per key vault",
            "rg": f"per resource group{f' ({where})' if where else ''}"}.get(kind, f"per {scope}")
