"""Linux deep anchor: /proc parsing, the ancestry walk, lists and TTY (spec §1.7.1, §1.10)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from one_shot_man.session import ProcStatError, SessionContext
from one_shot_man.session.linux import (
    MAX_WALK_DEPTH,
    PYTHON_LAUNCHERS,
    ROOT_BOUNDARIES,
    SKIP_LIST,
    STABLE_SHELLS,
    ProcStat,
    find_stable_anchor_linux,
    get_proc_stat,
    get_tty_name_from_fd,
    is_forked_copy,
    is_python_interpreter,
    is_root_boundary_truncated,
    is_skipped_comm,
    parse_proc_stat,
    read_boot_id,
    read_container_id,
    resolve_deep_anchor_linux,
    resolve_tty_name,
)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")


# --- the walk, on a fake process table ----------------------------------------------------------


def _table(*procs: tuple[int, str, int, int]) -> dict[int, ProcStat]:
    """(pid, comm, ppid, start_time) rows -> stat table."""
    return {pid: ProcStat(pid, comm, "S", ppid, pid, 0, start) for pid, comm, ppid, start in procs}


def _reader(
    table: dict[int, ProcStat], calls: list[int] | None = None
) -> Callable[[int], ProcStat]:
    def read(pid: int) -> ProcStat:
        if calls is not None:
            calls.append(pid)
        try:
            return table[pid]
        except KeyError:
            raise ProcStatError(f"cannot read /proc/{pid}/stat") from None

    return read


def _walk(table: dict[int, ProcStat], start: int = 100) -> tuple[int, int]:
    return find_stable_anchor_linux(start, stat=_reader(table))


def test_walk_anchors_at_parent_shell() -> None:
    t = _table((100, "osm-renamed", 90, 50), (90, "bash", 80, 40), (80, "sshd", 1, 1))
    assert _walk(t) == (90, 40)


def test_walk_skips_wrappers_and_python_launchers() -> None:
    t = _table(
        (100, "python3.11", 95, 60),
        (95, "python3", 94, 59),
        (94, "uv", 93, 58),
        (93, "SUDO", 92, 57),
        (92, "env", 91, 56),
        (91, "zsh", 1, 10),
    )
    assert _walk(t) == (91, 10)


@pytest.mark.parametrize("comm", ["make", "sh", "bash", "tmux: server", "gdm-session-wor", "init"])
def test_walk_stops_at_first_non_skipped(comm: str) -> None:
    t = _table((100, "python", 90, 50), (90, "osm", 80, 45), (80, comm, 70, 40), (70, "bash", 1, 1))
    assert _walk(t) == (80, 40)


def test_walk_self_with_ppid_1_anchors_at_self() -> None:
    assert _walk(_table((100, "osm", 1, 50))) == (100, 50)
    assert _walk(_table((100, "osm", 0, 50))) == (100, 50)


def test_walk_skip_chain_to_pid_1_anchors_at_self() -> None:
    t = _table((100, "osm", 90, 50), (90, "sudo", 1, 40))
    assert _walk(t) == (100, 50)


def test_walk_unreadable_parent_anchors_at_self() -> None:
    assert _walk(_table((100, "osm", 90, 50))) == (100, 50)
    t = _table((100, "osm", 90, 50), (90, "env", 80, 40))
    assert _walk(t) == (100, 50)


def test_walk_recycled_pid_guard() -> None:
    # The "parent" started after the child: its PID was reused, so it is not our parent.
    t = _table((100, "osm", 90, 50), (90, "bash", 80, 60))
    assert _walk(t) == (100, 50)
    t = _table((100, "osm", 90, 50), (90, "env", 80, 40), (80, "bash", 1, 45))
    assert _walk(t) == (100, 50)
    # Equal start times are fine (same clock tick).
    t = _table((100, "osm", 90, 50), (90, "bash", 80, 50))
    assert _walk(t) == (90, 50)


def test_walk_start_must_be_readable() -> None:
    with pytest.raises(ProcStatError):
        _walk({})


def test_walk_depth_is_bounded() -> None:
    rows = [(100, "osm", 1000, 10_000)]
    rows += [(1000 + i, "env", 1001 + i, 10_000 - i - 1) for i in range(300)]
    calls: list[int] = []
    result = find_stable_anchor_linux(100, stat=_reader(_table(*rows), calls))
    assert result == (100, 10_000)
    assert len(calls) <= MAX_WALK_DEPTH + 2


def test_walk_self_is_skipped_even_if_it_looks_stable() -> None:
    t = _table((100, "bash", 90, 50), (90, "zsh", 1, 40))
    assert _walk(t) == (90, 40)


# --- lists and classification -------------------------------------------------------------------


def test_lists_contain_the_documented_names() -> None:
    go_skip = [
        "sudo",
        "su",
        "doas",
        "setsid",
        "time",
        "timeout",
        "xargs",
        "env",
        "osm",
        "strace",
        "ltrace",
        "nohup",
    ]
    assert set(go_skip) <= SKIP_LIST
    assert {"uv", "uvx", "pipx"} <= PYTHON_LAUNCHERS <= SKIP_LIST
    assert "make" not in SKIP_LIST
    shells = [
        "bash",
        "zsh",
        "fish",
        "sh",
        "dash",
        "ksh",
        "tcsh",
        "csh",
        "pwsh",
        "nu",
        "elvish",
        "ion",
        "xonsh",
        "oil",
        "murex",
    ]
    assert set(shells) == STABLE_SHELLS
    roots = "init systemd login sshd gdm-session-worker lightdm xinit gnome-session kdeinit5"
    assert set(roots.split()) == ROOT_BOUNDARIES
    assert not (SKIP_LIST & STABLE_SHELLS)
    assert not (SKIP_LIST & ROOT_BOUNDARIES)
    assert not (STABLE_SHELLS & ROOT_BOUNDARIES)
    for shell in STABLE_SHELLS:
        assert not is_skipped_comm(shell)


@pytest.mark.parametrize(
    ("comm", "expected"),
    [
        ("python", True),
        ("python3", True),
        ("python3.11", True),
        ("Python3.12", True),
        ("python3.13t", True),
        ("pypy3", True),
        ("pypy", True),
        ("pythonista", False),
        ("python-foo", False),
        ("ipython", False),
        ("py", False),
        ("make", False),
    ],
)
def test_python_interpreters_are_skipped(comm: str, expected: bool) -> None:
    assert is_skipped_comm(comm) is expected
    assert is_python_interpreter(comm.lower()) is expected


def test_skip_lookup_lowercases_like_go() -> None:
    assert is_skipped_comm("SUDO")
    assert is_skipped_comm("T\u0130ME")  # Go lowers U+0130 to "i"
    assert not is_skipped_comm("bash")


def test_root_boundary_truncation_helper() -> None:
    assert is_root_boundary_truncated("gdm-session-wor")
    assert not is_root_boundary_truncated("gdm-session-wo")  # 14 chars
    assert not is_root_boundary_truncated("gdm-session-work")  # 16 chars
    assert not is_root_boundary_truncated("init")
    assert not is_root_boundary_truncated("systemd")
    assert not is_root_boundary_truncated("xxxxxxxxxxxxxxx")


# --- the stat parser ----------------------------------------------------------------------------

_TAIL = b" S 1 2 3 34816 5 6 7 8 9 10 11 12 13 14 15 16 17 18 999 20 21"


def test_parse_stat_with_odd_names() -> None:
    st = parse_proc_stat(b"42 (a) b (c))" + _TAIL, 42)
    assert st.comm == "a) b (c)"
    assert (st.pid, st.state, st.ppid, st.sid, st.tty_nr, st.start_time) == (
        42,
        "S",
        1,
        3,
        34816,
        999,
    )
    assert parse_proc_stat(b"42 (tmux: server)" + _TAIL, 42).comm == "tmux: server"
    assert parse_proc_stat(b"42 (caf\xe9)" + _TAIL, 42).comm == "caf\udce9"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"42 (noclose" + _TAIL, "missing closing paren"),
        (b"4)", "missing closing paren"),
        (b"42(x)" + _TAIL, "missing initial space"),
        (b"42 x)" + _TAIL, "expected '('"),
        (b"43 (x)" + _TAIL, "pid mismatch"),
        (b"abc (x)" + _TAIL, "pid mismatch"),
        (b"42 (x) S 1 2 3", "too short"),
        (b"42 (x)" + _TAIL.replace(b" 1 2 3", b" z 2 3"), "malformed stat"),
        (b"42 (x)" + _TAIL.replace(b" 999 ", b" -5 "), "malformed stat"),
    ],
)
def test_parse_stat_errors(data: bytes, message: str) -> None:
    with pytest.raises(ProcStatError, match=re.escape(message)):
        parse_proc_stat(data, 42)


# --- real /proc ---------------------------------------------------------------------------------


@linux_only
def test_boot_id_readable_and_stable() -> None:
    boot = read_boot_id()
    assert len(boot) >= 32
    assert boot == read_boot_id()
    assert boot == boot.strip()


@linux_only
def test_ns_link_stable() -> None:
    ns = read_container_id()
    assert ns == read_container_id()
    assert ns.startswith("pid:[") and ns.endswith("]")


@linux_only
def test_stat_of_self() -> None:
    st = get_proc_stat(os.getpid())
    assert st.pid == os.getpid()
    assert st.comm
    assert st.ppid == os.getppid() != 0
    assert st.start_time > 0
    assert st.state in "RSDZTtWXxKPI"


@linux_only
@pytest.mark.parametrize("pid", [0, -1, -12345, 2**31, 2**63, 10**30])
def test_stat_of_invalid_pids(pid: int) -> None:
    with pytest.raises(ProcStatError, match=str(pid)):
        get_proc_stat(pid)


@linux_only
def test_pid_1_has_ppid_0() -> None:
    try:
        st = get_proc_stat(1)
    except ProcStatError:
        pytest.skip("/proc/1/stat not readable here")
    assert st.ppid == 0


@linux_only
def test_parent_started_before_child() -> None:
    child = get_proc_stat(os.getpid())
    parent = get_proc_stat(os.getppid())
    assert parent.start_time <= child.start_time


@linux_only
@pytest.mark.skipif(os.getppid() in (0, 1), reason="test runner is a child of init")
def test_anchor_is_never_self_and_matches_its_stat() -> None:
    start = time.monotonic()
    pid, start_time = find_stable_anchor_linux(os.getpid())
    assert time.monotonic() - start < 5.0
    assert pid != os.getpid()
    assert get_proc_stat(pid).start_time == start_time
    assert not is_skipped_comm(get_proc_stat(pid).comm)
    # The fast path (own PID) and the generic path agree.
    generic = find_stable_anchor_linux(
        os.getpid(), stat=lambda p: get_proc_stat(p), forked=is_forked_copy
    )
    assert generic == (pid, start_time)


@linux_only
def test_walk_from_another_pid() -> None:
    pid, start_time = find_stable_anchor_linux(os.getppid())
    assert pid != os.getpid()
    assert get_proc_stat(pid).start_time == start_time


@linux_only
def test_tty_from_bad_fd_is_empty() -> None:
    assert get_tty_name_from_fd(999999) == ""


@linux_only
def test_tty_from_pty_and_from_file(tmp_path: os.PathLike[str]) -> None:
    master, slave = os.openpty()
    try:
        assert get_tty_name_from_fd(slave) == os.ttyname(slave)
        assert get_tty_name_from_fd(slave).startswith("/dev/pts/")
    finally:
        os.close(master)
        os.close(slave)
    fd = os.open(os.path.join(tmp_path, "f"), os.O_CREAT | os.O_WRONLY)
    try:
        assert get_tty_name_from_fd(fd) == ""
    finally:
        os.close(fd)


@linux_only
def test_resolve_tty_name_prefers_first_terminal_fd(monkeypatch: pytest.MonkeyPatch) -> None:
    master, slave = os.openpty()
    saved = os.dup(1)
    try:
        os.dup2(slave, 1)
        name = resolve_tty_name()
        expected = os.ttyname(0) if os.isatty(0) else os.ttyname(slave)
        assert name == expected
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(master)
        os.close(slave)


@linux_only
def test_deep_anchor_context_and_id() -> None:
    ctx = resolve_deep_anchor_linux()
    assert isinstance(ctx, SessionContext)
    assert ctx.boot_id == read_boot_id()
    assert ctx.container_id == read_container_id()
    assert ctx.anchor_pid > 0
    session_id = ctx.format_session_id()
    assert len(session_id) == 24 and session_id.startswith("anchor--")
    assert resolve_deep_anchor_linux().format_session_id() == session_id


@linux_only
def test_unreadable_boot_id_falls_back_to_uuid(monkeypatch: pytest.MonkeyPatch) -> None:
    from one_shot_man.session import AnchorError, get_session_id, linux

    monkeypatch.setattr(linux, "_BOOT_ID_PATH", "/nonexistent/boot_id")
    with pytest.raises(AnchorError, match="failed to read boot_id"):
        read_boot_id()
    assert get_session_id()[1] == "uuid-fallback"


@linux_only
def test_empty_boot_id_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from one_shot_man.session import AnchorError, linux

    path = tmp_path / "boot_id"
    path.write_bytes(b"  \n")
    monkeypatch.setattr(linux, "_BOOT_ID_PATH", str(path))
    with pytest.raises(AnchorError, match="boot_id is empty"):
        read_boot_id()


@linux_only
def test_fork_check_parses_a_parent_only_when_its_name_matches() -> None:
    """The fork walk's shortcut: another name is never a copy, so its stat is not parsed."""
    from one_shot_man.session import linux

    me = get_proc_stat(os.getpid())
    found = linux._stat_if_named(os.getpid(), me.comm)
    assert found is not None
    assert (found.pid, found.comm, found.ppid, found.start_time) == (
        me.pid,
        me.comm,
        me.ppid,
        me.start_time,
    )
    assert linux._stat_if_named(os.getpid(), me.comm + "x") is None
    assert linux._stat_if_named(2**22 + 1, me.comm) is None  # above pid_max: no such process


