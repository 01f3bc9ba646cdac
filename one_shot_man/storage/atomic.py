"""Crash-safe file replacement: readers see the old file or the new one, never a torn one.

Deliberately free of msgspec and the rest of the storage package, so the config
package can import it lazily for its own writes.
"""

from __future__ import annotations

import errno
import os

from one_shot_man.errors import StorageError

__all__ = ["TEMP_PREFIX", "AtomicWriteError", "atomic_write_file"]

#: Temp files live next to their target; scanners ignore names with this prefix.
TEMP_PREFIX = ".tmp-session-"

_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
# Filesystems that cannot fsync a directory say so with one of these; not a failure.
_DIR_SYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF, errno.EACCES, errno.EISDIR}


class AtomicWriteError(StorageError):
    """An atomic write failed; the target is unchanged and no temp file is left."""

    def __init__(self, path: str, step: str, cause: OSError) -> None:
        super().__init__(f"failed to write {path}: {step}: {cause.strerror or cause}")
        self.path = path
        self.step = step


def _open_temp(directory: str, mode: int) -> tuple[int, str]:
    for _ in range(100):
        tmp = os.path.join(directory, TEMP_PREFIX + os.urandom(6).hex())
        try:
            return os.open(tmp, _CREATE_FLAGS, mode & 0o777), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "could not find a free temp file name", directory)


def _sync_directory(directory: str) -> None:
    """Make the rename itself durable (the Go original skips this step)."""
    try:
        fd = os.open(directory, _DIR_FLAGS)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_SYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def atomic_write_file(path: str | os.PathLike[str], data: bytes, mode: int = 0o644) -> None:
    """Replace `path` with `data` atomically and durably; final permissions are `mode`.

    Steps: temp file in the same directory (created with `mode`, never more open than
    the result), write, fsync, chmod if the umask changed the mode (the final mode is
    exactly `mode`), close, rename over the target, fsync the directory. Missing
    parent directories are created (0755). On any failure the temp file is removed.
    """
    target = os.fspath(path)
    directory = os.path.dirname(target) or "."
    try:
        fd, tmp = _open_temp(directory, mode)
    except FileNotFoundError:
        try:
            os.makedirs(directory, 0o755, exist_ok=True)
            fd, tmp = _open_temp(directory, mode)
        except OSError as exc:
            raise AtomicWriteError(target, "failed to create directory or temp file", exc) from exc
    except OSError as exc:
        raise AtomicWriteError(target, "failed to create temp file", exc) from exc

    step = "failed to write to temp file"
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            step = "failed to sync temp file"
            os.fsync(fd)
            step = "failed to chmod temp file"
            if os.fstat(fd).st_mode & 0o7777 != mode:  # the umask took bits away
                os.fchmod(fd, mode)
        except BaseException:
            try:
                os.close(fd)
            except OSError:
                pass
            raise
        step = "failed to close temp file"
        os.close(fd)
        step = "failed to rename temp file over target"
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise AtomicWriteError(target, step, exc) from exc
        raise
    try:
        _sync_directory(directory)
    except OSError as exc:
        raise AtomicWriteError(target, "failed to sync directory after rename", exc) from exc
