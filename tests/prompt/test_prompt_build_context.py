"""buildContext (spec §7): exact layout, fences, lazy diffs (stubbed and real git), §8 helpers."""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from one_shot_man.prompt import gitdiff
from one_shot_man.prompt.build import (
    DEFAULT_DIFF_LABEL,
    build_context,
    diff_item_label,
    fence_for,
    format_list_line,
    js_string,
    longest_backtick_run,
    parse_editor_paths,
    payload_argv,
    resolve_lazy_diff,
)
from one_shot_man.prompt.context import ContextManager

F5 = "`" * 5
F6 = "`" * 6


class Recorder:
    """Stand-in for git: records every `git diff` argv (as Go's tests swap runGitDiffFn)."""

    def __init__(self, outputs: dict[str, str] | None = None, fail: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.outputs = outputs or {}
        self.fail = fail

    def __call__(self, args: list[str]) -> str:
        self.calls.append(list(args))
        if self.fail is not None:
            raise gitdiff.GitDiffError(self.fail)
        return self.outputs.get(" ".join(args), "default diff")


# ---------------------------------------------------------------- layout (goldens from the spec)
def test_spec_worked_example_exact() -> None:
    items = [
        {"type": "file", "label": "main.go"},
        {"type": "note", "label": "note", "payload": "Check errors"},
        {"type": "lazy-diff", "label": "git diff HEAD~1", "payload": ["HEAD~1"]},
    ]
    runner = Recorder({"HEAD~1": "D\n"})
    text = build_context(
        items, {"toTxtar": lambda: "-- main.go --\npackage main\n", "run_git_diff": runner}
    )
    expected = (
        "### Note: note\n"
        "\n"
        "Check errors\n"
        "\n"
        "---\n"
        "### Diff: git diff HEAD~1\n"
        "\n"
        "`````diff\n"
        "D\n"
        "\n"
        "`````\n"
        "\n"
        "---\n"
        "`````txtar\n"
        "-- main.go --\n"
        "package main\n"
        "\n"
        "`````"
    )
    assert text == expected
    assert runner.calls == [["HEAD~1"]]


def test_formatting_all_block_kinds_and_git_call_order() -> None:
    runner = Recorder({"--stat": "diff --stat"})
    items = [
        {"type": "note", "label": "Important", "payload": "Remember"},
        {"type": "diff", "payload": "+added"},
        {"type": "diff-error", "payload": "error details"},
        {"type": "lazy-diff", "label": "stats", "payload": "--stat"},
        {"type": "lazy-diff", "payload": []},
    ]
    text = build_context(
        items,
        {
            "toTxtar": lambda: "content\nof\ntxtar",
            "run_git_diff": runner,
            "default_diff_args": lambda: ["BASE", "HEAD"],
        },
    )
    assert text == (
        "### Note: Important\n\nRemember\n\n---\n"
        "### Diff: git diff\n\n`````diff\n+added\n`````\n\n---\n"
        "### Diff Error: git diff\n\nerror details\n\n---\n"
        "### Diff: stats\n\n`````diff\ndiff --stat\n`````\n\n---\n"
        "### Diff: git diff BASE HEAD\n\n`````diff\ndefault diff\n`````\n\n---\n"
        "`````txtar\ncontent\nof\ntxtar\n`````"
    )
    assert runner.calls == [["--stat"], ["BASE", "HEAD"]]


def test_lazy_diff_payload_errors_and_git_error() -> None:
    runner = Recorder(fail="unexpected")
    items = [
        {"type": "lazy-diff", "payload": ["valid", None]},
        {"type": "lazy-diff", "payload": 123},
        {"type": "lazy-diff"},
    ]
    text = build_context(items, {"run_git_diff": runner, "default_diff_args": lambda: ["BASE"]})
    assert text == (
        "### Diff Error: git diff \n\n"
        "Error executing git diff: Invalid payload: expected a string array, but found "
        "non-string element at index 1 (type 'undefined')\n\n---\n"
        "### Diff Error: git diff \n\n"
        "Error executing git diff: Invalid payload: expected a string or string array, "
        "but got type 'int'\n\n---\n"
        "### Diff Error: git diff BASE\n\n"
        "Error executing git diff: unexpected\n\n---\n"
    )
    assert runner.calls == [["BASE"]]  # invalid payloads never reach git


def test_exported_sequences_as_payload() -> None:
    runner = Recorder({"--stat --cached": "custom diff"})
    ok = build_context(
        [{"type": "lazy-diff", "payload": ("--stat", "--cached")}], {"run_git_diff": runner}
    )
    assert "custom diff" in ok and "### Diff: git diff --stat --cached" in ok
    bad = build_context(
        [{"type": "lazy-diff", "payload": ["--stat", 42]}], {"run_git_diff": runner}
    )
    assert (
        "Invalid payload: expected a string array, but found non-string element at index 1" in bad
    )
    assert runner.calls == [["--stat", "--cached"]]


def test_string_payload_is_tokenised() -> None:
    runner = Recorder()
    build_context(
        [{"type": "lazy-diff", "payload": "'feature/my feature' --stat"}], {"run_git_diff": runner}
    )
    assert runner.calls == [["feature/my feature", "--stat"]]


@pytest.mark.parametrize("payload", [None, [], "", "   "])
def test_empty_payload_uses_default_args(payload: object) -> None:
    runner = Recorder()
    item = {"type": "lazy-diff", "payload": payload}
    if payload is None:
        del item["payload"]
    text = build_context([item], {"run_git_diff": runner, "default_diff_args": lambda: ["HEAD"]})
    assert runner.calls == [["HEAD"]]
    assert text.startswith("### Diff: git diff HEAD\n\n")


def test_lazy_diff_item_not_mutated_and_rerun_each_build() -> None:
    runner = Recorder()
    items = [{"id": 1, "type": "lazy-diff", "label": DEFAULT_DIFF_LABEL, "payload": []}]
    snapshot = copy.deepcopy(items)
    opts = {"run_git_diff": runner, "default_diff_args": lambda: ["HEAD"]}
    first = build_context(items, opts)
    second = build_context(items, opts)
    assert first == second
    assert first.startswith("### Diff: git diff (default: HEAD)\n\n")
    assert items == snapshot
    assert len(runner.calls) == 2


@pytest.mark.parametrize("items", [None, "text", 42, {"type": "note"}, object()])
def test_non_list_items_give_empty_string(items: object) -> None:
    assert build_context(items, {"toTxtar": lambda: "x"}) == ""


def test_skipped_items() -> None:
    items = [
        None,
        "str",
        5,
        {"label": "no type"},
        {"type": None},
        {"type": "file", "label": "f"},
        {"type": "unknown", "payload": "p"},
        {"type": "note", "payload": "kept"},
    ]
    assert build_context(items) == "### Note: note\n\nkept\n\n---\n"


def test_label_and_payload_coercion() -> None:
    class Label:
        def __str__(self) -> str:
            return "custom-label"

    items = [
        {"type": "note", "label": Label(), "payload": None},
        {"type": "note", "label": None, "payload": 3.0},
        {"type": "note", "label": "", "payload": [1, None, "a"]},
        {"type": "note", "label": 7, "payload": True},
    ]
    assert build_context(items) == (
        "### Note: custom-label\n\n\n\n---\n"
        "### Note: note\n\n3\n\n---\n"
        "### Note: note\n\n1,,a\n\n---\n"
        "### Note: 7\n\ntrue\n\n---\n"
    )


def test_txtar_option_edge_cases() -> None:
    def boom() -> str:
        raise RuntimeError("no")

    note = [{"type": "note", "payload": "n"}]
    plain = "### Note: note\n\nn\n\n---\n"
    assert build_context(note, {"toTxtar": boom}) == plain
    assert build_context(note, {"toTxtar": lambda: None}) == plain
    assert build_context(note, {"toTxtar": lambda: ""}) == plain
    assert build_context(note, {"toTxtar": "not callable"}) == plain
    assert build_context(note, None) == plain
    assert build_context([], {"toTxtar": lambda: "-- a --\n"}) == "`````txtar\n-- a --\n\n`````"
    assert build_context([], {"to_txtar": lambda: "t"}) == "`````txtar\nt\n`````"


def test_with_context_manager_txtar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "test.txt").write_text("hello\n")
    cm = ContextManager(tmp_path)
    cm.add_path("test.txt")
    items = [
        {"id": 1, "type": "file", "label": "test.txt", "payload": ""},
        {"id": 2, "type": "diff", "label": "mock", "payload": "+added line"},
    ]
    text = build_context(items, {"toTxtar": cm.to_txtar})
    assert text == (
        "### Diff: mock\n\n`````diff\n+added line\n`````\n\n---\n"
        "`````txtar\n-- test.txt --\nhello\n\n`````"
    )


