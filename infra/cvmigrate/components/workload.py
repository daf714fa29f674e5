"""One workload: its legacy accounts (and, side by side, its replacement)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

import pulumi

from ..config import WorkloadConfig
from .legacy import (
    CustomVisionPair, CustomVisionPairArgs, LegacyContext, LegacyVisionAccount, LegacyVisionAccountArgs,
)

if TYPE_CHECKING:
    from .replacement_estate import ReplacementEstate


@dataclass
class WorkloadArgs:
    """Required: config (the validated workload entry) and the environment's legacy context."""
    config: WorkloadConfig
    legacy: LegacyContext
    replacement: Optional["ReplacementEstate"] = None  # None: legacy side only


class Workload(pulumi.ComponentResource):
    custom_vision: Optional[CustomVisionPair]
    image_analysis: Optional[LegacyVisionAccount]
    summary: dict[str, Any]

    def __init__(self, name: str, args: WorkloadArgs, opts: Optional[pulumi.ResourceOptions] = None):
        super().__init__("cvmigrate:index:Workload", name, None, opts)
        w = args.config
        child = pulumi.ResourceOptions(parent=self)
        # Child names carry the workload name: URNs include parent *types*, not names.
        self.custom_vision = None
        self.image_analysis = None
        legacy: dict[str, Any] = {}
        if w.custom_vision:
            self.custom_vision = CustomVisionPair(
                f"{w.name}-custom-vision",
                CustomVisionPairArgs(workload=w.name, config=w.custom_vision, context=args.legacy, wave=w.wave),
                child)
            legacy["customVision"] = {
                "mode": w.custom_vision.mode,
                "trainingId": self.custom_vision.training_id,
                "predictionId": self.custom_vision.prediction_id,
                "trainingEndpoint": self.custom_vision.training_endpoint,
                "predictionEndpoint": self.custom_vision.prediction_endpoint,
                "location": self.custom_vision.location,
                "predictionResourceId": self.custom_vision.prediction_resource_id,
                "trainingKeySecretName": self.custom_vision.training_key_secret,
                "predictionKeySecretName": self.custom_vision.prediction_key_secret,
            }
        if w.image_analysis:
            self.image_analysis = LegacyVisionAccount(
                f"{w.name}-image-analysis",
                LegacyVisionAccountArgs(workload=w.name, config=w.image_analysis, context=args.legacy, wave=w.wave),
                child)
            legacy["imageAnalysis"] = {
                "mode": w.image_analysis.mode,
                "accountId": self.image_analysis.account_id,
                "endpoint": self.image_analysis.endpoint,
                "location": self.image_analysis.location,
                "keySecretName": self.image_analysis.key_secret,
            }
        self.summary = {
            "owner": w.owner,
            "wave": w.wave,
            "cutover": {"state": w.cutover.state,
                        "date": w.cutover.date.isoformat() if w.cutover.date else None},
            "legacy": legacy,
            # Account names the monitoring queries attribute legacy traffic by (matched case-insensitively).
            "legacyAccounts": [{"name": a.name, "kind": a.label} for a in w.legacy_accounts],
        }
        # The replacement, side by side with the legacy accounts (children of this component).
        replacement = args.replacement.add_workload(self, w) if args.replacement else {}
        self.summary["replacement"] = replacement
        # Names the monitoring queries attribute replacement traffic by (endpoint / account / deployments).
        self.summary["replacementRefs"] = args.replacement.monitoring_names(w.name) if args.replacement else []
        self.register_outputs({"summary": self.summary})
