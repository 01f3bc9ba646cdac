"""Default shell completion: command names, mode names, file paths (spec §10.8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from one_shot_man.shell.completion import complete, file_path_suggestions


def cmd(name: str, description: str = "", completers: list[str] | None = None) -> dict:
    return {
        "name": name,
        "description": description,
        "usage": "",
        "argCompleters": completers or [],
    }


def make_info(
    global_cmds: list[dict] | None = None,
    mode_cmds: list[dict] | None = None,
    modes: tuple[str, ...] = ("review",),
    current: str | None = "review",
) -> dict:
    mode_list = [
        {"name": m, "prompt": "", "commands": mode_cmds or [] if m == current else []}
        for m in modes
    ]
    return {"current": current, "modes": mode_list, "commands": global_cmds or []}


def texts(suggestions: list[tuple[str, str]]) -> list[str]:
    return [text for text, _ in suggestions]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "alpha.txt").write_text("a")
    (tmp_path / "alpine.md").write_text("b")
    (tmp_path / "beta").mkdir()
    (tmp_path / "beta" / "inner.txt").write_text("c")
    (tmp_path / "beta" / "sub").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_first_token_lists_commands_in_registration_order() -> None:
    info = make_info(
        global_cmds=[cmd("zebra"), cmd("alpha"), cmd("beta")],
        mode_cmds=[cmd("gamma")],
    )
    got, start = complete("", info)
    assert start == 0
    assert texts(got) == [
        "help",
        "exit",
        "quit",
        "mode",
        "modes",
        "state",
        "reset",
        "zebra",
        "alpha",
        "beta",
        "gamma",
    ]


def test_prefix_filters_and_never_suggests_files(tree: Path) -> None:
    info = make_info(mode_cmds=[cmd("add", "Add file", ["file"]), cmd("diff")])
    assert texts(complete("ad", info)[0]) == ["add"]
    assert texts(complete("add", info)[0]) == ["add"]
    assert texts(complete("mo", info)[0]) == ["mode", "modes"]


def test_description_precedence_mode_over_global_over_builtin() -> None:
    info = make_info(
        global_cmds=[cmd("state", "global state"), cmd("shared", "global shared")],
        mode_cmds=[cmd("shared", "mode shared")],
    )
    got = dict(complete("s", info)[0])
    assert got["state"] == "global state"
    assert got["shared"] == "mode shared"
    # position is the first source's: `state` stays among the built-ins
    assert texts(complete("s", info)[0]) == ["state", "shared"]
    assert dict(complete("he", info)[0])["help"] == "Built-in command"


def test_file_arguments_complete_paths_relative_to_cwd(tree: Path) -> None:
    info = make_info(mode_cmds=[cmd("add", "", ["file"])])
    got, start = complete("add al", info)
    assert start == 4
    assert texts(got) == ["alpha.txt", "alpine.md"]
    assert texts(complete("add be", info)[0]) == ["beta/"]
    assert texts(complete("add beta/", info)[0]) == ["beta/inner.txt", "beta/sub/"]
    assert texts(complete("add beta/i", info)[0]) == ["beta/inner.txt"]


def test_empty_argument_lists_the_directory(tree: Path) -> None:
    info = make_info(mode_cmds=[cmd("add", "", ["file"])])
    assert texts(complete("add ", info)[0]) == ["alpha.txt", "alpine.md", "beta/"]


def test_fallback_guard_for_a_first_plain_argument(tree: Path) -> None:
    info = make_info(mode_cmds=[cmd("add", "", ["file"])])
    # typing the first plain argument with no match: nothing, not the whole directory
    assert complete("add zz", info)[0] == []
    # a later argument with no match falls back to listing the directory
    assert texts(complete("add alpha.txt zz", info)[0]) == ["alpha.txt", "alpine.md", "beta/"]
    # a path with a slash that matches nothing also falls back
    assert texts(complete("add nodir/x", info)[0]) == ["alpha.txt", "alpine.md", "beta/"]


def test_commands_without_completers_get_nothing(tree: Path) -> None:
    info = make_info(mode_cmds=[cmd("note")], global_cmds=[cmd("g")])
    assert complete("note al", info)[0] == []
    assert complete("g ", info)[0] == []
    assert complete("unknown al", info)[0] == []


def test_unknown_completer_kinds_are_ignored(tree: Path) -> None:
    info = make_info(mode_cmds=[cmd("x", "", ["colour", "file"])])
    assert texts(complete("x al", info)[0]) == ["alpha.txt", "alpine.md"]
    info = make_info(mode_cmds=[cmd("y", "", ["colour"])])
    assert complete("y al", info)[0] == []


def test_mode_argument_lists_mode_names() -> None:
    info = make_info(modes=("review", "flow", "reverse"))
    got = complete("mode re", info)[0]
    assert got == [("review", "Available mode"), ("reverse", "Available mode")]


def test_quoted_and_escaped_tokens(tree: Path) -> None:
    (tree / "my file.txt").write_text("x")
    info = make_info(mode_cmds=[cmd("add", "", ["file"])])
    got, start = complete('add "my f', info)
    assert texts(got) == ["my file.txt"]
    assert start == 4
    assert texts(complete("add my\\ f", info)[0]) == ["my file.txt"]


def test_completion_uses_text_before_the_cursor_only(tree: Path) -> None:
    info = make_info(mode_cmds=[cmd("add", "", ["file"])])
    # the caller passes the text before the cursor: "add al|pha.txt more"
    assert texts(complete("add al", info)[0]) == ["alpha.txt", "alpine.md"]


def test_tilde_and_home(tree: Path, isolated_home: Path) -> None:
    (isolated_home / "notes.md").write_text("n")
    assert file_path_suggestions("~") == [("~/", "")]
    assert ("~/notes.md", "") in file_path_suggestions("~/no")
    assert ("~//notes.md", "") in file_path_suggestions("~//no")


def test_root_directory(tree: Path) -> None:
    got = texts(file_path_suggestions("/"))
    assert got and all(t.startswith("/") and not t.startswith("//") for t in got)
    entries = sorted(os.listdir("/"))
    first = entries[0]
    assert any(t.rstrip("/") == "/" + first for t in got)
    prefix = texts(file_path_suggestions("/" + first[:1]))
    assert all(t.startswith("/" + first[:1]) for t in prefix)


def test_unreadable_directory_gives_nothing(tree: Path) -> None:
    assert file_path_suggestions("does-not-exist/x") == []
