"""The deep anchor's walk answer, kept while every input it was computed from still holds.

A process that asks for its session ID again (a library user, several engines, the
benchmarks) re-walked its ancestry each time, re-reading `/proc/<pid>/stat`, which the
kernel renders afresh on each read: most of the call's time. What the walk used, per
process it read, and what can change each input:

- parent and start time: only when the process ends (its children are reparented, its
  pid may be reused). A pidfd of each shows that; one `poll` with no wait checks all.
  osm's own parent is `os.getppid()`, asked again each time.
- name (the skip list, the forked-subshell check): an exec or `prctl(PR_SET_NAME)`, so
  `/proc/<pid>/comm` is re-read (a fifth of a stat's price).
- memory layout (the forked-subshell check, when two names match): an exec. A kept
  `/proc/<pid>/environ` descriptor, opened before the stat was read, is tied to the memory
  of that time and reads empty once an exec replaced it, so it is re-read and compared.
- arguments and environment (the same check, when two layouts match): any write to that
  memory, so those files are re-read and compared.

Everything is re-read through descriptors kept open, one system call each; any change and
the walk runs again. A walk that failed to read something (an unreadable ancestor), a
kernel or sandbox without pidfds, or a /proc of another PID namespace: walk every call.
"""

from __future__ import annotations

import _thread
import errno
import os
import select

from one_shot_man.session.linux import (
    _read_small,
    find_stable_anchor_linux,
    get_proc_stat,
    is_forked_copy,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.session.linux import ProcStat

__all__ = ["MAX_BUILDS", "MAX_WATCHED", "pidfds_work", "stable_anchor"]

MAX_WATCHED = 12  # processes a watch covers (2-4 descriptors each); a longer walk is not watched
MAX_BUILDS = 16  # watches built per process; then its tree changes too often to be worth one
_O_PROC = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_NO_PIDFDS = (errno.ENOSYS, errno.EPERM, errno.EACCES)  # kernel < 5.3 or a seccomp filter
_CHUNK = 65536


def _pread_all(fd: int) -> bytes:
    data = os.pread(fd, _CHUNK, 0)
    if len(data) == _CHUNK:  # an environment over 64 KB: read on, never compare a part
        chunks = [data]
        while chunk := os.pread(fd, _CHUNK, _CHUNK * len(chunks)):
            chunks.append(chunk)
        data = b"".join(chunks)
    return data


class _Watch:
    """A walk's answer and what proves it still holds."""

    __slots__ = ("answer", "checks", "fds", "owner", "parent", "poll")

    def __init__(self, owner: int, parent: int, answer: tuple[int, int]) -> None:
        self.owner = owner  # the pid that walked: a forked child walks for itself
        self.parent = parent  # os.getppid() at the walk
        self.answer = answer
        self.fds: list[tuple[int, tuple[int, int]]] = []  # (descriptor, its device and inode)
        self.checks: list[tuple[int, bytes]] = []  # (descriptor, what it read at the walk)
        self.poll = select.poll()

    def holds(self) -> bool:
        """True when no watched process ended and every re-read file reads as at the walk."""
        if os.getppid() != self.parent or self.poll.poll(0):
            return False
        try:
            for fd, seen in self.checks:
                if _pread_all(fd) != seen:
                    return False
        except OSError:
            return False
        return True

    def close(self) -> None:
        """Close the descriptors that are still the ones opened (`os.closerange` and a reuse
        of the numbers by other code must not make this close another's file)."""
        fds, self.fds, self.checks = self.fds, [], []
        for fd, opened in fds:
            try:
                st = os.fstat(fd)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) == opened:
                os.close(fd)

    def keep(self, fd: int) -> None:
        st = os.fstat(fd)
        self.fds.append((fd, (st.st_dev, st.st_ino)))


_WATCH: _Watch | None = None
_UNWATCHED: tuple[int, tuple[int, int]] | None = None  # (pid, answer) of a walk not watchable
_BUILDS = (0, 0)  # (pid, watches built in it)
_PIDFDS = hasattr(os, "pidfd_open")  # False once the kernel or a sandbox refuses one
_LOCK = _thread.allocate_lock()  # a check and a close of one watch's descriptors are exclusive


def _after_fork_in_child() -> None:
    # The child's copies of the descriptors are its own and none of its code ran yet; its
    # answer may differ from the parent's (another parent), so it walks for itself.
    global _WATCH, _LOCK
    _LOCK = _thread.allocate_lock()
    watch, _WATCH = _WATCH, None
    if watch is not None:
        watch.close()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def pidfds_work() -> bool:
    """False once pidfd_open was refused (Linux < 5.3, a seccomp filter, valgrind 3.19)."""
    return _PIDFDS


