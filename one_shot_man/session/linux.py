"""Linux deep anchor: identify "this terminal" by the shell process osm runs under.

The anchor is the first ancestor that is not a transparent wrapper (sudo, env,
a Python launcher, ...), plus the boot ID, PID namespace and TTY, so the ID is
stable across runs from one shell and different for every other shell. All of it
comes from /proc, read with raw `os.open`/`os.read` because this runs on every
start and a buffered `open()` costs as much again.
"""

from __future__ import annotations

import _thread
import os

from one_shot_man.session.context import SessionContext
from one_shot_man.session.errors import AnchorError, ProcStatError

__all__ = [
    "MAX_WALK_DEPTH",
    "PYTHON_LAUNCHERS",
    "ROOT_BOUNDARIES",
    "SKIP_LIST",
    "STABLE_SHELLS",
    "ProcStat",
    "controlling_tty_name",
    "find_stable_anchor_linux",
    "get_proc_stat",
    "get_tty_name_from_fd",
    "is_forked_copy",
    "is_python_interpreter",
    "is_root_boundary_truncated",
    "is_skipped_comm",
    "parse_proc_stat",
    "read_boot_id",
    "read_container_id",
    "resolve_deep_anchor_linux",
    "resolve_tty_name",
]

MAX_WALK_DEPTH = 100
TASK_COMM_LEN = 15  # visible characters of a Linux process name

TYPE_CHECKING = False  # typing is not imported at start-up; checkers treat this as True
if TYPE_CHECKING:
    from collections.abc import Callable

