"""Property-based fuzzing (hypothesis) of every command's arguments: whatever a user types, `cvmigrate` answers
with exit 0, 2 or 3 and never a traceback; exit 1 (a bug) fails the test with the arguments that caused it.

The argument lists are generated from each subcommand's own argparse definition (so a command or option added
later is fuzzed too): required options always, optional ones sometimes, values drawn from hostile text (empty,
NUL, huge numbers, nan, invalid IPv6 and credential URLs, option-like strings), the value kinds the option
declares (ints, floats, choices), and real paths of every kind (a valid stack, a cp1252 one, a 5,000-deep one, a
file, a folder, a missing path).

Everything stays on this machine: name resolution refuses anything but loopback, DefaultAzureCredential is a
stub that refuses to sign in, sleeps are skipped, and the commands run in a scratch folder. Runs are bounded for
CI (CVMIGRATE_FUZZ_EXAMPLES per command, default 12, derandomized); set CVMIGRATE_FUZZ_RANDOM=1 to explore.
"""
from __future__ import annotations

import argparse
import os
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stacks import REFERENCE_WORKLOAD

from cvmigrate import redaction
from cvmigrate.cli import COMMANDS, build_parser, main

EXAMPLES = int(os.environ.get("CVMIGRATE_FUZZ_EXAMPLES", "12"))
RANDOM = bool(os.environ.get("CVMIGRATE_FUZZ_RANDOM"))
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HOSTILE = ["", " ", "-", "--", "\x00", "a\x00b", "ü", "😀", "é" * 300, "x" * 5000, "%s%n", "${HOME}", "'", '"', "\\",
           "nan", "inf", "-inf", "-1", "0", "1e309", "99999999999999999999", "0x10", "2027-13-45", "published",
           "https://[::1", "https://[zz::1]/", "https://u:p@127.0.0.1:9/", "http://127.0.0.1:9", "http://[::1]:9/x",
           "file:///etc/passwd", "azureml://datastores/x/paths/y", "macroF1 >= legacy - 0.02", "macroF1 >>= 2",
           "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "--help"]


@dataclass(frozen=True)
class World:
    root: Path
    paths: tuple[str, ...]


class NoSignIn:
    """DefaultAzureCredential that never reaches Azure (nor the az CLI): every token request is refused."""

    def __init__(self, *args, **kwargs):
        pass

    def get_token(self, *scopes, **kwargs):
        from azure.core.exceptions import ClientAuthenticationError

        raise ClientAuthenticationError("fuzz: no Azure sign-in in tests")

    get_token_info = get_token

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass


@pytest.fixture(scope="module")
def world(stack_config, tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz")
    good = root / "Pulumi.fuzz.yaml"
    good.write_text(yaml.safe_dump({"config": stack_config(REFERENCE_WORKLOAD)}), encoding="utf-8")
    (root / "Pulumi.cp1252.yaml").write_bytes(b"# caf\xe9\n" + good.read_bytes())
    (root / "Pulumi.deep.yaml").write_text("config:\n  cvmigrate:tags: " + "[" * 5000 + "]" * 5000 + "\n")
    (root / "a-file.txt").write_text("not a folder")
    (root / "a-folder").mkdir()
    (root / "code.py").write_text("from azure.cognitiveservices.vision.customvision.prediction import "
                                  "CustomVisionPredictionClient\n")
    paths = tuple(str(p) for p in (good, root / "Pulumi.cp1252.yaml", root / "Pulumi.deep.yaml",
                                   root / "a-file.txt", root / "a-folder", root / "missing", root / "code.py"))
    names = ("fuzz", "cp1252", "deep", "missing")     # --stack also takes a bare environment name
    with pytest.MonkeyPatch.context() as mp:
        real = socket.getaddrinfo

        def loopback_only(host, *args, **kwargs):
            if host is None or str(host).strip("[]") not in LOOPBACK:
                raise socket.gaierror(socket.EAI_NONAME, f"fuzz: no name resolution for {host!r}")
            return real(host, *args, **kwargs)

        mp.setattr(socket, "getaddrinfo", loopback_only)
        mp.setattr("azure.identity.DefaultAzureCredential", NoSignIn)
        mp.setattr("time.sleep", lambda seconds: None)
        mp.chdir(root)
        for var in ("CUSTOM_VISION_TRAINING_KEY", "CUSTOM_VISION_PREDICTION_KEY"):
            mp.setenv(var, "0123456789abcdef0123456789abcdef")
        yield World(root, paths + names)
    redaction.forget_all()


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def text_values(world: World):
    return st.one_of(st.sampled_from(HOSTILE), st.sampled_from(world.paths),
                     st.text(alphabet=st.characters(blacklist_characters="/", blacklist_categories=("Cs",)),
                             max_size=24).filter(lambda t: t not in (".", "..")))


def value_of(action: argparse.Action, world: World):
    base = text_values(world)
    if action.choices:
        return st.one_of(st.sampled_from([str(c) for c in action.choices]), base)
    if action.type is int:
        return st.one_of(st.integers(-3, 40).map(str), base)
    if action.type is float:
        return st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr),
                         st.floats(-1, 2).map(repr), base)
    return base


@st.composite
def argv_for(draw, command: str, parser: argparse.ArgumentParser, world: World):
    argv = [command]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:                 # positional
            count = draw(st.integers(1, 3)) if action.nargs in ("+", "*") else 1
            argv += [draw(value_of(action, world)) for _ in range(count)]
            continue
        if not action.required and not draw(st.booleans()):
            continue
        flag = draw(st.sampled_from(action.option_strings))
        if action.nargs == 0:                          # store_true / store_const
            argv.append(flag)
        else:
            argv += [flag, draw(value_of(action, world))]
    return argv


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 2, 3), f"exit {code} for {argv!r}:\n{err[-2000:]}"
    assert "Traceback" not in err and "Traceback" not in out, f"traceback for {argv!r}:\n{err[-2000:]}"


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not RANDOM, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.filter_too_much, HealthCheck.data_too_large])


def test_every_command_is_fuzzed():
    assert set(subcommands()) == {m.__name__.rsplit(".", 1)[1] for m in COMMANDS}


@pytest.mark.parametrize("command", sorted(subcommands()))
def test_no_argument_list_ends_in_a_traceback(command, world, capsys):
    parser = subcommands()[command]

    @FUZZ
    @given(argv_for(command, parser, world))
    def fuzz(argv):
        run(argv, capsys)

    fuzz()


@pytest.mark.parametrize("argv", [
    ["sample", "--stack", "fuzz", "--out", "s", "--days", "99999999999999999999"],
    ["scan", "code.py", "--jobs", "99999999999999999999"],
    ["export", "--endpoint", "http://127.0.0.1:9", "--project", "p", "--out", "o", "--split", "nan"],
    ["export", "--endpoint", "http://127.0.0.1:9", "--project", "p", "--out", "o", "--concurrency", "0"],
    ["compare", "--dataset", "a-folder", "--legacy-endpoint", "http://127.0.0.1:9", "--legacy-project", "p",
     "--legacy-iteration", "i", "--replacement", "automl", "--out", "c", "--threshold", "nan"],
    ["status", "--stack", "fuzz", "--workspace", "00000000-0000-0000-0000-000000000000"],
], ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_examples_the_fuzzer_should_always_cover(argv, world, capsys):
    run(argv, capsys)
