"""`osm code-review` in a pseudo-terminal: the prompt_toolkit shell as a person uses it.

Keys are sent one step at a time and each step waits for what the user would see
(the completion menu, the command's output), so the tests do not depend on timing.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")
pytest.importorskip("prompt_toolkit")

from tests.copysummary_support import expected_summary  # noqa: E402

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]

PROMPT = "(code-review) > "
UP = "\x1b[A"


@pytest.fixture
def env(shell_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    e = dict(shell_env)
    e.update(
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",
        OSM_CLIPBOARD=f"cat > '{tmp_path / 'clip.txt'}'",
        OSM_SESSION="pty-session",
    )
    return e


def spawn(repo: Path, env: dict[str, str], *args: str):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "one_shot_man", "code-review", *args],
        env=env,
        cwd=str(repo),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    child.expect_exact(PROMPT)
    return child


def finish(child) -> None:
    child.expect_exact("Session saved successfully.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_code_review_in_a_terminal(repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    child = spawn(repo, env)
    # command-name completion: "ad" + TAB -> "add"
    child.send("ad")
    child.expect_exact("Add file content to context")  # the completion menu
    child.send("\t")
    # file-path completion: " fi" + TAB -> "file.txt"
    child.send(" fi")
    child.expect_exact("file.txt")
    child.send("\t")
    child.send("\r")
    child.expect_exact("Added file: file.txt")
    child.expect_exact(PROMPT)
    child.sendline("diff")
    child.expect_exact("Added diff: git diff (default: HEAD)")
    child.sendline("note hello from the terminal")
    child.expect_exact("Added note [3]")
    child.sendline("show")
    child.expect_exact("## IMPLEMENTATIONS/CONTEXT")
    child.expect_exact("+changed line")
    child.expect_exact("hello from the terminal")
    child.sendline("copy")
    child.expect("Copied \u2502 [^\r\n]* \u2502 clipboard via \\$OSM_CLIPBOARD\r\n")
    summary = child.after
    child.sendline("lis")
    child.expect_exact("Command not found: lis (did you mean 'list'?)")
    child.sendline("frobnicate(")
    child.expect("Error: SyntaxError[^\r\n]*\r\n")
    child.expect_exact(PROMPT)
    child.sendline("exit")
    child.expect_exact("Goodbye!")
    child.expect_exact("Saving session...")
    finish(child)
    copied = (tmp_path / "clip.txt").read_text()
    assert summary == expected_summary(copied, "clipboard via $OSM_CLIPBOARD") + "\r\n"
    assert "+changed line" in copied and "hello from the terminal" in copied

    # Start again in the same session: the context is restored.
    child = pexpect.spawn(
        sys.executable,
        ["-m", "one_shot_man", "code-review"],
        env=env,
        cwd=str(repo),
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 160),
    )
    child.expect_exact("Session restored: 3 items (1 files). 'reset' to clear.")
    child.expect_exact(PROMPT)
    child.sendline("list")
    child.expect_exact("[1] [file] file.txt")
    child.expect_exact("[3] [note] note")
    child.sendline("quit")
    finish(child)


def test_history_from_a_previous_session_is_on_the_up_arrow(
    repo: Path, env: dict[str, str]
) -> None:
    first = subprocess.run(
        [sys.executable, "-m", "one_shot_man", "code-review"],
        input="note remembered line\nexit\n",
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    child = spawn(repo, env)
    child.send(UP)
    child.expect_exact("note remembered line")
    child.send("\r")
    child.expect_exact("Added note [2]")
    child.sendline("exit")
    finish(child)


def test_ctrl_c_clears_the_line_and_ctrl_d_exits_with_save(repo: Path, env: dict[str, str]) -> None:
    child = spawn(repo, env, "-store", "memory")
    child.send("note never sent")
    child.send("\x03")
    child.expect_exact(PROMPT)
    child.sendline("note after")
    child.expect_exact("Added note [1]")  # the interrupted line was not executed
    child.expect_exact(PROMPT)
    child.send("\x04")
    child.expect_exact("Saving session...")
    finish(child)


def test_sigterm_shuts_down_gracefully(repo: Path, env: dict[str, str]) -> None:
    child = spawn(repo, env, "-store", "memory")
    child.kill(signal.SIGTERM)
    child.expect_exact("Received signal terminated, shutting down...")
    child.expect_exact("Saving session...")
    finish(child)


def test_timer_output_appears_while_the_prompt_waits(repo: Path, env: dict[str, str]) -> None:
    child = spawn(repo, env, "-store", "memory")
    child.sendline("setTimeout(function () { output.print('tick ' + (40 + 2)); }, 200)")
    child.expect_exact("tick 42")
    child.expect_exact(PROMPT)
    child.sendline("exit")
    finish(child)


def test_editor_on_a_terminal_and_a_clear_error_without_one(
    repo: Path, env: dict[str, str], tmp_path: Path
) -> None:
    # A chosen editor gets the terminal: this one checks its stdin is the tty.
    editor = tmp_path / "tty-editor"
    editor.write_text('#!/bin/sh\nif [ -t 0 ]; then printf "typed on a tty" > "$1"; fi\n')
    editor.chmod(0o755)
    child = spawn(repo, {**env, "EDITOR": str(editor)}, "-store", "memory")
    child.sendline("note")
    child.expect_exact("Added note [1]")
    child.expect_exact(PROMPT)
    child.sendline("show")
    child.expect_exact("typed on a tty")
    child.expect_exact(PROMPT)
    child.sendline("exit")
    finish(child)

    # No $VISUAL/$EDITOR and no nano, vi or ed on PATH: one line saying what to set.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    git_path = shutil.which("git")
    assert git_path is not None
    (bin_dir / "git").symlink_to(git_path)
    child = spawn(repo, {**env, "PATH": str(bin_dir)}, "-store", "memory")
    child.sendline("note")
    child.expect_exact("Error: no editor available: set $VISUAL or $EDITOR")
    child.expect_exact(PROMPT)
    child.sendline("list")
    child.sendline("exit")
    child.expect_exact("Goodbye!")
    assert "[1] [note]" not in child.before  # nothing was added
    finish(child)
