"""Property-based fuzzing of the stack-file reader and the config parser (issue #13 items 3 and 7): whatever
bytes a Pulumi.<env>.yaml holds, reading and validating it ends in a value, one StackFileError line, or a
list of ConfigIssues; never another exception (a traceback for the user)."""
from __future__ import annotations

import datetime as dt
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cvmigrate.config import StackFileError, parse_stack_config
from cvmigrate.config.pulumi_delivery import decode_delivered, delivered_config
from cvmigrate.config.stack_file import read_stack_bytes

TODAY = dt.date(2026, 12, 1)
KEYS = ["environment", "production", "resourceGroup", "logAnalytics", "archive", "keyVault", "retirementDate",
        "workloads", "tags", "alerts", "replacement", "azurePolicy", "decommission", "nameGeneration",
        "diagnosticSettingName"]
SCALARS = ["yes", "no", "on", "true", "False", "~", "null", "", "1e5", "1e400", "-.inf", ".nan", "0777", "08",
           "0x1F", "0b101", "2027-03-31", "2027-13-45", "2027-03-31T23:30:00-05:00", "12:30", "12345678901234567890",
           "'quoted'", '"x\\u0000y"', "!!int 5", "!!str 5", "!Ref x", "*undefined", "&a 1", "<<", "{secure: v1:x}",
           "[]", "{}", "[a, {b: c}]", "|\n    block", "é", "\t", "%", "@", "`"]

scalar = st.one_of(st.sampled_from(SCALARS), st.text(string.printable, max_size=12).map(repr))


def yaml_value(depth: int):
    if depth == 0:
        return scalar
    inner = yaml_value(depth - 1)
    return st.one_of(
        scalar,
        st.lists(inner, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
        st.dictionaries(st.sampled_from(KEYS + ["name", "create", "mode", "secure", "<<"]), inner, max_size=4)
          .map(lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"),
    )


documents = st.dictionaries(
    st.one_of(st.sampled_from(KEYS).map(lambda k: f"cvmigrate:{k}"),
              st.sampled_from(["azure-native:location", "azure-native:subscriptionId", "other:thing"])),
    yaml_value(3), max_size=8,
).map(lambda d: ("config:\n" + "".join(f"  {k}: {v}\n" for k, v in d.items())).encode("utf-8"))


def read_and_validate(data: bytes) -> None:
    try:
        config = read_stack_bytes(data, "Pulumi.fuzz.yaml")
        texts = delivered_config(config, "Pulumi.fuzz.yaml")
    except StackFileError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("Pulumi.fuzz.yaml")
        return
    cfg, issues = parse_stack_config(decode_delivered(texts), "fuzz", today=TODAY)
    assert (cfg is None) == any(not i.warning for i in issues)
    for issue in issues:
        assert issue.path and "\n" not in str(issue)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_structured_documents_never_raise(data):
    read_and_validate(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise(data):
    read_and_validate(b"config:\n  cvmigrate:tags: " + data)
    read_and_validate(data)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=string.printable + "&*!|>-:{}[]#é\u2028\ufeff", max_size=200))
def test_arbitrary_text_never_raises(text):
    read_and_validate(text.encode("utf-8"))
