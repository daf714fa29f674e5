"""Every config mistake is reported at once, each naming its config path and the fix."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from cvmigrate.config import ConfigError, parse_stack_config
from stacks import CREATE_WORKLOAD, REFERENCE_WORKLOAD, account_id

TODAY = dt.date(2026, 11, 21)


def issues_of(config: dict, stack_name: str = "dev") -> dict[str, str]:
    cfg, issues = parse_stack_config(config, stack_name, today=TODAY)
    errors = [i for i in issues if not i.warning]
    assert (cfg is None) == bool(errors)
    return {i.path: str(i) for i in errors}


def test_valid_stack_parses_to_typed_config(stack_config):
    cfg, issues = parse_stack_config(stack_config(REFERENCE_WORKLOAD, CREATE_WORKLOAD), "dev", today=TODAY)
    assert issues == []
    w = cfg.workload("shelf-scanner")
    assert w.custom_vision.training.name == "cv-shelf-train"
    assert w.custom_vision.prediction.kind == "CustomVision.Prediction"
    assert w.cutover.state == "dual-run" and w.cutover.date == dt.date(2027, 3, 31)
    repro = cfg.workload("Repro-Lab").custom_vision
    assert (repro.training.name, repro.prediction.name) == ("cv-repro-lab-dev-train", "cv-repro-lab-dev-pred")
    assert repro.training.location == repro.prediction.location == "northeurope"
    assert cfg.retirement_date == dt.date(2028, 9, 25)


def test_missing_and_duplicate_workload_names(stack_config):
    second = copy.deepcopy(REFERENCE_WORKLOAD)
    second["name"] = "Shelf-Scanner"
    second["legacy"]["customVision"]["trainingId"] = account_id("other-train")
    second["legacy"]["customVision"]["predictionId"] = account_id("other-pred")
    nameless = {"legacy": {}}
    found = issues_of(stack_config(REFERENCE_WORKLOAD, second, nameless))
    assert "already used by cvmigrate:workloads[0].name" in found["cvmigrate:workloads[1].name"]
    assert "is required" in found["cvmigrate:workloads[2].name"]


@pytest.mark.parametrize("bad_id, expected", [
    ("not-an-id", "is not an Azure resource ID"),
    ("/subscriptions/abc/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/x", "not a GUID"),
    (f"/subscriptions/{'1' * 8}-1111-1111-1111-{'1' * 12}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
     "points to a Microsoft.Storage/storageAccounts"),
])
def test_malformed_or_foreign_arm_ids_name_the_key(stack_config, bad_id, expected):
    w = copy.deepcopy(REFERENCE_WORKLOAD)
    w["legacy"]["customVision"]["predictionId"] = bad_id
    found = issues_of(stack_config(w))
    message = found["cvmigrate:workloads[0].legacy.customVision.predictionId"]
    assert expected in message and "Fix:" in message


def test_training_and_prediction_in_different_regions_in_create_mode(stack_config):
    w = copy.deepcopy(CREATE_WORKLOAD)
    w["legacy"]["customVision"]["predictionLocation"] = "eastus"
    found = issues_of(stack_config(w))
    assert "northeurope" in found["cvmigrate:workloads[0].legacy.customVision.predictionLocation"]
    assert "eastus" in found["cvmigrate:workloads[0].legacy.customVision.predictionLocation"]


def test_unknown_cutover_state_suggests_the_right_one(stack_config):
    w = copy.deepcopy(REFERENCE_WORKLOAD)
    w["cutover"] = {"state": "cutover"}
    found = issues_of(stack_config(w))
    assert "did you mean 'cut-over'" in found["cvmigrate:workloads[0].cutover.state"]


def test_bad_dates_and_retirement_in_the_past(stack_config):
    w = copy.deepcopy(REFERENCE_WORKLOAD)
    w["cutover"] = {"state": "dual-run", "date": "31/03/2027"}
    found = issues_of(stack_config(w, retirementDate="2025-01-01"))
    assert "is not a date" in found["cvmigrate:workloads[0].cutover.date"]
    assert "not in the future" in found["cvmigrate:retirementDate"]


def test_cutover_after_retirement_is_rejected(stack_config):
    w = copy.deepcopy(REFERENCE_WORKLOAD)
    w["cutover"] = {"state": "planned", "date": "2028-10-01"}
    assert "after the retirement date" in issues_of(stack_config(w))["cvmigrate:workloads[0].cutover.date"]


def test_create_mode_in_production_needs_the_explicit_flag(stack_config):
    found = issues_of(stack_config(CREATE_WORKLOAD, production=True), "prod")
    assert "allowCreateInProduction" in found["cvmigrate:workloads[0].legacy.customVision.mode"]
    assert issues_of(stack_config(CREATE_WORKLOAD, production=True, allowCreateInProduction=True), "prod") == {}


def test_every_problem_is_reported_in_one_pass(stack_config):
    broken = copy.deepcopy(REFERENCE_WORKLOAD)
    broken["legacy"]["customVision"]["trainingId"] = "bad"
    broken["cutover"] = {"state": "done"}
    broken["wave"] = "first"
    config = stack_config(broken, retirementDate="yesterday")
    config["cvmigrate:logAnalytic"] = {"create": True}
    found = issues_of(config)
    assert set(found) == {
        "cvmigrate:workloads[0].legacy.customVision.trainingId",
        "cvmigrate:workloads[0].cutover.state",
        "cvmigrate:workloads[0].wave",
        "cvmigrate:retirementDate",
        "cvmigrate:logAnalytic",
    }
    assert "did you mean 'logAnalytics'" in found["cvmigrate:logAnalytic"]
    with pytest.raises(ConfigError) as raised:
        raise ConfigError(parse_stack_config(config, "dev", today=TODAY)[1])
    assert "5 configuration problem(s); nothing was deployed" in str(raised.value)


def test_same_account_in_two_workloads_is_rejected(stack_config):
    twin = copy.deepcopy(REFERENCE_WORKLOAD)
    twin["name"] = "twin"
    found = issues_of(stack_config(REFERENCE_WORKLOAD, twin))
    assert "already declared at cvmigrate:workloads[0]" in found["cvmigrate:workloads[1].legacy.customVision.trainingId"]


def test_training_and_prediction_must_be_two_accounts(stack_config):
    w = copy.deepcopy(REFERENCE_WORKLOAD)
    w["legacy"]["customVision"]["predictionId"] = w["legacy"]["customVision"]["trainingId"]
    assert "same account as trainingId" in issues_of(stack_config(w))["cvmigrate:workloads[0].legacy.customVision.predictionId"]


def test_import_mode_needs_a_location_and_rejects_create_only_keys(stack_config):
    w = {"name": "imp", "legacy": {"customVision": {"mode": "import", "trainingId": account_id("a-train"),
                                                    "predictionId": account_id("a-pred"), "trainingName": "x"}}}
    found = issues_of(stack_config(w))
    assert "is required" in found["cvmigrate:workloads[0].legacy.customVision.location"]
    assert "not a known key" in found["cvmigrate:workloads[0].legacy.customVision.trainingName"]


def test_missing_location_names_the_azure_native_key(stack_config):
    config = stack_config(REFERENCE_WORKLOAD)
    del config["azure-native:location"]
    assert "pulumi config set azure-native:location" in issues_of(config)["azure-native:location"]


def test_existing_workspace_id_must_be_a_log_analytics_workspace(stack_config):
    found = issues_of(stack_config(REFERENCE_WORKLOAD, logAnalytics={"existingWorkspaceId": account_id("x")}))
    assert "Microsoft.OperationalInsights/workspaces" in found["cvmigrate:logAnalytics.existingWorkspaceId"]


def test_zero_workloads_is_a_valid_environment(stack_config):
    cfg, issues = parse_stack_config(stack_config(), "dev", today=TODAY)
    assert issues == [] and cfg.workloads == ()