@linux_only
def test_kept_stat_descriptor_reads_fresh_and_never_a_dead_process() -> None:
    """A kept /proc/<pid>/stat descriptor shows the process as it is now, and once the
    process is gone it gives an error (and is dropped), never stale or another's data."""
    import signal

    from one_shot_man.session import linux

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.05)
        assert get_proc_stat(proc.pid).state in "SR"
        fd = linux._STAT_FDS.get(proc.pid)
        assert fd is not None and not os.get_inheritable(fd)
        os.kill(proc.pid, signal.SIGSTOP)
        deadline = time.monotonic() + 5
        while get_proc_stat(proc.pid).state != "T" and time.monotonic() < deadline:
            time.sleep(0.01)
        assert get_proc_stat(proc.pid).state == "T"
        assert linux._STAT_FDS.get(proc.pid) == fd  # the same descriptor, read again
    finally:
        proc.kill()
        proc.wait()
    with pytest.raises(ProcStatError):
        get_proc_stat(proc.pid)
    assert proc.pid not in linux._STAT_FDS


@linux_only
def test_kept_stat_descriptors_are_bounded() -> None:
    from one_shot_man.session import linux

    procs = [
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        for _ in range(linux._STAT_FDS_MAX + 2)
    ]
    try:
        time.sleep(0.05)
        for p in procs:
            assert get_proc_stat(p.pid).pid == p.pid
        assert len(linux._STAT_FDS) <= linux._STAT_FDS_MAX
        assert procs[-1].pid in linux._STAT_FDS  # the newest is kept, the oldest went
        assert procs[0].pid not in linux._STAT_FDS
    finally:
        for p in procs:
            p.kill()
            p.wait()
    for p in procs:  # every kept one of them is dropped at its next read
        with pytest.raises(ProcStatError):
            get_proc_stat(p.pid)
    assert not {p.pid for p in procs} & set(linux._STAT_FDS)


@linux_only
def test_a_forked_child_reads_stats_even_if_the_lock_was_held() -> None:
    from one_shot_man.session import linux

    get_proc_stat(os.getppid())
    with linux._STAT_FDS_LOCK:
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            import signal

            signal.alarm(10)  # a lock still held would hang here: die instead
            try:
                ok = get_proc_stat(os.getppid()).pid == os.getppid()
            except BaseException:
                ok = False
            os._exit(0 if ok else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
