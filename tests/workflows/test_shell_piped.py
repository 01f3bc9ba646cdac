"""`osm <workflow>` driven through piped standard input, as a script or a person would.

Each test runs the real CLI in a child process with a private HOME, in a temporary git
repository with an uncommitted change, and checks what the user sees and what the
session keeps between runs.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.copysummary_support import expected_summary, write_tokenizer
from tests.workflows.piped import HAVE_GIT, osm

pytestmark = pytest.mark.skipif(not HAVE_GIT, reason="git is required")


def test_code_review_session_is_saved_and_restored(repo: Path, osm_env, tmp_path: Path) -> None:
    clip = tmp_path / "clip.txt"
    first = osm(
        ["code-review"],
        "add file.txt\ndiff\nnote hello\nshow\ncopy\nexit\n",
        repo,
        osm_env,
        OSM_SESSION="piped-review",
        OSM_CLIPBOARD=f"cat > '{clip}'",
    )
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert out.startswith(
        "Switched to mode: code-review\nType 'help' for commands. Tip: Try 'note --goals'.\n"
    )
    assert "Added file: file.txt\n" in out
    assert "Added diff: git diff (default: HEAD)" in out
    assert "Added note [3]\n" in out
    assert "## IMPLEMENTATIONS/CONTEXT" in out
    assert "+changed line" in out
    assert "### Note: note\n\nhello\n" in out
    copied = clip.read_text()
    assert expected_summary(copied, "clipboard via $OSM_CLIPBOARD") + "\n" in out
    assert "No clipboard available" not in out and "[clipboard]" not in out
    assert out.endswith("Goodbye!\nSaving session...\nSession saved successfully.\n")
    assert copied.startswith("Ensure, or rather GUARANTEE the correctness of my PR.")
    assert "+changed line" in copied and "-- file.txt --" in copied and "hello" in copied
    assert first.stderr == ""

    # The same session again, this time named by the flag: the context is back.
    second = osm(["code-review", "-session", "piped-review"], "list\nexit\n", repo, osm_env)
    assert second.returncode == 0, second.stderr
    assert "Session restored: 3 items (1 files). 'reset' to clear.\n" in second.stdout
    assert "[1] [file] file.txt\n" in second.stdout
    assert "[2] [lazy-diff] git diff (default: HEAD)\n" in second.stdout
    assert "[3] [note] note\n" in second.stdout


def test_end_of_input_exits_with_the_save_sequence(repo: Path, osm_env) -> None:
    done = osm(["code-review", "-store", "memory"], "note no exit line", repo, osm_env)
    assert done.returncode == 0, done.stderr
    assert "Added note [1]\n" in done.stdout
    assert "Goodbye!" not in done.stdout
    assert done.stdout.endswith("Saving session...\nSession saved successfully.\n")


def last_lines_after(out: str, marker: str) -> list[str]:
    return out[out.index(marker) + len(marker) :].splitlines()


def test_errors_are_one_line_and_the_shell_keeps_going(repo: Path, osm_env) -> None:
    script = "\n".join(
        [
            "frobnicate the thing",  # no command, fails as JavaScript -> not found
            "frobnicate(",  # JavaScript that does not parse -> one error line
            "mode",  # bad arguments to a built-in
            "reset now",  # bad arguments to a built-in
            "add no-such-file.txt",  # missing file
            "remove abc",  # bad argument to a workflow command
            "note --goals",
            "list",
            "exit",
        ]
    )
    done = osm(["code-review", "-store", "memory"], script + "\n", repo, osm_env)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("Type 'help' for commands. Tip: Try 'note --goals'.") + 1
    assert lines[start : start + 2] == [
        "Command not found: frobnicate",
        "Type 'help' for available commands; other lines run as JavaScript",
    ]
    start += 2
    assert lines[start].startswith("Error: SyntaxError")
    assert lines[start + 1] == "Error: usage: mode <mode-name>"
    assert lines[start + 2] == "Error: usage: reset (takes no arguments)"
    assert "no-such-file.txt" in lines[start + 3] and "no such file" in lines[start + 3]
    assert lines[start + 4] == "Invalid id: abc"  # the workflow's `remove`, not re-run as JS
    assert lines[start + 5] == "Pre-written review focus areas:"
    assert lines[-3:] == ["Goodbye!", "Saving session...", "Session saved successfully."]


def test_javascript_lines_run_in_the_mode(repo: Path, osm_env) -> None:
    done = osm(
        ["code-review", "-store", "memory"],
        "output.print('js says ' + (6 * 7))\nundefinedFn()\nlist\nexit\n",
        repo,
        osm_env,
    )
    assert "js says 42\n" in done.stdout
    assert "Error: ReferenceError: undefinedFn is not defined" in done.stdout
    assert "No context items." in done.stdout or "Goodbye!" in done.stdout


def test_outside_a_git_repository_the_diff_error_is_shown_and_the_shell_continues(
    tmp_path: Path, osm_env
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "a.txt").write_text("alpha\n")
    env = {**osm_env, "GIT_CEILING_DIRECTORIES": str(tmp_path)}
    done = osm(
        ["code-review", "-store", "memory"], "add a.txt\ndiff\nshow\nlist\nexit\n", plain, env
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "### Diff Error: git diff (default: HEAD)" in out
    error_lines = [line for line in out.splitlines() if line.startswith("Error executing git diff")]
    assert len(error_lines) == 1 and "not a git repository" in error_lines[0]
    assert "-- a.txt --\nalpha\n" in out  # the rest of the prompt is still there
    assert "[1] [file] a.txt\n" in out


def test_without_a_clipboard_the_prompt_is_printed(repo: Path, osm_env, tmp_path: Path) -> None:
    env = {**osm_env, "PATH": str(tmp_path / "empty-bin") + os.pathsep + "/nonexistent"}
    env["OSM_CLIPBOARD"] = "exit 3"
    done = osm(["code-review", "-store", "memory"], "note keep me\ncopy\nlist\nexit\n", repo, env)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    notice = [line for line in out.splitlines() if "clipboard" in line.lower()]
    # The user's command failed: say how (status), not that there is no clipboard.
    assert notice[0].startswith(
        "[clipboard] The clipboard command failed: $OSM_CLIPBOARD (exit 3): exit status 3"
    )
    after = out[out.index(notice[0]) :]
    assert "Ensure, or rather GUARANTEE" in after and "keep me" in after
    assert "[1] [note] note\n" in out  # the shell went on
    assert "Copied " not in out and "Not copied " in out


def test_no_clipboard_at_all_prints_and_saves_the_prompt(
    repo: Path, osm_env, tmp_path: Path
) -> None:
    """No tool on PATH, no display, stdout a pipe (no OSC 52): the prompt is not lost."""
    saves = tmp_path / "saves"
    saves.mkdir()
    env = {**osm_env, "PATH": str(tmp_path / "empty-bin"), "TMPDIR": str(saves)}
    env.pop("OSM_CLIPBOARD", None)
    done = osm(["code-review", "-store", "memory"], "note keep me\ncopy\nlist\nexit\n", repo, env)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Copied " not in out
    header = "[clipboard] No system clipboard available; printing content below\n"
    printed = out[out.index(header) + len(header) :]
    (saved,) = saves.glob("osm-prompt-*.md")
    prompt = saved.read_text()
    where = f"printed above and saved to {saved}"
    assert expected_summary(prompt, where, verb="Not copied") + "\n" in out
    assert "Ensure, or rather GUARANTEE" in prompt and "keep me" in prompt
    assert printed.startswith(prompt)
    assert "[1] [note] note\n" in out  # the shell went on


def test_goal_commit_message_renders_its_prompt_on_show(repo: Path, osm_env) -> None:
    done = osm(
        ["goal", "-session", "piped-goal", "commit-message"],
        "diff\nshow\nexit\n",
        repo,
        osm_env,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Switched to mode: commit-message\n")
    assert "GENERATE KUBERNETES-STYLE COMMIT MESSAGES" in out
    assert "+changed line" in out
    assert out.endswith("Saving session...\nSession saved successfully.\n")


def test_context_is_shared_between_workflows_in_one_session(repo: Path, osm_env) -> None:
    first = osm(["code-review"], "add README.md\nexit\n", repo, osm_env, OSM_SESSION="shared-s")
    assert first.returncode == 0, first.stderr
    flow = osm(
        ["prompt-flow"],
        "goal write docs\ngenerate\nshow meta\nuse do the task\nshow\nexit\n",
        repo,
        osm_env,
        OSM_SESSION="shared-s",
    )
    assert flow.returncode == 0, flow.stderr
    out = flow.stdout
    assert "Session restored: 1 items (1 files). 'reset' to clear.\n" in out
    assert "Goal set.\n" in out
    assert "!! **GOAL:** !!" in out and "-- README.md --" in out
    assert "Task prompt set. Use 'show' or 'copy' to get the final prompt.\n" in out
    final = out[out.index("Task prompt set.") :]
    assert "do the task\n\n---\n## IMPLEMENTATIONS/CONTEXT\n---\n" in final


def test_super_document_shell(repo: Path, osm_env) -> None:
    done = osm(
        ["super-document", "-shell", "-store", "memory"],
        "doc-add first draft\ndoc-add --file README.md\nlist\nshow\ndoc-view 9\nexit\n",
        repo,
        osm_env,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Added document #1\n" in out
    assert "Added document #2 from README.md\n" in out
    assert "  #1 [Document 1]: first draft\n" in out
    assert "## DOCUMENTS" in out and "Document 2:" in out
    assert "Document not found\n" in out


@pytest.mark.parametrize(
    ("command", "tip"),
    [
        ("code-review", "Type 'help' for commands. Tip: Try 'note --goals'."),
        ("prompt-flow", "Type 'help' for commands. Tip: Try 'goal --prewritten'."),
        ("super-document", "Super Document Mode. Type 'help' for commands."),
    ],
)
@pytest.mark.parametrize("flag", ["-i=false", "-interactive=false", "-test"])
def test_non_interactive_runs_print_the_mode_and_exit(
    command: str, tip: str, flag: str, repo: Path, osm_env
) -> None:
    done = osm([command, flag, "-store", "memory"], "exit\n", repo, osm_env)
    assert done.returncode == 0, done.stderr
    assert f"Switched to mode: {command}\n{tip}" in done.stdout
    assert "Saving session..." not in done.stdout  # no shell ran


def test_workflow_help_lists_the_flags(repo: Path, osm_env) -> None:
    done = osm(["code-review", "-h"], "", repo, osm_env)
    assert done.returncode == 0
    assert "Usage: code-review [options]" in done.stdout
    for flag in ("-interactive", "-i", "-test", "-session", "-store"):
        assert f"  {flag}" in done.stdout
    done = osm(["super-document", "-h"], "", repo, osm_env)
    assert "  -shell" in done.stdout


def test_help_in_a_workflow_shell(repo: Path, osm_env) -> None:
    done = osm(["prompt-flow", "-store", "memory"], "help\nexit\n", repo, osm_env)
    out = done.stdout
    assert "Available commands:\n" in out and "Registered commands:\n" in out
    assert "Current mode: prompt-flow\nNote: You can execute JavaScript code directly!\n" in out
    # prompt-flow's own `help` runs after the general help
    assert out.index("Note: You can execute JavaScript") < out.index("Commands: goal, add, diff")


def test_a_missing_editor_is_a_clear_error(repo: Path, osm_env) -> None:
    env = {**osm_env, "EDITOR": str(repo / "no-such-editor")}
    done = osm(["code-review", "-store", "memory"], "note\nlist\nexit\n", repo, env)
    assert done.returncode == 0
    lines = [line for line in done.stdout.splitlines() if "editor" in line.lower()]
    assert len(lines) == 1 and "no-such-editor" in lines[0]
    assert lines[0] == (
        f"Error: cannot start editor '{repo / 'no-such-editor'}': No such file or directory "
        "(set $VISUAL or $EDITOR)"
    )
    assert "[1] [note]" not in done.stdout  # nothing was added from an editor that never ran
    assert done.stdout.endswith("Goodbye!\nSaving session...\nSession saved successfully.\n")


def test_without_an_editor_piped_input_is_never_handed_to_one(repo: Path, osm_env) -> None:
    done = osm(["code-review", "-store", "memory"], "note\nnote typed\nlist\nexit\n", repo, osm_env)
    assert done.returncode == 0, done.stderr
    assert "Error: cannot open an editor: standard input is not a terminal\n" in done.stdout
    # the following lines still reached the shell
    assert "Added note [1]\n" in done.stdout and "[1] [note] note\n" in done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script editor")
def test_a_chosen_editor_works_with_piped_input(repo: Path, osm_env, tmp_path: Path) -> None:
    editor = tmp_path / "fake-editor"
    editor.write_text('#!/bin/sh\nprintf "from the editor" > "$2"\n')
    editor.chmod(0o755)
    env = {**osm_env, "EDITOR": f"{editor} --wait"}  # split like a shell would
    done = osm(["code-review", "-store", "memory"], "note\nshow\nexit\n", repo, env)
    assert done.returncode == 0, done.stderr
    assert "Added note [1]\n" in done.stdout
    assert "from the editor" in done.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="shell-script editor")
def test_a_failing_editor_keeps_what_was_typed(repo: Path, osm_env, tmp_path: Path) -> None:
    editor = tmp_path / "crashing-editor"
    editor.write_text('#!/bin/sh\nprintf "half a note" > "$1"\nexit 2\n')
    editor.chmod(0o755)
    env = {**osm_env, "EDITOR": str(editor), "TMPDIR": str(tmp_path)}
    done = osm(["code-review", "-store", "memory"], "note\nlist\nexit\n", repo, env)
    assert done.returncode == 0, done.stderr
    prefix = f"Error: editor '{editor}' exited with status 2; your text is kept in "
    line = next(line for line in done.stdout.splitlines() if line.startswith("Error:"))
    assert line.startswith(prefix)
    assert Path(line[len(prefix) :]).read_text() == "half a note"
    assert "[1] [note]" not in done.stdout


@pytest.mark.parametrize(
    ("command", "lines", "label"),
    [
        ("prompt-flow", "goal write docs\ngenerate\ncopy meta\n", "Meta prompt"),
        ("super-document", "doc-add first draft\ncopy\n", ""),
    ],
)
def test_other_workflows_say_where_the_prompt_went_without_a_clipboard(
    command: str, lines: str, label: str, repo: Path, osm_env, tmp_path: Path
) -> None:
    saves = tmp_path / "saves"
    saves.mkdir()
    env = {**osm_env, "PATH": str(tmp_path / "empty-bin"), "TMPDIR": str(saves)}
    env.pop("OSM_CLIPBOARD", None)
    extra = ["-shell"] if command == "super-document" else []
    done = osm([command, *extra, "-store", "memory"], lines + "exit\n", repo, env)
    assert done.returncode == 0, done.stderr
    (saved,) = saves.glob("osm-prompt-*.md")
    where = f"printed above and saved to {saved}"
    verb = f"{label} not copied" if label else "Not copied"
    assert expected_summary(saved.read_text(), where, verb) + "\n" in done.stdout
    assert saved.read_text().strip() in done.stdout

    clip = tmp_path / "clip.txt"
    done = osm([command, *extra, "-store", "memory"], lines + "exit\n", repo, osm_env,
               OSM_CLIPBOARD=f"cat > '{clip}'")  # fmt: skip
    verb = f"{label} copied" if label else "Copied"
    summary = expected_summary(clip.read_text(), "clipboard via $OSM_CLIPBOARD", verb)
    assert summary + "\n" in done.stdout and "not copied" not in done.stdout.lower()
    assert clip.read_text() == saved.read_text()


@pytest.mark.parametrize("counted_by", ["estimate", "tokenizer"])
@pytest.mark.parametrize(
    ("args", "lines", "verb"),
    [
        (["code-review"], "note the summary\ncopy\n", "Copied"),
        (["goal", "commit-message"], "note the summary\ncopy\n", "Copied"),
        (["prompt-flow"], "goal write docs\ngenerate\ncopy meta\n", "Meta prompt copied"),
        (["super-document", "-shell"], "doc-add first draft\ncopy\n", "Copied"),
    ],
    ids=["code-review", "goal", "prompt-flow", "super-document"],
)
def test_every_workflow_prints_the_copy_summary(
    args: list[str], lines: str, verb: str, counted_by: str, repo: Path, osm_env, tmp_path: Path
) -> None:
    """One line per copy: tokens (tokenizer file or estimate, named), lines, size, destination."""
    clip = tmp_path / "clip.txt"
    env = {**osm_env, "OSM_CLIPBOARD": f"cat > '{clip}'"}
    tokenizer = None
    if counted_by == "tokenizer":
        pytest.importorskip("tokenizers")
        tokenizer = write_tokenizer(tmp_path / "tok.json")
        env["OSM_TOKENIZER"] = str(tokenizer)
    done = osm([*args, "-store", "memory"], lines + "exit\n", repo, env)
    assert done.returncode == 0, done.stderr
    summary = expected_summary(clip.read_text(), "clipboard via $OSM_CLIPBOARD", verb, tokenizer)
    assert [line for line in done.stdout.splitlines() if "\u2502" in line] == [summary]


def test_a_broken_tokenizer_setting_still_copies_and_says_why(
    repo: Path, osm_env, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.txt"
    missing = tmp_path / "missing.json"
    done = osm(["code-review", "-store", "memory"], "note x\ncopy\nexit\n", repo, osm_env,
               OSM_CLIPBOARD=f"cat > '{clip}'", OSM_TOKENIZER=str(missing))  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = expected_summary(clip.read_text(), "clipboard via $OSM_CLIPBOARD")
    warning = f"Warning: tokenizer {missing}: no such file or directory; tokens are estimated"
    assert f"{summary}\n{warning}\n" in done.stdout
