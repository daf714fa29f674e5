"""Image Analysis replacements: Document Intelligence (kind FormRecognizer) for OCR / Read, and Face (kind
Face) for face scenarios. One account per workload each (they are cheap to keep separate, and a separate
account keeps its traffic, quota and keys-off setting to that workload), with the same secure defaults as
the Foundry account (see cognitive.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import pulumi

from ..config.principals import AccessPrincipal
from ..config.replacement import CognitiveTargetConfig
from . import access
from .cognitive import CognitiveAccountSpec, account_scope_path, cognitive_account
from .replacement_context import ReplacementContext

TARGET_KEYS = {"FormRecognizer": "documentIntelligence", "Face": "face"}


@dataclass
class VisionServicesArgs:
    """Required: workload, context. Optional: document_intelligence, face (at least one), access, wave."""
    workload: str
    context: ReplacementContext
    document_intelligence: Optional[CognitiveTargetConfig] = None
    face: Optional[CognitiveTargetConfig] = None
    access: Sequence[AccessPrincipal] = ()
    wave: Optional[int] = None


class VisionServicesStack(pulumi.ComponentResource):
    summary: dict[str, Any]

    def __init__(self, name: str, args: VisionServicesArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:replacement:VisionServicesStack", name, None, opts)
        ctx, w = args.context, args.workload
        self.summary = {}
        self.accounts = {}
        for target in (args.document_intelligence, args.face):
            if target is None:
                continue
            key = TARGET_KEYS[target.kind]
            account_name = target.account_name(ctx.names, w)
            handle = cognitive_account(f"{w}-{key}", CognitiveAccountSpec(
                name=account_name, kind=target.kind, location=target.location or ctx.location,
                resource_group_name=ctx.resource_group_name, sku=target.sku,
                public_network_access=target.public_network_access or "Disabled",
                disable_local_auth=target.disable_local_auth, restore=target.restore,
                tags=ctx.tags_for(w, args.wave)), ctx.sink, parent=self)
            access.grant(f"{w}-{key}-access", scope_id=handle.id, scope_path=account_scope_path(account_name),
                         resource_group=ctx.resource_group, principals=args.access,
                         roles=["Cognitive Services User"], parent=self, depends_on=[handle.resource])
            self.accounts[key] = handle
            self.summary[key] = {"accountId": handle.id, "accountName": account_name, "kind": target.kind,
                                 "endpoint": handle.endpoint}
        self.register_outputs({"summary": self.summary})
