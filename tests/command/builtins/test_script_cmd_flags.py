"""`osm script` flags: long and short forms bind the same option; Go defaults text (spec §3.5)."""

from __future__ import annotations

import io

import pytest

from one_shot_man.command.builtins.script import ScriptCommand
from one_shot_man.command.flags import FlagSet
from one_shot_man.errors import ScriptError
from one_shot_man.storage import clear_all_in_memory_sessions


@pytest.fixture(autouse=True)
def _memory_sessions(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    yield
    clear_all_in_memory_sessions()


def parsed(argv: list[str]) -> tuple[ScriptCommand, list[str]]:
    cmd = ScriptCommand()
    flags = FlagSet("script")
    cmd.setup_flags(flags)
    rest = flags.parse(argv)
    cmd._read_flags()
    return cmd, rest


@pytest.mark.parametrize(
    ("argv", "field", "value"),
    [
        (["-i"], "interactive", True),
        (["-interactive"], "interactive", True),
        (["-e", "x()"], "script", "x()"),
        (["--script=x()"], "script", "x()"),
        (["-test"], "test", True),
        (["-session", "abc"], "session", "abc"),
        (["-store", "memory"], "store", "memory"),
        (["-log-file", "f.log"], "log_file", "f.log"),
        (["-log-buffer", "7"], "log_buffer", 7),
        (["-log-level", "debug"], "log_level", "debug"),
    ],
)
def test_long_and_short_forms_bind_the_same_field(argv, field, value):
    cmd, _ = parsed(argv)
    assert getattr(cmd.options, field) == value


def test_defaults():
    cmd, rest = parsed([])
    o = cmd.options
    assert (o.interactive, o.script, o.test, o.log_buffer, o.log_level) == (
        False,
        "",
        False,
        1000,
        "info",
    )
    assert rest == []


def test_value_of_e_is_bound_and_extra_is_a_positional():
    cmd, rest = parsed(["-e", "console.log('x')", "extra"])
    assert cmd.options.script == "console.log('x')"
    assert rest == ["extra"]


def test_dash_h_as_value_of_e_is_run_as_javascript():
    cmd, rest = parsed(["-e", "-h"])
    assert cmd.options.script == "-h"
    with pytest.raises(ScriptError, match="script execution failed"):
        cmd.execute(rest, io.StringIO(), io.StringIO())


def test_print_defaults_matches_go_layout():
    flags = FlagSet("script")
    ScriptCommand().setup_flags(flags)
    text = flags.defaults_text()
    assert "  -e string\n    \tJavaScript code to execute directly (short form)\n" in text
    assert "  -i\tStart interactive scripting terminal (short form)\n" in text
    assert (
        '  -log-level string\n    \tLog level (debug, info, warn, error) (default "info")\n' in text
    )
    assert "  -log-buffer int\n    \tSize of in-memory log buffer (default 1000)\n" in text


def test_flags_are_fresh_for_each_setup():
    cmd = ScriptCommand()
    first = FlagSet("script")
    cmd.setup_flags(first)
    first.parse(["-e", "1"])
    cmd._read_flags()
    second = FlagSet("script")
    cmd.setup_flags(second)
    second.parse([])
    cmd._read_flags()
    assert cmd.options.script == ""
