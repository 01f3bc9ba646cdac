"""File locks: exclusive, non-blocking, crash-safe, and free of the flock+unlink race."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.storage import (
    LockHandle,
    acquire_lock_handle,
    is_locked,
    release_lock_handle,
)


def test_acquire_then_release_removes_file(tmp_path: Path) -> None:
    path = tmp_path / "a.lock"
    handle = acquire_lock_handle(path)
    assert isinstance(handle, LockHandle)
    assert path.exists()
    release_lock_handle(handle)
    assert not path.exists()
    assert handle.closed
    release_lock_handle(handle)  # a second release is a no-op


def test_second_acquire_would_block(tmp_path: Path) -> None:
    path = tmp_path / "a.lock"
    first = acquire_lock_handle(path)
    assert first is not None
    assert acquire_lock_handle(path) is None  # same process, separate open: still blocked
    release_lock_handle(first)
    again = acquire_lock_handle(path)
    assert again is not None
    release_lock_handle(again)


def test_release_none_is_fine() -> None:
    release_lock_handle(None)


def test_path_inside_a_regular_file_is_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="failed to open lock file"):
        acquire_lock_handle(blocker / "a.lock")


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="failed to open lock file"):
        acquire_lock_handle(tmp_path / "nope" / "a.lock")


def test_would_block_does_not_leak_descriptors(tmp_path: Path) -> None:
    path = tmp_path / "a.lock"
    holder = acquire_lock_handle(path)
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(50):
        assert acquire_lock_handle(path) is None
    assert len(os.listdir("/proc/self/fd")) == before
    release_lock_handle(holder)


def test_error_does_not_leak_descriptors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import one_shot_man.storage.locking as locking

    def broken(fd: int) -> bool:
        raise OSError(5, "injected lock failure")

    monkeypatch.setattr(locking, "_try_lock", broken)
    before = len(os.listdir("/proc/self/fd"))
    with pytest.raises(StorageError, match="injected lock failure"):
        acquire_lock_handle(tmp_path / "a.lock")
    assert len(os.listdir("/proc/self/fd")) == before


def test_close_without_release_keeps_file_and_unlocks(tmp_path: Path) -> None:
    path = tmp_path / "a.lock"
    handle = acquire_lock_handle(path)
    handle.close()  # what a crash does
    assert path.exists()
    again = acquire_lock_handle(path)
    assert again is not None
    release_lock_handle(again)
    assert not path.exists()


def test_racing_threads_exactly_one_wins(tmp_path: Path) -> None:
    path = tmp_path / "race.lock"
    barrier = threading.Barrier(20)
    winners: list[LockHandle] = []
    mutex = threading.Lock()

    def contender() -> None:
        barrier.wait()
        handle = acquire_lock_handle(path)
        if handle is not None:
            with mutex:
                winners.append(handle)

    threads = [threading.Thread(target=contender) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    release_lock_handle(winners[0])


def test_rapid_cycles(tmp_path: Path) -> None:
    path = tmp_path / "cycle.lock"
    for _ in range(100):
        handle = acquire_lock_handle(path)
        assert handle is not None
        release_lock_handle(handle)
    assert not path.exists()


def test_release_after_file_deleted_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "gone.lock"
    handle = acquire_lock_handle(path)
    path.unlink()
    release_lock_handle(handle)
    assert handle.closed


def test_stale_handle_on_unlinked_file_is_not_a_lock(tmp_path: Path) -> None:
    """The flock+unlink race: a lock taken on a file that was deleted meanwhile is retried."""
    path = tmp_path / "r.lock"
    holder = acquire_lock_handle(path)
    # Another process opened the old file before the holder released it ...
    stale_fd = os.open(path, os.O_RDWR)
    release_lock_handle(holder)  # deletes the file while holding the lock
    # ... and a third party now takes the lock on a fresh file.
    fresh = acquire_lock_handle(path)
    assert fresh is not None
    # The stale descriptor can flock its (deleted) inode, but that is not the lock:
    import fcntl

    fcntl.flock(stale_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    assert os.fstat(stale_fd).st_ino != os.stat(path).st_ino
    os.close(stale_fd)
    assert acquire_lock_handle(path) is None  # the fresh holder still excludes everyone
    release_lock_handle(fresh)


def test_is_locked_never_creates(tmp_path: Path) -> None:
    path = tmp_path / "probe.lock"
    assert is_locked(path) is False
    assert not path.exists()
    handle = acquire_lock_handle(path)
    assert is_locked(path) is True
    handle.close()
    assert is_locked(path) is False
    assert path.exists()


def test_lock_is_released_when_holder_process_dies(tmp_path: Path) -> None:
    path = tmp_path / "crash.lock"
    code = (
        "import os, sys\n"
        "from one_shot_man.storage import acquire_lock_handle\n"
        "h = acquire_lock_handle(sys.argv[1])\n"
        "assert h is not None\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
        "os._exit(0)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "locked"
        assert acquire_lock_handle(path) is None
        assert is_locked(path)
    finally:
        proc.stdin.write("\n")
        proc.stdin.close()
        proc.wait(timeout=30)
    assert path.exists()  # a crash leaves the file ...
    handle = acquire_lock_handle(path)  # ... but not the lock
    assert handle is not None
    release_lock_handle(handle)
