"""The one-way flow of the README's Architecture section, checked on the imports of the package:
config -> artefacts -> components / cli. Only cli/ imports cli/; artefacts/ imports neither components/ nor
report/; config/ imports nothing downstream of it; no module imports another module's underscore name; no
library message names a command-line flag (the library names its inputs, cli/ maps them to flags)."""
from __future__ import annotations

import argparse
import ast
import re
import subprocess
import sys
from pathlib import Path

from cvmigrate.cli import FLAGS, build_parser

PACKAGE = Path(__file__).resolve().parents[1] / "infra" / "cvmigrate"
# What consumes the config: config/ never imports these (it may import leaf modules: naming, tags, clouds,
# paths, errors, a service's own data such as content_understanding.service).
DOWNSTREAM_OF_CONFIG = {"artefacts", "components", "program", "report", "cli", "policy", "export", "compare",
                        "scan", "inventory", "checklist"}


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute cvmigrate module, imported names) of every import of ``path`` inside the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            module = ".".join(base + ((node.module,) if node.module else ()))
            out.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cvmigrate"):
            out.append((node.module, [a.name for a in node.names]))
    return out


def first_level(module: str, names: list[str]) -> set[str]:
    """The cvmigrate sub-packages/modules an import reaches (``from .. import naming`` reaches naming)."""
    parts = module.split(".")
    if len(parts) >= 2:
        return {parts[1]}
    return set(names)


def modules():
    return sorted(PACKAGE.rglob("*.py"))


def top(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_only_cli_imports_cli():
    offenders = [str(p.relative_to(PACKAGE)) for p in modules() if top(p) != "cli"
                 and any("cli" in first_level(m, n) for m, n in imports(p))]
    assert not offenders


def test_artefacts_import_neither_components_nor_report_nor_cli():
    offenders = [(str(p.relative_to(PACKAGE)), m) for p in modules() if top(p) == "artefacts"
                 for m, n in imports(p) if first_level(m, n) & {"components", "report", "cli", "program"}]
    assert not offenders


def test_config_imports_nothing_downstream():
    offenders = [(str(p.relative_to(PACKAGE)), m) for p in modules() if top(p) == "config"
                 for m, n in imports(p) if first_level(m, n) & DOWNSTREAM_OF_CONFIG]
    assert not offenders


def test_no_underscore_name_crosses_modules():
    offenders = [(str(p.relative_to(PACKAGE)), m, name) for p in modules() for m, names in imports(p)
                 for name in names if name.startswith("_") and not name.startswith("__")]
    assert not offenders


def test_no_module_name_is_reused_across_packages():
    """Modules are named by what they hold, and no name is used in two packages (house rule): a reader who meets
    ``chart`` or ``errors`` knows which one without its package. Only ``__init__.py``/``__main__.py`` repeat."""
    homes: dict[str, list[str]] = {}
    for p in modules():
        if p.name not in ("__init__.py", "__main__.py"):
            homes.setdefault(p.name, []).append(str(p.parent.relative_to(PACKAGE.parent)))
    reused = {name: sorted(packages) for name, packages in homes.items() if len(packages) > 1}
    assert not reused, f"rename these modules by what they hold: {reused}"


def test_tests_share_the_builder_and_the_program_runner_through_the_root_conftest():
    """Tests take ``stack_config``/``run_stack`` (and ``default_invoke``, ``provider_outputs``) as fixtures from
    tests/conftest.py instead of importing the helpers; ``stacks`` stays importable for its example workloads."""
    tests = Path(__file__).resolve().parent
    offenders = []
    for path in sorted(tests.rglob("*.py")):
        if path.name == "conftest.py" and path.parent == tests:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import) and any(a.name == "pulumi_harness" for a in node.names):
                offenders.append((str(path.relative_to(tests)), node.lineno))
            elif isinstance(node, ast.ImportFrom) and (node.module == "pulumi_harness" or (
                    node.module == "stacks" and any(a.name == "stack" for a in node.names))):
                offenders.append((str(path.relative_to(tests)), node.lineno))
    assert not offenders, f"use the root conftest fixtures: {offenders}"


MAX_MODULE_LINES = 400


