"""Run a Pulumi program under the mock runtime and record the whole resource graph.

Every RegisterResource request is recorded with its inputs *and* its resource options
(parent, protect, retainOnDelete, dependsOn, ignoreChanges, replaceOnChanges, import ID), which
`Mocks.new_resource` alone does not see. `run_program` returns only after the runtime has
finished every outstanding registration (`@pulumi.runtime.test` waits for all RPCs), so
assertions see the complete graph, not whatever happened to resolve first.

Fake provider behaviour follows the azure-native provider's documented outputs: account
`properties.endpoint`, `listAccountKeys` -> {key1, key2}, `getAccount` -> {location, kind, sku}.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import pulumi
from google.protobuf import json_format, struct_pb2
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import settings

SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
SPECIAL_SIG = "4dabf18193072939515e22adb298388d"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
SUBSCRIPTION = "00000000-1111-2222-3333-444444444444"


def _plain(value: Any) -> Any:
    """The raw property struct as plain Python: secrets unwrapped (their paths are kept in
    `secret_paths`), resource references as their ID. (rpc.deserialize_properties mis-decodes a
    secret nested under a key called "value", e.g. Key Vault `properties.value`.)"""
    if isinstance(value, dict):
        sig = value.get(SPECIAL_SIG)
        if sig == SECRET_SIG:
            return _plain(value.get("value"))
        if sig == RESOURCE_SIG:
            return value.get("id") or value.get("urn")
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


@dataclass
class Registered:
    urn: str
    type: str
    name: str
    custom: bool
    inputs: dict[str, Any]
    secret_paths: set[str]
    parent: str
    protect: bool
    retain_on_delete: bool
    dependencies: list[str]
    ignore_changes: list[str]
    replace_on_changes: list[str]
    import_id: str
    delete_before_replace: bool
    provider: str = ""
    id: str = ""

    @property
    def parent_type(self) -> str:
        return self.parent.split("::")[2].split("$")[-1] if self.parent else ""

    @property
    def parent_name(self) -> str:
        return self.parent.rsplit("::", 1)[-1] if self.parent else ""


@dataclass
class Invoked:
    token: str
    args: dict[str, Any]
    provider: str = ""


def _secret_paths(value: Any, path: str = "") -> set[str]:
    out: set[str] = set()
    if isinstance(value, struct_pb2.Struct):
        fields = value.fields
        if SPECIAL_SIG in fields and fields[SPECIAL_SIG].string_value == SECRET_SIG:
            return {path or "."}
        for key, v in fields.items():
            out |= _secret_paths(v, f"{path}.{key}" if path else key)
    elif isinstance(value, struct_pb2.Value):
        kind = value.WhichOneof("kind")
        if kind == "struct_value":
            out |= _secret_paths(value.struct_value, path)
        elif kind == "list_value":
            for i, item in enumerate(value.list_value.values):
                out |= _secret_paths(item, f"{path}[{i}]")
    return out


def fake_outputs(typ: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Provider-computed outputs the program reads back (endpoints, principal IDs)."""
    out = dict(inputs)
    if typ == "azure-native:resources:ResourceGroup":
        out["name"] = inputs.get("resourceGroupName", name)
    if typ == "azure-native:cognitiveservices:Account":
        props = dict(inputs.get("properties") or {})
        sub = props.get("customSubDomainName") or inputs.get("accountName", name)
        props.setdefault("endpoint", f"https://{sub}.cognitiveservices.azure.com/")
        out["properties"] = props
        if inputs.get("identity"):
            out["identity"] = {**inputs["identity"], "principalId": f"{name}-principal"}
    if typ == "azure-native:machinelearningservices:Workspace":
        out["identity"] = {**(inputs.get("identity") or {}), "principalId": f"{name}-principal"}
    if typ == "azure-native:keyvault:Vault":
        vault = inputs.get("vaultName", name)
        out["properties"] = {**(inputs.get("properties") or {}), "vaultUri": f"https://{vault}.vault.azure.net/"}
    if typ == "azure-native:operationalinsights:Workspace":
        out["customerId"] = f"{name}-customer-id"
    return out


