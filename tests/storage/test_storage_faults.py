"""Faults that lose nothing (issue 10 item 2): a save through the filesystem backend that fails
part-way raises one clear error, leaves the previous session file exactly as it was (and no
temp file), keeps the backend usable, and releases the lock on close; a lock left by a killed
process is no lock (spec: "A stale lock *file* does not mean the session is locked")."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.storage import FileSystemBackend, HistoryEntry, Session
from one_shot_man.storage.atomic import TEMP_PREFIX
from one_shot_man.storage.codec import decode_session
from one_shot_man.storage.locking import is_locked

SID = "faulty"
REPO = Path(__file__).resolve().parents[2]


@contextmanager
def failing(name: str, code: int, *, after: int = 0) -> Iterator[None]:
    """Make `os.<name>` raise `OSError(code)` from its `after+1`-th call on, in-process."""
    real = getattr(os, name)
    calls = {"n": 0}

    def fault(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] <= after:
            return real(*args, **kwargs)
        raise OSError(code, os.strerror(code))

    setattr(os, name, fault)
    try:
        yield
    finally:
        setattr(os, name, real)


def _session(n: int) -> Session:
    return Session(
        id=SID, history=[HistoryEntry(entry_id=str(i), command="note") for i in range(n)]
    )


@pytest.fixture
def saved(tmp_path: Path) -> tuple[FileSystemBackend, Path, bytes]:
    """A backend whose session file holds a saved 3-entry session."""
    backend = FileSystemBackend(SID, sessions_dir=tmp_path)
    backend.save_session(_session(3))
    path = Path(backend.path)
    return backend, path, path.read_bytes()


FAULTS = [
    # (os function, errno, calls let through first, what the message names)
    ("write", errno.ENOSPC, 0, "failed to write to temp file: No space left on device"),
    ("write", errno.EIO, 0, "failed to write to temp file: Input/output error"),
    ("fsync", errno.EIO, 0, "failed to sync temp file: Input/output error"),
    ("fsync", errno.ENOSPC, 0, "failed to sync temp file: No space left on device"),
    ("replace", errno.EIO, 0, "failed to rename temp file over target: Input/output error"),
    ("replace", errno.EROFS, 0, "failed to rename temp file over target: Read-only file system"),
    ("open", errno.EROFS, 0, "failed to create temp file: Read-only file system"),
    ("open", errno.ENOSPC, 0, "failed to create temp file: No space left on device"),
]


@pytest.mark.parametrize(("name", "code", "after", "expected"), FAULTS)
def test_failed_save_keeps_the_previous_file(saved, name, code, after, expected) -> None:
    backend, path, before = saved
    with failing(name, code, after=after), pytest.raises(StorageError) as info:
        backend.save_session(_session(4))
    message = str(info.value)
    assert message == f"failed to write {path}: {expected}"
    assert path.read_bytes() == before
    assert [p for p in os.listdir(path.parent) if p.startswith(TEMP_PREFIX)] == []
    # The backend still works once the fault is gone, and closing releases the lock.
    backend.save_session(_session(5))
    assert len(decode_session(path.read_bytes()).history) == 5
    backend.close()
    assert not is_locked(backend.lock_path)
    FileSystemBackend(SID, sessions_dir=path.parent).close()


def test_failed_save_then_close_releases_the_lock(saved) -> None:
    backend, path, before = saved
    with failing("write", errno.ENOSPC), pytest.raises(StorageError):
        backend.save_session(_session(4))
    backend.close()
    assert not is_locked(backend.lock_path)
    again = FileSystemBackend(SID, sessions_dir=path.parent)
    try:
        assert again.load_session(SID).history == _session(3).history
    finally:
        again.close()
    assert path.read_bytes() == before


def test_directory_fsync_failure_after_rename_is_reported(saved) -> None:
    """The rename has happened: the new file is whole; the error says durability is unsure."""
    backend, path, _ = saved
    with failing("fsync", errno.EIO, after=1), pytest.raises(StorageError) as info:
        backend.save_session(_session(4))
    assert str(info.value) == (
        f"failed to write {path}: failed to sync directory after rename: Input/output error"
    )
    assert len(decode_session(path.read_bytes()).history) == 4
    backend.close()
    assert not is_locked(backend.lock_path)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_sessions_directory(saved) -> None:
    backend, path, before = saved
    path.parent.chmod(0o555)
    try:
        with pytest.raises(StorageError, match=r"failed to create temp file: Permission denied"):
            backend.save_session(_session(4))
    finally:
        path.parent.chmod(0o755)
    assert path.read_bytes() == before
    backend.close()
    assert not is_locked(backend.lock_path)


def test_vanished_sessions_directory_is_recreated_on_save(saved) -> None:
    """Someone removed the whole directory: the save puts the session back, nothing is lost."""
    backend, path, _ = saved
    shutil.rmtree(path.parent)
    backend.save_session(_session(4))
    assert len(decode_session(path.read_bytes()).history) == 4
    backend.close()


def test_vanished_directory_that_cannot_be_recreated(saved) -> None:
    backend, path, _ = saved
    shutil.rmtree(path.parent)
    path.parent.write_text("a file where the directory was")
    try:
        with pytest.raises(StorageError, match=rf"^failed to write {path}: "):
            backend.save_session(_session(4))
        backend.close()
    finally:
        path.parent.unlink()


CHILD = """
import os, sys, time
from one_shot_man.storage import FileSystemBackend, HistoryEntry, Session
b = FileSystemBackend("faulty", sessions_dir=sys.argv[1])
b.save_session(Session(id="faulty", history=[HistoryEntry(entry_id="from-child")]))
print("saved", flush=True)
time.sleep(60)
"""


def test_lock_of_a_killed_process_is_recovered(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert child.stdout.readline().strip() == "saved"
        lock = tmp_path / f"{SID}.session.lock"
        assert is_locked(lock)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert lock.exists()  # the stale lock file is left behind ...
    deadline = time.monotonic() + 5
    while is_locked(lock) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not is_locked(lock)  # ... but is no lock
    backend = FileSystemBackend(SID, sessions_dir=tmp_path)
    try:
        session = backend.load_session(SID)
        assert [e.entry_id for e in session.history] == ["from-child"]
        backend.save_session(session)
    finally:
        backend.close()
