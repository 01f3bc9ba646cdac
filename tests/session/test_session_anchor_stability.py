"""The deep-anchor ID is stable across runs from one shell (defect fix 2).

Each test runs real child interpreters and reads what they report, so the whole
path is exercised: /proc, the skip list and the hash. A child prints
`<session id> <source> <anchor pid>`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("sh") is None,
    reason="needs Linux /proc and a POSIX sh",
)

REPO = Path(__file__).resolve().parents[2]
CHILD = (
    "from one_shot_man.session import get_session_id\n"
    "from one_shot_man.session.linux import resolve_deep_anchor_linux\n"
    "sid, source = get_session_id()\n"
    "print(sid, source, resolve_deep_anchor_linux().anchor_pid, flush=True)\n"
)
# A Python wrapper between the shell and the child, as a launcher or console script is.
WRAPPER = (
    "import os, subprocess, sys\n"
    "print('wrapper', os.getpid(), flush=True)\n"
    "subprocess.run(sys.argv[1:], check=True)\n"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    (tmp_path / "child.py").write_text(CHILD)
    (tmp_path / "wrapper.py").write_text(WRAPPER)
    return tmp_path


def _named_python(tmp_path: Path, name: str) -> str:
    """A path to this interpreter whose process name (comm) will be `name`."""
    link = tmp_path / "bin" / name
    link.parent.mkdir(exist_ok=True)
    if not link.exists():
        link.symlink_to(sys.executable)
    return str(link)


def _run_sh(script: str, cwd: Path) -> list[list[str]]:
    """Run `script` in one sh; return its output as split lines (first line: sh's pid)."""
    out = subprocess.run(
        ["sh", "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=_env(),
        stdin=subprocess.DEVNULL,
        timeout=60,
    ).stdout
    return [line.split() for line in out.splitlines()]


def _children(lines: list[list[str]]) -> list[list[str]]:
    return [line for line in lines if len(line) == 3]


def test_same_shell_same_id_through_python_wrappers(scripts: Path) -> None:
    py = sys.executable
    py3 = _named_python(scripts, "python3")
    script = f"""
echo $$
"{py}" child.py
"{py}" child.py
"{py3}" wrapper.py "{py}" child.py
env "{py}" child.py
"{py}" wrapper.py env "{py3}" child.py
exit 0
"""
    lines = _run_sh(script, scripts)
    sh_pid = lines[0][0]
    children = _children(lines)
    assert len(children) == 5
    for session_id, source, anchor_pid in children:
        assert source == "deep-anchor"
        assert anchor_pid == sh_pid  # python, python3 and env were all passed through
        assert session_id == children[0][0]


@pytest.mark.parametrize("launcher", ["uv", "uvx", "pipx", "python3.11", "osm"])
def test_launchers_are_skipped(scripts: Path, launcher: str) -> None:
    py = sys.executable
    named = _named_python(scripts, launcher)
    script = f"""
echo $$
"{py}" child.py
"{named}" wrapper.py "{py}" child.py
"{named}" wrapper.py "{py}" child.py
exit 0
"""
    lines = _run_sh(script, scripts)
    sh_pid = lines[0][0]
    children = _children(lines)
    assert len(children) == 3
    assert {c[2] for c in children} == {sh_pid}
    assert len({c[0] for c in children}) == 1


def test_make_is_an_anchor(scripts: Path) -> None:
    """`make` is a long-lived, non-skipped process: what it runs anchors to it."""
    py = sys.executable
    named = _named_python(scripts, "make")
    lines = _run_sh(f'echo $$\n"{named}" wrapper.py "{py}" child.py\nexit 0\n', scripts)
    wrapper_pid = next(line[1] for line in lines if line[0] == "wrapper")
    (child,) = _children(lines)
    assert child[1] == "deep-anchor"
    assert child[2] == wrapper_pid != lines[0][0]


def test_sh_c_intermediate_is_the_anchor(scripts: Path) -> None:
    """`sh -c` is a shell: it is the anchor, so each `sh -c` run gets its own ID (expected)."""
    py = sys.executable
    runs = []
    for _ in range(2):
        lines = _run_sh(f'echo $$\n"{py}" child.py\nexit 0\n', scripts)
        (child,) = _children(lines)
        assert child[1] == "deep-anchor"
        assert child[2] == lines[0][0]
        runs.append(child)
    assert runs[0][2] != runs[1][2]
    assert runs[0][0] != runs[1][0]


@pytest.mark.skipif(os.getppid() in (0, 1), reason="test runner is a direct child of init")
def test_direct_children_of_this_process_agree(scripts: Path) -> None:
    """Two `python -c` runs from one (Python) parent: the parent is skipped, IDs agree."""
    code = "from one_shot_man.session import get_session_id; print(*get_session_id())"
    outs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=scripts,
            env=_env(),
            timeout=60,
        ).stdout.split()
        for _ in range(2)
    ]
    assert outs[0] == outs[1]
    assert outs[0][1] == "deep-anchor"


def test_tty_changes_the_anchor_id(scripts: Path) -> None:
    """Same shell, but stdin on a terminal: the TTY is part of the hash."""
    py = sys.executable
    master, slave = os.openpty()
    try:
        tty = os.ttyname(slave)
        script = f'echo $$\n"{py}" child.py </dev/null\n"{py}" child.py <"{tty}"\nexit 0\n'
        proc = subprocess.run(
            ["sh", "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=scripts,
            env=_env(),
            stdin=subprocess.DEVNULL,
            timeout=60,
        )
    finally:
        os.close(master)
        os.close(slave)
    lines = [line.split() for line in proc.stdout.splitlines()]
    plain, on_tty = _children(lines)
    assert plain[2] == on_tty[2] == lines[0][0]
    assert plain[0] != on_tty[0]
