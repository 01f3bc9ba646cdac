"""Registry (spec 2.2), lazy built-ins, script commands (2.3) and the name check (13.20)."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from one_shot_man.command import BaseCommand, Command, ExecutableScriptCommand, FlagSet, Registry
from one_shot_man.command.registry import BUILTIN_COMMANDS, BuiltinSpec, is_valid_script_name
from one_shot_man.config import Config
from one_shot_man.errors import CommandError, CommandNotFoundError

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX scripts")

SPEC_BUILTINS = {
    "help": "Display help information for commands",
    "version": "Display version information",
    "config": "Manage configuration settings",
    "init": "Initialize one-shot-man environment",
    "session": "Manage persisted sessions",
    "completion": "Generate shell completion scripts",
}


class Echo(BaseCommand):
    def __init__(self, name: str = "echo") -> None:
        super().__init__(name, "Echo arguments", f"{name} [args]")

    def execute(self, args: list[str], stdout, stderr) -> int:  # type: ignore[no-untyped-def]
        stdout.write(" ".join(args) + "\n")
        return 0


def make_exec(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    path.chmod(0o755)
    return path


def registry_with(tmp_path: Path, *dirs: Path) -> Registry:
    config = Config()
    config.set_global_option("script.paths", ",".join(str(d) for d in dirs))
    return Registry(config)


def test_builtins_are_listed_with_spec_descriptions() -> None:
    registry = Registry(Config())
    names = registry.list_builtin()
    for name, description in SPEC_BUILTINS.items():
        assert name in names
        assert registry.description_of(name) == description
        assert BUILTIN_COMMANDS[name].description == description
    assert names == sorted(names)


def test_lazy_builtin_matches_its_table_metadata() -> None:
    registry = Registry(Config())
    for name in SPEC_BUILTINS:
        cmd = registry.get(name)
        assert cmd.name == name
        assert cmd.description == BUILTIN_COMMANDS[name].description
        assert cmd.usage == BUILTIN_COMMANDS[name].usage
        assert registry.get(name) is cmd  # built once
        assert isinstance(cmd, Command)


def test_register_get_last_wins_and_shadows_builtin() -> None:
    registry = Registry(Config(), builtins=False)
    first, second = Echo(), Echo()
    registry.register(first)
    registry.register(second)
    assert registry.get("echo") is second
    registry.register(Echo("version"))
    assert registry.get("version").description == "Echo arguments"
    assert registry.list_builtin() == ["echo", "version"]


def test_register_lazy_extends_table_without_touching_global() -> None:
    registry = Registry(Config())
    registry.register_lazy(
        BuiltinSpec("extra", "one_shot_man.command.builtins.version", "create", "Extra", "extra")
    )
    assert "extra" in registry.list_builtin()
    assert "extra" not in BUILTIN_COMMANDS
    assert "extra" not in Registry(Config()).list_builtin()


def test_unknown_command() -> None:
    with pytest.raises(CommandNotFoundError, match=r"^command not found: nope$"):
        Registry(Config()).get("nope")


def test_script_found_in_first_directory_in_order(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    make_exec(a / "tool", "#!/bin/sh\necho a\n")
    make_exec(b / "tool", "#!/bin/sh\necho b\n")
    make_exec(b / "only-b", "#!/bin/sh\necho b\n")
    registry = registry_with(tmp_path, a, b)
    cmd = registry.get("tool")
    assert isinstance(cmd, ExecutableScriptCommand)
    assert cmd.path == str(a / "tool")
    assert cmd.description == "Script command: tool"
    assert cmd.usage == "tool [options] [args...]"
    assert "only-b" in registry.list_script()


def test_script_name_keeps_extension_and_builtins_shadow_scripts(tmp_path: Path) -> None:
    d = tmp_path / "s"
    make_exec(d / "testscript.sh", "#!/bin/sh\n")
    make_exec(d / "help", "#!/bin/sh\n")
    registry = registry_with(tmp_path, d)
    assert registry.get("testscript.sh").name == "testscript.sh"
    assert not isinstance(registry.get("help"), ExecutableScriptCommand)
    assert registry.list_script() == ["testscript.sh"]
    assert registry.list().count("help") == 1


def test_non_executables_and_directories_are_not_scripts(tmp_path: Path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    (d / "plain.txt").write_text("x")
    (d / "subdir").mkdir()
    (d / "subdir").chmod(0o755)
    os.symlink(d / "missing", d / "broken")
    registry = registry_with(tmp_path, d)
    assert registry.list_script() == []
    for name in ("plain.txt", "subdir", "broken"):
        with pytest.raises(CommandNotFoundError):
            registry.get(name)


def test_symlinked_script_is_listed_and_runnable(tmp_path: Path) -> None:
    target = make_exec(tmp_path / "real" / "t", "#!/bin/sh\necho linked\n")
    d = tmp_path / "s"
    d.mkdir()
    os.symlink(target, d / "link")
    registry = registry_with(tmp_path, d)
    assert registry.list_script() == ["link"]
    out = io.StringIO()
    assert registry.get("link").execute([], out, io.StringIO()) == 0
    assert out.getvalue() == "linked\n"


def test_list_script_deduplicates_across_directories(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    make_exec(a / "x", "#!/bin/sh\n")
    make_exec(b / "x", "#!/bin/sh\n")
    assert registry_with(tmp_path, a, b).list_script() == ["x"]


@pytest.mark.parametrize(
    "name", ["../../usr/bin/env", "a/b", "..", ".", "", "x..y", "sub/../tool", "nul\x00"]
)
def test_names_with_separators_or_dotdot_are_rejected(tmp_path: Path, name: str) -> None:
    d = tmp_path / "s"
    make_exec(tmp_path / "outside", "#!/bin/sh\necho escaped\n")
    make_exec(d / "sub" / "tool", "#!/bin/sh\n")
    registry = registry_with(tmp_path, d)
    assert not is_valid_script_name(name)
    with pytest.raises(CommandNotFoundError):
        registry.get(name)


def test_traversal_to_existing_executable_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "s"
    d.mkdir()
    make_exec(tmp_path / "outside", "#!/bin/sh\necho escaped\n")
    with pytest.raises(CommandNotFoundError):
        registry_with(tmp_path, d).get("../outside")


def test_script_receives_args_and_exit_code_is_propagated(tmp_path: Path) -> None:
    d = tmp_path / "s"
    make_exec(d / "exit3", '#!/bin/sh\necho "args:$*"\necho oops >&2\nexit 3\n')
    cmd = registry_with(tmp_path, d).get("exit3")
    out, err = io.StringIO(), io.StringIO()
    assert cmd.execute(["-x", "two words"], out, err) == 3
    assert out.getvalue() == "args:-x two words\n"
    assert err.getvalue() == "oops\n"


def test_script_killed_by_signal_reports_128_plus_n(tmp_path: Path) -> None:
    d = tmp_path / "s"
    make_exec(d / "die", "#!/bin/sh\nkill -TERM $$\n")
    assert registry_with(tmp_path, d).get("die").execute([], io.StringIO(), io.StringIO()) == 143


def test_unrunnable_script_is_a_command_error(tmp_path: Path) -> None:
    d = tmp_path / "s"
    make_exec(d / "bad", "not a script at all\x00\x01")
    cmd = registry_with(tmp_path, d).get("bad")
    with pytest.raises(CommandError, match="failed to run script"):
        cmd.execute([], io.StringIO(), io.StringIO())


def test_script_command_defines_no_flags() -> None:
    fs = FlagSet("x")
    ExecutableScriptCommand("x", "/bin/true").setup_flags(fs)
    assert not fs.has_flags()


def test_add_script_path(tmp_path: Path) -> None:
    d = tmp_path / "extra"
    make_exec(d / "late", "#!/bin/sh\n")
    registry = Registry(Config())
    registry.add_script_path(str(d))
    registry.add_script_path(str(d))
    assert registry.script_paths().count(str(d)) == 1
    assert "late" in registry.list()


def test_constructor_does_no_discovery(monkeypatch: pytest.MonkeyPatch) -> None:
    import one_shot_man.command.discovery as discovery

    def boom(*a: object, **k: object) -> list[str]:
        raise AssertionError("discovery ran")

    monkeypatch.setattr(discovery, "discover_script_paths", boom)
    registry = Registry(Config())
    registry.register(Echo())
    assert registry.get("echo").name == "echo"
    assert registry.get("version").name == "version"


def test_optional_builtin_absent_module_is_not_listed() -> None:
    registry = Registry(Config())
    registry.register_lazy(
        BuiltinSpec("ghost", "one_shot_man.command._no_such_mod", "X", "Ghost", "ghost", True)
    )
    assert "ghost" not in registry.list_builtin()
    with pytest.raises(CommandNotFoundError):
        registry.get("ghost")


def test_python_runs_scripts_without_shell(tmp_path: Path) -> None:
    d = tmp_path / "s"
    make_exec(d / "py", f"#!{sys.executable}\nimport sys\nprint(sys.argv[1:])\n")
    out = io.StringIO()
    assert registry_with(tmp_path, d).get("py").execute(["a b", "$HOME"], out, io.StringIO()) == 0
    assert out.getvalue() == "['a b', '$HOME']\n"


def test_builtin_whose_module_fails_to_import_is_a_command_error() -> None:
    registry = Registry(Config())
    registry.register_lazy(
        BuiltinSpec("broken", "one_shot_man.command._missing_module", "X", "Broken", "broken")
    )
    with pytest.raises(CommandError, match="command broken is not available"):
        registry.get("broken")
