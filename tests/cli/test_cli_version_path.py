"""`osm version` is answered before the flag parser and the registry load (cli._run_version).

The short path must print exactly what the full path (flags, registry, command) prints, warn
about the config the same way, and import less: these tests hold all three.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from one_shot_man import cli
from one_shot_man.command.registry import BUILTIN_COMMANDS, Registry
from tests.cli.test_cli_main import _IMPORT_PROBE, REPO, _probe

ARGVS = [
    ["version"],
    ["version", "extra", "words"],
    ["version", "-"],
    ["version", "x", "-h"],
    ["version", "-h"],
    ["version", "--help"],
    ["version", "--"],
    ["version", "--bogus"],
    ["version", "-x=1", "y"],
]


def _short(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return cli.run(argv, out, err), out.getvalue(), err.getvalue()


def _full(argv: list[str]) -> tuple[int, str, str]:
    """The same invocation through the flag parser and the registry (a registry is given)."""
    out, err = io.StringIO(), io.StringIO()
    registry = Registry(cli.load_config(err), warn=lambda line: err.write(line + "\n"))
    return cli.run(argv, out, err, registry=registry), out.getvalue(), err.getvalue()


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_short_path_prints_what_the_registry_path_prints(
    argv: list[str], isolated_home: Path
) -> None:
    assert _short(argv) == _full(argv)


def test_short_path_is_taken_only_without_flags() -> None:
    taken = [argv for argv in ARGVS if cli._is_plain_version(argv)]
    assert taken == [
        ["version"],
        ["version", "extra", "words"],
        ["version", "-"],
        ["version", "x", "-h"],
    ]
    assert not cli._is_plain_version(["-h", "version"])
    assert not cli._is_plain_version([])


@pytest.mark.parametrize(
    "config",
    ["verbose true\n", "[sessions]\nmaxAgeDays = many\n", "x" * 70000 + "\n", None],
    ids=["good", "bad-sessions-value", "over-long-line", "a-directory"],
)
def test_config_warnings_are_the_same(
    config: str | None, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = isolated_home / "cfg"
    if config is None:
        path.mkdir()
    else:
        path.write_text(config)
    monkeypatch.setenv("OSM_CONFIG", str(path))
    short = _short(["version"])
    assert short == _full(["version"])
    assert short[1].startswith("one-shot-man version ")
    if config != "verbose true\n":
        assert short[2].startswith("Warning: "), short


def test_no_home_warns_the_same(isolated_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOME")
    short = _short(["version"])
    assert short == _full(["version"])
    assert (
        short[2]
        == "Warning: failed to load config: failed to get config path: $HOME is not defined\n"
    )


def test_a_symlinked_config_warns_the_same(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = isolated_home / "real"
    target.write_text("verbose true\n")
    (isolated_home / "link").symlink_to(target)
    monkeypatch.setenv("OSM_CONFIG", str(isolated_home / "link"))
    short = _short(["version"])
    assert short == _full(["version"])
    assert "symlink not allowed" in short[2]


def test_short_path_names_the_registrys_version_command() -> None:
    spec = BUILTIN_COMMANDS["version"]
    assert spec.module == cli.VERSION_MODULE
    assert type(spec.create(Registry())).__name__ == cli.VERSION_CLASS


def test_version_without_a_config_file_loads_no_framework(isolated_home: Path) -> None:
    """No flag parser, registry, error classes, config model or `__future__` (each ~0.5-1.5 M
    instructions, against a target of 1.15x the interpreter's own start-up)."""
    imported = _probe(_IMPORT_PROBE.format(repo=str(REPO)), isolated_home)
    assert cli.VERSION_MODULE in imported and "one_shot_man.config.location" in imported
    framework = {
        "__future__",
        "errno",
        "one_shot_man.brokenpipe",
        "one_shot_man.errors",
        "one_shot_man.command.flags",
        "one_shot_man.command.registry",
        "one_shot_man.config.model",
    }
    assert not imported & framework, sorted(imported & framework)
