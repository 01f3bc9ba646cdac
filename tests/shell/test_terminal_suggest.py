"""Mistyped commands in a mode: `Command not found: lis (did you mean 'list'?)`.

The rule (docs/compat.md): a line that fails as JavaScript is reported as a command when
it starts like one and fails because of that word (SyntaxError, or a ReferenceError for
the word itself). JavaScript lines still run.
"""

from __future__ import annotations

import io

import pytest

from one_shot_man.scripting import Engine
from one_shot_man.shell.shell import Shell
from one_shot_man.shell.suggest import (
    is_mistyped_command,
    not_found_message,
    starts_like_command,
    suggestions,
)
from one_shot_man.storage import clear_all_in_memory_sessions

MODE_JS = r"""
tui.registerMode({
  name: 'work',
  commands: function () {
    const cmd = function (name) {
      return {description: name, handler: function (args) { output.print(name + ' ' + args.join(' ')); }};
    };
    return {add: cmd('add'), list: cmd('list'), note: cmd('note'), show: cmd('show'), copy: cmd('copy')};
  },
});
"""

HINT = "Type 'help' for available commands; other lines run as JavaScript"


@pytest.fixture
def shell(request):
    engine = Engine(
        io.StringIO(), io.StringIO(), session_id=f"sug-{request.node.name}", store="memory"
    )
    engine.execute_script("mode", MODE_JS)
    engine.switch_mode("work")
    sh = Shell(engine)
    yield sh
    engine.close()
    clear_all_in_memory_sessions()


def run(shell: Shell, line: str) -> str:
    out = shell.engine.stdout
    mark = len(out.getvalue())
    assert shell.execute_line(line)
    return out.getvalue()[mark:]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("lis", "Command not found: lis (did you mean 'list'?)"),
        ("ad x", "Command not found: ad (did you mean 'add'?)"),
        ("ad calc.py", "Command not found: ad (did you mean 'add'?)"),
        ("lst --all", "Command not found: lst (did you mean 'list'?)"),
        ("shwo", "Command not found: shwo (did you mean 'show'?)"),
        ("nte some text", "Command not found: nte (did you mean 'note'?)"),
        ("frobnicate", f"Command not found: frobnicate\n{HINT}"),
    ],
)
def test_mistyped_commands_get_the_nearest_command(shell, line, message) -> None:
    assert run(shell, line) == message + "\n"


def test_javascript_lines_still_run(shell) -> None:
    assert run(shell, "let a = 1") == ""
    assert run(shell, "a + 1") == ""
    assert run(shell, "output.print('a is ' + (a + 1))") == "a is 2\n"
    assert run(shell, 'output.print("x")') == "x\n"
    assert run(shell, "var list2 = [a]") == ""
    assert run(shell, "list2") == ""  # a defined name is no mistyped command


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("undefinedFn()", "ReferenceError: undefinedFn is not defined"),
        ("a.b", "ReferenceError: a is not defined"),
        ("x + 1", "ReferenceError: x is not defined"),
        ("let y =", "SyntaxError"),
        ("lis = 3 +", "SyntaxError"),
        ("null.x", "TypeError"),
    ],
)
def test_other_failing_javascript_shows_its_error(shell, line, error) -> None:
    out = run(shell, line)
    assert out.startswith("Error: ") and error in out and out.count("\n") == 1
    assert "Command not found" not in out


def test_commands_still_run(shell) -> None:
    assert run(shell, "list") == "list \n"
    assert run(shell, "add a.txt") == "add a.txt\n"


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("lis", "lis"),
        ("ad calc.py", "ad"),
        ("lst --all", "lst"),
        ("my-cmd -x 1", "my-cmd"),
        ("  lis  ", "lis"),
        ("a + 1", None),
        ("a - 1", None),
        ("x = 2", None),
        ("f(1)", None),
        ("o.p", None),
        ("let a = 1", None),
        ("typeof x", None),
        ("'str'", None),
        ("1 + 1", None),
    ],
)
def test_what_starts_like_a_command(line, word) -> None:
    assert starts_like_command(line) == word


def test_a_reference_error_must_name_the_first_word() -> None:
    assert is_mistyped_command("lis", "ReferenceError: lis is not defined at x:1")
    assert is_mistyped_command("lis", "ReferenceError: 'lis' is not defined")
    assert not is_mistyped_command("lis", "ReferenceError: other is not defined")
    assert not is_mistyped_command("lis", "TypeError: lis is not a function")
    assert is_mistyped_command("ad x y", "SyntaxError: unexpected token")


def test_suggestions() -> None:
    commands = ["add", "diff", "list", "note", "show", "copy", "help", "exit"]
    assert suggestions("lis", commands) == ["list"]
    assert suggestions("xyz", commands) == []
    assert suggestions("di", commands) == ["diff"]  # a prefix counts
    assert not_found_message("cpy", ["copy", "cp"]) == (
        "Command not found: cpy (did you mean 'copy' or 'cp'?)"
    )
