"""The workflow commands' flags, globals and shell hand-off, in process (spec §3.7-3.9, §3.11)."""

from __future__ import annotations

import io

import pytest

from one_shot_man.command.builtins.workflows import (
    CodeReviewCommand,
    PromptFlowCommand,
    SuperDocumentCommand,
    theme_colors,
)
from one_shot_man.command.flags import FlagSet
from one_shot_man.config import load_from_reader
from one_shot_man.errors import CommandError
from one_shot_man.scripting import Engine
from one_shot_man.storage import clear_all_in_memory_sessions

COMMANDS = [CodeReviewCommand, PromptFlowCommand, SuperDocumentCommand]


@pytest.fixture(autouse=True)
def _memory_sessions(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OSM_STORE", "memory")
    yield
    clear_all_in_memory_sessions()


class Recorder:
    """An engine factory that keeps the engines and a terminal runner that records calls."""

    def __init__(self) -> None:
        self.engines: list[Engine] = []
        self.terminal_calls: list[tuple[Engine, object]] = []
        self.globals: dict[str, object] = {}

    def factory(self, *args, **kwargs) -> Engine:
        engine = Engine(*args, **kwargs)
        self.engines.append(engine)
        return engine

    def terminal(self, engine: Engine, config: object) -> None:
        self.terminal_calls.append((engine, config))
        for name in ("config", "args"):
            self.globals[name] = engine.get_global(name)


def run(cls, argv: list[str], config=None, recorder: Recorder | None = None):
    recorder = recorder or Recorder()
    cmd = cls(config, engine_factory=recorder.factory, terminal_runner=recorder.terminal)
    flags = FlagSet(cmd.name)
    cmd.setup_flags(flags)
    rest = flags.parse(argv)
    out, err = io.StringIO(), io.StringIO()
    status = cmd.execute(rest, out, err)
    return status, out.getvalue(), err.getvalue(), recorder, cmd


@pytest.mark.parametrize(
    ("cls", "name", "description", "usage"),
    [
        (
            CodeReviewCommand,
            "code-review",
            "Single-prompt code review with context",
            "code-review [options]",
        ),
        (
            PromptFlowCommand,
            "prompt-flow",
            "Interactive prompt builder: goal/context/template -> generate -> assemble",
            "prompt-flow [options]",
        ),
        (
            SuperDocumentCommand,
            "super-document",
            "Merge documents into a single internally consistent super-document",
            "super-document [options]",
        ),
    ],
)
def test_metadata(cls, name: str, description: str, usage: str) -> None:
    cmd = cls(None)
    assert (cmd.name, cmd.description, cmd.usage) == (name, description, usage)


@pytest.mark.parametrize("cls", COMMANDS)
def test_flags_and_defaults(cls) -> None:
    flags = FlagSet(cls.name)
    cls(None).setup_flags(flags)
    text = flags.defaults_text()
    for flag in ("-interactive", "-i", "-test", "-session", "-store"):
        assert f"  {flag}" in text
    flags.parse([])
    cmd = cls(None)
    assert cmd.interactive is True and cmd.test_mode is False


@pytest.mark.parametrize("cls", COMMANDS)
def test_interactive_run_hands_the_engine_to_the_shell(cls) -> None:
    status, out, _err, rec, _cmd = run(cls, ["-session", "cmd-int"])
    assert status == 0
    assert f"Switched to mode: {cls.name}\n" in out
    assert len(rec.terminal_calls) == 1
    engine, config = rec.terminal_calls[0]
    assert engine is rec.engines[0] and config is None
    assert rec.globals["args"] == []
    assert rec.globals["config"]["name"] == cls.name
    assert "cmd-int" in engine.session_id  # explicit IDs are namespaced (session spec)


@pytest.mark.parametrize("cls", COMMANDS)
def test_stray_arguments_are_refused_before_any_engine(cls) -> None:
    """Go passed them to the script, which ignored them (issue 15: say so instead)."""
    from one_shot_man.errors import ArgumentError

    with pytest.raises(
        ArgumentError, match=f"^{cls.name}: unexpected argument\\(s\\): extra args$"
    ):
        run(cls, ["-session", "cmd-int", "extra", "args"])


@pytest.mark.parametrize("cls", COMMANDS)
@pytest.mark.parametrize("argv", [["-i=false"], ["-interactive=false"], ["-test"]])
def test_non_interactive_and_test_runs_skip_the_shell(cls, argv: list[str]) -> None:
    status, out, _err, rec, _cmd = run(cls, argv)
    assert status == 0
    assert f"Switched to mode: {cls.name}\n" in out
    assert rec.terminal_calls == []


def test_test_mode_prints_sub_test_results() -> None:
    _status, out, _err, _rec, _cmd = run(CodeReviewCommand, ["-test"])
    assert "Type 'help' for commands. Tip: Try 'note --goals'." in out
    assert "register-mode passed" in out and "enter-code-review passed" in out


def test_prompt_flow_test_banner() -> None:
    _status, out, _err, _rec, _cmd = run(PromptFlowCommand, ["-test"])
    assert "Type 'help' for commands. Tip: Try 'goal --prewritten'." in out


def test_engine_is_closed_after_the_run() -> None:
    _status, _out, _err, rec, _cmd = run(CodeReviewCommand, ["-i=false"])
    with pytest.raises(Exception, match="closed"):
        rec.engines[0].get_global("config")


def test_colour_config_is_passed_to_the_shell() -> None:
    config = load_from_reader(["prompt.color.input red\n"])
    _status, _out, _err, rec, _cmd = run(CodeReviewCommand, [], config)
    assert rec.terminal_calls[0][1] is config


def test_super_document_config_has_shell_mode_and_theme() -> None:
    config = load_from_reader(
        [
            "theme.accentPrimary #111111\n",
            "theme.custom #222222\n",
            "[super-document]\n",
            "theme.accentPrimary #333333\n",
        ]
    )
    _status, _out, _err, rec, _cmd = run(SuperDocumentCommand, ["-shell"], config)
    seen = rec.globals["config"]
    assert seen["shellMode"] is True
    assert seen["theme"]["accentPrimary"] == "#333333"  # the section wins over the global key
    assert seen["theme"]["custom"] == "#222222"
    assert seen["theme"]["uiBg"] == {"light": "#ffffff", "dark": "#0d1117"}


def test_theme_defaults_have_thirteen_adaptive_colours() -> None:
    theme = theme_colors(None)
    assert len(theme) == 13
    assert all(set(v) == {"light", "dark"} for v in theme.values())


def test_a_failing_script_is_a_command_error(monkeypatch) -> None:
    import one_shot_man.workflows as wf

    monkeypatch.setattr(wf, "script_source", lambda name: "throw new Error('broken script');")
    with pytest.raises(CommandError, match=r"failed to execute code-review script: .*broken"):
        run(CodeReviewCommand, [])


def test_registry_builds_the_workflow_commands() -> None:
    from one_shot_man.command.registry import Registry
    from one_shot_man.config import Config

    registry = Registry(Config())
    for cls in COMMANDS:
        cmd = registry.get(cls.name)
        assert isinstance(cmd, cls)
