"""The filesystem backend: one JSON file per session, guarded by a per-session lock.

The lock is taken when the backend is created and held until `close()`, so at most one
backend (in any process) owns a session at a time, and every read-modify-write through
it is safe. Writes go through `atomic_write_file`, so a crash at any instant leaves the
old file or the new one. A file this code cannot read (corrupt, mistyped, or written by
a newer schema) is never overwritten.
"""

from __future__ import annotations

import os
import threading

from one_shot_man.errors import SessionLockedError
from one_shot_man.storage.atomic import atomic_write_file
from one_shot_man.storage.bound import BoundBackend
from one_shot_man.storage.codec import decode_session, encode_session
from one_shot_man.storage.errors import (
    ArchiveExistsError,
    StorageError,
    quote,
)
from one_shot_man.storage.locking import LockHandle, acquire_lock_handle, release_lock_handle
from one_shot_man.storage.paths import (
    LOCK_SUFFIX,
    SESSION_SUFFIX,
    _sessions_dir_str,
    validate_session_id,
)
from one_shot_man.storage.privacy import PRIVATE_FILE_MODE, check_private_dir, make_private_dirs
from one_shot_man.storage.schema import CURRENT_SCHEMA_VERSION, Session, utc_now

__all__ = ["FileSystemBackend"]

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
# Reading a just-written file would update its atime (relatime), dirtying the inode
# so the next save's fsync has more to journal. O_NOATIME is allowed for the file's
# owner only; anyone else falls back to a plain read.
_NOATIME = getattr(os, "O_NOATIME", 0)
_ARCHIVE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)

# What the backend knows about the file on disk (it holds the lock, so nobody else
# can change it): not yet looked at, safe to overwrite, or must not be overwritten.
_UNKNOWN, _WRITABLE, _PROTECTED = 0, 1, 2

# Files this process last wrote or read successfully, by path: identity, size and times.
# A backend that saves without loading first must make sure it is not replacing a file
# it cannot read; when the file is exactly as this process left it, a stat is proof
# enough and the read+decode (a few percent of a write cycle) is skipped.
_known_good: dict[str, tuple[int, int, int, int, int]] = {}


