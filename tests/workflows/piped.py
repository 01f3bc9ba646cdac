"""Running the real `osm` in a child process with piped input (the piped-shell tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HAVE_GIT = subprocess.run(["git", "--version"], capture_output=True).returncode == 0


def osm(
    args: list[str], stdin: str, cwd: Path, env: dict[str, str], **extra: str
) -> subprocess.CompletedProcess[str]:
    """`python -m one_shot_man ARGS` with `stdin` piped in and `extra` added to `env`."""
    return subprocess.run(
        [sys.executable, "-m", "one_shot_man", *args],
        input=stdin,
        cwd=cwd,
        env={**env, **extra},
        capture_output=True,
        text=True,
        timeout=60,
    )
