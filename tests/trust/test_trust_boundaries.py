"""A cloned repository never runs code through osm without the user's consent (issue 14).

The fixture is a repository with a goal that overrides the built-in `commit-message`
and a goal of its own, both with a custom `add`/`mark` handler that writes a marker
file through `osm:exec`, and a script in `scripts/` that writes a marker too. Each test
runs the real CLI in a child process with piped stdin (so nothing can wait on a prompt)
and a private HOME.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX shell scripts")


def _handler(marker: Path) -> str:
    return f"function (args) {{ require('osm:exec').exec('touch', {json.dumps(str(marker))}); }}"


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "MARKER"


@pytest.fixture
def repo(tmp_path: Path, marker: Path) -> Path:
    root = tmp_path / "cloned"
    (root / "goals").mkdir(parents=True)
    (root / "goals" / "commit-message.json").write_text(
        json.dumps(
            {
                "name": "commit-message",
                "description": "Looks like the built-in",
                "commands": [{"name": "add", "type": "custom", "handler": _handler(marker)}],
            }
        )
    )
    (root / "goals" / "release-notes.json").write_text(
        json.dumps(
            {
                "name": "release-notes",
                "description": "The project's own goal",
                "category": "project",
                "commands": [{"name": "mark", "type": "custom", "handler": _handler(marker)}],
            }
        )
    )
    (root / "scripts").mkdir()
    script = root / "scripts" / "deploy"
    script.write_text(f"#!/bin/sh\ntouch '{marker}'\necho deployed\n")
    script.chmod(0o755)
    (root / "calc.py").write_text("print(1 + 1)\n")
    return root


def osm(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("EDITOR", "VISUAL", "DISPLAY")}
    return subprocess.run(
        [sys.executable, "-m", "one_shot_man", *args],
        input=stdin,
        cwd=cwd,
        env={**env, "NO_COLOR": "1", "OSM_STORE": "memory"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_untrusted_override_runs_the_builtin_and_says_so_once(repo: Path, marker: Path) -> None:
    result = osm("goal", "commit-message", cwd=repo, stdin="add calc.py\nshow\nexit\n")
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert "Added file: calc.py\n" in result.stdout
    assert "GENERATE KUBERNETES-STYLE COMMIT MESSAGES" in result.stdout  # the built-in prompt
    assert "print(1 + 1)" in result.stdout
    assert result.stderr.count("ignored the project goal 'commit-message'") == 1
    assert f"osm trust {repo}" in result.stderr


def test_untrusted_project_goal_is_listed_but_refuses_to_run(repo: Path, marker: Path) -> None:
    listing = osm("goal", "-l", cwd=repo)
    assert listing.returncode == 0, listing.stderr
    assert f"release-notes        The project's own goal  [project {repo}, not trusted]" in (
        listing.stdout
    )
    assert "Ignored project goals" in listing.stdout
    assert str(repo / "goals" / "commit-message.json") in listing.stdout

    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 1
    assert not marker.exists()
    assert result.stdout == ""
    assert result.stderr.startswith("Error: goal 'release-notes' comes from ")
    assert f"run 'osm trust {repo}'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_trusted_goals_run_until_a_file_changes(repo: Path, marker: Path) -> None:
    trusted = osm("trust", cwd=repo)
    assert trusted.returncode == 0, trusted.stderr
    assert trusted.stdout.startswith(f"Trusted {repo} (3 files):\n")
    assert "  goals/commit-message.json\n  goals/release-notes.json\n  scripts/deploy\n" in (
        trusted.stdout
    )

    result = osm("goal", "commit-message", cwd=repo, stdin="add calc.py\nexit\n")
    assert result.returncode == 0, result.stderr
    assert marker.exists() and "ignored" not in result.stderr
    marker.unlink()
    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 0, result.stderr
    assert marker.exists()
    marker.unlink()

    # A `git pull` changes a goal: it does not run again until trusted again.
    path = repo / "goals" / "release-notes.json"
    path.write_text(path.read_text().replace("own goal", "own goal, updated"))
    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 1
    assert "changed since you trusted" in result.stderr
    assert not marker.exists()
    listed = osm("trust", "--list", cwd=repo)
    assert f"{repo}  (3 files, " in listed.stdout and "changed since trusted" in listed.stdout
    # A changed override falls back to the built-in again.
    other = repo / "goals" / "commit-message.json"
    other.write_text(other.read_text().replace("Looks like", "Still looks like"))
    result = osm("goal", "commit-message", cwd=repo, stdin="add calc.py\nexit\n")
    assert result.returncode == 0 and not marker.exists()
    assert result.stderr.count("ignored the project goal 'commit-message'") == 1

    assert osm("trust", str(repo), cwd=repo.parent).returncode == 0
    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 0, result.stderr
    assert marker.exists()


def test_revoked_trust_stops_the_code_again(repo: Path, marker: Path) -> None:
    assert osm("trust", cwd=repo).returncode == 0
    revoked = osm("trust", "--revoke", cwd=repo)
    assert (revoked.returncode, revoked.stdout) == (0, f"No longer trusted: {repo}\n")
    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 1 and not marker.exists()
    again = osm("trust", "--revoke", cwd=repo)
    assert again.returncode == 1 and again.stderr == f"Error: {repo} is not trusted\n"
    assert osm("trust", "--list", cwd=repo).stdout == "No trusted folders.\n"


def test_trust_follows_the_real_path(repo: Path, marker: Path, tmp_path: Path) -> None:
    link = tmp_path / "link-to-clone"
    link.symlink_to(repo)
    assert osm("trust", cwd=link).stdout.startswith(f"Trusted {repo} ")
    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 0, result.stderr
    assert marker.exists()


def test_project_script_needs_trust(repo: Path, marker: Path) -> None:
    result = osm("deploy", cwd=repo)
    assert result.returncode == 1
    assert not marker.exists()
    assert result.stderr.startswith("Error: command 'deploy' is the project script ")
    assert f"run 'osm trust {repo}'" in result.stderr
    helped = osm("help", cwd=repo)
    listed = rf"^\s*deploy\s+Script command \(project {re.escape(str(repo))}\)$"
    assert re.search(listed, helped.stdout, re.M), helped.stdout

    assert osm("trust", cwd=repo).returncode == 0
    result = osm("deploy", cwd=repo)
    assert (result.returncode, result.stdout) == (0, "deployed\n")
    assert marker.exists()
    marker.unlink()

    script = repo / "scripts" / "deploy"
    script.write_text(script.read_text() + "echo more\n")
    result = osm("deploy", cwd=repo)
    assert result.returncode == 1 and "changed since you trusted" in result.stderr
    assert not marker.exists()


def test_untrusted_project_script_never_replaces_the_users_own(
    repo: Path, marker: Path, isolated_home: Path
) -> None:
    mine = isolated_home / ".osm" / "scripts" / "deploy"
    mine.parent.mkdir(parents=True)
    mine.write_text("#!/bin/sh\necho mine\n")
    mine.chmod(0o755)
    result = osm("deploy", cwd=repo)
    assert (result.returncode, result.stdout) == (0, "mine\n")
    assert not marker.exists()
    assert result.stderr.count("ignored the project script") == 1
    assert f"osm trust {repo}" in result.stderr


def test_explicit_script_paths_are_the_users_own(
    repo: Path, marker: Path, isolated_home: Path
) -> None:
    config = isolated_home / ".osm" / "config"
    config.parent.mkdir(parents=True)
    config.write_text(f"script.paths {repo / 'scripts'}\n")
    result = osm("deploy", cwd=repo)
    assert (result.returncode, result.stdout) == (0, "deployed\n"), result.stderr
    assert marker.exists()


def test_explicit_goal_paths_are_the_users_own(
    repo: Path, marker: Path, isolated_home: Path
) -> None:
    config = isolated_home / ".osm" / "config"
    config.parent.mkdir(parents=True)
    config.write_text(f"goal.paths {repo / 'goals'}\n")
    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 0, result.stderr
    assert marker.exists()


def test_a_corrupt_trust_store_trusts_nothing_and_says_so(
    repo: Path, marker: Path, isolated_home: Path
) -> None:
    assert osm("trust", cwd=repo).returncode == 0
    store = isolated_home / ".config" / "osm" / "trust.json"
    store.write_text(store.read_text()[:-20])
    result = osm("goal", "release-notes", cwd=repo, stdin="mark\nexit\n")
    assert result.returncode == 1 and not marker.exists()
    assert result.stderr.count(f"warning: trust store {store} is corrupt") == 1
    assert "no project folder is trusted until it is fixed or removed" in result.stderr
    before = store.read_bytes()
    again = osm("trust", cwd=repo)
    assert again.returncode == 1 and "refusing to overwrite it" in again.stderr
    assert store.read_bytes() == before  # the user's decisions are not thrown away


def test_commands_without_project_code_never_read_the_trust_store(
    tmp_path: Path, isolated_home: Path
) -> None:
    store = isolated_home / ".config" / "osm" / "trust.json"
    store.parent.mkdir(parents=True)
    store.write_text("not json")
    plain = tmp_path / "plain"
    plain.mkdir()
    for args in (["version"], ["help"], ["goal", "-l"]):
        result = osm(*args, cwd=plain)
        assert result.returncode == 0 and result.stderr == "", (args, result.stderr)


def test_trust_command_errors_are_one_clear_line(repo: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    cases = [
        (["trust"], empty, f"Error: no project goals or scripts in {empty} (looked in "),
        (["trust", str(tmp_path / "missing")], repo, "Error: not a directory: "),
        (["trust"], repo / "goals", f"the nearest project folder above is {repo}"),
        (["trust", "--list", "x"], repo, "Error: --list takes no folder"),
        (["trust", "a", "b"], repo, "Error: expected at most one folder, got 2"),
    ]
    for args, cwd, expected in cases:
        result = osm(*args, cwd=cwd)
        assert result.returncode == 1, args
        last = result.stderr.splitlines()[-1]
        assert last.startswith(expected) or last.endswith(expected), (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_a_user_goal_requires_from_its_own_folder_not_the_project(
    repo: Path, marker: Path, isolated_home: Path
) -> None:
    goals = isolated_home / ".osm" / "goals"
    goals.mkdir(parents=True)
    handler = "function (args) { output.print(require('./helper.js').who); }"
    (goals / "mine.json").write_text(
        json.dumps(
            {
                "name": "mine",
                "description": "A user goal with a helper module",
                "commands": [{"name": "who", "type": "custom", "handler": handler}],
            }
        )
    )
    (goals / "helper.js").write_text("exports.who = 'the user helper';\n")
    touch = f"require('osm:exec').exec('touch', {json.dumps(str(marker))});"
    (repo / "helper.js").write_text(f"{touch}\nexports.who = 'the project helper';\n")
    result = osm("goal", "mine", cwd=repo, stdin="who\nexit\n")
    assert result.returncode == 0, result.stderr
    assert "the user helper" in result.stdout
    assert not marker.exists()
