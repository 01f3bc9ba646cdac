"""`osm goal`: listing format, selection rules, errors (spec §3.10), with a recording engine."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import ClassVar

import pytest

from one_shot_man.command.builtins.goal import GoalCommand, GoalOptions, format_goal_list
from one_shot_man.errors import CommandError
from one_shot_man.workflows.goals import GoalNotFoundError, GoalRegistry, goal_from_dict
from tests.trusting import trust_folder


class RecordingEngine:
    instances: ClassVar[list[RecordingEngine]] = []

    def __init__(self, stdout, stderr, **kwargs) -> None:
        self.kwargs = kwargs
        self.scripts: list[tuple[str, str]] = []
        self.switched: list[str] = []
        self.closed = False
        self.fail_with: Exception | None = None
        RecordingEngine.instances.append(self)

    def execute_script(self, name: str, source: str, path: str | None = None) -> None:
        self.scripts.append((name, source))
        if self.fail_with is not None:
            raise self.fail_with

    def switch_mode(self, name: str) -> None:
        self.switched.append(name)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def registry(tmp_path: Path) -> GoalRegistry:
    return GoalRegistry(paths=[str(tmp_path / "none")], warn=lambda m: None)


def make(registry, **kwargs):
    RecordingEngine.instances = []
    terminal_calls: list = []
    cmd = GoalCommand(
        None,
        registry,
        engine_factory=RecordingEngine,
        terminal_runner=lambda engine, config: terminal_calls.append(engine),
        **kwargs,
    )
    return cmd, terminal_calls


def run(cmd: GoalCommand, args: list[str] | None = None, **opts) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cmd.run(GoalOptions(**opts), args or [], out, err)
    return code, out.getvalue(), err.getvalue()


def test_name_description_usage() -> None:
    cmd = GoalCommand()
    assert cmd.name == "goal"
    assert cmd.description == "Access pre-written goals for common development tasks"
    assert cmd.usage == "goal [options] [goal-name]"


def test_list_format_exactly(registry) -> None:
    cmd, _ = make(registry)
    code, out, err = run(cmd, list=True)
    assert code == 0 and err == ""
    assert out == (
        "Available Goals:\n"
        "\n"
        "Code Refactoring:\n"
        "  comment-stripper     Remove useless comments and refactor useful ones\n"
        "\n"
        "Documentation:\n"
        "  doc-generator        Generate comprehensive documentation for code structures\n"
        "\n"
        "Git Workflow:\n"
        "  commit-message       Generate Kubernetes-style commit messages from diffs and context\n"
        "\n"
        "Meta Prompting:\n"
        "  morale-improver      Generate a derisive prompt to force task completion\n"
        "\n"
        "Planning:\n"
        "  implementation-plan  Prepare a detailed, explicit implementation plan for a given task.\n"
        "\n"
        "Testing:\n"
        "  test-generator       Generate comprehensive test suites for existing code\n"
        "\n"
        "Usage:\n"
        "  osm goal <goal-name>           Run a goal interactively\n"
        "  osm goal -r <goal-name>        Run a goal directly\n"
        "  osm goal -c <category>         List goals by category\n"
    )
    assert RecordingEngine.instances == []


def test_no_args_and_category_flag_list(registry) -> None:
    cmd, _ = make(registry)
    _code, out, _err = run(cmd)
    assert out.startswith("Available Goals:\n")
    _code, out, _err = run(cmd, category="TESTING")
    assert "Testing:\n  test-generator" in out
    assert "doc-generator" not in out and "Documentation:" not in out


def test_unknown_category_and_empty_registry(tmp_path: Path, registry) -> None:
    cmd, _ = make(registry)
    assert run(cmd, list=True, category="nonexistent-category")[1] == (
        "No goals found for category: nonexistent-category\n"
    )
    empty = GoalRegistry(paths=[], builtins=[], warn=lambda m: None)
    cmd, _ = make(empty)
    assert run(cmd, list=True)[1] == "No goals available\n"


def test_headings_and_padding_rules() -> None:
    goals = [
        goal_from_dict({"name": "b", "description": "two", "category": "multi-word-CAT"}),
        goal_from_dict(
            {"name": "a-very-long-goal-name-x", "description": "one", "category": "multi-word-CAT"}
        ),
        goal_from_dict({"name": "u", "description": "none"}),
    ]
    text = format_goal_list(goals)
    assert text.startswith("Available Goals:\n\nMulti Word Cat:\n")
    # No category: last, under its own heading (Go printed a bare `:`; issue 15).
    assert "\nUncategorized:\n  u                    none\n\nUsage:" in text
    assert "  a-very-long-goal-name-x one\n  b                    two\n" in text


def test_unknown_goal_message(registry) -> None:
    cmd, _ = make(registry)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(GoalNotFoundError) as info:
        cmd.run(GoalOptions(), ["nope"], out, err)
    assert str(info.value) == "goal not found: nope"
    assert isinstance(info.value, CommandError)
    assert err.getvalue() == "Goal 'nope' not found. Use 'osm goal -l' to list available goals.\n"
    assert RecordingEngine.instances == []


def test_positional_goal_runs_interactively(registry) -> None:
    cmd, terminal = make(registry)
    assert run(cmd, ["doc-generator"])[0] == 0
    (engine,) = RecordingEngine.instances
    name, source = engine.scripts[0]
    assert name == "doc-generator"
    assert source.startswith("var GOAL_CONFIG = ")
    config = json.loads(source.split("\n", 1)[0][len("var GOAL_CONFIG = ") : -1])
    assert config["name"] == "doc-generator" and config["contextHeader"] == "CODE TO DOCUMENT"
    assert engine.switched == ["doc-generator"]
    assert terminal == [engine]
    assert engine.closed


def test_run_flag_is_not_interactive_unless_i(registry) -> None:
    cmd, terminal = make(registry)
    run(cmd, run="comment-stripper")
    (engine,) = RecordingEngine.instances
    assert engine.scripts[0][0] == "comment-stripper"
    assert engine.switched == [] and terminal == []
    cmd, terminal = make(registry)
    run(cmd, run="comment-stripper", interactive=True)
    assert RecordingEngine.instances[0].switched == ["comment-stripper"]
    assert len(terminal) == 1


def test_run_flag_and_a_positional_goal_are_refused(registry) -> None:
    """Go let -r win and dropped the positional goal without a word (issue 15)."""
    from one_shot_man.errors import ArgumentError

    cmd, _ = make(registry)
    with pytest.raises(ArgumentError, match=r"^goal: unexpected argument\(s\): doc-generator$"):
        run(cmd, ["doc-generator"], run="test-generator")
    assert RecordingEngine.instances == []


def test_test_mode_never_starts_the_terminal(registry) -> None:
    cmd, terminal = make(registry, test_mode=True)
    run(cmd, ["doc-generator"])
    assert RecordingEngine.instances[0].switched == ["doc-generator"]
    assert terminal == []
    assert RecordingEngine.instances[0].kwargs["test_mode"] is True


def test_session_and_store_are_passed_to_the_engine(registry) -> None:
    cmd, _ = make(registry)
    run(cmd, run="doc-generator", session="s1", store="memory")
    kwargs = RecordingEngine.instances[0].kwargs
    assert kwargs["session_id"] == "s1" and kwargs["store"] == "memory"


def test_script_failure_is_wrapped_and_engine_closed(registry) -> None:
    class Failing(RecordingEngine):
        def __init__(self, *a, **k) -> None:
            super().__init__(*a, **k)
            self.fail_with = RuntimeError("script execution failed: boom")

    cmd = GoalCommand(None, registry, engine_factory=Failing)
    RecordingEngine.instances = []
    with pytest.raises(CommandError) as info:
        cmd.run(GoalOptions(run="doc-generator"), [], io.StringIO(), io.StringIO())
    assert (
        str(info.value) == "failed to execute goal 'doc-generator': script execution failed: boom"
    )
    assert RecordingEngine.instances[0].closed


def test_script_field_in_goal_file_warns_on_run(tmp_path: Path) -> None:
    goals = tmp_path / "goals"
    goals.mkdir()
    (goals / "g.json").write_text(json.dumps({"name": "g", "description": "d", "script": "x()"}))
    registry = GoalRegistry(paths=[str(goals)], warn=lambda m: None)
    cmd, _ = make(registry)
    _code, _out, err = run(cmd, run="g")
    assert '"script" field is not supported' in err
    assert str(goals / "g.json") in err


class FakeFlag:
    def __init__(self, value) -> None:
        self.value = value


class FakeFlagSet:
    """A FlagSet whose definitions return holders that the parser later fills."""

    def __init__(self) -> None:
        self.defined: dict[str, tuple[str, object, str]] = {}
        self.holders: dict[str, FakeFlag] = {}

    def bool(self, name, default, usage):
        self.defined[name] = ("bool", default, usage)
        return self.holders.setdefault(name, FakeFlag(default))

    def string(self, name, default, usage):
        self.defined[name] = ("string", default, usage)
        return self.holders.setdefault(name, FakeFlag(default))


def test_setup_flags_defines_go_flags_and_execute_reads_them(registry) -> None:
    cmd, _ = make(registry)
    flags = FakeFlagSet()
    cmd.setup_flags(flags)
    assert {n: d[0] for n, d in flags.defined.items()} == {
        "i": "bool", "l": "bool", "c": "string", "r": "string", "session": "string", "store": "string",
    }  # fmt: skip
    assert flags.defined["l"][2] == "List available goals"
    flags.holders["l"].value = True
    flags.holders["c"].value = "testing"
    out = io.StringIO()
    assert cmd.execute([], out, io.StringIO()) == 0
    assert out.getvalue().startswith("Available Goals:\n\nTesting:\n  test-generator")


def test_default_registry_reads_config_and_warns_on_the_commands_stderr(
    tmp_path: Path, monkeypatch
) -> None:
    from one_shot_man.config import load_from_reader

    goals = tmp_path / "goals"
    goals.mkdir()
    (goals / "mine.json").write_text(
        json.dumps({"name": "mine", "description": "Mine", "category": "own"})
    )
    (goals / "broken.json").write_text("{")
    monkeypatch.chdir(tmp_path)
    config = load_from_reader([f"goal.paths {goals}\n", "goal.disable-standard-paths true\n"])
    cmd = GoalCommand(config)
    out, err = io.StringIO(), io.StringIO()
    assert cmd.run(GoalOptions(category="own"), [], out, err) == 0
    assert out.getvalue().startswith("Available Goals:\n\nOwn:\n  mine                 Mine\n")
    assert err.getvalue().startswith(f"warning: failed to load goal from {goals / 'broken.json'}: ")


def test_cli_goal_list_unknown_and_category(capsys, tmp_path: Path, monkeypatch) -> None:
    from one_shot_man.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["goal", "-l"]) == 0
    out = capsys.readouterr().out
    for heading in ("Code Refactoring:", "Documentation:", "Testing:", "Git Workflow:"):
        assert heading in out
    for name in ("comment-stripper", "doc-generator", "test-generator", "commit-message"):
        assert f"  {name}" in out
    assert main(["goal", "-c", "testing"]) == 0
    out = capsys.readouterr().out
    assert "test-generator" in out and "doc-generator" not in out
    assert main(["goal", "-l", "-c", "nonexistent-category"]) == 0
    assert capsys.readouterr().out == "No goals found for category: nonexistent-category\n"
    assert main(["goal"]) == 0
    assert capsys.readouterr().out.startswith("Available Goals:\n")
    assert main(["goal", "nope"]) == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "Goal 'nope' not found. Use 'osm goal -l' to list available goals.\n"
        "Error: goal not found: nope\n"
    )


def test_cli_finds_goals_in_cwd_ancestors_and_config_dir(
    capsys, tmp_path: Path, monkeypatch, isolated_home: Path
) -> None:
    from one_shot_man.cli import main

    project = tmp_path / "repo" / "sub"
    project.mkdir(parents=True)
    (tmp_path / "repo" / "osm-goals").mkdir()
    (tmp_path / "repo" / "osm-goals" / "a.json").write_text(
        json.dumps({"name": "repo-goal", "description": "From the repo", "category": "local"})
    )
    user_goals = isolated_home / ".osm" / "goals"
    user_goals.mkdir(parents=True)
    (user_goals / "u.json").write_text(
        json.dumps({"name": "repo-goal", "description": "From the user", "category": "local"})
    )
    (user_goals / "v.json").write_text(
        json.dumps({"name": "user-goal", "description": "Mine", "category": "local"})
    )
    monkeypatch.chdir(project)
    assert main(["goal", "-c", "local"]) == 0
    out = capsys.readouterr().out
    # An untrusted project goal never replaces the user's own (issue 14) ...
    assert "  repo-goal            From the user\n" in out
    assert "Ignored project goals" in out and str(tmp_path / "repo" / "osm-goals") in out
    assert "  user-goal            Mine\n" in out
    trust_folder(tmp_path / "repo")
    assert main(["goal", "-c", "local"]) == 0
    out = capsys.readouterr().out
    # ... and once trusted, the one closer to cwd wins, marked with where it comes from.
    assert f"  repo-goal            From the repo  [project {tmp_path / 'repo'}]\n" in out
    assert "  user-goal            Mine\n" in out
    monkeypatch.setenv("OSM_DISABLE_GOAL_AUTODISCOVERY", "true")
    assert main(["goal", "-c", "local"]) == 0
    out = capsys.readouterr().out
    assert "  repo-goal            From the user\n" in out
