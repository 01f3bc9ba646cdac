"""One path-search rule for goal and script folders: each case the two copies used to differ in.

Every case runs through both callers (script discovery and goal discovery), so a caller that
grows its own rule again fails here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from one_shot_man import pathsearch
from one_shot_man.command import discovery as scripts
from one_shot_man.config import Config
from one_shot_man.workflows import goal_discovery as goals

#: (config key of the configured paths, discover(config, **options) -> paths)
Caller = tuple[str, Callable[..., list[str]]]
CALLERS: dict[str, Caller] = {
    "scripts": ("script.paths", scripts.discover_script_paths),
    "goals": ("goal.paths", goals.discover_goal_paths),
}


@pytest.fixture(params=sorted(CALLERS))
def caller(request: pytest.FixtureRequest) -> Caller:
    return CALLERS[request.param]


def configured(caller: Caller, value: str, **options: str) -> list[str]:
    """What `caller` finds with `<kind>.paths = value` and no other folder of its own."""
    key, discover = caller
    config = Config()
    config.set_global_option(key, value)
    if key == "goal.paths":
        config.set_global_option("goal.disable-standard-paths", "true")
        config.set_global_option("goal.autodiscovery", "false")
    options.setdefault("config_dir", "")
    options.setdefault("exec_dir", "")
    found = discover(config, **options)
    cwd = options.get("cwd") or os.getcwd()
    legacy = os.path.join(os.path.realpath(cwd), "scripts")  # script discovery always has it
    return [p for p in found if p != legacy]


# -- expansion ------------------------------------------------------------------------------


def test_home_prefix_uses_home(caller: Caller, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert configured(caller, "~/x", cwd=str(tmp_path)) == [str(tmp_path / "me" / "x")]


@pytest.mark.skipif(os.name == "nt", reason="POSIX: USERPROFILE is a Windows variable")
def test_without_home_the_account_home_is_used_not_userprofile(
    caller: Caller, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Script discovery used to take USERPROFILE on POSIX too; one rule: the config file's home.
    monkeypatch.delenv("HOME")
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "windows-home"))
    account = os.path.expanduser("~")  # the password database, HOME being unset
    assert account != "~"
    expected = os.path.normpath(os.path.join(account, "x"))
    assert configured(caller, "~/x", cwd=str(tmp_path)) == [os.path.realpath(expected)]


@pytest.mark.skipif(os.name == "nt", reason="on Windows `~\\` is a home prefix")
def test_tilde_backslash_is_a_file_name_on_posix(tmp_path: Path) -> None:
    assert scripts.expand_path("~\\x") == goals.expand_path("~\\x") == "~\\x"


@pytest.mark.skipif(os.name != "nt", reason="Windows paths")
def test_tilde_backslash_is_home_on_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USERPROFILE", "C:\\Users\\me")
    assert scripts.expand_path("~\\x") == goals.expand_path("~\\x") == "C:\\Users\\me\\x"


GO_EXPAND_ENV = [
    ("$V/a", "/v/a"),
    ("${V}/a", "/v/a"),
    ("a${V", "aV"),  # Go eats only an unterminated `${`
    ("a${}b", "ab"),  # and an empty `${}`
    ("$1x", "onex"),  # a digit is a one-character name
    ("$$", "dollar"),  # so are * # $ @ ! ? -
    ("${*}", "star"),
    ("a$", "a$"),
    ("a$/b", "a$/b"),  # `$` not followed by a name stays
    ("$V_1", "vee1"),
    ("$UNSET/x", "/x"),
    ("$\u00e9", "$\u00e9"),  # names are ASCII
]


@pytest.mark.parametrize(("text", "expected"), GO_EXPAND_ENV)
def test_dollar_variables_follow_go_os_expand_env(text: str, expected: str) -> None:
    env = {"V": "/v", "1": "one", "$": "dollar", "*": "star", "V_1": "vee1"}
    assert pathsearch.expand_env(text, env) == expected
    assert scripts.expand_path(text, env) == expected
    assert goals.expand_path(text, env=env) == expected


def test_dollar_variables_in_configured_paths(
    caller: Caller, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROOT", str(tmp_path))
    assert configured(caller, "${ROOT}/a${b", cwd=str(tmp_path)) == [str(tmp_path / "ab")]


# -- normalisation --------------------------------------------------------------------------


def test_a_link_and_its_target_are_one_folder_by_its_real_path(
    caller: Caller, tmp_path: Path
) -> None:
    # Script discovery used to keep the link's path beside the target's (trust keys on real paths).
    target = tmp_path / "real"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    found = configured(caller, f"{tmp_path}/link,{target}", cwd=str(tmp_path))
    assert found == [os.path.realpath(target)]


def test_relative_paths_are_relative_to_the_given_cwd(caller: Caller, tmp_path: Path) -> None:
    # Goal discovery used to resolve them against the process's directory instead.
    (tmp_path / "w" / "here").mkdir(parents=True)
    found = configured(caller, "here,./missing", cwd=str(tmp_path / "w"))
    real_w = os.path.realpath(tmp_path / "w")
    assert sorted(found) == [os.path.join(real_w, "here"), os.path.join(real_w, "missing")]


def test_missing_folders_keep_their_clean_absolute_path(caller: Caller, tmp_path: Path) -> None:
    found = configured(caller, f"{tmp_path}/a/../b/./c", cwd=str(tmp_path))
    assert found == [os.path.join(os.path.realpath(tmp_path), "b", "c")]


def test_no_working_directory_means_no_cwd_folders(
    caller: Caller, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Script discovery used to fall back to `/` (so `/scripts` was searched).
    def gone() -> str:
        raise FileNotFoundError("cwd deleted")

    monkeypatch.setattr(os, "getcwd", gone)
    _key, discover = caller
    found = discover(None, config_dir=str(tmp_path), exec_dir="")
    assert found
    assert all(p.startswith(str(tmp_path)) for p in found)


# -- the executable's directory ---------------------------------------------------------------


def _exec_folders(caller: Caller, tmp_path: Path) -> list[str]:
    _key, discover = caller
    config = Config()
    config.set_global_option("goal.autodiscovery", "false")
    return discover(config, cwd=str(tmp_path / "cwd"), config_dir="")


def test_executable_dir_is_the_osm_program_named_by_argv0(
    caller: Caller, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Script discovery used the interpreter's directory (a `pip install --user` puts
    # `osm` in ~/.local/bin, away from /usr/bin/python3); symlinks resolved like Go's.
    program = tmp_path / "venv" / "bin" / "osm"
    program.parent.mkdir(parents=True)
    program.write_text("#!/bin/sh\n")
    (tmp_path / "local-bin").mkdir()
    (tmp_path / "local-bin" / "osm").symlink_to(program)
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "local-bin" / "osm")])
    assert pathsearch.executable_dir() == os.path.realpath(program.parent)
    leaf = "scripts" if caller[0] == "script.paths" else "goals"
    assert os.path.join(os.path.realpath(program.parent), leaf) in _exec_folders(caller, tmp_path)


@pytest.mark.parametrize("argv0", ["-c", "main.py"])
def test_executable_dir_falls_back_to_the_interpreter(
    argv0: str, caller: Caller, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # `python -m one_shot_man` names the package's __main__.py: not the osm program.
    (tmp_path / "main.py").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", [argv0])
    interpreter_dir = os.path.dirname(os.path.abspath(sys.executable))
    assert pathsearch.executable_dir() == interpreter_dir
    leaf = "scripts" if caller[0] == "script.paths" else "goals"
    expected = os.path.join(os.path.realpath(interpreter_dir), leaf)
    assert pathsearch.normalise(expected, "") in _exec_folders(caller, tmp_path)


# -- walking up -------------------------------------------------------------------------------


def _walk(caller: Caller, tmp_path: Path, depth: str, warnings: list[str]) -> list[str]:
    key, discover = caller
    prefix = key.split(".")[0]
    pattern = "scripts" if prefix == "script" else "goals"
    for d in (tmp_path / "a" / "b", tmp_path / "a", tmp_path):
        (d / pattern).mkdir(parents=True, exist_ok=True)
    config = Config()
    config.set_global_option(f"{prefix}.autodiscovery", "true")
    config.set_global_option(f"{prefix}.path-patterns", pattern)
    config.set_global_option(f"{prefix}.max-traversal-depth", depth)
    found = discover(
        config, cwd=str(tmp_path / "a" / "b"), config_dir="", exec_dir="", warn=warnings.append
    )
    return [os.path.relpath(p, tmp_path) for p in found if "osm-goals" not in p]


def test_depth_counts_the_working_directory(caller: Caller, tmp_path: Path) -> None:
    leaf = "scripts" if caller[0] == "script.paths" else "goals"
    found = _walk(caller, tmp_path, "2", [])
    assert found == [os.path.join("a", "b", leaf), os.path.join("a", leaf)]


def test_depth_above_the_limit_means_the_default_silently(caller: Caller, tmp_path: Path) -> None:
    warnings: list[str] = []
    assert len(_walk(caller, tmp_path, "101", warnings)) == 3
    assert warnings == []


def test_depth_that_is_no_integer_warns(caller: Caller, tmp_path: Path) -> None:
    # Goal discovery used to ignore it without a word (Go logs a warning for both).
    warnings: list[str] = []
    assert len(_walk(caller, tmp_path, "ten", warnings)) == 3
    assert warnings == ["invalid integer value 'ten', using default 10"]


# -- one copy ---------------------------------------------------------------------------------


def test_both_callers_use_the_one_copy() -> None:
    for module in (scripts, goals):
        assert module.compute_path_score is pathsearch.compute_path_score
        assert module.parse_positive_int is pathsearch.parse_positive_int
        assert module.expand_path is pathsearch.expand_path
        assert module.DEFAULT_MAX_TRAVERSAL_DEPTH == pathsearch.DEFAULT_MAX_TRAVERSAL_DEPTH


def test_an_empty_pattern_never_matches_an_ancestor() -> None:
    # Script scoring used to rank any ancestor itself as `<ancestor>/<pattern>` for pattern ".".
    cwd = os.path.join(os.sep, "B", "w", "p")
    score = scripts.compute_path_score(os.path.join(os.sep, "B"), cwd, "", "", ["."])
    assert score == (4, pathsearch.FAR, pathsearch.FAR)