def stable_anchor() -> tuple[int, int]:
    """`find_stable_anchor_linux(os.getpid())`, without the walk while its inputs hold."""
    global _WATCH, _UNWATCHED, _BUILDS
    pid = os.getpid()
    with _LOCK:
        watch = _WATCH
        if watch is not None:
            if watch.owner == pid and watch.holds():
                return watch.answer
            _WATCH = None
            if watch.owner == pid:  # else forked without the hook: the numbers may be others'
                watch.close()
        if not _PIDFDS or (_BUILDS[0] == pid and _BUILDS[1] >= MAX_BUILDS):
            # No pidfds, or a tree that keeps changing (a watched process that rewrites its
            # name or arguments all the time): a build costs more than a walk, so walk.
            return find_stable_anchor_linux(pid)
        unwatched = _UNWATCHED
        if unwatched is not None and unwatched[0] == pid:
            # This tree could not be watched: walk as before; once the answer moves (a
            # process of it ended or changed), try to watch the new tree.
            answer = find_stable_anchor_linux(pid)
            if answer == unwatched[1]:
                return answer
        _BUILDS = (pid, _BUILDS[1] + 1 if _BUILDS[0] == pid else 1)
        answer, _WATCH = _walk_and_watch(pid)
        _UNWATCHED = None if _WATCH is not None else (pid, answer)
        return answer


class _Recorder:
    """The walk's readers, recording each input and opening what will re-read it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.fds: dict[tuple[int, str], int] = {}  # (pid, "pidfd"/"comm"/...) -> descriptor
        self.stats: dict[int, ProcStat] = {}
        self.layouts: set[int] = set()  # pids whose memory layout a fork check compared
        self.files: dict[tuple[int, str], bytes] = {}  # (pid, "cmdline"/"environ") -> bytes
        self.failed = False  # something could not be read: that decided, and is not watched

    def stat(self, p: int) -> ProcStat:
        if p != self.pid and (p, "pidfd") not in self.fds and _PIDFDS:
            # Before the stat: should the pid pass to another process in between, the pidfd
            # is the ended one's and the environ descriptor an empty one, and the check fails.
            self._open(p)
        try:
            st = get_proc_stat(p)
        except BaseException:
            self.failed = True
            raise
        self.stats.setdefault(p, st)
        return st

    def _open(self, p: int) -> None:
        global _PIDFDS
        try:
            self.fds[p, "pidfd"] = os.pidfd_open(p)
        except OSError as exc:
            if exc.errno in _NO_PIDFDS:
                _PIDFDS = False
            return  # or no such process: its stat read decides what that means
        for name in ("comm", "environ", "cmdline"):
            try:
                self.fds[p, name] = os.open(f"/proc/{p}/{name}", _O_PROC)
            except OSError:
                pass  # needed only if a check uses it; then its absence stops the watch

    def forked(self, child: ProcStat, parent: ProcStat) -> bool:
        if child.comm == parent.comm:
            self.layouts.update((child.pid, parent.pid))
        return is_forked_copy(child, parent, read=self._read)

    def _read(self, path: str) -> bytes:
        _, _, p, name = path.split("/")
        try:
            data = _read_small(path)
        except OSError:
            self.failed = True
            raise
        self.files.setdefault((int(p), name), data)
        return data


def _walk_and_watch(pid: int) -> tuple[tuple[int, int], _Watch | None]:
    """The walk as `find_stable_anchor_linux` does it, and a watch of its inputs if it can."""
    rec = _Recorder(pid)
    parent = os.getppid()
    watch = None
    try:
        answer = find_stable_anchor_linux(pid, stat=rec.stat, forked=rec.forked)
        if _PIDFDS and not rec.failed and _proc_is_ours(pid):
            watch = _watch(rec, parent, answer)
    finally:
        kept = {fd for fd, _ in watch.fds} if watch is not None else set()
        for fd in rec.fds.values():
            if fd not in kept:
                os.close(fd)
    return answer, watch


def _proc_is_ours(pid: int) -> bool:
    """True when /proc shows this process's PID namespace (pidfds are opened in that one)."""
    try:
        return os.readlink("/proc/self") == str(pid)
    except OSError:
        return False


def _watch(rec: _Recorder, parent: int, answer: tuple[int, int]) -> _Watch | None:
    """A watch over what the walk read, or None when that cannot be re-read exactly."""
    me = rec.stats.get(rec.pid)
    procs = [st for p, st in rec.stats.items() if p != rec.pid]
    if me is None or me.ppid != parent or len(procs) > MAX_WATCHED:
        return None
    watch = _Watch(rec.pid, parent, answer)
    fds = rec.fds
    try:
        for st in procs:
            p = st.pid
            pidfd, comm = fds.get((p, "pidfd")), fds.get((p, "comm"))
            if pidfd is None or comm is None:
                return None
            watch.poll.register(pidfd, select.POLLIN)
            watch.keep(pidfd)
            watch.keep(comm)
            if not _expect(watch, comm, st.comm.encode("utf-8", "surrogateescape") + b"\n"):
                return None  # renamed since its stat was read
            for name in ("environ", "cmdline"):
                used = rec.files.get((p, name))
                if name == "environ" and used is None and p in rec.layouts:
                    used = b""  # only the layout was compared: the descriptor shows an exec
                if used is None:
                    continue
                fd = fds.get((p, name))
                if fd is None:
                    return None
                watch.keep(fd)
                if not _expect(watch, fd, used):
                    return None
    except OSError:
        return None
    return watch


def _expect(watch: _Watch, fd: int, used: bytes) -> bool:
    """Add a re-read of `fd` to `watch`; False when it does not read what the walk used.

    `used` empty means "whatever it reads now, as long as it is not empty": an environ
    descriptor whose memory an exec replaced reads empty (so does an empty environment,
    which cannot show an exec, so it is not watchable).
    """
    now = _pread_all(fd)
    if (used and now != used) or not now:
        return False
    watch.checks.append((fd, now))
    return True
