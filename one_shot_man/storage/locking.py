"""Advisory, non-blocking, per-file locks that a crashed process cannot leave held.

The lock is an `flock` on an open descriptor of a `*.lock` file, so the OS drops it when
the process dies; a left-over lock *file* therefore never means "locked". Releasing
deletes the file while still holding the lock, and acquiring checks afterwards that the
path still names the file it locked. Together these close the classic flock+unlink race
in which two processes could both believe they hold a lock (one on the unlinked file,
one on its replacement) — a race the Go original has.
"""

from __future__ import annotations

import os
import sys

from one_shot_man.errors import StorageError

__all__ = ["LockHandle", "acquire_lock_handle", "is_locked", "release_lock_handle"]

_OPEN_FLAGS = os.O_RDWR | getattr(os, "O_CLOEXEC", 0)
_PROBE_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
_MAX_ATTEMPTS = 16
#: Lock files are private like the sessions they guard (see storage.privacy).
_LOCK_MODE = 0o600

if sys.platform == "win32":  # pragma: no cover - exercised only on Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

    def _same_file(fd: int, path: str) -> bool:
        return True

else:
    import fcntl

    _LOCK_FLAGS = fcntl.LOCK_EX | fcntl.LOCK_NB

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, _LOCK_FLAGS)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        except OSError:
            pass

    def _same_file(fd: int, path: str) -> bool:
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return False
        held = os.fstat(fd)
        if held.st_mode & 0o777 != _LOCK_MODE:
            # Created under an odd umask, or by an older osm (0644): private from now on.
            try:
                os.fchmod(fd, _LOCK_MODE)
            except OSError:
                pass
        return st.st_ino == held.st_ino and st.st_dev == held.st_dev


class LockHandle:
    """A held lock: the open descriptor and the lock file's path."""

    __slots__ = ("fd", "path")

    def __init__(self, fd: int, path: str) -> None:
        self.fd = fd
        self.path = path

    def close(self) -> None:
        """Drop the lock but keep the lock file (what a crash leaves behind)."""
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    @property
    def closed(self) -> bool:
        return self.fd < 0

    def __repr__(self) -> str:
        return f"LockHandle({self.path!r}, fd={self.fd})"


def acquire_lock_handle(path: str | os.PathLike[str], *, create: bool = True) -> LockHandle | None:
    """Take the exclusive lock on `path` without waiting.

    Returns the handle, or None when another holder has it ("would block" is not an
    error). With `create=False` a missing lock file also gives None: nobody can hold
    a lock on a file that does not exist, so there is nothing to take or report.
    Raises `StorageError` for real failures (unwritable directory, path through a file).
    """
    target = os.fspath(path)
    flags = _OPEN_FLAGS | os.O_CREAT if create else _OPEN_FLAGS
    for _ in range(_MAX_ATTEMPTS):
        try:
            fd = os.open(target, flags, _LOCK_MODE)
        except FileNotFoundError:
            if not create:
                return None
            raise StorageError(f"failed to open lock file {target}: no such directory") from None
        except OSError as exc:
            raise StorageError(f"failed to open lock file {target}: {exc.strerror}") from exc
        try:
            if not _try_lock(fd):
                os.close(fd)
                return None
            if _same_file(fd, target):
                return LockHandle(fd, target)
        except OSError as exc:
            os.close(fd)
            raise StorageError(f"failed to acquire file lock {target}: {exc.strerror}") from exc
        # We locked a file its holder has just released and deleted; take the new one.
        os.close(fd)
        if not create:
            return None
    return None


def release_lock_handle(handle: LockHandle | None) -> None:
    """Release the lock and delete its file; None and already-released are no-ops.

    The file is removed while the lock is still held, so no other process can lock the
    doomed file and then find itself sharing the lock with a later creator.
    """
    if handle is None or handle.fd < 0:
        return
    fd, handle.fd = handle.fd, -1
    error: OSError | None = None
    if sys.platform == "win32":  # pragma: no cover - Windows cannot unlink an open file
        _unlock(fd)
        os.close(fd)
        try:
            os.unlink(handle.path)
        except OSError:
            pass
        return
    try:
        os.unlink(handle.path)
    except (FileNotFoundError, NotADirectoryError):
        pass  # the file (or its whole directory) is gone already: nothing to remove
    except OSError as exc:
        error = exc
    try:
        os.close(fd)
    except OSError as exc:
        error = error or exc
    if error is not None:
        raise StorageError(f"failed to release lock {handle.path}: {error.strerror}") from error


def is_locked(path: str | os.PathLike[str]) -> bool:
    """True when some process holds the lock on `path`; never creates the file.

    A missing lock file means "not locked": a holder keeps its file until it releases.
    Raises `StorageError` when the file exists but cannot be opened or locked.
    """
    target = os.fspath(path)
    try:
        fd = os.open(target, _PROBE_FLAGS)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise StorageError(f"failed to open lock file {target}: {exc.strerror}") from exc
    try:
        return not _try_lock(fd)
    except OSError as exc:
        raise StorageError(f"failed to probe file lock {target}: {exc.strerror}") from exc
    finally:
        os.close(fd)