# Transparent wrappers of the Go original: never an anchor.
_GO_SKIP_LIST = frozenset(
    [
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
)
# Launchers whose process is new on every run (`uv run osm`, `pipx run ...`): anchoring
# to them would give a new session each time. `make` is deliberately not here.
PYTHON_LAUNCHERS = frozenset(["uv", "uvx", "pipx", "poetry", "pdm", "hatch", "pipenv", "rye"])
SKIP_LIST = _GO_SKIP_LIST | PYTHON_LAUNCHERS
STABLE_SHELLS = frozenset(
    [
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
)
ROOT_BOUNDARIES = frozenset(
    [
        "init",
        "systemd",
        "login",
        "sshd",
        "gdm-session-worker",
        "lightdm",
        "xinit",
        "gnome-session",
        "kdeinit5",
    ]
)

_BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id"
_NS_PATH = "/proc/self/ns/pid"
_TTY_PREFIXES = ("/dev/pts/", "/dev/tty")
_INTERPRETER_PREFIXES = ("python", "pypy")


class ProcStat:
    """The fields of `/proc/<pid>/stat` the anchor walk needs."""

    __slots__ = ("comm", "pid", "ppid", "sid", "start_time", "state", "tail", "tty_nr")

    def __init__(
        self,
        pid: int,
        comm: str,
        state: str,
        ppid: int,
        sid: int,
        tty_nr: int,
        start_time: int,
        tail: bytes = b"",
    ) -> None:
        self.pid = pid
        self.comm = comm
        self.state = state
        self.ppid = ppid
        self.sid = sid
        self.tty_nr = tty_nr
        self.start_time = start_time  # clock ticks since boot (stat field 22)
        self.tail = tail  # fields 23 on, unparsed: only a fork check reads them

    def memory_layout(self) -> tuple[bytes, ...] | None:
        """Code, stack, data, argument and environment addresses (fields 26-28, 45-51).

        Set at exec (randomised by ASLR) and copied by fork; None when the kernel shows
        fewer fields (before Linux 3.5).
        """
        fields = self.tail.split()
        if len(fields) < 29:
            return None
        return (*fields[3:6], *fields[22:29])

    def __repr__(self) -> str:
        return (
            f"ProcStat(pid={self.pid}, comm={self.comm!r}, state={self.state!r}, "
            f"ppid={self.ppid}, sid={self.sid}, tty_nr={self.tty_nr}, "
            f"start_time={self.start_time})"
        )


def _read_small(path: str) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        data = os.read(fd, 4096)
        if len(data) == 4096:  # never for stat/boot_id, but do not truncate silently
            chunks = [data]
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
            data = b"".join(chunks)
        return data
    finally:
        os.close(fd)


#: pid -> an open descriptor of `/proc/<pid>/stat`, for the few ancestors every session-ID call
#: reads. A read of an open one (`pread`, offset 0: the kernel renders the file afresh) is one
#: system call where open/read/close are three, and the walk is made of these reads (a quarter
#: of the time here). A descriptor belongs to one process for its whole life: once that process
#: is gone it reads ESRCH, never another process that got the pid, and is dropped (the pid is
#: then opened again, which finds the new process, as a fresh open always did). At most
#: `_STAT_FDS_MAX` are kept (a new one closes the oldest; enough for a walk through ten levels
#: of subshells, whose every call reads each level again: a cache smaller than the walk kept
#: nothing and cost more than no cache); close-on-exec, so no child program inherits them.
#: The lock makes a read and a drop of one descriptor exclusive (a closed number can be
#: reused by another open in another thread). A forked child closes its copies at once,
#: before its code can close those numbers and reuse them for other files.
_STAT_FDS: dict[int, int] = {}
_STAT_FDS_MAX = 24
_STAT_FDS_LOCK = _thread.allocate_lock()
_O_STAT = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def _after_fork_in_child() -> None:
    global _STAT_FDS_LOCK
    _STAT_FDS_LOCK = _thread.allocate_lock()  # another thread may have held it at the fork
    fds = list(_STAT_FDS.values())
    _STAT_FDS.clear()
    for fd in fds:
        os.close(fd)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _read_stat(pid: int) -> bytes:
    """The bytes of `/proc/<pid>/stat`, through a kept descriptor when there is one."""
    with _STAT_FDS_LOCK:
        fd = _STAT_FDS.get(pid)
        if fd is not None:
            try:
                data = os.pread(fd, 4096, 0)
            except OSError:
                data = b""
            if data:
                return data
            del _STAT_FDS[pid]  # the process is gone (ESRCH): the pid may be another's now
            os.close(fd)
        fd = os.open(f"/proc/{pid}/stat", _O_STAT)
        try:
            data = os.pread(fd, 4096, 0)
        except BaseException:
            os.close(fd)
            raise
        if not data:
            os.close(fd)
            return data
        if len(_STAT_FDS) >= _STAT_FDS_MAX:  # the oldest goes (a long-gone process, often)
            os.close(_STAT_FDS.pop(next(iter(_STAT_FDS))))
        _STAT_FDS[pid] = fd
        return data


def parse_proc_stat(data: bytes, pid: int) -> ProcStat:
    """Parse one stat line; the name is found by the LAST `)` since it may contain any byte."""
    return _parse_stat(data, pid, data.find(b" "), data.rfind(b")"), None)


def _parse_stat(
    data: bytes, pid: int, first_space: int, last_paren: int, comm: str | None
) -> ProcStat:
    """`parse_proc_stat` with the name's bounds (and the name) already found by the caller:
    each string method call is ~1k instructions, a fifth of the forked-subshell check."""
    if last_paren < 2:
        raise ProcStatError(f"malformed stat: missing closing paren for pid {pid}")
    if first_space < 0 or first_space >= last_paren:
        raise ProcStatError(f"malformed stat: missing initial space for pid {pid}")
    if data[first_space + 1 : first_space + 2] != b"(":
        raise ProcStatError(f"malformed stat: expected '(' for pid {pid}")
    try:
        parsed = int(data[:first_space])
    except ValueError:
        parsed = None
    if parsed != pid:
        raise ProcStatError(f"pid mismatch for {pid}")
    fields = data[last_paren + 2 :].split(None, 20)  # starttime is [19]; rest unsplit
    if len(fields) < 20:
        raise ProcStatError(f"stat too short for pid {pid}")
    try:
        ppid = int(fields[1])
        sid = int(fields[3])
        tty_nr = int(fields[4])
        start_time = int(fields[19])
    except ValueError as exc:
        raise ProcStatError(f"malformed stat for pid {pid}: {exc}") from None
    if start_time < 0:
        raise ProcStatError(f"malformed stat for pid {pid}: bad starttime {fields[19]!r}")
    if comm is None:
        comm = data[first_space + 2 : last_paren].decode("utf-8", "surrogateescape")
    tail = fields[20] if len(fields) > 20 else b""
    return ProcStat(pid, comm, chr(fields[0][0]), ppid, sid, tty_nr, start_time, tail)


def get_proc_stat(pid: int) -> ProcStat:
    """Read and parse `/proc/<pid>/stat`; raises `ProcStatError` naming the pid."""
    try:
        data = _read_stat(pid)
    except OSError as exc:
        raise ProcStatError(f"cannot read /proc/{pid}/stat: {exc.strerror or exc}") from exc
    return _parse_stat(data, pid, data.find(b" "), data.rfind(b")"), None)


def _lower_comm(comm: str) -> str:
    # Go's ToLower maps KELVIN SIGN to "k" and DOTTED CAPITAL I to "i"; Python's lower()
    # does not, and the skip-list lookup must agree with the original.
    if not comm.isascii():
        comm = comm.replace("\u212a", "k").replace("\u0130", "i")
    return comm.lower()


def is_python_interpreter(comm_lower: str) -> bool:
    """`python`, `python3`, `python3.11`, `python3.13t`, `pypy3`: an interpreter, not a shell."""
    for prefix in _INTERPRETER_PREFIXES:
        if comm_lower.startswith(prefix):
            rest = comm_lower[len(prefix) :]
            if rest.endswith("t"):
                rest = rest[:-1]
            return not rest or (
                rest[0].isdigit() and rest.isascii() and not rest.strip("0123456789.")
            )
    return False


def is_skipped_comm(comm: str) -> bool:
    """True for a process the walk passes through: a wrapper, launcher or Python interpreter."""
    c = _lower_comm(comm)
    return c in SKIP_LIST or is_python_interpreter(c)


def is_root_boundary_truncated(comm_lower: str) -> bool:
    """True for a 15-char name that is a kernel-truncated root boundary (`gdm-session-wor`)."""
    if len(comm_lower) != TASK_COMM_LEN:
        return False
    return any(len(r) > TASK_COMM_LEN and r.startswith(comm_lower) for r in ROOT_BOUNDARIES)


def _try_stat(pid: int, reader: Callable[[int], ProcStat]) -> ProcStat | None:
    try:
        return reader(pid)
    except (ProcStatError, OSError):
        return None


def is_forked_copy(
    child: ProcStat, parent: ProcStat, read: Callable[[str], bytes] | None = None
) -> bool:
    """True when `child` is `parent` forked without an exec (a shell's subshell).

    What the kernel sets up at exec must be identical: the name, the memory layout
    (code, stack, argument and environment addresses, randomised per exec under ASLR),
    then the arguments and the initial environment themselves, which tell a separately
    started shell apart even without ASLR (bash exports a new `SHLVL` and `_`).
    Unreadable means "not a copy". `read` reads those two files (the watch of
    `anchor_watch` records what it read).
    """
    if child.comm != parent.comm:
        return False
    layout = child.memory_layout()
    if layout is None or layout != parent.memory_layout():
        return False
    if read is None:
        read = _read_small
    try:
        for name in ("cmdline", "environ"):
            if read(f"/proc/{child.pid}/{name}") != read(f"/proc/{parent.pid}/{name}"):
                return False
    except OSError:
        return False
    return True


def _never_forked(child: ProcStat, parent: ProcStat) -> bool:
    return False


def _original_of(
    anchor: ProcStat,
    reader: Callable[[int], ProcStat],
    forked: Callable[[ProcStat, ProcStat], bool],
) -> tuple[int, int]:
    """The process `anchor` was forked from, through any chain of never-exec'd subshells.

    bash forks a subshell for `$(cmd 2>&1)`, `( a; b )` and pipelines; each would be a
    new anchor (and a new session) per command although it is the same script.
    """
    # A fork keeps the name, so with the real reader and check a parent of another name
    # (the usual case: a terminal, sshd, another program) ends the walk before its stat is
    # parsed: this check runs on every call and a parse costs more than the rest of it.
    by_name = reader is get_proc_stat and forked is is_forked_copy
    curr = anchor
    for _ in range(MAX_WALK_DEPTH):
        if curr.ppid in (0, 1):
            break
        parent = _stat_if_named(curr.ppid, curr.comm) if by_name else _try_stat(curr.ppid, reader)
        if parent is None or parent.start_time > curr.start_time or not forked(curr, parent):
            break
        curr = parent
    return curr.pid, curr.start_time


def _stat_if_named(pid: int, comm: str) -> ProcStat | None:
    """`/proc/<pid>/stat` parsed when the process is called `comm`; None when it is not,
    or when it cannot be read or parsed (what `_try_stat` gives for those)."""
    try:
        data = _read_stat(pid)
    except OSError:
        return None
    first_space = data.find(b" ")
    last_paren = data.rfind(b")")
    if data[first_space + 2 : last_paren].decode("utf-8", "surrogateescape") != comm:
        return None  # (where parse_proc_stat finds the name)
    try:
        return _parse_stat(data, pid, first_space, last_paren, comm)
    except ProcStatError:
        return None


def _anchor_self(pid: int, start_time: int | None) -> tuple[int, int]:
    if start_time is None:
        start_time = get_proc_stat(pid).start_time
    return pid, start_time


def find_stable_anchor_linux(
    start_pid: int,
    *,
    stat: Callable[[int], ProcStat] | None = None,
    forked: Callable[[ProcStat, ProcStat], bool] | None = None,
) -> tuple[int, int]:
    """Return `(anchor_pid, start_time)`: the first ancestor of `start_pid` not skipped.

    `start_pid` itself is always skipped (osm may be renamed or run by an interpreter).
    Each skip hop checks that the parent started no later than the child, so a recycled
    PID never becomes the anchor; when the walk cannot go on, the anchor is
    `start_pid` itself (the ID then changes per run, which is the honest answer).
    A subshell forked from its parent shell without an exec is not an anchor: the
    walk goes on to the shell it is a copy of (`is_forked_copy`).
    `stat` and `forked` replace `get_proc_stat` and `is_forked_copy` in tests (with
    `stat` alone, no process counts as forked).
    """
    reader = get_proc_stat if stat is None else stat
    if forked is None:
        forked = is_forked_copy if stat is None else _never_forked
    start_time: int | None = None
    if reader is get_proc_stat and start_pid == os.getpid():
        # os.getppid() is the kernel's live answer; confirming it after reading the parent's
        # stat proves that stat is our real parent (which cannot have started after us),
        # so our own stat is only read when the walk ends at ourselves.
        ppid = os.getppid()
        if ppid in (0, 1):
            return _anchor_self(start_pid, None)
        curr = _try_stat(ppid, reader)
        if curr is None or os.getppid() != ppid:
            return _anchor_self(start_pid, None)
    else:
        start = reader(start_pid)
        start_time = start.start_time
        if start.ppid in (0, 1):
            return start_pid, start_time
        curr = _try_stat(start.ppid, reader)
        if curr is None or curr.start_time > start_time:
            return start_pid, start_time

    for _ in range(MAX_WALK_DEPTH - 1):
        if curr.pid != start_pid and not is_skipped_comm(curr.comm):
            # Shell, root boundary, session leader or any other process: all stop here.
            return _original_of(curr, reader, forked)
        if curr.ppid in (0, 1):
            break
        parent = _try_stat(curr.ppid, reader)
        if parent is None or parent.start_time > curr.start_time:
            break
        curr = parent
    return _anchor_self(start_pid, start_time)


def read_boot_id() -> str:
    """The kernel boot ID, so an ID never survives a reboot (PIDs are reused after one)."""
    try:
        data = _read_small(_BOOT_ID_PATH)
    except OSError as exc:
        raise AnchorError(f"failed to read boot_id: {exc.strerror or exc}") from exc
    boot_id = data.strip().decode("utf-8", "surrogateescape")
    if not boot_id:
        raise AnchorError("boot_id is empty")
    return boot_id


def read_container_id() -> str:
    """The PID namespace link (`pid:[4026531836]`): PIDs are only unique within one."""
    try:
        return os.readlink(_NS_PATH)
    except OSError:
        return "host-fallback"


def get_tty_name_from_fd(fd: int) -> str:
    """The terminal device behind `fd` (`/dev/pts/3`, `/dev/tty1`), else ""."""
    try:
        link = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""
    return link if link.startswith(_TTY_PREFIXES) else ""


def resolve_tty_name() -> str:
    """The first of stdin, stdout, stderr that is a terminal, by device path.

    `isatty` (one ioctl) screens each fd first, so redirected streams cost no readlink.
    """
    for fd in (0, 1, 2):
        if os.isatty(fd):
            name = get_tty_name_from_fd(fd)
            if name:
                return name
    return ""


#: ((pid, boot-ID path, namespace path), boot ID, PID namespace) as last read. Neither value can
#: change while a process lives (a reboot ends it; setns/unshare of a PID namespace move only
#: children), so they are read once per process (3 of the walk's ~10 system calls); the key
#: re-reads them in a forked child, which may be in a new namespace, and when the paths are
#: pointed elsewhere. The TTY and the ancestry can change and are read every time.
_PROCESS_FACTS: tuple[tuple[int, str, str], str, str] | None = None


def _process_facts() -> tuple[str, str]:
    global _PROCESS_FACTS
    key = (os.getpid(), _BOOT_ID_PATH, _NS_PATH)
    facts = _PROCESS_FACTS
    if facts is None or facts[0] != key:
        facts = _PROCESS_FACTS = (key, read_boot_id(), read_container_id())
    return facts[1], facts[2]


_PTS_MAJORS = range(136, 144)  # Unix98 pseudo-terminals, 256 minors per major
_TTY_MAJOR = 4  # virtual consoles /dev/tty0-63 (serial ports /dev/ttyS* from minor 64)


def controlling_tty_name(tty_nr: int | None = None) -> str:
    """The device path of this process's controlling terminal, else "".

    Used when stdin, stdout and stderr are all redirected (`x=$(cmd </dev/null 2>&1)`):
    the process is still in the terminal's session, and the script's other commands,
    whose streams reach the terminal, must get the same session. The name is computed
    from the device number and accepted only if that device node has that number.
    """
    if tty_nr is None:
        try:
            tty_nr = get_proc_stat(os.getpid()).tty_nr
        except ProcStatError:
            return ""
    if tty_nr <= 0:
        return ""
    major = (tty_nr >> 8) & 0xFFF
    minor = (tty_nr & 0xFF) | ((tty_nr >> 12) & 0xFFF00)
    if major in _PTS_MAJORS:
        name = f"/dev/pts/{(major - _PTS_MAJORS.start) * 256 + minor}"
    elif major == _TTY_MAJOR and minor < 64:
        name = f"/dev/tty{minor}"
    elif major == _TTY_MAJOR:
        name = f"/dev/ttyS{minor - 64}"
    else:
        return ""
    try:
        return name if os.stat(name).st_rdev == tty_nr else ""
    except OSError:
        return ""


#: (pid, device path) of this process's controlling terminal as last computed. It changes only
#: when the process itself calls setsid(), which osm never does, so it is computed once per
#: process (a forked child computes its own); the streams' TTY is still read every time.
_CONTROLLING_TTY: tuple[int, str] | None = None


def _own_controlling_tty() -> str:
    global _CONTROLLING_TTY
    pid = os.getpid()
    known = _CONTROLLING_TTY
    if known is None or known[0] != pid:
        known = _CONTROLLING_TTY = (pid, controlling_tty_name())
    return known[1]


#: The first `WATCH_FROM - 1` walks of a process are plain walks; from then on it asks
#: `anchor_watch`, which keeps the answer while every input it came from provably holds. A
#: one-shot `osm` (one or two session-ID calls) never pays for the watch: its import (with
#: `select`) and its extra opens cost several hundred microseconds once, ~50 walks' worth
#: in the plainest tree. Without pidfds the walk is plain for good.
WATCH_FROM = 8
_WALKS = (0, 0)  # (pid, walks so far in it)
_anchor_source: Callable[[], tuple[int, int]] | None = None  # the watch, once in use
_PLAIN_FOR_GOOD = False  # no pidfds here: every walk is a plain one


def _anchor_of_this_process() -> tuple[int, int]:
    global _WALKS, _anchor_source, _PLAIN_FOR_GOOD
    source = _anchor_source
    if source is not None:
        return source()
    pid = os.getpid()
    if _PLAIN_FOR_GOOD:
        return find_stable_anchor_linux(pid)
    walked_in, walks = _WALKS
    walks = walks + 1 if walked_in == pid else 1
    if walks < WATCH_FROM:
        _WALKS = (pid, walks)
        return find_stable_anchor_linux(pid)
    from one_shot_man.session import anchor_watch

    answer = anchor_watch.stable_anchor()
    if anchor_watch.pidfds_work():
        _anchor_source = anchor_watch.stable_anchor
    else:
        _PLAIN_FOR_GOOD = True
    return answer


def resolve_deep_anchor_linux() -> SessionContext:
    """Boot ID, PID namespace, TTY and stable ancestor of this process."""
    boot_id, container_id = _process_facts()
    tty_name = resolve_tty_name() or _own_controlling_tty()
    source = _anchor_source
    if source is not None:
        anchor_pid, start_time = source()
    elif _PLAIN_FOR_GOOD:
        anchor_pid, start_time = find_stable_anchor_linux(os.getpid())
    else:
        anchor_pid, start_time = _anchor_of_this_process()
    return SessionContext(boot_id, container_id, anchor_pid, start_time, tty_name)
