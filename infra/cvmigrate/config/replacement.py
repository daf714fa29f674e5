"""Where each workload's traffic goes: a workload's `replacement` section (its `access` principals are in
principals.py, the environment-level `cvmigrate:replacement` section in replacement_defaults.py).

Shape (per workload)::

    replacement:
      automl: {computeSku: Standard_NC4as_T4_v3, maxNodes: 2, endpoint: {name: shelf-scanner, authMode: aad_token}}
      foundry: {projectName: shelf-scanner, deployments: [{name: gpt-4o, model: gpt-4o, version: "2024-11-20",
                                                            sku: GlobalStandard, capacity: 10}]}
      documentIntelligence: {}
      face: {}

Sharing (deliberate): by default one AML workspace and one AIServices account per environment serve every
workload; `automl.dedicatedWorkspace: true` / `foundry.dedicatedAccount: true` give a workload its own.
Names that live in a shared resource (endpoints, projects, deployments) must therefore be unique across the
workloads that share it; that is checked here (claims.NameClaims), with both config paths in the message.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from .. import naming
from .claims import NameClaims
from .content_understanding import ContentUnderstandingConfig, parse_content_understanding
from .patterns import LOCATION, SUBDOMAIN_ACCOUNT_NAME
from .reader import Node
from .vm_sizes import check_training_size, has_gpu
from .replacement_defaults import ACCOUNT_SKUS, PUBLIC_NETWORK_ACCESS, ReplacementDefaults

AUTH_MODES = {"aad_token": "AADToken", "key": "Key", "aml_token": "AMLToken"}
VM_PRIORITIES = ("Dedicated", "LowPriority")

# Model deployment SKU names ("SKU name in code" in Microsoft's "Deployment types in Azure AI Foundry
# Models", learn.microsoft.com/azure/ai-foundry/model-inference/concepts/deployment-types): standard, global,
# data zone, provisioned, batch, developer. A name outside this list is almost always a typo that ARM would
# only reject mid-deployment.
DEPLOYMENT_SKUS = (
    "Standard", "GlobalStandard", "DataZoneStandard",
    "ProvisionedManaged", "GlobalProvisionedManaged", "DataZoneProvisionedManaged",
    "GlobalBatch", "DataZoneBatch", "DeveloperTier",
)

# AutoML image tasks (classification, object detection, instance segmentation) train on NVIDIA GPUs only:
# sizes are checked against the table in gpu_sizes.yaml (config/vm_sizes.py).
VM_SKU = r"(Standard|Basic)_[A-Za-z0-9_]+"

ENDPOINT_NAME = r"[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]"
PROJECT_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9]"
DEPLOYMENT_NAME = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9]|[A-Za-z0-9]"

DEFAULT_IDLE_SECONDS = 120  # AmlCompute's own default scale-down delay


@dataclass(frozen=True)
class EndpointConfig:
    name: Optional[str] = None         # None: naming.aml_endpoint_name(names, workload)
    auth_mode: str = "aad_token"       # config value; `arm_auth_mode` is what ARM takes

    @property
    def arm_auth_mode(self) -> str:
        return AUTH_MODES[self.auth_mode]


@dataclass(frozen=True)
class AutoMLConfig:
    compute_sku: str
    max_nodes: int
    min_nodes: int = 0
    idle_seconds: int = DEFAULT_IDLE_SECONDS
    vm_priority: str = "Dedicated"
    endpoint: EndpointConfig = EndpointConfig()
    dedicated_workspace: bool = False
    public_network_access: Optional[str] = None   # dedicated workspace only; None -> Disabled
    location: Optional[str] = None                # dedicated workspace only
    config_path: str = ""

    @property
    def has_gpu(self) -> bool:
        return has_gpu(self.compute_sku)


@dataclass(frozen=True)
class ModelDeployment:
    name: str
    model: str
    version: Optional[str]
    sku: str
    capacity: int
    format: str = "OpenAI"
    config_path: str = ""


@dataclass(frozen=True)
class FoundryConfig:
    project_name: str
    deployments: tuple[ModelDeployment, ...] = ()
    dedicated_account: bool = False
    account_name: Optional[str] = None            # dedicated account only
    public_network_access: Optional[str] = None   # dedicated account only
    disable_local_auth: bool = True               # dedicated account only
    restore: bool = False                         # dedicated account only
    location: Optional[str] = None                # dedicated account only
    config_path: str = ""


@dataclass(frozen=True)
class CognitiveTargetConfig:
    """Document Intelligence (kind FormRecognizer) or Face (kind Face): one account per workload."""
    kind: str
    name: Optional[str] = None
    sku: str = "S0"
    public_network_access: Optional[str] = None
    disable_local_auth: bool = True
    restore: bool = False
    location: Optional[str] = None
    config_path: str = ""

    def account_name(self, names: naming.NameScope, workload: str) -> str:
        prefix = "di" if self.kind == KIND_DOCUMENT_INTELLIGENCE else "face"
        return self.name or naming.cognitive_account_name(prefix, names, workload)


KIND_AISERVICES = "AIServices"
KIND_DOCUMENT_INTELLIGENCE = "FormRecognizer"
KIND_FACE = "Face"


@dataclass(frozen=True)
class ReplacementConfig:
    automl: Optional[AutoMLConfig] = None
    foundry: Optional[FoundryConfig] = None
    document_intelligence: Optional[CognitiveTargetConfig] = None
    face: Optional[CognitiveTargetConfig] = None
    content_understanding: Optional[ContentUnderstandingConfig] = None   # on the shared AIServices account

    @property
    def empty(self) -> bool:
        return not (self.automl or self.foundry or self.document_intelligence or self.face
                    or self.content_understanding)


# --- per workload -----------------------------------------------------------------------------

def parse_replacement(node: Node, workload: str, claims: NameClaims, today: dt.date) -> Optional[ReplacementConfig]:
    if not node.is_object(example="{automl: {...}, foundry: {...}, documentIntelligence: {}, face: {}}"):
        return None
    node.only_keys(["automl", "foundry", "documentIntelligence", "face", "contentUnderstanding"])
    return ReplacementConfig(
        automl=_automl(node.get("automl"), claims, today),
        foundry=_foundry(node.get("foundry"), workload, claims),
        document_intelligence=_cognitive(node.get("documentIntelligence"), KIND_DOCUMENT_INTELLIGENCE, claims),
        face=_cognitive(node.get("face"), KIND_FACE, claims),
        content_understanding=parse_content_understanding(node.get("contentUnderstanding")),
    )


def _automl(node: Node, claims: NameClaims, today: dt.date) -> Optional[AutoMLConfig]:
    if not node.is_object(example="{computeSku: Standard_NC4as_T4_v3, maxNodes: 2}"):
        return None
    node.only_keys(["computeSku", "maxNodes", "minNodes", "idleSeconds", "vmPriority", "endpoint",
                    "dedicatedWorkspace", "publicNetworkAccess", "location"])
    sku = node.string("computeSku", required=True, pattern=VM_SKU, pattern_help="an Azure VM size",
                      example="Standard_NC4as_T4_v3")
    max_nodes = node.integer("maxNodes", required=True, minimum=1, maximum=100)
    min_nodes = node.integer("minNodes", default=0, minimum=0, maximum=100)
    if max_nodes is not None and min_nodes is not None and min_nodes > max_nodes:
        node.get("minNodes").error(f"{min_nodes} is more than maxNodes ({max_nodes}).",
                                   "set minNodes to 0 (nodes start on demand) or raise maxNodes.")
    elif min_nodes:
        node.get("minNodes").warn(
            f"keeps {min_nodes} node(s) running, and billed, even when no training job runs.",
            "use minNodes: 0 unless jobs cannot wait for a node to start.")
    verdict = check_training_size(sku, today) if sku else None
    if verdict is not None:
        (node.get("computeSku").error if verdict.error else node.get("computeSku").warn)(verdict.message, verdict.fix)
    dedicated = node.boolean("dedicatedWorkspace")
    _dedicated_only(node, dedicated, "dedicatedWorkspace", ("publicNetworkAccess", "location"),
                    "cvmigrate:replacement.automl")
    endpoint = EndpointConfig()
    e = node.get("endpoint")
    if e.is_object(example="{name: shelf-scanner, authMode: aad_token}"):
        e.only_keys(["name", "authMode"])
        endpoint = EndpointConfig(
            name=e.string("name", pattern=ENDPOINT_NAME,
                          pattern_help="3-32 letters, digits and dashes, starting with a letter",
                          example="shelf-scanner"),
            auth_mode=e.choice("authMode", AUTH_MODES, default="aad_token") or "aad_token")
        if endpoint.name:
            claims.claim(e.get("name"), "endpoint", endpoint.name, "endpoint name",
                          "online endpoint names are unique per region; give each workload its own.")
    return AutoMLConfig(
        compute_sku=sku or "", max_nodes=max_nodes or 1, min_nodes=min_nodes or 0,
        idle_seconds=node.integer("idleSeconds", default=DEFAULT_IDLE_SECONDS, minimum=0, maximum=86400),
        vm_priority=node.choice("vmPriority", VM_PRIORITIES, default="Dedicated"),
        endpoint=endpoint, dedicated_workspace=dedicated,
        public_network_access=node.choice("publicNetworkAccess", PUBLIC_NETWORK_ACCESS),
        location=node.string("location", pattern=LOCATION, example="swedencentral"),
        config_path=node.path)


def _dedicated_only(node: Node, dedicated: bool, flag: str, keys: tuple[str, ...], shared_path: str) -> None:
    if dedicated:
        return
    for key in keys:
        if node.has(key):
            node.get(key).error(f"applies only to a dedicated resource ({flag}: true); this workload uses the "
                                "environment's shared one.",
                                f"set {flag}: true, or set it for the shared resource under {shared_path}.")


def _foundry(node: Node, workload: str, claims: NameClaims) -> Optional[FoundryConfig]:
    if not node.is_object(example="{projectName: shelf-scanner, deployments: [...]}"):
        return None
    node.only_keys(["projectName", "deployments", "dedicatedAccount", "accountName", "publicNetworkAccess",
                    "disableLocalAuth", "restore", "location"])
    dedicated = node.boolean("dedicatedAccount")
    _dedicated_only(node, dedicated, "dedicatedAccount",
                    ("accountName", "publicNetworkAccess", "disableLocalAuth", "restore", "location"),
                    "cvmigrate:replacement.foundry")
    account_scope = f"account:{workload}" if dedicated else "account:shared"
    project = node.string("projectName", default=naming.slug(workload), pattern=PROJECT_NAME,
                          pattern_help="2-64 letters, digits, '-', '_' and '.'", example="shelf-scanner")
    if project:
        claims.claim(node.get("projectName") if node.has("projectName") else node, f"{account_scope}/project",
                      project, "project name", "projects on one AIServices account need distinct names.")
    deployments: list[ModelDeployment] = []
    dnode = node.get("deployments")
    if dnode.is_list(example="[{name: gpt-4o, model: gpt-4o, version: '2024-11-20', sku: GlobalStandard, capacity: 10}]"):
        local: dict[str, str] = {}
        for _, item in dnode.items():
            d = _deployment(item)
            if d is None:
                continue
            key = d.name.lower()
            if key in local:
                item.get("name").error(f"deployment '{d.name}' is declared twice (first at {local[key]}).",
                                       "give every deployment a unique name.")
                continue
            local[key] = item.child_path("name")
            claims.claim(item.get("name"), f"{account_scope}/deployment", d.name, "deployment name",
                          "deployments on one AIServices account need distinct names; rename it or set "
                          "dedicatedAccount: true.")
            deployments.append(d)
    return FoundryConfig(
        project_name=project or naming.slug(workload), deployments=tuple(deployments),
        dedicated_account=dedicated,
        account_name=node.string("accountName", pattern=SUBDOMAIN_ACCOUNT_NAME,
                                 pattern_help="2-64 lower-case letters, digits and dashes (also the subdomain)",
                                 example="ais-shelf-dev"),
        public_network_access=node.choice("publicNetworkAccess", PUBLIC_NETWORK_ACCESS),
        disable_local_auth=node.boolean("disableLocalAuth", default=True),
        restore=node.boolean("restore"),
        location=node.string("location", pattern=LOCATION, example="swedencentral"),
        config_path=node.path)


def _deployment(item: Node) -> Optional[ModelDeployment]:
    example = "{name: gpt-4o, model: gpt-4o, version: '2024-11-20', sku: GlobalStandard, capacity: 10}"
    if not item.is_object(required=True, example=example):
        return None
    item.only_keys(["name", "model", "version", "sku", "capacity", "format"])
    name = item.string("name", required=True, pattern=DEPLOYMENT_NAME,
                       pattern_help="1-64 letters, digits, '-', '_' and '.'", example="gpt-4o")
    model = item.string("model", required=True, example="gpt-4o")
    version = item.string("version", example='"2024-11-20"')
    fmt = item.string("format", default="OpenAI", example="OpenAI") or "OpenAI"
    sku, capacity = _sku(item)
    if not (name and model and sku and capacity):
        return None
    return ModelDeployment(name=name, model=model, version=version, sku=sku, capacity=capacity, format=fmt,
                           config_path=item.path)


def _sku(item: Node) -> tuple[Optional[str], Optional[int]]:
    """`sku: GlobalStandard` + `capacity: 10`, or `sku: {name: GlobalStandard, capacity: 10}`."""
    snode = item.get("sku")
    capacity_node = item
    if isinstance(snode.value, dict):
        snode.only_keys(["name", "capacity"])
        name_node, name_key = snode, "name"
        capacity_node = snode
        if item.has("capacity"):
            item.get("capacity").error("is set both here and in sku.capacity.", "keep one of them.")
    elif snode.value is None or isinstance(snode.value, str):
        name_node, name_key = item, "sku"
    else:
        snode.error(f"must be a SKU name or {{name, capacity}}, got {type(snode.value).__name__} {snode.value!r}.",
                    f"write sku: GlobalStandard (one of {', '.join(DEPLOYMENT_SKUS)}) and capacity: 10.")
        return None, None
    name = name_node.choice(name_key, DEPLOYMENT_SKUS, required=True)
    cnode = capacity_node.get("capacity")
    capacity = None
    if cnode.value is None:
        cnode.error("is required.", "set the deployment's capacity (thousands of tokens per minute, or PTUs "
                                    "for provisioned SKUs), e.g. capacity: 10.")
    elif isinstance(cnode.value, bool) or not isinstance(cnode.value, int):
        cnode.error(f"must be a whole number, got {cnode.value!r}.", "write e.g. capacity: 10.")
    elif cnode.value <= 0:
        cnode.error(f"{cnode.value} is not a usable capacity: a deployment needs at least 1 unit.",
                    "set capacity to 1 or more.")
    else:
        capacity = cnode.value
    return name, capacity


def _cognitive(node: Node, kind: str, claims: NameClaims) -> Optional[CognitiveTargetConfig]:
    if node.value is None:
        return None
    if node.is_object(example="{}"):
        node.only_keys(["name", "sku", "publicNetworkAccess", "disableLocalAuth", "restore", "location"])
        name = node.string("name", pattern=SUBDOMAIN_ACCOUNT_NAME,
                           pattern_help="2-64 lower-case letters, digits and dashes (also the custom subdomain)",
                           example="di-receipts-dev")
        if name:
            claims.claim(node.get("name"), "cognitive-account", name, "account name",
                          "every account needs its own (globally unique) name.")
        return CognitiveTargetConfig(
            kind=kind, name=name, sku=node.choice("sku", ACCOUNT_SKUS, default="S0"),
            public_network_access=node.choice("publicNetworkAccess", PUBLIC_NETWORK_ACCESS),
            disable_local_auth=node.boolean("disableLocalAuth", default=True),
            restore=node.boolean("restore"),
            location=node.string("location", pattern=LOCATION, example="westeurope"),
            config_path=node.path)
    return None


# --- names the stack creates ------------------------------------------------------------------

def endpoint_name(automl: AutoMLConfig, workload: str, names: naming.NameScope) -> str:
    return naming.aml_endpoint_name(names, workload, automl.endpoint.name)


def foundry_account_name(foundry: FoundryConfig, workload: str, names: naming.NameScope,
                         defaults: ReplacementDefaults) -> str:
    if foundry.dedicated_account:
        return foundry.account_name or naming.foundry_account_name(names, workload)
    return shared_foundry_account_name(names, defaults)


def shared_foundry_account_name(names: naming.NameScope, defaults: ReplacementDefaults) -> str:
    return defaults.foundry.name or naming.foundry_account_name(names)