# ---------------------------------------------------------------- fences
def test_fence_minimum_is_five() -> None:
    text = build_context([{"type": "diff", "payload": "no backticks here"}])
    assert text == f"### Diff: git diff\n\n{F5}diff\nno backticks here\n{F5}\n\n---\n"


def test_fence_escapes_five_backticks() -> None:
    text = build_context([{"type": "diff", "payload": "diff with " + F5 + " backticks"}])
    assert text == f"### Diff: git diff\n\n{F6}diff\ndiff with {F5} backticks\n{F6}\n\n---\n"


def test_fence_consistent_across_blocks() -> None:
    text = build_context(
        [
            {"type": "diff", "label": "first", "payload": "````"},
            {"type": "diff", "label": "second", "payload": F5},
        ]
    )
    assert text == (
        f"### Diff: first\n\n{F6}diff\n````\n{F6}\n\n---\n"
        f"### Diff: second\n\n{F6}diff\n{F5}\n{F6}\n\n---\n"
    )


def test_fence_txtar_influences_diff() -> None:
    text = build_context(
        [{"type": "diff", "payload": "simple diff"}], {"toTxtar": lambda: "txtar with " + F5}
    )
    assert text == (
        f"### Diff: git diff\n\n{F6}diff\nsimple diff\n{F6}\n\n---\n"
        f"{F6}txtar\ntxtar with {F5}\n{F6}"
    )


