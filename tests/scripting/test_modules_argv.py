"""`osm:argv` and `osm:nextIntegerId` from JavaScript (spec §5.3.1, §5.3.2)."""

from __future__ import annotations

import json

import pytest

from one_shot_man.errors import ScriptError
from tests.scripting.support import js, js_engine


@pytest.fixture(scope="module")
def engine():
    with js_engine(
        "modules-argv", "var A = require('osm:argv'); var nextId = require('osm:nextIntegerId');"
    ) as eng:
        yield eng


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["git", "diff", "feature/my feature"], 'git diff "feature/my feature"'),
        (["git", "log", "--grep", ""], 'git log --grep ""'),
        (['He said "hello"'], '"He said \\"hello\\""'),
        (["a\u00a0b"], '"a\u00a0b"'),
        (["a\u000bb"], '"a\u000bb"'),
        (["x", 1, None], "x 1 null"),
    ],
)
def test_format_argv(engine, args, expected):
    assert js(engine, f"A.formatArgv({json.dumps(args)})") == expected


def test_format_argv_non_arrays(engine):
    assert js(engine, "[A.formatArgv(), A.formatArgv(null), A.formatArgv(42)]") == ["", "", "42"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("git diff ''", ["git", "diff", ""]),
        ("'My Folder'/file.txt", ["My Folder/file.txt"]),
        ('foo"bar"', ['foo"bar"']),
        ('add one two\\ three "four five"', ["add", "one", "two three", "four five"]),
    ],
)
def test_parse_argv(engine, line, expected):
    assert js(engine, f"A.parseArgv({json.dumps(line)})") == expected


def test_parse_argv_round_trips_format(engine):
    args = ["git", "diff", "feature/my feature", "", 'q"x']
    assert js(engine, f"A.parseArgv(A.formatArgv({json.dumps(args)}))") == args


def test_parse_argv_rejects_non_strings(engine):
    with pytest.raises(ScriptError, match="TypeError: parseArgv: argument must be a string"):
        engine.execute_script("t", "A.parseArgv(5)")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("nextId([{id: 2}, {id: 7}, {id: 3}])", 8),
        ("nextId([{id: '9'}, {id: 'not-a-number'}])", 10),
        ("nextId([])", 1),
        ("nextId()", 1),
        ("nextId({})", 1),
        ("nextId([{id: 2.9}, {}])", 3),
    ],
)
def test_next_integer_id(engine, expression, expected):
    assert js(engine, expression) == expected


@pytest.mark.parametrize("expression", ["nextId(undefined)", "nextId(null)", "nextId([null])"])
def test_next_integer_id_type_errors(engine, expression):
    with pytest.raises(ScriptError, match="TypeError"):
        engine.execute_script("t", expression)
