"""The shell's line executor, built-ins and lifecycle over a real Engine (spec §9.3-9.5, §10)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from one_shot_man.scripting import Engine
from one_shot_man.shell.builtins import help_text
from one_shot_man.shell.frontend import parse_color, prompt_colors
from one_shot_man.shell.shell import Shell, run_piped_session, run_terminal
from one_shot_man.storage import clear_all_in_memory_sessions

MODE_JS = r"""
tui.registerMode({
  name: 'demo',
  tui: {title: 'Demo', prompt: '(demo) > '},
  onEnter: function () { output.print('entered demo'); },
  commands: function () {
    return {
      greet: {description: 'Say hello', usage: 'greet [name]', handler: function (args) {
        output.print('hello ' + (args.length ? args.join('+') : 'world'));
      }},
      boom: {description: 'Fails', handler: function () { throw new Error('kaput'); }},
      bye: {description: 'Ask to leave', handler: function () { tui.requestExit(); }},
      help: {handler: function () { output.print('demo help addition'); }},
    };
  },
});
tui.registerCommand({name: 'zeta', description: 'A global', handler: function () {
  output.print('zeta ran');
}});
"""


class Harness:
    def __init__(self, session: str) -> None:
        self.out = io.StringIO()
        self.engine = Engine(self.out, io.StringIO(), session_id=session, store="memory")
        self.shell = Shell(self.engine)
        self._mark = 0

    def run(self, line: str) -> tuple[bool, str]:
        self._mark = len(self.out.getvalue())
        keep = self.shell.execute_line(line)
        return keep, self.out.getvalue()[self._mark :]


@pytest.fixture
def harness(request):
    made: list[Harness] = []

    def make(*, with_mode: bool = True, enter: bool = True) -> Harness:
        h = Harness(f"shell-{request.node.name}-{len(made)}")
        made.append(h)
        if with_mode:
            h.engine.execute_script("demo", MODE_JS)
            if enter:
                h.engine.switch_mode("demo")
        return h

    yield make
    for h in made:
        h.engine.close()
    clear_all_in_memory_sessions()


def test_prompt_text_follows_the_mode(harness) -> None:
    h = harness(enter=False)
    assert h.shell.prompt_text() == ">>> "
    h.run("mode demo")
    assert h.shell.prompt_text() == "(demo) > "
    h.engine.execute_script("m2", "tui.registerMode({name: 'plain'})")
    h.run("mode plain")
    assert h.shell.prompt_text() == "[plain]> "


def test_commands_run_with_tokenised_arguments(harness) -> None:
    h = harness()
    assert h.run('greet "my report.docx" two\\ words') == (True, "hello my report.docx+two words\n")
    assert h.run("zeta")[1] == "zeta ran\n"
    assert h.run("   ") == (True, "")


def test_failing_command_prints_its_error_and_is_not_rerun_as_js(harness) -> None:
    h = harness()
    scripts = len(h.engine.scripts)
    keep, out = h.run("boom now")
    assert keep
    assert out.startswith("Error: ") and "kaput" in out
    assert out.count("\n") == 1
    assert "ReferenceError" not in out
    assert len(h.engine.scripts) == scripts  # nothing was evaluated as JavaScript


def test_unknown_command_is_evaluated_as_javascript(harness) -> None:
    h = harness()
    keep, out = h.run("globalThis.shellProbe = 6 * 7")
    assert keep and out == ""
    assert h.engine.get_global("shellProbe") == 42
    assert h.engine.scripts[-1] == "demo-repl"
    keep, out = h.run("nosuchthing(1)")
    assert keep
    assert out.startswith("Error: ") and out.count("\n") == 1


def test_without_a_mode_unknown_commands_are_not_found(harness) -> None:
    h = harness(with_mode=False)
    for line in ("frobnicate 1", "frobnicate"):
        keep, out = h.run(line)
        assert keep
        assert out == (
            "Command not found: frobnicate\n"
            "Type 'help' for available commands; other lines run as JavaScript\n"
        )


def test_without_a_mode_other_lines_run_as_javascript(harness) -> None:
    """`osm script -i` is a JavaScript prompt even before any mode exists."""
    h = harness(with_mode=False)
    keep, out = h.run("globalThis.noModeProbe = 6 * 7")
    assert keep and out == ""
    assert h.engine.get_global("noModeProbe") == 42
    keep, out = h.run("output.print('hi ' + noModeProbe)")
    assert out == "hi 42\n"
    keep, out = h.run("null.x")
    assert out.startswith("Error: ") and "TypeError" in out and out.count("\n") == 1


def test_exit_and_quit_say_goodbye(harness) -> None:
    h = harness()
    assert h.run("exit") == (False, "Goodbye!\n")
    assert h.run("quit") == (False, "Goodbye!\n")


EXIT_MODES_JS = r"""
tui.registerMode({name: 'leaving', onExit: function () { output.print('onExit ran in ' + tui.getCurrentMode()); }});
tui.registerMode({name: 'broken', onExit: function () { throw new Error('cannot leave'); }});
"""


@pytest.mark.parametrize("word", ["exit", "quit"])
def test_exit_and_quit_run_the_modes_on_exit_first(harness, word: str) -> None:
    h = harness(with_mode=False)
    h.engine.execute_script("modes", EXIT_MODES_JS)
    h.engine.switch_mode("leaving")
    assert h.run(word) == (False, "onExit ran in leaving\nGoodbye!\n")


def test_a_failing_on_exit_is_one_line_and_the_shell_still_leaves(harness) -> None:
    h = harness(with_mode=False)
    h.engine.execute_script("modes", EXIT_MODES_JS)
    h.engine.switch_mode("broken")
    keep, out = h.run("exit")
    assert keep is False
    first, goodbye = out.splitlines()
    assert first.startswith("Error exiting mode broken: Error: cannot leave")
    assert goodbye == "Goodbye!"


def test_exit_without_a_mode_or_on_exit(harness) -> None:
    assert harness(with_mode=False).run("exit") == (False, "Goodbye!\n")
    h = harness()  # demo has no onExit
    assert h.run("exit") == (False, "Goodbye!\n")


def test_undefined_name_in_javascript_is_one_reference_error_line(harness) -> None:
    h = harness()
    keep, out = h.run("foo.bar()")
    assert keep and out.count("\n") == 1
    # the location names the line's script, as goja's error text does
    assert out.startswith("Error: ReferenceError: foo is not defined at demo-repl:1")
    assert h.run("greet") == (True, "hello world\n")  # the shell keeps running


def test_request_exit_leaves_after_the_line(harness) -> None:
    h = harness()
    keep, _ = h.run("bye")
    assert keep is False


def test_help_lists_builtins_globals_mode_commands_and_runs_mode_help(harness) -> None:
    h = harness()
    _, out = h.run("help")
    assert out.startswith("Available commands:\n  help                 - Show this help message\n")
    assert "Registered commands:\n  mode                 - Switch to a different mode\n" in out
    assert "    Usage: mode <mode-name>\n" in out
    order = [out.index(f"  {name:<20} - ") for name in ("mode", "reset", "zeta", "greet", "boom")]
    assert order == sorted(order)
    assert "    Usage: greet [name]\n" in out
    assert f"Loaded scripts: {len(h.engine.scripts)}\n" in out
    assert "Current mode: demo\nNote: You can execute JavaScript code directly!\n" in out
    assert out.endswith("demo help addition\n")


def test_help_without_a_mode(harness) -> None:
    h = harness(enter=False)
    text = help_text(h.shell.info, 0)
    assert "Loaded scripts" not in text
    assert text.endswith("Available modes: demo\nLines that are not commands run as JavaScript.")


def test_mode_modes_state_builtins(harness) -> None:
    h = harness(enter=False)
    assert h.run("state")[1] == "No active mode\n"
    assert h.run("mode")[1] == "Error: usage: mode <mode-name>\n"
    assert h.run("mode a b")[1] == "Error: usage: mode <mode-name>\n"
    assert h.run("mode nope")[1] == "mode nope not found\n"
    out = h.run("mode demo")[1]
    assert out == "Switched to mode: demo\nentered demo\n"
    assert h.run("modes")[1] == "Available modes: demo\nCurrent mode: demo\n"
    assert h.run("state")[1] == (
        f"Mode: demo\nSession: {h.engine.state_manager.session_id}\n"
        "Context: 0 context items ('list' shows them)\n"
    )


def test_modes_when_none_registered(harness) -> None:
    h = harness(with_mode=False)
    assert h.run("modes")[1] == "No modes registered\n"


def test_reset_clears_state_and_rejects_arguments(harness) -> None:
    h = harness()
    sm = h.engine.state_manager
    sm.set_state("contextItems", [{"type": "note", "label": "n", "payload": "x"}])
    assert h.run("reset now")[1] == "Error: usage: reset (takes no arguments)\n"
    assert sm.get_state("contextItems")[0]
    out = h.run("reset")[1]
    assert out == "All shared and mode-specific state has been reset to default values.\n"
    assert sm.get_state("contextItems") == (None, False)
    assert h.shell.current_mode == "demo"


def test_successful_js_commands_are_recorded_in_history(harness) -> None:
    h = harness()
    h.run("greet a b")
    h.run("boom")
    h.run("modes")
    h.run("greet")
    assert h.shell.history_commands() == ["greet a b", "greet"]
    assert {e.mode_id for e in h.engine.state_manager.history()} == {"demo"}


def test_save_session_sequence(harness) -> None:
    h = harness()
    h.shell.save_session()
    assert h.out.getvalue().endswith("Saving session...\nSession saved successfully.\n")


def test_save_session_failure_is_reported_not_saved(harness, sessions_dir) -> None:
    h = harness()

    def broken() -> None:
        raise OSError("disk full")

    h.engine.state_manager.persist_session = broken
    h.shell.save_session()
    out = h.out.getvalue()
    assert "Saving session...\nSession NOT saved: disk full\n" in out
    assert "Session saved successfully" not in out
    kept = out.split('written to the new session "', 1)[1].split('"', 1)[0]
    assert list(sessions_dir.glob(f"ex--{kept}_*.session.json"))
    h.engine.close()  # its closing save fails the same way: reported once, above
    assert h.engine.stderr.getvalue() == ""


def test_initial_command_runs_before_input(harness) -> None:
    h = harness(with_mode=False)
    h.engine.execute_script(
        "init",
        "tui.registerMode({name: 'i', initialCommand: 'hi', commands: {hi: {handler: function ()"
        " { output.print('initial ran'); }}}}); tui.switchMode('i');",
    )
    out = io.StringIO()
    run_piped_session(h.engine, ["exit"], out)
    assert out.getvalue().startswith("initial ran\nGoodbye!\n")


def test_run_piped_session_executes_lines_and_saves(harness) -> None:
    h = harness()
    out = io.StringIO()
    run_piped_session(h.engine, ["greet x\n", "zeta\r\n", "greet y"], out)
    assert out.getvalue() == (
        "hello x\nzeta ran\nhello y\nSaving session...\nSession saved successfully.\n"
    )
    # the sink is removed afterwards
    h.engine.print_to_user("after")
    assert h.out.getvalue().endswith("after\n")


def test_run_terminal_reads_piped_stdin_until_eof(harness) -> None:
    h = harness()
    stdin = io.StringIO("greet pipe\nboom\nundefinedThing()\ngreet again\n")
    run_terminal(h.engine, None, stdin=stdin, stdout=h.out)
    out = h.out.getvalue()
    assert "hello pipe\n" in out
    assert "hello again\n" in out
    assert sum(line.startswith("Error: ") for line in out.splitlines()) == 2
    assert "Error: kaput" in out and "Error: Error:" not in out
    assert out.endswith("Saving session...\nSession saved successfully.\n")


def test_timers_fire_between_piped_lines(harness) -> None:
    h = harness()
    import os
    import threading
    import time

    read_fd, write_fd = os.pipe()

    def feed() -> None:
        os.write(write_fd, b"setTimeout(function () { output.print('tick'); }, 20)\n")
        time.sleep(0.3)  # the timer is due while the shell waits for the next line
        os.write(write_fd, "greet \u00e9t\u00e9\nexit\n".encode())
        os.close(write_fd)

    feeder = threading.Thread(target=feed)
    feeder.start()
    with open(read_fd, encoding="utf-8") as stdin:
        run_terminal(h.engine, None, stdin=stdin, stdout=h.out)
    feeder.join()
    out = h.out.getvalue()
    assert out.index("tick\n") < out.index("hello \u00e9t\u00e9\n")


class FakeConfig:
    def __init__(self, options: dict[str, str]) -> None:
        self.global_options = options


def test_prompt_colours_defaults_and_overrides() -> None:
    colors = prompt_colors(None)
    assert len(colors) == 12
    assert colors["input"] == "green" and colors["prefix"] == "cyan"
    colors = prompt_colors(
        FakeConfig({"prompt.color.input": "Red", "prompt.color.prefix": "", "other": "x"})
    )
    assert colors["input"] == "Red"
    assert colors["prefix"] == "cyan"  # empty values are ignored
    assert parse_color("Red") == "ansibrightred"
    assert parse_color("DarkGray") == "ansibrightblack"
    assert parse_color("no-such-colour") == "ansiwhite"


def test_terminal_module_does_not_import_prompt_toolkit(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, one_shot_man.shell.shell, one_shot_man.command.builtins.workflows;"
        "print('prompt_toolkit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('greet "my report.docx"', "my report.docx"),
        ("greet 'My Folder'/file.txt", "My Folder/file.txt"),
        ("greet path\\ with\\ spaces.txt", "path with spaces.txt"),
        ('greet one two\\ three "four five"', "one+two three+four five"),
        ('greet "embedded \\"quote\\".txt"', 'embedded "quote".txt'),
    ],
)
def test_executor_tokenises_quoted_arguments(harness, line: str, expected: str) -> None:
    h = harness()
    assert h.run(line)[1] == f"hello {expected}\n"


def fs_engine(session: str, sessions_dir: Path) -> tuple[Engine, io.StringIO]:
    out = io.StringIO()
    engine = Engine(out, io.StringIO(), session_id=session, store="fs")
    return engine, out


def test_history_survives_restarts_in_order_and_keeps_the_newest_200(sessions_dir: Path) -> None:
    engine, _out = fs_engine("hist-200", sessions_dir)
    engine.execute_script("demo", MODE_JS)
    engine.switch_mode("demo")
    shell = Shell(engine)
    for i in range(230):
        shell.execute_line(f"greet n{i}")
    engine.close()

    engine, _out = fs_engine("hist-200", sessions_dir)
    try:
        history = Shell(engine).history_commands()
    finally:
        engine.close()
    assert len(history) == 200
    assert history[0] == "greet n30" and history[-1] == "greet n229"


def test_reset_archives_the_session_file(sessions_dir: Path) -> None:
    engine, out = fs_engine("reset-e2e", sessions_dir)
    try:
        engine.execute_script("demo", MODE_JS)
        engine.switch_mode("demo")
        engine.state_manager.set_state("contextItems", [{"type": "note", "label": "n"}])
        shell = Shell(engine)
        shell.execute_line("greet before")
        shell.execute_line("reset")
        text = out.getvalue()
        line = [ln for ln in text.splitlines() if ln.startswith("Session archived to: ")]
        assert len(line) == 1
        archive = Path(line[0].removeprefix("Session archived to: "))
        assert archive.is_file() and "reset-e2e" in archive.name
        assert "contextItems" in archive.read_text()
        assert engine.state_manager.get_state("contextItems") == (None, False)
        assert shell.history_commands() == []
        assert shell.current_mode == "demo"
    finally:
        engine.close()


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_without_prompt_toolkit_uses_a_plain_prompt(harness, monkeypatch) -> None:
    import one_shot_man.shell.shell as terminal

    monkeypatch.setattr(terminal, "_prompt_front_end", lambda: None)
    h = harness()
    stdin, stdout = FakeTty("greet tty\n"), FakeTty()
    h.engine.logger.set_sink(stdout.write)
    try:
        run_terminal(h.engine, None, stdin=stdin, stdout=stdout)
    finally:
        h.engine.logger.set_sink(None)
    assert stdout.getvalue() == (
        "(demo) > hello tty\n(demo) > \nSaving session...\nSession saved successfully.\n"
    )