def test_fence_ignores_notes_and_errors_but_counts_lazy_diffs() -> None:
    long = "`" * 9
    items = [
        {"type": "note", "payload": long},
        {"type": "diff-error", "payload": long},
        {"type": "diff", "payload": "x"},
    ]
    assert f"\n{F5}diff\nx\n{F5}\n" in build_context(items)
    lazy = build_context(
        [{"type": "lazy-diff", "payload": ["a"]}], {"run_git_diff": lambda a: "`" * 7}
    )
    assert lazy.startswith("### Diff: git diff a\n\n" + "`" * 8 + "diff\n")


@pytest.mark.parametrize(
    ("text", "run"),
    [("", 0), ("abc", 0), ("`", 1), ("a``b```c", 3), ("`````" + "x" + "``", 5), ("``````", 6)],
)
def test_longest_backtick_run(text: str, run: int) -> None:
    assert longest_backtick_run(text) == run


def test_fence_for() -> None:
    assert fence_for([]) == F5
    assert fence_for(["````"]) == F5
    assert fence_for(["a", "x" + "`" * 12 + "y"]) == "`" * 13


# ---------------------------------------------------------------- payload helpers
def test_payload_argv() -> None:
    assert payload_argv(None) is None
    assert payload_argv([]) == []
    assert payload_argv("HEAD~1 --grep ''") == ["HEAD~1", "--grep", ""]
    assert payload_argv(("a",)) == ["a"]
    with pytest.raises(ValueError, match="got type 'bool'"):
        payload_argv(True)
    with pytest.raises(ValueError, match="got type 'map"):
        payload_argv({"a": 1})
    with pytest.raises(ValueError, match=r"index 0 \(type 'float64'\)"):
        payload_argv([1.5])


