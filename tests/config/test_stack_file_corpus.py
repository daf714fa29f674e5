"""`validate` and the program agree on every file of a corpus of tricky stack files (issue #13 item 3).

Validate reads the file (config.stack_file, go-yaml v3 semantics). The program gets what the Pulumi CLI hands
it: per key one text (scalars as text, maps and lists as JSON, secure values decrypted, secret keys listed),
built here from the same file, then runs under the mock runtime. Both must give the same verdict: valid, the
same list of problems, or unreadable. The expected deliveries follow the reference
(../shared/reference/adopter-safety-and-assessment.md §2, observed with a go-yaml v3.0.1 replica of
Pulumi's load): `yes` stays text, an unquoted date arrives as Go's time text, `1e5` as `100000`, `0777` as 511.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from cvmigrate.config import ConfigError, StackFileError, load_stack_file
from cvmigrate.config.pulumi_delivery import delivered_config
from cvmigrate.config.stack_file import Secret, read_stack_bytes

PLAINTEXT = {"v1:hook": "https://contoso.webhook.office.com/webhookb2/abc",
             "v1:mail": "oncall@contoso.com", "v1:env": "dev"}

BASE = """\
config:
  azure-native:location: westeurope
  azure-native:subscriptionId: 11111111-2222-3333-4444-555555555555
  cvmigrate:resourceGroup: {name: rg-cvmigrate-corpus, create: true}
  cvmigrate:alerts: {emails: [oncall@contoso.com]}
  cvmigrate:workloads:
    - name: shelf-scanner
      legacy:
        customVision:
          mode: reference
          trainingId: /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-cv/providers/Microsoft.CognitiveServices/accounts/cv-shelf-train
          predictionId: /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-cv/providers/Microsoft.CognitiveServices/accounts/cv-shelf-pred
