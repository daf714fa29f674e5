"""How the CLI spells a library error: the library names its inputs (``field``, ``mentions``), cli.describe
turns each into its flag; text the user supplied is never rewritten."""
from __future__ import annotations

from cvmigrate.cli import describe
from cvmigrate.errors import UserError


def test_field_and_mentions_become_flags_only_in_the_cli():
    exc = UserError("needs {datastore_uri} (see {out})", field="upload", mentions=("datastore_uri",))
    assert str(exc) == "upload needs datastore_uri (see {out})"
    assert describe(exc) == "--upload needs --datastore-uri (see {out})"   # {out} is not a mention: left alone


def test_braces_in_user_text_are_left_alone():
    exc = UserError("'{old: new}' is not a tag map; pass {tag_map} FILE", mentions=("tag_map",))
    assert describe(exc) == "'{old: new}' is not a tag map; pass --tag-map FILE"
    assert describe(UserError("plain")) == "plain"