def test_js_string() -> None:
    assert js_string(None) == "null"
    assert js_string(False) == "false"
    assert js_string(2.5) == "2.5"
    assert js_string(float("nan")) == "NaN"
    assert js_string(float("-inf")) == "-Infinity"
    assert js_string({"a": 1}) == "[object Object]"
    assert js_string([[1, 2], 3]) == "1,2,3"


# ---------------------------------------------------------------- real git
def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "a.txt").write_text("one\n")
    git(root, "add", "a.txt")
    git(root, "commit", "-q", "-m", "first")
    return root


@needs_git
def test_default_args_single_commit_is_empty_tree(repo: Path) -> None:
    assert gitdiff.default_diff_args(cwd=repo) == [gitdiff.EMPTY_TREE, "HEAD"]
    text = build_context([{"type": "lazy-diff", "payload": []}], {"cwd": str(repo)})
    assert text.startswith(f"### Diff: git diff {gitdiff.EMPTY_TREE} HEAD\n\n{F5}diff\n")
    assert "+one" in text


@needs_git
def test_default_args_two_commits_is_parent(repo: Path) -> None:
    (repo / "a.txt").write_text("one\ntwo\n")
    git(repo, "commit", "-q", "-am", "second")
    assert gitdiff.default_diff_args(cwd=repo) == ["HEAD~1"]
    text = build_context([{"type": "lazy-diff"}], {"cwd": repo})
    assert text.startswith("### Diff: git diff HEAD~1\n\n")
    assert "+two" in text


@needs_git
def test_default_args_uncommitted_changes_is_head(repo: Path, monkeypatch) -> None:
    (repo / "a.txt").write_text("one\nchanged\n")
    monkeypatch.chdir(repo)  # git runs in the process cwd by default
    assert gitdiff.default_diff_args() == ["HEAD"]
    text = build_context([{"type": "lazy-diff", "label": DEFAULT_DIFF_LABEL, "payload": []}])
    assert text.startswith("### Diff: git diff (default: HEAD)\n\n")
    assert "+changed" in text and text.endswith(f"\n{F5}\n\n---\n")


@needs_git
def test_explicit_args_and_bad_revision(repo: Path) -> None:
    (repo / "a.txt").write_text("one\nmore\n")
    ok = build_context([{"type": "lazy-diff", "payload": ["--stat"]}], {"cwd": repo})
    assert ok.startswith("### Diff: git diff --stat\n\n") and "a.txt" in ok
    bad = build_context([{"type": "lazy-diff", "payload": ["no-such-rev"]}], {"cwd": repo})
    assert bad.startswith("### Diff Error: git diff no-such-rev\n\nError executing git diff: ")
    assert bad.endswith("exit status 128\n\n---\n")
    assert "no-such-rev" in bad


@needs_git
def test_outside_repository_gives_clear_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "x.txt").write_text("x\n")
    text = build_context(
        [{"type": "note", "payload": "n"}, {"type": "lazy-diff", "payload": []}],
        {"cwd": plain, "toTxtar": lambda: "-- x.txt --\nx\n"},
    )
    assert text == (
        "### Note: note\n\nn\n\n---\n"
        "### Diff Error: git diff \n\n"
        f"Error executing git diff: not a git repository: {plain} (start osm inside a git "
        "work tree, or give explicit arguments such as --no-index <a> <b>)\n\n---\n"
        f"{F5}txtar\n-- x.txt --\nx\n\n{F5}"
    )


def test_git_missing_from_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    title, body, ok = resolve_lazy_diff("", ["HEAD"], cwd=tmp_path)
    assert (title, ok) == ("Diff Error: git diff HEAD", False)
    assert body == 'Error executing git diff: exec: "git": executable file not found in $PATH'


