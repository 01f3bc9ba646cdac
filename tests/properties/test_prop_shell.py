"""The shell: random lines typed into each built-in mode leave it running, and the session
it then saves still loads (issue 10 item 1).

One engine per mode runs every generated example (making a QuickJS engine and loading a
workflow costs far more than a line), so the session grows over the examples as a long
interactive session would.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from one_shot_man.command.builtins.goal import GoalCommand, GoalOptions
from one_shot_man.command.builtins.workflows import (
    CodeReviewCommand,
    PromptFlowCommand,
    SuperDocumentCommand,
)
from one_shot_man.command.flags import FlagSet
from one_shot_man.scripting import Engine
from one_shot_man.shell.shell import Shell, run_lines
from one_shot_man.storage.codec import decode_session
from tests.properties import tally

MODES = ["code-review", "prompt-flow", "super-document", "goal:comment-stripper"]
SESSION = "prop-shell"
words = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=12)


@pytest.fixture
def shell_home(scratch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = scratch()  # a save per input: in memory where possible (see conftest)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("some text\n")
    monkeypatch.setenv("OSM_SESSION", SESSION)
    monkeypatch.setenv("OSM_STORE", "fs")
    monkeypatch.setenv("OSM_CLIPBOARD", "cat > /dev/null")
    monkeypatch.setenv("EDITOR", "true")
    monkeypatch.setenv("VISUAL", "true")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    return home / ".config" / "osm" / "sessions"


def _lines(commands: list[str]) -> st.SearchStrategy[list[str]]:
    named = st.tuples(
        st.sampled_from(commands), st.lists(st.one_of(words, st.just("file.txt")), max_size=3)
    ).map(lambda c: " ".join([c[0], *c[1]]))
    line = st.one_of(named, words, st.sampled_from(["", "   ", "help", "modes", "state"]))
    return st.lists(line.filter(lambda t: t.split()[:1] not in (["exit"], ["quit"])), max_size=6)


def _drive(engine: Engine, sessions_dir: Path) -> None:
    """The terminal runner: feed generated lines, then check the shell and the saved file."""
    probe = Shell(engine)
    names = sorted({c["name"] for c in probe.info.get("commands", ())} | {"mode"})
    mode = probe.current_mode

    @given(_lines(names))
    @tally.examples(0.25)
    def typed(lines: list[str]) -> None:
        tally.count()
        shell = Shell(engine)
        out = io.StringIO()
        engine.logger.set_sink(out.write)
        try:
            run_lines(shell, lines)
            if shell.current_mode != mode:  # a generated `mode x` switched away: come back
                shell.execute_line(f"mode {mode}")
            assert shell.execute_line("help"), "the shell stopped"
            assert "Available commands:" in out.getvalue()
            shell.save_session()
        finally:
            engine.logger.set_sink(None)
        assert "Session saved successfully." in out.getvalue(), out.getvalue()[-500:]
        (path,) = sessions_dir.glob("*.session.json")
        saved = decode_session(path.read_bytes(), source=str(path))
        assert saved.id == path.name.removesuffix(".session.json")

    typed()


@pytest.mark.parametrize("mode", MODES)
def test_random_lines_leave_the_shell_running(mode: str, shell_home: Path) -> None:
    driven: list[str] = []

    def runner(engine: Engine, config: object) -> None:
        _drive(engine, shell_home)
        driven.append(mode)

    out, err = io.StringIO(), io.StringIO()
    if mode.startswith("goal:"):
        cmd = GoalCommand(None, terminal_runner=runner)
        status = cmd.run(GoalOptions(run=mode[5:], interactive=True), [], out, err)
    else:
        cls = {
            "code-review": CodeReviewCommand,
            "prompt-flow": PromptFlowCommand,
            "super-document": SuperDocumentCommand,
        }[mode]
        cmd = cls(None, terminal_runner=runner)
        flags = FlagSet(cmd.name)
        cmd.setup_flags(flags)
        status = cmd.execute(flags.parse([]), out, err)
    assert status == 0, err.getvalue()
    assert driven == [mode]