def _fingerprint(st: os.stat_result) -> tuple[int, int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _prepare_archive_destination(dest_path: str) -> None:
    """Create the archive's folder (private); ArchiveExistsError when `dest_path` is taken."""
    try:
        make_private_dirs(os.path.dirname(dest_path) or ".")
    except OSError as exc:
        raise StorageError(
            f"failed to create archive directory for {dest_path}: {exc.strerror or exc}"
        ) from exc
    try:
        os.lstat(dest_path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StorageError(
            f"failed to stat destination {dest_path}: {exc.strerror or exc}"
        ) from exc
    raise ArchiveExistsError(dest_path)


def _write_archive(dest_path: str, data: bytes) -> None:
    """Create `dest_path` exclusively (0600) and make `data` durable in it, or leave nothing.

    The exclusive create makes exactly one of several concurrent archivers win.
    """
    try:
        fd = os.open(dest_path, _ARCHIVE_FLAGS, PRIVATE_FILE_MODE)
    except FileExistsError:
        raise ArchiveExistsError(dest_path) from None
    except OSError as exc:
        raise StorageError(
            f"failed to create archive destination {dest_path}: {exc.strerror or exc}"
        ) from exc
    try:
        try:
            if os.fstat(fd).st_mode & 0o777 != PRIVATE_FILE_MODE:  # the umask's doing
                os.fchmod(fd, PRIVATE_FILE_MODE)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        try:
            os.unlink(dest_path)
        except OSError:
            pass
        raise StorageError(
            f"failed to write archive destination {dest_path}: {exc.strerror or exc}"
        ) from exc


def _read_file(path: str) -> tuple[bytes, os.stat_result]:
    try:
        fd = os.open(path, _READ_FLAGS | _NOATIME)
    except PermissionError:
        fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        size = st.st_size
        chunks = []
        while True:
            chunk = os.read(fd, max(size, 65536))
            if not chunk:
                break
            chunks.append(chunk)
            size = 65536
        return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), st
    finally:
        os.close(fd)


class FileSystemBackend(BoundBackend):
    """Persistent backend for one session, holding its lock for its whole lifetime.

    Raises `SessionLockedError` at construction when another backend (in this or any
    other process) has the session.
    """

    _bound = "locked for"

    def __init__(
        self, session_id: str, *, sessions_dir: str | os.PathLike[str] | None = None
    ) -> None:
        validate_session_id(session_id)
        directory = _sessions_dir_str(sessions_dir)
        self._session_id = session_id
        self._dir = directory
        self._path = os.path.join(directory, session_id + SESSION_SUFFIX)
        self._lock_path = os.path.join(directory, session_id + LOCK_SUFFIX)
        self._state = _UNKNOWN
        self._protected_error: StorageError | None = None
        self._mutex = threading.Lock()
        self._pid = os.getpid()
        self._handle: LockHandle | None = None
        check_private_dir(directory)
        handle = acquire_lock_handle(self._lock_path)
        if handle is None:
            raise SessionLockedError(
                f"session {quote(session_id)} is locked by another osm process "
                f"(lock file {self._lock_path})"
            )
        self._handle = handle

    @property
    def path(self) -> str:
        """The session file this backend reads and writes."""
        return self._path

    @property
    def lock_path(self) -> str:
        return self._lock_path

    @property
    def closed(self) -> bool:
        return self._handle is None

    def _read(self) -> Session | None:
        """Read and decode the file, recording whether it may be overwritten."""
        try:
            data, st = _read_file(self._path)
        except FileNotFoundError:
            self._state = _WRITABLE
            return None
        except OSError as exc:
            error = StorageError(f"failed to read session file {self._path}: {exc.strerror or exc}")
            self._state = _PROTECTED
            self._protected_error = error
            raise error from exc
        try:
            session = decode_session(data, source=self._path)
        except StorageError as exc:
            self._state = _PROTECTED
            self._protected_error = exc
            raise
        self._state = _WRITABLE
        _known_good[self._path] = _fingerprint(st)
        return session

    def load_session(self, session_id: str) -> Session | None:
        """The stored session, or None when there is none yet.

        Raises `SessionDecodeError` (corrupt, truncated, empty, mistyped) or
        `UnsupportedSchemaVersionError` (newer schema); the file is left untouched and
        later saves through this backend refuse to overwrite it.
        """
        if session_id != self._session_id:
            raise self._mismatch(session_id, "requested")
        with self._mutex:
            return self._read()

    def save_session(self, session: Session) -> None:
        """Write `session` atomically; sets its `version` and `update_time` first.

        Refuses (raising the original read error) to replace a file that could not be
        read, so bad input never costs data.
        """
        if session.id != self._session_id:
            raise self._mismatch(session.id, "session has")
        with self._mutex:
            if self._handle is None:
                raise StorageError(f"session {quote(self._session_id)}: backend is closed")
            if self._state != _WRITABLE:
                if self._state == _UNKNOWN and not self._unchanged_since_last_seen():
                    try:
                        self._read()
                    except StorageError:
                        pass
                if self._state == _PROTECTED:
                    error = self._protected_error
                    self._state = _UNKNOWN  # re-check next time: the user may fix the file
                    raise StorageError(
                        f"refusing to overwrite session file {self._path}: {error}"
                    ) from error
            session.version = CURRENT_SCHEMA_VERSION
            session.update_time = utc_now()
            data = encode_session(session, indent=True)
            atomic_write_file(self._path, data, PRIVATE_FILE_MODE)
            self._state = _WRITABLE
            try:
                _known_good[self._path] = _fingerprint(os.stat(self._path))
            except OSError:
                _known_good.pop(self._path, None)

    def _unchanged_since_last_seen(self) -> bool:
        known = _known_good.get(self._path)
        try:
            st = os.stat(self._path)
        except FileNotFoundError:
            self._state = _WRITABLE
            return True
        except OSError:
            return False
        if known is not None and known == _fingerprint(st):
            self._state = _WRITABLE
            return True
        return False

    def archive_session(self, session_id: str, dest: str | os.PathLike[str]) -> None:
        """Move the session file to `dest` (no-op if there is none).

        Raises `ArchiveExistsError` (a `FileExistsError`) when `dest` exists, so the
        caller retries with the next counter; the exclusive create makes exactly one
        of several concurrent archivers win. The source is removed only after the copy
        is durable; the session lock is not touched.
        """
        with self._mutex:
            if session_id != self._session_id:
                raise self._mismatch(session_id, "requested")
            dest_path = os.fspath(dest)
            if not dest_path:
                raise StorageError("destPath cannot be empty")
            try:
                os.stat(self._path)
            except FileNotFoundError:
                if os.path.lexists(dest_path):
                    raise ArchiveExistsError(dest_path) from None
                return
            except OSError as exc:
                raise StorageError(
                    f"failed to stat session file {self._path}: {exc.strerror or exc}"
                ) from exc
            _prepare_archive_destination(dest_path)
            try:
                data, _ = _read_file(self._path)
            except OSError as exc:
                raise StorageError(
                    f"failed to read session {self._path} for archive: {exc.strerror or exc}"
                ) from exc
            _write_archive(dest_path, data)
            _known_good.pop(self._path, None)
            try:
                os.unlink(self._path)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise StorageError(
                    f"failed to remove original session {self._path} after archive "
                    f"(the archive {dest_path} is kept): {exc.strerror or exc}"
                ) from exc
            self._state = _WRITABLE

    def close(self) -> None:
        """Release the lock; later calls do nothing.

        The lock file is deleted only when there is no session file. While the session
        exists its lock file stays as a companion (unlocked, so it means nothing): creating
        it afresh on every open costs an inode allocation that the next fsync must journal,
        about a quarter of a whole write cycle on ext4. Deleting a session removes both.
        """
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            self._release(handle)
        except (OSError, StorageError) as exc:
            raise StorageError(f"failed to release session lock {self._lock_path}: {exc}") from exc

    def _release(self, handle: LockHandle) -> None:
        if os.getpid() != self._pid:
            # A forked child shares the parent's lock: drop our descriptor, nothing more.
            handle.close()
        elif os.path.exists(self._path):
            handle.close()
        else:
            release_lock_handle(handle)

    def __del__(self) -> None:
        # A forgotten backend must not keep its session locked for the process lifetime.
        handle = getattr(self, "_handle", None)
        if handle is not None:
            self._handle = None
            try:
                self._release(handle)
            except Exception:
                pass

    def __repr__(self) -> str:
        state = "closed" if self._handle is None else "locked"
        return f"FileSystemBackend({self._session_id!r}, {state}, path={self._path!r})"
