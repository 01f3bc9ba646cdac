"""FlagSet: Go `flag` parsing rules and the exact `PrintDefaults` layout (spec 1.2, 1.3)."""

from __future__ import annotations

import io

import pytest

from one_shot_man.command.flags import FlagSet, HelpRequested, parse_go_bool
from one_shot_man.errors import UsageError


def script_flags() -> FlagSet:
    fs = FlagSet("script")
    fs.bool("interactive", False, "Start interactive scripting terminal")
    fs.bool("i", False, "Start interactive scripting terminal (short form)")
    fs.string("script", "", "JavaScript code to execute directly")
    fs.string("e", "", "JavaScript code to execute directly (short form)")
    fs.int("log-buffer", 1000, "Log buffer size")
    fs.string("log-level", "info", "Log level (debug, info, warn, error)")
    return fs


@pytest.mark.parametrize("token", ["-i", "--i", "-i=true", "--i=1", "-i=T"])
def test_bool_forms_set_true(token: str) -> None:
    fs = script_flags()
    assert fs.parse([token, "file.js"]) == ["file.js"]
    assert fs.get("i") is True
    assert fs.lookup("i").is_set


def test_bool_false_needs_equals_and_never_takes_next_token() -> None:
    fs = script_flags()
    assert fs.parse(["-i=false", "false"]) == ["false"]
    assert fs.get("i") is False


@pytest.mark.parametrize(
    "argv",
    [["-e", "code"], ["-e=code"], ["--e", "code"], ["--e=code"]],
)
def test_value_flag_forms(argv: list[str]) -> None:
    fs = script_flags()
    assert fs.parse([*argv, "extra"]) == ["extra"]
    assert fs.get("e") == "code"


def test_value_binds_next_token_even_if_it_looks_like_a_flag() -> None:
    # `osm script -e -h`: -h is the value of -e, not a help request.
    fs = script_flags()
    assert fs.parse(["-e", "-h"]) == []
    assert fs.get("e") == "-h"


def test_stops_at_first_non_flag_and_after_double_dash() -> None:
    fs = script_flags()
    assert fs.parse(["a", "-i"]) == ["a", "-i"]
    assert fs.get("i") is False
    fs = script_flags()
    assert fs.parse(["-i", "--", "-e", "x"]) == ["-e", "x"]
    assert fs.get("e") == ""
    fs = script_flags()
    assert fs.parse(["-", "-i"]) == ["-", "-i"]


def test_unknown_flag_message() -> None:
    with pytest.raises(UsageError, match=r"^flag provided but not defined: -z$"):
        script_flags().parse(["-z"])
    with pytest.raises(UsageError, match=r"^flag provided but not defined: -unknown$"):
        script_flags().parse(["--unknown=3"])


def test_missing_value_message() -> None:
    with pytest.raises(UsageError, match=r"^flag needs an argument: -e$"):
        script_flags().parse(["-e"])


@pytest.mark.parametrize("token", ["-h", "-help", "--help", "--h", "-help=true"])
def test_help_requested_when_not_defined(token: str) -> None:
    with pytest.raises(HelpRequested):
        script_flags().parse([token])


def test_defined_h_is_a_normal_flag() -> None:
    fs = FlagSet("osm")
    fs.bool("h", False, "help")
    assert fs.parse(["-h", "version"]) == ["version"]
    assert fs.get("h") is True


@pytest.mark.parametrize("token", ["---x", "-=x", "--=x"])
def test_bad_syntax(token: str) -> None:
    with pytest.raises(UsageError, match="bad flag syntax"):
        script_flags().parse([token])


def test_invalid_values() -> None:
    with pytest.raises(UsageError, match=r'invalid boolean value "maybe" for -i: parse error'):
        script_flags().parse(["-i=maybe"])
    with pytest.raises(UsageError, match=r'invalid value "ten" for flag -log-buffer: parse error'):
        script_flags().parse(["-log-buffer", "ten"])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10", 10),
        ("-3", -3),
        ("0x1f", 31),
        ("0o17", 15),
        ("017", 15),
        ("0b101", 5),
        ("1_000", None),
    ],
)
def test_int_go_syntax(text: str, value: int | None) -> None:
    fs = script_flags()
    if value is None:  # underscores only with a base prefix in Go
        with pytest.raises(UsageError):
            fs.parse(["-log-buffer", text])
    else:
        fs.parse(["-log-buffer", text])
        assert fs.get("log-buffer") == value


def test_int_out_of_range() -> None:
    with pytest.raises(UsageError, match="value out of range"):
        script_flags().parse(["-log-buffer=9223372036854775808"])


def test_print_defaults_matches_go_layout() -> None:
    fs = FlagSet("script")
    fs.string("e", "", "JavaScript code to execute directly (short form)")
    fs.bool("i", False, "Start interactive scripting terminal (short form)")
    fs.string("log-level", "info", "Log level (debug, info, warn, error)")
    expected = (
        "  -e string\n"
        "    \tJavaScript code to execute directly (short form)\n"
        "  -i\tStart interactive scripting terminal (short form)\n"
        "  -log-level string\n"
        '    \tLog level (debug, info, warn, error) (default "info")\n'
    )
    assert fs.defaults_text() == expected
    out = io.StringIO()
    fs.print_defaults(out)
    assert out.getvalue() == expected


def test_print_defaults_defaults_and_backquoted_names() -> None:
    fs = FlagSet("x")
    fs.int("log-buffer", 1000, "Log buffer size")
    fs.int("zero", 0, "no default shown")
    fs.bool("yes", True, "bool default")
    fs.string("file", "", "read `path` from here\nsecond line")
    assert fs.defaults_text() == (
        "  -file path\n    \tread path from here\n    \tsecond line\n"
        "  -log-buffer int\n    \tLog buffer size (default 1000)\n"
        "  -yes\n    \tbool default (default true)\n"
        "  -zero int\n    \tno default shown\n"
    )


def test_go_quote_in_defaults() -> None:
    fs = FlagSet("x")
    fs.string("s", 'a"b\\c\n', "text")
    assert fs.defaults_text().endswith('(default "a\\"b\\\\c\\n")\n')


def test_redefinition_is_a_programming_error() -> None:
    fs = FlagSet("x")
    fs.bool("a")
    with pytest.raises(ValueError):
        fs.bool("a")


def test_parse_go_bool_table() -> None:
    for text in ("1", "t", "T", "TRUE", "true", "True"):
        assert parse_go_bool(text) is True
    for text in ("0", "f", "F", "FALSE", "false", "False"):
        assert parse_go_bool(text) is False
    for text in ("", "yes", "tRUE", "2"):
        with pytest.raises(ValueError):
            parse_go_bool(text)


def test_strings_flag_collects_every_value_in_order() -> None:
    fs = FlagSet("t")
    notes = fs.strings("note", "a `text` to add")
    rest = fs.parse(["-note", "a", "--note=b", "-note", "", "x"])
    assert notes.value == ["a", "b", ""] and rest == ["x"]
    assert fs.defaults_text() == "  -note text\n    \ta text to add\n"