@needs_git
def test_git_timeout_becomes_error_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "git").write_text("#!/bin/sh\nsleep 5\n")
    (fake / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    started = time.monotonic()
    text = build_context(
        [{"type": "lazy-diff", "payload": ["HEAD"]}], {"cwd": tmp_path, "git_timeout": 0.2}
    )
    assert text == (
        "### Diff Error: git diff HEAD\n\n"
        "Error executing git diff: git diff HEAD: timed out after 0.2s\n\n---\n"
    )
    assert time.monotonic() - started < 4  # the whole process group was killed


# ---------------------------------------------------------------- §8 helpers
@pytest.mark.parametrize(
    ("argv", "label"),
    [
        ([], "git diff (default: HEAD)"),
        (None, "git diff (default: HEAD)"),
        (["HEAD~2", "--name-only"], "git diff HEAD~2 --name-only"),
        (["feature/my feature", "--stat"], 'git diff "feature/my feature" --stat'),
        (["HEAD~1", "--grep", "", "--author", "test"], 'git diff HEAD~1 --grep "" --author test'),
    ],
)
def test_diff_item_label(argv: list[str] | None, label: str) -> None:
    assert diff_item_label(argv) == label


def test_parse_editor_paths() -> None:
    text = "\n# one path per line\n  a.txt  \r\n\n#skip\nMy Folder/b.txt\n"
    assert parse_editor_paths(text) == ["a.txt", "My Folder/b.txt"]


def test_format_list_line() -> None:
    exists = {"here.txt"}.__contains__
    assert format_list_line({"id": 1, "type": "file", "label": "here.txt"}, exists) == (
        "[1] [file] here.txt"
    )
    assert format_list_line({"id": 2, "type": "file", "label": "gone.txt"}, exists) == (
        "[2] [file] gone.txt (missing)"
    )
    assert format_list_line({"id": 3, "type": "note", "label": "note"}, exists) == "[3] [note] note"
    assert format_list_line({"id": 4, "type": "lazy-diff", "label": None}, exists) == (
        "[4] [lazy-diff] "
    )


@pytest.fixture
def git_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a logging wrapper named `git` first on PATH; returns the log file."""
    real = shutil.which("git")
    assert real is not None
    bindir = tmp_path / "wrap"
    bindir.mkdir()
    log = tmp_path / "git.log"
    (bindir / "git").write_text(f'#!/bin/sh\necho "$*" >> {log}\nexec {real} "$@"\n')
    (bindir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ['PATH']}")
    return log


@needs_git
def test_default_head_diff_reuses_probe_output(repo: Path, git_log: Path) -> None:
    (repo / "a.txt").write_text("one\nchanged\n")
    expected = git(repo, "diff", "HEAD")
    git_log.unlink()
    text = build_context([{"type": "lazy-diff", "payload": []}], {"cwd": repo})
    assert text == f"### Diff: git diff HEAD\n\n{F5}diff\n{expected}\n{F5}\n\n---\n"
    assert git_log.read_text().splitlines() == ["diff --no-ext-diff --no-color HEAD"]


@needs_git
def test_default_parent_diff_runs_git_three_times(repo: Path, git_log: Path) -> None:
    (repo / "a.txt").write_text("one\ntwo\n")
    git(repo, "commit", "-q", "-am", "second")
    git_log.unlink(missing_ok=True)
    build_context([{"type": "lazy-diff"}], {"cwd": repo})
    assert git_log.read_text().splitlines() == [
        "diff --no-ext-diff --no-color HEAD",
        "rev-parse -q --verify HEAD~1",
        "diff HEAD~1",
    ]


def test_items_as_tuple_like_go_slices() -> None:
    items = ({"type": "note", "label": "n", "payload": "a"}, {"type": "diff", "payload": "d"})
    assert build_context(items) == (
        "### Note: n\n\na\n\n---\n### Diff: git diff\n\n`````diff\nd\n`````\n\n---\n"
    )
