"""Fixtures the shell tests share: a git repository with a change, and osm's environment."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose `file.txt` has an uncommitted change."""
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    (root / "file.txt").write_text("first line\n")
    (root / "README.md").write_text("# demo\n")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "init")
    (root / "file.txt").write_text("first line\nchanged line\n")
    return root


@pytest.fixture
def shell_env(isolated_home: Path) -> dict[str, str]:
    """The environment with no display, editor or clipboard that a test did not choose."""
    env = dict(os.environ)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "EDITOR", "VISUAL"):
        env.pop(name, None)
    return env


@pytest.fixture
def osm_env(shell_env: dict[str, str]) -> dict[str, str]:
    """`shell_env` without colour, for tests that compare the shell's output."""
    return {**shell_env, "NO_COLOR": "1"}