def test_no_module_over_400_lines():
    """Files stay under ~400 lines (house rule): split a module by concern before it passes the limit."""
    offenders = {str(p.relative_to(PACKAGE)): n for p in modules()
                 if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not offenders, f"modules over {MAX_MODULE_LINES} lines: {offenders}"


def local_imports(path: Path) -> list[ast.Import | ast.ImportFrom]:
    """Imports inside a function body of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for fn in ast.walk(tree) if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
            for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))]


def test_package_imports_sit_at_the_top_of_the_file():
    offenders = [(str(p.relative_to(PACKAGE)), node.lineno) for p in modules() for node in local_imports(p)
                 if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("cvmigrate"))]
    assert not offenders, f"move these package imports to the top of the file: {offenders}"


def test_every_local_import_says_why():
    """A local import is only for a heavy SDK, with a comment saying why: on its line, or above the run of
    import lines it belongs to."""
    offenders = []
    for p in modules():
        lines = p.read_text(encoding="utf-8").splitlines()
        for node in local_imports(p):
            first = node.lineno - 1
            while first > 0 and lines[first - 1].lstrip().startswith(("from ", "import ")):
                first -= 1
            if not any("#" in line for line in lines[max(first - 1, 0): node.lineno]):
                offenders.append((str(p.relative_to(PACKAGE)), node.lineno))
    assert not offenders, f"say why these imports are local (import cost on the CLI path): {offenders}"

# A flag token in prose; a whole command line in backticks (`cvmigrate export --out DIR`) is a recipe the user
# copies, not a message naming an input, and is allowed.
FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]")
CODE_SPAN = re.compile(r"`[^`]*`")


def cli_flags() -> set[str]:
    """Every long option of every `cvmigrate` subcommand, read from the parser the console script builds."""
    flags: set[str] = set()
    parsers = [build_parser()]
    while parsers:
        parser = parsers.pop()
        for action in parser._actions:      # argparse keeps its options nowhere public
            flags.update(o for o in action.option_strings if o.startswith("--"))
            if isinstance(action, argparse._SubParsersAction):
                parsers.extend(action.choices.values())
    return flags


def message_texts(path: Path):
    """(line, text) of every string literal of ``path`` except bare string statements (docstrings); an
    f-string's replacement fields read as ``{}``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    inside_fstring = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    for node in ast.walk(tree):
        if id(node) in bare or id(node) in inside_fstring:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr):
            yield node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def named_flags(text: str, flags: set[str]) -> list[str]:
    return [f for f in FLAG.findall(CODE_SPAN.sub("", text)) if f in flags]


def test_no_library_message_names_a_cli_flag():
    flags = cli_flags()
    assert {"--out", "--endpoint", "--stack", "--datastore-uri"} <= flags     # the parser was read
    offenders = [(str(p.relative_to(PACKAGE)), line, named_flags(text, flags)) for p in modules() if top(p) != "cli"
                 for line, text in message_texts(p) if named_flags(text, flags)]
    assert not offenders, "raise the domain error with field=/mentions= and let cli/ name the flag"


def test_the_flag_check_catches_prose_and_allows_recipes():
    flags = {"--out", "--tag-map"}
    assert named_flags("choose an empty --out", flags) == ["--out"]
    assert named_flags("f {} pass --tag-map FILE", flags) == ["--tag-map"]
    assert named_flags("run `cvmigrate scan --out FILE`", flags) == []
    assert named_flags("az ml data create --name x; --output-dir", flags) == []


def test_every_field_a_library_error_names_has_a_flag():
    """Every ``field=``/``mentions=`` a library module passes as a literal to an error (``...Error(...)``) is in
    cli.FLAGS, so the CLI always prints a flag, never a library name."""
    named = set()
    for p in modules():
        if top(p) == "cli":
            continue
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and ast.unparse(node.func).endswith("Error")):
                continue
            for kw in node.keywords:
                if kw.arg == "field" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    named.add(kw.value.value)
                elif kw.arg == "mentions" and isinstance(kw.value, ast.Tuple):
                    named.update(e.value for e in kw.value.elts if isinstance(e, ast.Constant))
    assert named and not named - set(FLAGS)


# Loaded by no module at CLI start-up: `status` on a local archive or from the cache needs none of them (the KQL
# translator only where a query is translated; numpy to score detections; httpx for the Training, prediction and
# Content Understanding APIs; azure-core for --workspace and --platform-metrics). Every module that needs one
# imports it where it is used (a heavy SDK, with a comment why), so every subcommand starts without them.
NOT_AT_START_UP = ("duckdb_kql", "numpy", "httpx", "azure")


def test_cli_start_up_loads_no_sdk_that_a_local_status_run_does_not_need():
    probe = "import sys, cvmigrate.cli; print(sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1:])))"
    out = subprocess.run([sys.executable, "-c", probe, *NOT_AT_START_UP], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"
