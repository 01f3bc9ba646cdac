"""Defects a new user met (issue 15): each test drives the real `osm` in a child process.

A save that did not happen, a prompt that drops a file, flags that were ignored, notes
that were rewritten, broken pipes that looked like crashes, and the smaller ones: every
case here failed before its fix.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.workflows.piped import HAVE_GIT, osm

pytestmark = pytest.mark.skipif(not HAVE_GIT, reason="git is required")


def session_ids(sessions_dir: Path) -> set[str]:
    return {p.name.removesuffix(".session.json") for p in sessions_dir.glob("*.session.json")}


# -- 1. a failed save is never reported as saved --------------------------------------------


def test_a_locked_session_is_not_reported_saved_and_the_context_is_kept(
    repo: Path, osm_env, sessions_dir: Path
) -> None:
    from one_shot_man.session import get_session_id
    from one_shot_man.storage import get_backend

    real_id = get_session_id("two-terms")[0]
    holder = get_backend("fs", real_id)  # the first terminal holds the lock
    try:
        second = osm(
            ["code-review"], "note from second\nexit\n", repo, osm_env, OSM_SESSION="two-terms"
        )
    finally:
        holder.close()
    assert second.returncode == 0, second.stderr
    both = second.stdout + second.stderr
    assert "Session saved successfully." not in both
    assert "Session NOT saved" in second.stdout
    rescued = session_ids(sessions_dir) - {real_id}
    assert len(rescued) == 1, (sorted(session_ids(sessions_dir)), second.stdout)
    assert rescued.pop().startswith("ex--unsaved-")
    hint = second.stdout.split("Continue it with: osm code-review --session ", 1)[1]
    rescue_id = hint.split()[0]
    # The note is in the rescue session, and the locked one was not touched.
    again = osm(["code-review", "--session", rescue_id], "list\nshow\nexit\n", repo, osm_env)
    assert "[1] [note] note\n" in again.stdout, again.stdout + again.stderr
    assert "from second" in again.stdout
    original = osm(["code-review", "--session", "two-terms"], "list\nexit\n", repo, osm_env)
    assert "[note]" not in original.stdout


@pytest.mark.parametrize("where", ["flag", "env"])
def test_an_unknown_store_is_a_usage_error(repo: Path, osm_env, where: str) -> None:
    if where == "flag":
        r = osm(["code-review", "--store", "bogus"], "note x\nexit\n", repo, osm_env)
    else:
        r = osm(["code-review"], "note x\nexit\n", repo, osm_env, OSM_STORE="bogus")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    assert '"bogus"' in lines[0] and "fs" in lines[0] and "memory" in lines[0]


# -- 2. what `list` shows is what the prompt contains ---------------------------------------


def test_adding_a_file_twice_is_refused_and_remove_keeps_the_prompt_honest(
    repo: Path, osm_env
) -> None:
    r = osm(
        ["code-review", "--store", "memory"],
        "add file.txt\nadd ./file.txt\nlist\nremove 1\nlist\nshow\nexit\n",
        repo,
        osm_env,
    )
    out = r.stdout
    assert out.count("Added file: file.txt") == 1, out
    assert "Already in context: [1] file.txt" in out
    assert "[2] [file]" not in out
    assert "Removed [1]" in out
    assert "-- file.txt --" not in out


# -- 3. flags after a goal name, unexpected arguments ----------------------------------------


def test_flags_after_a_goal_name_are_honoured(repo: Path, osm_env, sessions_dir: Path) -> None:
    r = osm(["goal", "doc-generator", "--session", "zz"], "exit\n", repo, osm_env)
    assert r.returncode == 0, r.stderr
    ids = session_ids(sessions_dir)
    assert len(ids) == 1 and next(iter(ids)).startswith("ex--zz_"), sorted(ids)


def test_store_after_a_goal_name_is_honoured(repo: Path, osm_env, sessions_dir: Path) -> None:
    r = osm(["goal", "doc-generator", "--store", "memory"], "exit\n", repo, osm_env)
    assert r.returncode == 0, r.stderr
    assert session_ids(sessions_dir) == set()


@pytest.mark.parametrize(
    "args",
    [["goal", "doc-generator", "extra"], ["code-review", "stray"], ["prompt-flow", "a", "b"]],
)
def test_unexpected_positional_arguments_are_errors(repo: Path, osm_env, args) -> None:
    r = osm(args, "exit\n", repo, osm_env, OSM_STORE="memory")
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "unexpected argument" in r.stderr
    assert args[-1] in r.stderr
    assert "Switched to mode" not in r.stdout


def test_workflow_flags_after_a_double_dash_are_arguments(repo: Path, osm_env) -> None:
    r = osm(["code-review", "--", "--store"], "exit\n", repo, osm_env, OSM_STORE="memory")
    assert r.returncode == 2 and "--store" in r.stderr


# -- 4. free text is kept verbatim -----------------------------------------------------------


def test_notes_keep_quotes_backslashes_and_spacing(repo: Path, osm_env) -> None:
    r = osm(
        ["code-review", "--store", "memory"],
        'note it\'s "quoted" text\nnote back\\slash  and  two  spaces\nshow\nexit\n',
        repo,
        osm_env,
    )
    assert '\nit\'s "quoted" text\n' in r.stdout, r.stdout
    assert "\nback\\slash  and  two  spaces\n" in r.stdout


def test_prompt_flow_goal_text_is_verbatim(repo: Path, osm_env) -> None:
    r = osm(
        ["prompt-flow", "--store", "memory"],
        'goal make "it" work, don\'t\\ break\ngenerate\nshow meta\nexit\n',
        repo,
        osm_env,
    )
    assert 'make "it" work, don\'t\\ break' in r.stdout, r.stdout


@pytest.mark.parametrize(
    ("goal", "command"),
    [("implementation-plan", "goal"), ("morale-improver", "set-original")],
)
def test_goal_free_text_is_verbatim(repo: Path, osm_env, goal: str, command: str) -> None:
    r = osm(
        ["goal", goal, "--store", "memory"],
        f'{command} keep "this" as\\is\nshow\nexit\n',
        repo,
        osm_env,
    )
    assert 'keep "this" as\\is' in r.stdout, r.stdout + r.stderr


# -- 5. a broken pipe ends osm quietly --------------------------------------------------------


def _piped(
    cmd: str, reader: str, cwd: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    script = f"set -o pipefail; {cmd} | {reader}"
    return subprocess.run(
        ["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


# `true` closes the pipe before osm's first line (the mode's greeting); `head -1` after it.
@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_shell_output_into_a_closed_pipe_is_quiet(repo: Path, osm_env, reader: str) -> None:
    big = "\n".join(f"note line {i} " + "x" * 200 for i in range(400))
    (repo / "in.txt").write_text(big + "\nshow\nshow\nexit\n")
    osm_cmd = f"{sys.executable} -m one_shot_man code-review --store memory < in.txt"
    r = _piped(osm_cmd, reader, repo, osm_env)
    assert r.stderr == "", r.stderr
    assert r.returncode in (0, 141), r.returncode


@pytest.mark.parametrize("reader", ["head -1", "true"])
def test_script_output_into_a_closed_pipe_is_quiet(repo: Path, osm_env, reader: str) -> None:
    osm_cmd = (
        f"{sys.executable} -m one_shot_man script --store memory -e "
        "'for (let i = 0; i < 100000; i++) output.print(\"line \" + i)'"
    )
    r = _piped(osm_cmd, reader, repo, osm_env)
    assert r.stderr == "", r.stderr
    assert r.returncode in (0, 141), r.returncode


def test_broken_pipe_exit_status_is_documented() -> None:
    from one_shot_man.cli import EXIT_BROKEN_PIPE

    compat = (Path(__file__).parents[2] / "docs" / "compat.md").read_text()
    assert EXIT_BROKEN_PIPE == 141
    assert "141" in compat and "Broken pipe" in compat


# -- 7. help that points nowhere --------------------------------------------------------------


def test_state_does_not_point_at_a_missing_history_command(repo: Path, osm_env) -> None:
    r = osm(["code-review", "--store", "memory"], "note a\nstate\nexit\n", repo, osm_env)
    assert "use history" not in r.stdout
    assert "Mode: code-review\n" in r.stdout
    assert "Session: " in r.stdout and "1 context item" in r.stdout


@pytest.mark.parametrize("workflow", ["super-document", "prompt-flow"])
def test_no_visual_tui_is_advertised(repo: Path, osm_env, workflow: str) -> None:
    r = osm([workflow, "--store", "memory"], "help\nexit\n", repo, osm_env)
    assert r.returncode == 0, r.stderr
    text = r.stdout.lower()
    assert "tui" not in text and "visual" not in text, r.stdout
    assert " view " not in r.stdout and "view," not in r.stdout
    h = osm(["help", workflow], "", repo, osm_env)
    assert "tui" not in h.stdout.lower() and "visual" not in h.stdout.lower(), h.stdout


@pytest.mark.parametrize("goal", ["doc-generator", "morale-improver", "implementation-plan"])
def test_goal_help_lists_no_empty_help_entry(repo: Path, osm_env, goal: str) -> None:
    r = osm(["goal", goal, "--store", "memory"], "help\nexit\n", repo, osm_env)
    registered = r.stdout.split("Registered commands:", 1)[1]
    for line in registered.splitlines():
        assert not line.rstrip().endswith(" -"), line


def test_morale_improver_banner_says_not_set(repo: Path, osm_env) -> None:
    r = osm(["goal", "morale-improver", "--store", "memory"], "exit\n", repo, osm_env)
    assert "<no value>" not in r.stdout
    assert "originalInstructions=(not set)" in r.stdout


def test_a_goal_without_category_is_listed_under_a_heading(repo: Path, osm_env) -> None:
    goals = repo / "osm-goals"
    goals.mkdir()
    (goals / "plain.json").write_text(
        '{"name": "plain", "description": "A goal with no category", '
        '"promptInstructions": "Do it."}'
    )
    r = osm(["goal", "-l"], "", repo, osm_env)
    assert r.returncode == 0, r.stderr
    assert "\n:\n" not in r.stdout
    assert "Uncategorized:\n  plain" in r.stdout, r.stdout