def default_invoke(token: str, args: dict[str, Any]) -> dict[str, Any]:
    if token == "azure-native:cognitiveservices:getAccount":
        name = args.get("accountName", "acct")
        kind = "CustomVision.Prediction" if "pred" in name.lower() else (
            "ComputerVision" if "ia" in name.lower() or "receipt" in name.lower() else "CustomVision.Training")
        return {
            "id": f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{args.get('resourceGroupName')}"
                  f"/providers/Microsoft.CognitiveServices/accounts/{name}",
            "name": name, "location": "westeurope", "kind": kind, "sku": {"name": "S0"},
            "properties": {"endpoint": f"https://{name}.cognitiveservices.azure.com/"},
        }
    if token == "azure-native:cognitiveservices:listAccountKeys":
        return {"key1": f"key1-{args.get('accountName')}", "key2": f"key2-{args.get('accountName')}"}
    if token == "azure-native:authorization:getClientConfig":
        return {"subscriptionId": SUBSCRIPTION, "tenantId": "tenant-0000", "objectId": "deployer-object-id",
                "clientId": "client-0000"}
    return {}


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self, invoke: Optional[Callable[[str, dict], dict]] = None):
        self.invoke = invoke or default_invoke
        self.invoked: list[Invoked] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        if not args.custom:
            return ["", {}]
        resource_id = args.resource_id or f"/mock/{args.typ.split(':')[-1]}/{args.name}"
        return [resource_id, fake_outputs(args.typ, args.name, args.inputs)]

    def call(self, args: pulumi.runtime.MockCallArgs):
        self.invoked.append(Invoked(args.token, dict(args.args), args.provider or ""))
        return self.invoke(args.token, dict(args.args))


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: RecordingMocks):
        super().__init__(mocks)
        self.registered: list[Registered] = []

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        self.registered.append(Registered(
            urn=response.urn, type=request.type, name=request.name, custom=bool(request.custom),
            inputs=_plain(json_format.MessageToDict(request.object)),
            secret_paths=_secret_paths(request.object),
            parent=request.parent, protect=bool(request.protect), retain_on_delete=bool(request.retainOnDelete),
            dependencies=list(request.dependencies), ignore_changes=list(request.ignoreChanges),
            replace_on_changes=list(request.replaceOnChanges), import_id=request.importId,
            delete_before_replace=bool(request.deleteBeforeReplace), provider=request.provider, id=response.id,
        ))
        return response


@dataclass
class Graph:
    resources: list[Registered]
    invoked: list[Invoked]
    outputs: dict[str, Any] = field(default_factory=dict)
    error: Optional[BaseException] = None

    def of_type(self, typ: str) -> list[Registered]:
        return [r for r in self.resources if r.type == typ]

    def one(self, typ: str, name: Optional[str] = None) -> Registered:
        found = [r for r in self.of_type(typ) if name is None or r.name == name]
        assert len(found) == 1, f"expected one {typ} {name or ''}, found {[r.name for r in found]}"
        return found[0]

    def by_urn(self, urn: str) -> Registered:
        return next(r for r in self.resources if r.urn == urn)

    def types(self) -> list[str]:
        return sorted(r.type for r in self.resources)

    def snapshot(self) -> list[tuple]:
        """Everything a second run must reproduce exactly."""
        return sorted(
            (r.type, r.name, json.dumps(r.inputs, sort_keys=True, default=str), r.parent, r.protect,
             r.retain_on_delete, tuple(sorted(r.dependencies)), tuple(r.ignore_changes),
             tuple(r.replace_on_changes), r.import_id)
            for r in self.resources
        )


def config_values(stack_config: dict[str, Any]) -> dict[str, str]:
    """Stack-file style config ({"cvmigrate:workloads": [...]}) -> the runtime's string map."""
    out = {}
    for key, value in stack_config.items():
        out[key] = value if isinstance(value, str) else json.dumps(value)
    return out


def run_program(program: Callable[[], Any], stack_config: dict[str, Any], *, stack: str = "dev",
                invoke: Optional[Callable[[str, dict], dict]] = None, preview: bool = False,
                secret_keys: Optional[list[str]] = None) -> Graph:
    """Run ``program`` under mocks with ``stack_config`` (``secret_keys``: the keys Pulumi marks secret) and
    return the full recorded graph."""
    mocks = RecordingMocks(invoke)
    monitor = RecordingMonitor(mocks)
    settings.ROOT.set(None)  # a fresh root stack per run, no transforms left over from the last one
    pulumi.runtime.set_mocks(mocks, project="cvmigrate", stack=stack, preview=preview, monitor=monitor)
    pulumi.runtime.set_all_config(config_values(stack_config), secret_keys or [])
    captured: dict[str, Any] = {}

    @pulumi.runtime.test
    def _run():
        result = program()
        captured["result"] = result
        return None

    _run()
    return Graph(resources=monitor.registered, invoked=mocks.invoked, outputs=captured)
