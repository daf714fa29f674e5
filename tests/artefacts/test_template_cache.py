"""Compiled templates are kept between runs (a `status` re-run otherwise compiles its ~25 templates again): a new
process renders from the kept code without compiling, a changed template is compiled again, and the key holds
the environment's options, so code compiled under other options is never reused."""
from __future__ import annotations

import tempfile

import jinja2
import pytest

from cvmigrate.artefacts.queries import template_environment


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temp"))   # jinja2's cache folder lives under it
    (tmp_path / "temp").mkdir()
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "q.kql").write_text("{% if x %}\n  {{ x | kql }}\n{% endif %}\n")
    template_environment.cache_clear()
    yield tmp_path / "t"
    template_environment.cache_clear()


def fresh(folder, monkeypatch, compiled):
    """The environment a new process makes, counting what it compiles."""
    template_environment.cache_clear()
    env = template_environment(str(folder))
    real = env.compile
    monkeypatch.setattr(env, "compile", lambda *a, **kw: compiled.append(a[1] if len(a) > 1 else "") or real(*a, **kw))
    return env


def test_a_new_run_renders_from_the_kept_code_and_a_changed_template_compiles_again(folder, monkeypatch):
    compiled: list = []
    assert fresh(folder, monkeypatch, compiled).get_template("q.kql").render(x="a") == '  "a"\n'
    assert len(compiled) == 1 and list((folder.parent / "temp").glob("_jinja2-cache-*/*.cache"))
    assert fresh(folder, monkeypatch, compiled).get_template("q.kql").render(x="b") == '  "b"\n'
    assert len(compiled) == 1                      # the second run compiled nothing
    (folder / "q.kql").write_text("{{ x | kql_list }}\n")
    assert fresh(folder, monkeypatch, compiled).get_template("q.kql").render(x=["a", "b"]) == '"a", "b"\n'
    assert len(compiled) == 2


def test_the_key_holds_jinja2s_version_and_the_options(folder):
    cache = template_environment(str(folder)).bytecode_cache
    assert jinja2.__version__ in cache.options and "('trim_blocks', True)" in cache.options
    other = type(cache)(cache.options.replace("('trim_blocks', True)", "('trim_blocks', False)"))
    assert cache.get_cache_key("q.kql", "/f/q.kql") != other.get_cache_key("q.kql", "/f/q.kql")


def test_a_cache_folder_that_cannot_be_written_is_no_cache(folder, monkeypatch):
    temp = folder.parent / "temp"
    template_environment(str(folder)).get_template("q.kql")         # makes the private folder
    cache_dir = next(temp.glob("_jinja2-cache-*"))
    cache_dir.chmod(0o500)
    try:
        monkeypatch.setattr(tempfile, "NamedTemporaryFile", lambda **kw: (_ for _ in ()).throw(OSError(30, "ro")))
        (folder / "q.kql").write_text("{{ x }}\n")
        template_environment.cache_clear()
        assert template_environment(str(folder)).get_template("q.kql").render(x=1) == "1\n"
    finally:
        cache_dir.chmod(0o700)
