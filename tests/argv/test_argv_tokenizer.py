"""The REPL/`osm:argv` tokenizer and formatter (spec §5.3.1)."""

from __future__ import annotations

import pytest

from one_shot_man.argv import before_cursor, format_argv, parse_argv


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("add a.txt b.txt", ["add", "a.txt", "b.txt"]),
        ("  a \t  b\n c  ", ["a", "b", "c"]),
        ("git diff ''", ["git", "diff", ""]),
        ('git diff ""', ["git", "diff", ""]),
        ("'literal \\n $x'", ["literal \\n $x"]),
        ('"a \\$ \\` \\" \\\\ \\x"', ['a $ ` " \\ \\x']),
        ("a\\ b", ["a b"]),
        ('foo"bar"', ['foo"bar"']),
        ("'My Folder'/file.txt", ["My Folder/file.txt"]),
        ("a\\\n   b", ["a b"]),
        ("a\\\nb", ["ab"]),
        ("'unterminated quote", ["unterminated quote"]),
        ("trailing\\", ["trailing"]),
        ("", []),
        ("日本 語", ["日本", "語"]),
    ],
)
def test_parse_argv(line, expected):
    assert parse_argv(line) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["git", "diff", "feature/my feature"], 'git diff "feature/my feature"'),
        (["git", "log", "--grep", ""], 'git log --grep ""'),
        (['He said "hello"'], '"He said \\"hello\\""'),
        (["a\u00a0b"], '"a\u00a0b"'),
        (["a\vb"], '"a\vb"'),
        (None, ""),
        ([1, "two", None, True, 2.0], "1 two null true 2"),
        ("not a list", "not a list"),
    ],
)
def test_format_argv(args, expected):
    assert format_argv(args) == expected


@pytest.mark.parametrize("args", [["a b", "c"], ["", "x"], ['quote"inside'], ["tab\tin"]])
def test_format_then_parse_round_trips(args):
    assert parse_argv(format_argv(args)) == args


def test_before_cursor():
    assert before_cursor("add fo") == (["add"], "fo", 4)
    assert before_cursor("add ") == (["add"], "", 4)
    assert before_cursor("") == ([], "", 0)
    assert before_cursor("add 'My Fo") == (["add"], "My Fo", 4)


# Minimal failing inputs the property tests (tests/properties) found: a lone backslash
# vanished, and an argument starting with a quote was read back as quoting.
@pytest.mark.parametrize(
    ("args", "expected"),
    [(["\\"], '"\\\\"'), (["'a"], '"\'a"'), (['"'], '"\\""'), (["a\\ b"], '"a\\\\ b"')],
)
def test_format_argv_quotes_backslashes_and_leading_quotes(args, expected):
    assert format_argv(args) == expected
    assert parse_argv(expected) == args
