"""Azure's tag limits checked at validation (learn.microsoft.com/azure/azure-resource-manager/management/
tag-resources, "Limitations": 50 pairs, names <= 512 and <= 128 on storage accounts, values <= 256, no
< > % & \\ ? / in names; tags are plain strings)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from cvmigrate.config import parse_stack_config
from stacks import REFERENCE_WORKLOAD

TODAY = dt.date(2026, 11, 21)


def errors_of(raw: dict) -> dict[str, str]:
    cfg, issues = parse_stack_config(raw, "dev", today=TODAY)
    errors = {i.path: str(i) for i in issues if not i.warning}
    assert (cfg is None) == bool(errors)
    return errors


@pytest.mark.parametrize("tags, path, expect", [
    ({"team": ["a", "b"]}, "cvmigrate:tags.team", "is a list; tag values are plain strings"),
    ({"team": {"a": 1}}, "cvmigrate:tags.team", "is a dict"),
    ({"costCenter": 123}, "cvmigrate:tags.costCenter", "is a int"),
    ({"flag": True}, "cvmigrate:tags.flag", "is a bool"),
    ({"team": None}, "cvmigrate:tags.team", "is a null"),
    ({"": "x"}, "cvmigrate:tags", "empty tag name"),
    ({"a/b": "x"}, "cvmigrate:tags.a/b", "contains /"),
    ({"a<b%": "x"}, "cvmigrate:tags.a<b%", "contains % <"),
    ({"team": "v" * 300}, "cvmigrate:tags.team", "300-character value; Azure allows 256"),
    ({"t" * 129: "x"}, f"cvmigrate:tags.{'t' * 129}", "129-character tag name"),
    ({"cvmigrate-env": "x"}, "cvmigrate:tags.cvmigrate-env", "reserved prefix"),
])
def test_stack_tags_azure_would_refuse_are_errors_at_their_path(stack_config, tags, path, expect):
    errors = errors_of(stack_config(REFERENCE_WORKLOAD, tags=tags))
    assert expect in errors[path], errors


def test_limits_themselves_pass(stack_config):
    assert errors_of(stack_config(REFERENCE_WORKLOAD, tags={"t" * 128: "v" * 256, "a-b_c.d": ""})) == {}


def test_tag_count_includes_the_workload_and_the_stacks_own_tags(stack_config):
    many = {f"tag{i}": "x" for i in range(46)}       # + 4 cvmigrate-* tags = 50: allowed
    assert errors_of(stack_config(REFERENCE_WORKLOAD, tags=many)) == {}
    w = copy.deepcopy(REFERENCE_WORKLOAD)
    w["tags"] = {"one-more": "x"}
    errors = errors_of(stack_config(w, tags=many))
    assert "51 tags (47 configured + 4 cvmigrate-*); Azure allows 50" in errors["cvmigrate:workloads[0].tags"]
    errors = errors_of(stack_config(REFERENCE_WORKLOAD, tags={f"tag{i}": "x" for i in range(60)}))
    assert "64 tags" in errors["cvmigrate:tags"]