"""


def with_lines(*lines: str) -> bytes:
    return (BASE + "".join(f"  {line}\n" for line in lines)).encode("utf-8")


def replace(old: str, new: str) -> bytes:
    assert old in BASE
    return BASE.replace(old, new).encode("utf-8")


CORPUS: dict[str, bytes] = {
    "base": BASE.encode(),
    "unquoted ISO timestamp with offset (cutover date)": replace(
        "      legacy:", "      cutover: {state: dual-run, date: 2027-03-31T23:30:00-05:00}\n      legacy:"),
    "unquoted date (retirement)": with_lines("cvmigrate:retirementDate: 2028-09-25"),
    "unquoted space-separated timestamp": with_lines("cvmigrate:retirementDate: 2028-09-25 10:00:00"),
    "quoted date": with_lines('cvmigrate:retirementDate: "2028-09-25"'),
    "impossible date": with_lines("cvmigrate:retirementDate: 2028-02-30"),
    "production: yes": with_lines("cvmigrate:production: yes"),
    "production: True": with_lines("cvmigrate:production: True"),
    "environment: 'true'": with_lines('cvmigrate:environment: "true"'),
    "environment: yes": with_lines("cvmigrate:environment: yes"),
    "diagnostic setting 1e5": with_lines("cvmigrate:diagnosticSettingName: 1e5"),
    "diagnostic setting 1e21": with_lines("cvmigrate:diagnosticSettingName: 1e21"),
    "retention hex": with_lines("cvmigrate:logAnalytics: {create: true, retentionInDays: 0x5A}"),
    "silent days octal": with_lines("cvmigrate:decommission: {silentDays: 030}"),
    "silent days 08": with_lines("cvmigrate:decommission: {silentDays: 08}"),
    "wave 1.0": replace("    - name: shelf-scanner\n", "    - name: shelf-scanner\n      wave: 1.0\n"),
    "wave 1.5": replace("    - name: shelf-scanner\n", "    - name: shelf-scanner\n      wave: 1.5\n"),
    "owner as unquoted date": replace("    - name: shelf-scanner\n", "    - name: shelf-scanner\n      owner: 2024-02-01\n"),
    "tag value yes": with_lines("cvmigrate:tags: {team: yes}"),
    "tag value number": with_lines("cvmigrate:tags: {costCenter: 123}"),
    "tag value list": with_lines("cvmigrate:tags: {team: [a, b]}"),
    "empty archive key": with_lines("cvmigrate:archive:"),
    "null keyVault": with_lines("cvmigrate:keyVault: ~"),
    "old-style key": with_lines("cvmigrate:config:environment: corpus"),
    "bare key": with_lines("environment: corpus"),
    "unknown key": with_lines("cvmigrate:workloadz: []"),
    "secret webhook (--secret --path)": replace(
        "cvmigrate:alerts: {emails: [oncall@contoso.com]}",
        "cvmigrate:alerts:\n    webhooks:\n      - secure: v1:hook"),
    "secret e-mail": replace("cvmigrate:alerts: {emails: [oncall@contoso.com]}",
                             "cvmigrate:alerts: {emails: [{secure: v1:mail}]}"),
    "secret top-level environment": with_lines("cvmigrate:environment: {secure: v1:env}"),
    "anchors and merge": replace("cvmigrate:alerts: {emails: [oncall@contoso.com]}",
                                 "cvmigrate:alerts: &alerts {emails: [oncall@contoso.com]}\n"
                                 "  cvmigrate:tags: {<<: {team: vision}, owner: ml}"),
    "duplicate key": with_lines("cvmigrate:production: false", "cvmigrate:production: true"),
    "duplicate nested key": replace("    - name: shelf-scanner\n",
                                    "    - name: shelf-scanner\n      wave: 1\n      wave: 2\n"),
    "alias bomb": (BASE + textwrap.dedent("""\
        a: &a [x, x, x, x, x, x, x, x, x, x]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
        """)).encode(),
    "cp1252 byte in a comment": BASE.encode() + b"# caf\xe9 \x93quoted\x94\n",
    "5,000-deep list": BASE.encode() + b"  cvmigrate:tags: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "not YAML": BASE.encode() + b"  cvmigrate:tags: {team: [a\n",
    "two documents": BASE.encode() + b"---\nconfig: {}\n",
    "infinite number": with_lines("cvmigrate:decommission: {silentDays: .inf}"),
    "custom tag": with_lines("cvmigrate:production: !Ref prod"),
}


def validate_verdict(path: Path) -> tuple:
    try:
        load_stack_file(str(path))
    except ConfigError as exc:
        return ("invalid", sorted(str(i) for i in exc.issues))
    except StackFileError as exc:
        return ("unreadable", str(exc))
    return ("valid",)


@pytest.fixture(scope="session")
def program_verdict(run_stack):
    def program_verdict(data: bytes, path: Path) -> tuple:
        try:   # the Pulumi CLI reads the file before any program runs
            config = read_stack_bytes(data, str(path))
            texts = delivered_config(config, str(path), decrypt=lambda secret: PLAINTEXT[_ciphertext(data, secret)])
        except StackFileError as exc:
            return ("unreadable", str(exc))
        secret_keys = [key for key, value in config.items() if _holds_secret(value)]
        try:
            run_stack(texts, stack="corpus", secret_keys=secret_keys)
        except Exception as exc:  # noqa: BLE001 - the program's RunError carries the rendered problems
            lines = [line[4:] for line in str(exc).splitlines() if line.startswith("  - ")]
            assert lines, f"the program failed without listing problems: {exc}"
            return ("invalid", sorted(lines))
        return ("valid",)
    return program_verdict


def _holds_secret(value) -> bool:
    if isinstance(value, Secret):
        return True
    if isinstance(value, dict):
        return any(_holds_secret(v) for v in value.values())
    return isinstance(value, list) and any(_holds_secret(v) for v in value)


def _ciphertext(data: bytes, secret: Secret) -> str:
    """The ciphertext behind an opaque secret (its placeholder is a digest of it)."""
    for candidate in re.findall(r"v1:[a-z]+", data.decode("utf-8", "replace")):
        if Secret(candidate) == secret:
            return candidate
    raise AssertionError(f"no ciphertext for {secret}")


EXPECTED = {   # the verdicts themselves, so agreement on a wrong answer also fails
    "base": "valid", "unquoted ISO timestamp with offset (cutover date)": "valid",
    "unquoted date (retirement)": "valid", "unquoted space-separated timestamp": "valid", "quoted date": "valid",
    "impossible date": "invalid", "production: yes": "invalid", "production: True": "valid",
    "environment: 'true'": "valid", "environment: yes": "valid", "diagnostic setting 1e5": "valid",
    "diagnostic setting 1e21": "invalid", "retention hex": "valid", "silent days octal": "valid",
    "silent days 08": "valid", "wave 1.0": "valid", "wave 1.5": "invalid", "owner as unquoted date": "valid",
    "tag value yes": "valid", "tag value number": "invalid", "tag value list": "invalid",
    "empty archive key": "valid", "null keyVault": "valid", "old-style key": "valid", "bare key": "valid",
    "unknown key": "invalid", "secret webhook (--secret --path)": "valid", "secret e-mail": "valid",
    "secret top-level environment": "invalid", "anchors and merge": "valid", "duplicate key": "unreadable",
    "duplicate nested key": "unreadable", "alias bomb": "unreadable", "cp1252 byte in a comment": "unreadable",
    "5,000-deep list": "unreadable", "not YAML": "unreadable", "two documents": "unreadable",
    "infinite number": "unreadable", "custom tag": "unreadable",
}


@pytest.mark.parametrize("case", sorted(CORPUS))
def test_validate_and_the_program_give_the_same_verdict(program_verdict, case, tmp_path):
    path = tmp_path / "Pulumi.corpus.yaml"
    path.write_bytes(CORPUS[case])
    mine, theirs = validate_verdict(path), program_verdict(CORPUS[case], path)
    assert mine == theirs
    assert mine[0] == EXPECTED[case], mine
    if mine[0] == "unreadable":
        assert "\n" not in mine[1] and "Fix:" in mine[1]


def test_the_delivery_matches_what_pulumi_hands_the_program():
    data = with_lines("cvmigrate:a: yes", "cvmigrate:b: 2027-03-31", "cvmigrate:c: 1e5", "cvmigrate:d: 0777",
                      "cvmigrate:e: 2024-02-01", "cvmigrate:f: 1e21", "cvmigrate:g: 0.10", "cvmigrate:h: 08",
                      "cvmigrate:i: 0x1F", "cvmigrate:j: 12345678901234567890", "cvmigrate:k: 12:30",
                      "cvmigrate:l: {x: 2026-09-25, y: on, z: 2.10}", "cvmigrate:m: 2027-03-31T23:30:00Z")
    texts = delivered_config(read_stack_bytes(data, "P"), "P")
    assert {k.split(":")[1]: v for k, v in texts.items() if len(k.split(":")[1]) == 1} == {
        "a": "yes", "b": "2027-03-31 00:00:00 +0000 UTC", "c": "100000", "d": "511",
        "e": "2024-02-01 00:00:00 +0000 UTC", "f": "1e+21", "g": "0.1", "h": "8", "i": "31",
        "j": "12345678901234567890", "k": "12:30", "l": '{"x":"2026-09-25 00:00:00 +0000 UTC","y":"on","z":2.1}',
        "m": "2027-03-31 23:30:00 +0000 UTC"}
