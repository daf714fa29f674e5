"""A workload's ``legacy`` section: the Custom Vision pair and the Image Analysis account it migrates off,
each referenced (read only), imported (adopted into state) or created (labs)."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .arm import ArmId, arm_id_field
from .stack_config import LEGACY_MODES, ROLE_KINDS, CustomVisionConfig, ImageAnalysisConfig, LegacyAccount
from .patterns import COGNITIVE_ACCOUNT_NAME, LOCATION
from .reader import Node


@dataclass(frozen=True)
class ParseContext:
    """Stack-level values the workload parsers need."""
    stack: str
    environment: str
    production: bool
    allow_create: bool
    location: str
    retirement: dt.date
    today: dt.date
    stack_tags: dict[str, str]


_CV_KEYS = {
    "reference": ("mode", "trainingId", "predictionId", "storeKeys"),
    "import": ("mode", "trainingId", "predictionId", "storeKeys", "sku", "location",
               "trainingLocation", "predictionLocation", "trainingSku", "predictionSku"),
    "create": ("mode", "sku", "location", "trainingLocation", "predictionLocation", "trainingSku",
               "predictionSku", "trainingName", "predictionName", "restore", "storeKeys"),
}
_CV_ID_EXAMPLE = "/subscriptions/<subscription-id>/resourceGroups/rg-cv/providers/Microsoft.CognitiveServices/accounts/cv-shelf-train"
_SKUS = ("F0", "S0", "S1")


def _account_id(node: Node, key: str) -> ArmId | None:
    arm = arm_id_field(
        node, key, "Microsoft.CognitiveServices/accounts", _CV_ID_EXAMPLE, required=True,
        copy_fix=f"copy the account's resource ID, e.g. {_CV_ID_EXAMPLE}.",
        wrong_type="points to a {found}; a legacy account must be a Microsoft.CognitiveServices/accounts resource.",
        wrong_type_fix=f"use the Cognitive Services account ID, e.g. {_CV_ID_EXAMPLE}.")
    if arm is None:
        return None
    if not re.fullmatch(COGNITIVE_ACCOUNT_NAME, arm.name):
        node.get(key).error(f"account name '{arm.name}' is not a valid Cognitive Services account name.",
                            "check the ID for a typo.")
        return None
    return arm


def _mode(node: Node, ctx: ParseContext) -> str | None:
    mode = node.choice("mode", LEGACY_MODES, default="reference")
    if mode == "create" and ctx.production and not ctx.allow_create:
        node.get("mode").error(
            "create mode makes new legacy accounts, and this environment is marked production "
            "(cvmigrate:production: true).",
            "adopt the existing accounts with mode: reference or import, or set "
            "cvmigrate:allowCreateInProduction: true if you really mean it.")
    return mode


def _location(node: Node, key: str, default: str) -> str:
    value = node.string(key, default=default, pattern=LOCATION, pattern_help="an Azure region name",
                        example="westeurope")
    return value or default


def parse_custom_vision(node: Node, workload: str, ctx: ParseContext) -> CustomVisionConfig | None:
    if not node.is_object():
        return None
    mode = _mode(node, ctx)
    if mode is None:
        return None
    node.only_keys(_CV_KEYS[mode])
    store_keys = node.boolean("storeKeys", default=True)
    common = dict(workload=workload, mode=mode, store_keys=store_keys)
    if mode == "reference":
        tid, pid = _account_id(node, "trainingId"), _account_id(node, "predictionId")
        if tid and pid and str(tid).lower() == str(pid).lower():
            node.get("predictionId").error("is the same account as trainingId.",
                                           "Custom Vision needs two accounts: the Training and the Prediction resource.")
            return None
        if not (tid and pid):
            return None
        return CustomVisionConfig(
            mode=mode,
            training=LegacyAccount(role="training", name=tid.name, kind=ROLE_KINDS["training"], id=tid,
                                   config_path=node.child_path("trainingId"), **common),
            prediction=LegacyAccount(role="prediction", name=pid.name, kind=ROLE_KINDS["prediction"], id=pid,
                                     config_path=node.child_path("predictionId"), **common),
        )
    sku = node.choice("sku", _SKUS, default="S0")
    if mode == "import":
        location = node.string("location", required=True, pattern=LOCATION, example="westeurope")
        t_loc = _location(node, "trainingLocation", location or "")
        p_loc = _location(node, "predictionLocation", location or "")
        tid, pid = _account_id(node, "trainingId"), _account_id(node, "predictionId")
        _same_region(node, t_loc, p_loc)
        if not (tid and pid and location):
            return None
        return CustomVisionConfig(
            mode=mode,
            training=LegacyAccount(role="training", name=tid.name, kind=ROLE_KINDS["training"], id=tid,
                                   location=t_loc, sku=node.choice("trainingSku", _SKUS, default=sku) or sku,
                                   config_path=node.child_path("trainingId"), **common),
            prediction=LegacyAccount(role="prediction", name=pid.name, kind=ROLE_KINDS["prediction"], id=pid,
                                     location=p_loc, sku=node.choice("predictionSku", _SKUS, default=sku) or sku,
                                     config_path=node.child_path("predictionId"), **common),
        )
    # create
    location = _location(node, "location", ctx.location)
    t_loc = _location(node, "trainingLocation", location)
    p_loc = _location(node, "predictionLocation", location)
    _same_region(node, t_loc, p_loc)
    base = f"cv-{workload.lower()}-{ctx.environment}"[:57]
    t_name = node.string("trainingName", default=f"{base}-train", pattern=COGNITIVE_ACCOUNT_NAME,
                         pattern_help="2-64 letters, digits and dashes", example="cv-shelf-dev-train")
    p_name = node.string("predictionName", default=f"{base}-pred", pattern=COGNITIVE_ACCOUNT_NAME,
                         pattern_help="2-64 letters, digits and dashes", example="cv-shelf-dev-pred")
    if t_name and p_name and t_name.lower() == p_name.lower():
        node.get("predictionName").error("equals trainingName.", "give the two accounts different names.")
    restore = node.boolean("restore")
    return CustomVisionConfig(
        mode=mode,
        training=LegacyAccount(role="training", name=t_name or "", kind=ROLE_KINDS["training"], location=t_loc,
                               sku=node.choice("trainingSku", _SKUS, default=sku) or sku, restore=restore,
                               config_path=node.child_path("trainingName"), **common),
        prediction=LegacyAccount(role="prediction", name=p_name or "", kind=ROLE_KINDS["prediction"], location=p_loc,
                                 sku=node.choice("predictionSku", _SKUS, default=sku) or sku, restore=restore,
                                 config_path=node.child_path("predictionName"), **common),
    )


def _same_region(node: Node, training: str, prediction: str) -> None:
    if training and prediction and training != prediction:
        node.get("predictionLocation").error(
            f"the Training account is in {training} and the Prediction account in {prediction}; "
            "PublishIteration only publishes to a prediction resource in the training resource's region.",
            "put both accounts in the same region.")


def parse_image_analysis(node: Node, workload: str, ctx: ParseContext) -> ImageAnalysisConfig | None:
    if not node.is_object():
        return None
    mode = _mode(node, ctx)
    if mode is None:
        return None
    allowed = {"reference": ("mode", "id", "storeKeys"),
               "import": ("mode", "id", "storeKeys", "sku", "location"),
               "create": ("mode", "name", "sku", "location", "restore", "storeKeys")}[mode]
    node.only_keys(allowed)
    common = dict(workload=workload, role="imageAnalysis", mode=mode, kind=ROLE_KINDS["imageAnalysis"],
                  store_keys=node.boolean("storeKeys", default=True))
    if mode in ("reference", "import"):
        arm = _account_id(node, "id")
        location = None
        sku = "S1"
        if mode == "import":
            location = node.string("location", required=True, pattern=LOCATION, example="westeurope")
            sku = node.choice("sku", _SKUS, default="S1") or "S1"
        if not arm or (mode == "import" and not location):
            return None
        return ImageAnalysisConfig(mode=mode, account=LegacyAccount(
            name=arm.name, id=arm, location=location, sku=sku, config_path=node.child_path("id"), **common))
    name = node.string("name", default=f"cv-{workload.lower()}-{ctx.environment}-ia"[:64], pattern=COGNITIVE_ACCOUNT_NAME,
                       pattern_help="2-64 letters, digits and dashes", example="cv-receipts-dev-ia")
    return ImageAnalysisConfig(mode=mode, account=LegacyAccount(
        name=name or "", location=_location(node, "location", ctx.location),
        sku=node.choice("sku", _SKUS, default="S1") or "S1", restore=node.boolean("restore"),
        config_path=node.child_path("name"), **common))
