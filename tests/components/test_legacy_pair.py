"""Reference mode checks the Custom Vision pair it reads (issue #13 item 4): the program already reads both
accounts (getAccount, azure-native `cognitiveservices:getAccount` -> kind, location); swapped kinds or two
regions fail the preview with one message naming the workload. PublishIteration only publishes to a prediction
resource in the training resource's region (Custom Vision Training API v3.3 PublishIteration,
`predictionId`), the seed's first cause of 401s."""
from __future__ import annotations

import copy

import pytest

from stacks import REFERENCE_WORKLOAD, account_id


@pytest.fixture(scope="session")
def regions(default_invoke):
    """``regions(training, prediction)``: an invoke answering getAccount with those locations."""
    def regions(training: str, prediction: str):
        def invoke(token: str, args: dict) -> dict:
            out = default_invoke(token, args)
            if token == "azure-native:cognitiveservices:getAccount":
                out["location"] = prediction if "pred" in args["accountName"] else training
            return out
        return invoke
    return regions


def reference(training: str, prediction: str) -> dict:
    w = copy.deepcopy(REFERENCE_WORKLOAD)
    w["legacy"]["customVision"].update(trainingId=account_id(training), predictionId=account_id(prediction))
    return w


@pytest.fixture(scope="session")
def failure(run_stack):
    """``failure(config, invoke=None)``: the message the program stops with."""
    def failure(config: dict, invoke=None) -> str:
        with pytest.raises(Exception) as raised:
            run_stack(config, invoke=invoke)
        return str(raised.value)
    return failure


def test_a_matching_pair_in_one_region_passes_and_exports_its_region(stack_config, run_stack, regions):
    graph = run_stack(stack_config(reference("cv-shelf-train", "cv-shelf-pred")),
                      invoke=regions("westeurope", "West Europe"))
    assert graph.error is None
    assert graph.outputs is not None


def test_swapped_ids_fail_the_preview_naming_the_workload(stack_config, failure):
    # The harness's getAccount reports kind CustomVision.Prediction for an account named *pred*.
    text = failure(stack_config(reference("cv-shelf-pred", "cv-shelf-train")))
    assert "workload 'shelf-scanner'" in text and "the IDs are swapped" in text
    assert "cvmigrate:workloads[0].legacy.customVision.trainingId" in text
    assert "Fix: exchange trainingId and predictionId." in text


def test_an_account_of_another_kind_fails_the_preview(stack_config, failure):
    text = failure(stack_config(reference("cv-shelf-train", "cv-receipts-ia")))   # a ComputerVision account
    assert "workload 'shelf-scanner'" in text and "a ComputerVision account, not CustomVision.Prediction" in text


def test_two_regions_fail_the_preview_naming_the_workload_and_both_regions(stack_config, regions, failure):
    text = failure(stack_config(reference("cv-shelf-train", "cv-shelf-pred")), regions("westeurope", "northeurope"))
    assert "workload 'shelf-scanner'" in text
    assert "is in westeurope" in text and "in northeurope" in text and "PublishIteration" in text
    assert "Fix: reference a Prediction account in westeurope." in text
