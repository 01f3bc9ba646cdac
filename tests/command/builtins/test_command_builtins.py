"""Built-in commands help, version, config, init and completion (spec 3.1-3.4, 3.6)."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import ClassVar

import pytest

from one_shot_man import __version__
from one_shot_man.command import FlagSet, Registry
from one_shot_man.command.builtins.completion import CompletionCommand
from one_shot_man.command.builtins.config import ConfigCommand
from one_shot_man.command.builtins.help import format_columns
from one_shot_man.command.builtins.init import STARTER_CONFIG, InitCommand
from one_shot_man.command.builtins.version import VersionCommand
from one_shot_man.config import Config, load_from_path, load_from_reader
from one_shot_man.errors import CommandError, CommandNotFoundError


def run(cmd, args: list[str], flags: list[str] | None = None) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    fs = FlagSet(cmd.name)
    cmd.setup_flags(fs)
    rest = fs.parse([*(flags or []), *args])
    out, err = io.StringIO(), io.StringIO()
    code = cmd.execute(rest, out, err)
    return code, out.getvalue(), err.getvalue()


# -- help ---------------------------------------------------------------------


def test_help_lists_builtins_in_two_columns() -> None:
    registry = Registry(Config())
    code, out, err = run(registry.get("help"), [])
    assert code == 0 and err == ""
    assert out.startswith(
        "one-shot-man - refine reproducible one-shot prompts from your terminal\n\n"
        "Usage: osm <command> [options] [args...]\n\nAvailable commands:\n\nBuilt-in commands:\n"
    )
    assert out.endswith(
        "\nUse 'osm help <command>' for more information about a specific command "
        "(includes flags).\n"
    )
    names = registry.list_builtin()
    width = max(map(len, names)) + 2
    assert f"  {'version'.ljust(width)}Display version information\n" in out
    assert "Script commands:" not in out


def test_help_shows_script_section_aligned_independently(tmp_path: Path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    for name in ("a", "longer-script-name"):
        (d / name).write_text("#!/bin/sh\n")
        (d / name).chmod(0o755)
    config = Config()
    config.set_global_option("script.paths", str(d))
    _, out, _ = run(Registry(config).get("help"), [])
    assert "\nScript commands:\n  a                   Script command\n" in out
    assert "  longer-script-name  Script command\n" in out


def test_format_columns() -> None:
    assert format_columns([("a", "x"), ("abc", "y")]) == "  a    x\n  abc  y\n"
    assert format_columns([]) == ""


def test_help_for_one_command() -> None:
    registry = Registry(Config())
    code, out, _ = run(registry.get("help"), ["version", "ignored"])
    assert code == 0
    assert out == ("Command: version\nDescription: Display version information\nUsage: version\n")


def test_help_config_shows_flags() -> None:
    _, out, _ = run(Registry(Config()).get("help"), ["config"])
    assert "\nFlags:\n" in out
    assert "  -global\n    \tShow only global configuration\n" in out
    assert "-all" in out


def test_help_unknown_command() -> None:
    help_cmd = Registry(Config()).get("help")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandNotFoundError, match="command not found: nope"):
        help_cmd.execute(["nope"], out, err)
    assert out.getvalue() == ""
    assert err.getvalue() == "Unknown command: nope\n"


def test_help_for_script_command_has_note(tmp_path: Path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    (d / "tool").write_text("#!/bin/sh\n")
    (d / "tool").chmod(0o755)
    config = Config()
    config.set_global_option("script.paths", str(d))
    _, out, _ = run(Registry(config).get("help"), ["tool"])
    assert out.endswith(
        "\nNote: this is a script command; run 'osm tool -h' for its help (if supported).\n"
    )


# -- version --------------------------------------------------------------------


def test_version() -> None:
    code, out, err = run(VersionCommand(), ["ignored"])
    assert (code, out, err) == (0, f"one-shot-man version {__version__}\n", "")
    assert __version__ == "0.1.0"


# -- config ----------------------------------------------------------------------


def loaded(text: str) -> Config:
    return load_from_reader(text.splitlines(keepends=True), source="cfg")


def test_config_all_sorted() -> None:
    cfg = loaded("verbose false\ncolor auto\n[version]\nformat full\n[help]\npager less\n")
    code, out, _ = run(ConfigCommand(cfg), [], ["--all"])
    assert code == 0
    assert out == (
        "Global configuration:\n  color: auto\n  verbose: false\n\n"
        "Command-specific configuration:\n  [help]\n    pager: less\n"
        "  [version]\n    format: full\n"
    )


def test_config_global_only() -> None:
    cfg = loaded("b 2\na 1\n[help]\npager less\n")
    _, out, _ = run(ConfigCommand(cfg), [], ["-global"])
    assert out == "Global configuration:\n  a: 1\n  b: 2\n"


def test_config_listing_warns_about_unknown_keys() -> None:
    cfg = loaded("colour auto\n")
    _, _, err = run(ConfigCommand(cfg), [], ["-global"])
    assert "Warning: cfg:1:" in err and "colour" in err


def test_config_usage_without_args() -> None:
    _, out, _ = run(ConfigCommand(Config()), [])
    assert out.startswith("Configuration management:\n  config <key>          - Get")


def test_config_get() -> None:
    cfg = loaded("color auto\n")
    assert run(ConfigCommand(cfg), ["color"])[1] == "color: auto\n"
    assert run(ConfigCommand(cfg), ["nope"])[1] == "Configuration key 'nope' not found\n"


def test_config_set_persists_atomically_and_keeps_comments(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated_home / "cfg"
    path.write_text("# my notes\ncolor auto\n\n[help]\npager less\n")
    monkeypatch.setenv("OSM_CONFIG", str(path))
    cfg = load_from_path(path)
    code, out, err = run(ConfigCommand(cfg), ["verbose", "true"])
    assert code == 0
    assert out == "Set configuration: verbose = true\n"
    assert err == ""
    assert cfg.get_global_option("verbose") == "true"
    text = path.read_text()
    assert text.startswith("# my notes\n")
    assert "verbose true\n" in text
    assert load_from_path(path).get_command_option("help", "pager") == "less"
    run(ConfigCommand(load_from_path(path)), ["color", "never"])
    assert load_from_path(path).get_global_option("color") == "never"
    assert not [p for p in os.listdir(isolated_home) if p.startswith(".tmp")]


def test_config_set_creates_file_at_config_path(isolated_home: Path) -> None:
    run(ConfigCommand(Config()), ["color", "never"])
    written = isolated_home / ".osm" / "config"
    assert load_from_path(written).get_global_option("color") == "never"


def test_config_set_warns_on_schema_problems(isolated_home: Path) -> None:
    _, out, err = run(ConfigCommand(Config()), ["verbose", "maybe"])
    assert out == "Set configuration: verbose = maybe\n"
    assert "Warning:" in err and "verbose" in err


def test_config_three_args() -> None:
    cmd = ConfigCommand(Config())
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^invalid arguments$"):
        cmd.execute(["a", "b", "c"], io.StringIO(), err)
    assert err.getvalue() == "Invalid number of arguments\n"


# -- init -------------------------------------------------------------------------


def test_init_creates_config_into_nested_dir(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated_home / "a" / "b" / "config"
    monkeypatch.setenv("OSM_CONFIG", str(path))
    code, out, err = run(InitCommand(), [], ["--force"])
    assert code == 0 and err == ""
    assert out == (
        "Created configuration with verbose=false\n"
        "Help command will use pager: less\n"
        f"Initialized one-shot-man configuration at: {path}\n"
    )
    assert path.read_text() == STARTER_CONFIG
    assert (path.stat().st_mode & 0o777) == 0o644
    cfg = load_from_path(path)
    assert cfg.get_global_option("color") == "auto"
    assert cfg.get_command_option("version", "format") == "full"
    assert sum(1 for line in STARTER_CONFIG.splitlines() if "prompt.color." in line) == 12
    assert cfg.validate() == []


def test_init_keeps_existing_config(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = isolated_home / "config"
    path.write_text("mine yes\n")
    monkeypatch.setenv("OSM_CONFIG", str(path))
    code, out, _ = run(InitCommand(), [])
    assert code == 0
    assert out == (
        f"Configuration already exists at: {path}\n"
        "Use --force to overwrite existing configuration\n"
    )
    assert path.read_text() == "mine yes\n"
    run(InitCommand(), [], ["-force"])
    assert path.read_text() == STARTER_CONFIG


@pytest.mark.parametrize("flags", [[], ["--force"]])
def test_init_over_a_directory_says_a_directory_is_in_the_way(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str]
) -> None:
    """Issue 15: `--force` failed with `rename temp file over target: Is a directory`."""
    from one_shot_man.errors import CommandError

    path = isolated_home / "cfgdir"
    (path / "keep").mkdir(parents=True)
    monkeypatch.setenv("OSM_CONFIG", str(path))
    with pytest.raises(CommandError) as info:
        run(InitCommand(), [], flags)
    assert str(info.value) == (
        f"cannot write the config file {path}: a directory is in the way "
        "(move it, or point OSM_CONFIG at a file path)"
    )
    assert (path / "keep").is_dir()


# -- completion -----------------------------------------------------------------------


class FakeGoal:
    def __init__(self, description: str) -> None:
        self.description = description


class FakeGoals:
    goals: ClassVar[dict[str, str]] = {
        "comment-stripper": "Remove useless comments and refactor useful ones",
        "doc-generator": "Generate comprehensive documentation for code structures",
        "test-generator": "Generate comprehensive test suites",
        "commit-message": "Generate Kubernetes-style commit messages",
        "quote": "A tool's description",
    }

    def list(self) -> list[str]:
        return sorted(self.goals)

    def get(self, name: str) -> FakeGoal:
        return FakeGoal(self.goals[name])


def completion(config: Config | None = None) -> CompletionCommand:
    return CompletionCommand(Registry(config or Config()), FakeGoals())


MARKERS = {
    "bash": "_osm_completion",
    "zsh": "#compdef osm",
    "fish": "complete -c osm",
    "powershell": "Register-ArgumentCompleter",
}


@pytest.mark.parametrize("shell", sorted(MARKERS))
def test_completion_contains_marker_commands_shells_and_goals(shell: str) -> None:
    code, out, err = run(completion(), [shell])
    assert code == 0 and err == ""
    assert MARKERS[shell] in out
    for word in ("help", "version", "bash", "zsh", "fish", "powershell"):
        assert word in out
    for goal in FakeGoals.goals:
        assert goal in out


def test_completion_default_is_bash_and_case_insensitive() -> None:
    default = run(completion(), [])[1]
    assert "_osm_completion" in default
    assert "complete -F _osm_completion osm" in default
    assert run(completion(), ["ZSH"])[1].startswith("#compdef osm")
    assert "Register-ArgumentCompleter" in run(completion(), ["pwsh"])[1]


def test_completion_session_subcommands_per_shell() -> None:
    subs = "list clean purge delete info path id"
    assert f"compgen -W '{subs}'" in run(completion(), ["bash"])[1]
    assert (
        "_values 'session-subcommand' 'list' 'clean' 'purge' 'delete' 'info' 'path' 'id'"
        in run(completion(), ["zsh"])[1]
    )
    assert (
        f"complete -c osm -n '__fish_seen_subcommand_from session' -a '{subs}' "
        "-d 'Session subcommands'" in run(completion(), ["fish"])[1]
    )
    assert (
        "$subs = @('list','clean','purge','delete','info','path','id')"
        in run(completion(), ["powershell"])[1]
    )
    assert "_values 'shell' 'bash' 'zsh' 'fish' 'powershell'" in run(completion(), ["zsh"])[1]


def test_completion_fish_goal_descriptions_and_escaping() -> None:
    out = run(completion(), ["fish"])[1]
    for text in (
        "Remove useless comments",
        "Generate comprehensive documentation",
        "Generate comprehensive test suites",
        "Generate Kubernetes-style commit messages",
    ):
        assert text in out
    assert "-a 'quote' -d 'A tool'\\''s description'" in out
    assert (
        "complete -c osm -n '__fish_use_subcommand' -a 'version' -d 'Display version information'"
        in out
    )


def test_completion_zsh_describes_commands() -> None:
    out = run(completion(), ["zsh"])[1]
    assert "'version:Display version information'" in out
    assert "_values 'goal-name' 'comment-stripper'" in out


def test_completion_includes_script_commands(tmp_path: Path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    (d / "my-tool").write_text("#!/bin/sh\n")
    (d / "my-tool").chmod(0o755)
    config = Config()
    config.set_global_option("script.paths", str(d))
    for shell in MARKERS:
        assert "my-tool" in run(completion(config), [shell])[1]


def test_completion_errors() -> None:
    cmd = completion()
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^unsupported shell: tcsh$"):
        cmd.execute(["tcsh"], io.StringIO(), err)
    assert (
        err.getvalue() == "Unsupported shell: tcsh\nSupported shells: bash, zsh, fish, powershell\n"
    )
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"^too many arguments$"):
        cmd.execute(["bash", "zsh", "x"], io.StringIO(), err)
    assert err.getvalue() == "Too many arguments: [zsh x]\nUsage: osm completion [shell]\n"


def test_completion_uses_real_goal_registry_when_available() -> None:
    pytest.importorskip("one_shot_man.workflows.goals")
    cmd = CompletionCommand(Registry(Config()))
    names = [name for name, _ in cmd.goals()]
    assert names == sorted(names)
    assert "comment-stripper" in names
    assert "comment-stripper" in run(cmd, ["fish"])[1]
