"""One script, one session: subshells bash forks for `$(...)`, `( ... )` and pipelines are not
anchors (issue 10 item 3), while separately started shells still get their own session.

The fake-table tests pin the walk; the real ones fork and exec processes and run bash
scripts, with and without a controlling terminal, and compare what `osm session id` prints.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from one_shot_man.session.linux import (
    ProcStat,
    controlling_tty_name,
    find_stable_anchor_linux,
    get_proc_stat,
    is_forked_copy,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")
needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
REPO = Path(__file__).resolve().parents[2]


def _table(*rows: tuple[int, str, int, int]) -> dict[int, ProcStat]:
    return {pid: ProcStat(pid, comm, "S", ppid, pid, 0, start) for pid, comm, ppid, start in rows}


def _walk(table: dict[int, ProcStat], copies: set[tuple[int, int]]) -> tuple[int, int]:
    return find_stable_anchor_linux(
        100,
        stat=lambda pid: table[pid],
        forked=lambda child, parent: (child.pid, parent.pid) in copies,
    )


def test_forked_subshells_pass_on_to_the_shell_they_copy() -> None:
    t = _table(
        (100, "python", 92, 60),
        (92, "bash", 91, 55),  # `( ... )` inside `$(...)`: two forks of the script's bash
        (91, "bash", 90, 50),
        (90, "bash", 80, 40),  # the script itself, exec'd by the login shell 80
        (80, "bash", 1, 10),
    )
    assert _walk(t, {(92, 91), (91, 90)}) == (90, 40)


def test_an_execd_shell_under_a_shell_stays_the_anchor() -> None:
    t = _table((100, "python", 90, 60), (90, "bash", 80, 40), (80, "bash", 1, 10))
    assert _walk(t, set()) == (90, 40)


def test_fork_walk_keeps_the_recycled_pid_guard() -> None:
    t = _table((100, "python", 90, 60), (90, "bash", 80, 40), (80, "bash", 1, 50))
    assert _walk(t, {(90, 80)}) == (90, 40)


def test_stat_without_forked_never_collapses() -> None:
    t = _table((100, "python", 90, 60), (90, "bash", 80, 40), (80, "bash", 1, 10))
    assert find_stable_anchor_linux(100, stat=lambda pid: t[pid]) == (90, 40)


@linux_only
def test_a_fork_is_a_copy_and_an_exec_is_not() -> None:
    me = get_proc_stat(os.getpid())
    child = os.fork()
    if child == 0:  # pragma: no cover - the child only waits to be looked at
        time.sleep(30)
        os._exit(0)
    try:
        time.sleep(0.05)
        assert is_forked_copy(get_proc_stat(child), me)
    finally:
        os.kill(child, 9)
        os.waitpid(child, 0)
    # Same executable and name, exec'd: its layout, arguments and environment are its own.
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.05)
        assert not is_forked_copy(get_proc_stat(proc.pid), me)
    finally:
        proc.kill()
        proc.wait()


def test_missing_layout_is_not_a_copy() -> None:
    a = ProcStat(10, "bash", "S", 1, 10, 0, 5)
    b = ProcStat(11, "bash", "S", 10, 10, 0, 6)
    assert not is_forked_copy(b, a)


@linux_only
def test_controlling_tty_name_from_device_number() -> None:
    assert controlling_tty_name(0) == ""
    master, slave = os.openpty()
    try:
        name = os.ttyname(slave)
        assert controlling_tty_name(os.stat(name).st_rdev) == name
    finally:
        os.close(master)
        os.close(slave)
    # A device number whose node does not exist (or is another device) is not trusted.
    assert controlling_tty_name((143 << 8) | 0xFF | (0xFFF00 << 12)) == ""


@linux_only
def test_controlling_terminal_is_computed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # With no terminal on fds 0-2 the deep anchor falls back to the controlling terminal; that
    # cannot change under a running osm, so every later session-ID call reuses it.
    from one_shot_man.session import linux

    calls: list[int] = []

    def counting() -> str:
        calls.append(os.getpid())
        return "/dev/pts/77"

    monkeypatch.setattr(linux, "resolve_tty_name", lambda: "")
    monkeypatch.setattr(linux, "controlling_tty_name", counting)
    monkeypatch.setattr(linux, "_CONTROLLING_TTY", None)
    first = linux.resolve_deep_anchor_linux()
    second = linux.resolve_deep_anchor_linux()
    assert first.tty_name == second.tty_name == "/dev/pts/77"
    assert calls == [os.getpid()]
    # A forked child (a new process, which may have called setsid) computes its own.
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read)
        linux.resolve_deep_anchor_linux()
        os.write(write, str(len(calls)).encode())
        os._exit(0)
    os.close(write)
    assert os.read(read, 16) == b"2"
    os.close(read)
    os.waitpid(pid, 0)


# --- real scripts -------------------------------------------------------------------------------

# (label, how the script runs `osm session id`); each line prints "<label> <id>".
CASES = [
    ("plain", 'echo "plain $($OSM session id)"'),
    ("redirect", '$OSM session id > "$OUT"; echo "redirect $(cat "$OUT")"'),
    ("subst-2>&1", 'a=$($OSM session id 2>&1); echo "subst-2>&1 $a"'),
    ("subst-again", 'b=$($OSM session id 2>&1); echo "subst-again $b"'),
    ("pipeline", '$OSM session id 2>&1 | sed "s/^/pipeline /"'),
    ("subshell", '( $OSM session id; true ) | sed "s/^/subshell /"'),
    ("group-subst", 'c=$( { $OSM session id; } 2>&1 ); echo "group-subst $c"'),
    ("pipe-in-subst", 'd=$(echo | $OSM session id); echo "pipe-in-subst $d"'),
    ("no-tty-fd", 'e=$(echo | $OSM session id 2>/dev/null); echo "no-tty-fd $e"'),
    ("nested-subst", 'f=$(echo "$($OSM session id 2>&1)"); echo "nested-subst $f"'),
]
SEPARATE = [
    ("bash-c-1", 'bash -c "$OSM session id; true" | sed "s/^/bash-c-1 /"'),
    ("bash-c-2", 'bash -c "$OSM session id; true" | sed "s/^/bash-c-2 /"'),
]


def _script(tmp_path: Path) -> Path:
    osm = f"{sys.executable} -m one_shot_man"
    lines = [f'OSM="{osm}"', f'OUT="{tmp_path}/out.txt"']
    lines += [line for _, line in CASES + SEPARATE]
    path = tmp_path / "ids.sh"
    path.write_text("\n".join(lines) + "\n")
    return path


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OSM_")}
    env.update(HOME=str(home), PYTHONPATH=str(REPO), NO_COLOR="1")
    for name in ("TMUX", "STY", "SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        env.pop(name, None)
    return env


def _ids(output: str) -> dict[str, str]:
    pairs = [line.split() for line in output.replace("\r", "").splitlines() if line.strip()]
    return {label: sid for label, sid in pairs}


def _check(ids: dict[str, str]) -> None:
    assert set(ids) == {label for label, _ in CASES + SEPARATE}, ids
    plain = ids["plain"]
    assert plain.startswith("anchor--")
    assert {label: sid for label, sid in ids.items() if sid != plain} == {
        "bash-c-1": ids["bash-c-1"],
        "bash-c-2": ids["bash-c-2"],
    }
    assert ids["bash-c-1"] != ids["bash-c-2"]


@linux_only
@needs_bash
def test_every_form_in_one_script_resumes_one_session(tmp_path: Path, isolated_home: Path) -> None:
    """No terminal at all (cron, CI): the script's bash is the anchor of every form."""
    out = subprocess.run(
        ["bash", str(_script(tmp_path))],
        capture_output=True,
        text=True,
        env=_env(isolated_home),
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    _check(_ids(out.stdout))


@linux_only
@needs_bash
def test_every_form_in_one_script_on_a_terminal(tmp_path: Path, isolated_home: Path) -> None:
    """On a terminal, also the forms whose streams are all redirected away from it."""
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        "bash",
        [str(_script(tmp_path))],
        env=_env(isolated_home),
        encoding="utf-8",
        timeout=120,
    )
    output = child.read()
    child.close()
    assert child.exitstatus == 0, output
    _check(_ids(output))


@linux_only
@needs_bash
def test_two_runs_of_one_script_are_two_sessions(tmp_path: Path, isolated_home: Path) -> None:
    script = tmp_path / "one.sh"
    script.write_text(f"{sys.executable} -m one_shot_man session id\n")
    ids = [
        subprocess.run(
            ["bash", str(script)],
            capture_output=True,
            text=True,
            env=_env(isolated_home),
            stdin=subprocess.DEVNULL,
            timeout=60,
            check=True,
        ).stdout.strip()
        for _ in range(2)
    ]
    assert ids[0] != ids[1]
