"""Filesystem backend: lifetime lock, atomic saves, safe loads, archive semantics."""

from __future__ import annotations

import json
import os
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from one_shot_man.errors import SessionLockedError, StorageError
from one_shot_man.storage import (
    CURRENT_SCHEMA_VERSION,
    ArchiveExistsError,
    FileSystemBackend,
    HistoryEntry,
    Session,
    SessionDecodeError,
    SessionIDMismatchError,
    UnsupportedSchemaVersionError,
    archive_session_file_path,
    is_locked,
)
from one_shot_man.storage.atomic import TEMP_PREFIX


def _entry(i: int) -> HistoryEntry:
    return HistoryEntry(
        entry_id=str(i),
        mode_id="test-mode",
        command=f"echo {i}",
        read_time=datetime.now(UTC),
        final_state={"state": i},
    )


def test_default_directory_is_created_with_lock(sessions_dir: Path) -> None:
    assert not sessions_dir.exists()
    with FileSystemBackend("abc") as backend:
        assert sessions_dir.is_dir()
        assert (sessions_dir / "abc.session.lock").exists()
        assert backend.lock_path == str(sessions_dir / "abc.session.lock")
        assert backend.path == str(sessions_dir / "abc.session.json")
    assert not (sessions_dir / "abc.session.lock").exists()


def test_empty_id_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="sessionID cannot be empty"):
        FileSystemBackend("", sessions_dir=tmp_path)


def test_second_backend_for_locked_id_fails(tmp_path: Path) -> None:
    first = FileSystemBackend("abc", sessions_dir=tmp_path)
    with pytest.raises(SessionLockedError) as info:
        FileSystemBackend("abc", sessions_dir=tmp_path)
    lock = tmp_path / "abc.session.lock"
    assert str(info.value) == (f'session "abc" is locked by another osm process (lock file {lock})')
    assert isinstance(info.value, StorageError)
    first.close()
    FileSystemBackend("abc", sessions_dir=tmp_path).close()


def test_close_removes_lock_and_is_idempotent(tmp_path: Path) -> None:
    backend = FileSystemBackend("abc", sessions_dir=tmp_path)
    backend.close()
    assert not (tmp_path / "abc.session.lock").exists()
    assert backend.closed
    backend.close()


def test_close_keeps_unlocked_lock_file_while_session_exists(tmp_path: Path) -> None:
    backend = FileSystemBackend("abc", sessions_dir=tmp_path)
    backend.save_session(Session(id="abc"))
    backend.close()
    lock = tmp_path / "abc.session.lock"
    assert lock.exists()
    assert not is_locked(lock)  # a companion file, not a lock
    again = FileSystemBackend("abc", sessions_dir=tmp_path)
    assert is_locked(lock)
    again.archive_session("abc", tmp_path / "archive" / "a.session.json")
    again.close()
    assert not lock.exists()  # no session left: the lock file goes too


def test_save_after_close_is_refused(tmp_path: Path) -> None:
    backend = FileSystemBackend("abc", sessions_dir=tmp_path)
    backend.close()
    with pytest.raises(StorageError, match="closed"):
        backend.save_session(Session(id="abc"))
    assert not (tmp_path / "abc.session.json").exists()


def test_save_writes_current_version_and_load_roundtrips(tmp_path: Path) -> None:
    session = Session(id="abc", version="0.0.1", history=[_entry(i) for i in range(3)])
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        backend.save_session(session)
    assert session.version == CURRENT_SCHEMA_VERSION  # the caller's object is updated
    raw = (tmp_path / "abc.session.json").read_bytes()
    assert json.loads(raw)["version"] == "0.2.0"
    assert raw.startswith(b'{\n  "version": "0.2.0",\n')
    assert not raw.endswith(b"\n")
    assert (tmp_path / "abc.session.json").stat().st_mode & 0o777 == 0o600
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        loaded = backend.load_session("abc")
    assert loaded.id == "abc"
    assert len(loaded.history) == 3
    assert loaded == session


def test_update_time_advances(tmp_path: Path) -> None:
    session = Session(id="abc")
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        backend.save_session(session)
    first = session.update_time
    assert first.tzinfo is not None
    time.sleep(0.01)
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        loaded = backend.load_session("abc")
        assert loaded.update_time == first
        backend.save_session(loaded)
    assert loaded.update_time > first
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        assert backend.load_session("abc").update_time == loaded.update_time


def test_missing_file_loads_none(tmp_path: Path) -> None:
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        assert backend.load_session("abc") is None


def test_id_mismatch_on_load_save_archive(tmp_path: Path) -> None:
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(SessionIDMismatchError, match='locked for "abc", requested "x"'):
            backend.load_session("x")
        with pytest.raises(SessionIDMismatchError, match='locked for "abc", session has "x"'):
            backend.save_session(Session(id="x"))
        with pytest.raises(SessionIDMismatchError):
            backend.archive_session("x", tmp_path / "dest")
    assert not (tmp_path / "x.session.json").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not-valid-json", "invalid JSON"),
        (b"", "file is empty"),
        (b'{"version":"0.2.0","id":"abc","history":[{"entryId":"1"', "truncated"),
        (b'{"version":"0.2.0","id":"abc","history":[{"readTime":"x"}]}', "history[0].readTime"),
    ],
)
def test_corrupt_file_errors_and_is_never_overwritten(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "abc.session.json"
    path.write_bytes(content)
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(SessionDecodeError) as info:
            backend.load_session("abc")
        assert str(path) in str(info.value)
        assert expected in str(info.value)
        with pytest.raises(StorageError, match="refusing to overwrite"):
            backend.save_session(Session(id="abc"))
    # A fresh backend that never loaded also refuses.
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError, match="refusing to overwrite"):
            backend.save_session(Session(id="abc"))
    assert path.read_bytes() == content


def test_save_works_once_the_bad_file_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "abc.session.json"
    path.write_bytes(b"garbage")
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError):
            backend.save_session(Session(id="abc"))
        path.unlink()
        backend.save_session(Session(id="abc"))
    assert json.loads(path.read_bytes())["id"] == "abc"


def test_version_mismatched_file_loads_keeping_its_version(tmp_path: Path) -> None:
    path = tmp_path / "abc.session.json"
    path.write_text(json.dumps({"version": "0.0.1", "id": "abc", "history": None}))
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        loaded = backend.load_session("abc")
        assert loaded.version == "0.0.1"
        assert loaded.history == []


@pytest.mark.parametrize("version", ["0.3.0", "1.0"])
def test_newer_version_is_neither_loaded_nor_overwritten(tmp_path: Path, version: str) -> None:
    path = tmp_path / "abc.session.json"
    content = json.dumps({"version": version, "id": "abc", "futureField": [1, 2]}).encode()
    path.write_bytes(content)
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(UnsupportedSchemaVersionError) as info:
            backend.load_session("abc")
        assert str(path) in str(info.value) and version in str(info.value)
        with pytest.raises(StorageError, match="refusing to overwrite"):
            backend.save_session(Session(id="abc"))
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError, match="newer"):
            backend.save_session(Session(id="abc"))
    assert path.read_bytes() == content


def test_read_error_other_than_missing(tmp_path: Path) -> None:
    (tmp_path / "abc.session.json").mkdir()
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError, match="failed to read session file"):
            backend.load_session("abc")


def test_unencodable_shared_state_fails_and_keeps_file(tmp_path: Path) -> None:
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        backend.save_session(Session(id="abc", shared_state={"ok": 1}))
        before = (tmp_path / "abc.session.json").read_bytes()
        with pytest.raises(StorageError, match="failed to encode"):
            backend.save_session(Session(id="abc", shared_state={"chan": threading.Lock()}))
    assert (tmp_path / "abc.session.json").read_bytes() == before


def test_mkdir_blocked_by_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="failed to create session directory"):
        FileSystemBackend("abc", sessions_dir=blocker / "sessions")


def test_atomic_write_failure_surfaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def deny(path: str, flags: int, mode: int = 0o777) -> int:
        if os.path.basename(path).startswith(TEMP_PREFIX):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, mode)

    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        monkeypatch.setattr(os, "open", deny)
        with pytest.raises(StorageError, match="Permission denied"):
            backend.save_session(Session(id="abc"))
        monkeypatch.undo()
    assert not (tmp_path / "abc.session.json").exists()


def test_no_temp_files_left_after_many_saves(tmp_path: Path) -> None:
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        session = Session(id="abc")
        for i in range(20):
            session.history.append(_entry(i))
            backend.save_session(session)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["abc.session.json", "abc.session.lock"]


# --- archive -------------------------------------------------------------------------


def _saved(tmp_path: Path, sid: str = "abc") -> FileSystemBackend:
    backend = FileSystemBackend(sid, sessions_dir=tmp_path)
    backend.save_session(Session(id=sid, shared_state={"k": "v"}))
    return backend


def test_archive_to_new_destination(tmp_path: Path) -> None:
    backend = _saved(tmp_path)
    original = (tmp_path / "abc.session.json").read_bytes()
    dest = archive_session_file_path("abc", datetime.now(UTC), 0, sessions_dir=tmp_path)
    backend.archive_session("abc", dest)
    assert not (tmp_path / "abc.session.json").exists()
    assert dest.read_bytes() == original
    assert (tmp_path / "abc.session.lock").exists()  # the lock is untouched
    assert backend.load_session("abc") is None
    backend.save_session(Session(id="abc"))  # a reset session can be written again
    backend.close()


def test_archive_existing_destination_is_exists(tmp_path: Path) -> None:
    backend = _saved(tmp_path)
    dest = tmp_path / "archive" / "taken.session.json"
    dest.parent.mkdir()
    dest.write_bytes(b"pre-existing")
    with pytest.raises(FileExistsError) as info:
        backend.archive_session("abc", dest)
    assert isinstance(info.value, ArchiveExistsError)
    assert isinstance(info.value, StorageError)
    assert dest.read_bytes() == b"pre-existing"
    assert (tmp_path / "abc.session.json").exists()
    backend.close()


def test_archive_retry_with_next_counter(tmp_path: Path) -> None:
    backend = _saved(tmp_path)
    now = datetime.now(UTC)
    taken = archive_session_file_path("abc", now, 0, sessions_dir=tmp_path)
    taken.write_bytes(b"older archive")
    for counter in range(5):
        dest = archive_session_file_path("abc", now, counter, sessions_dir=tmp_path)
        try:
            backend.archive_session("abc", dest)
            break
        except FileExistsError:
            continue
    assert counter == 1
    assert taken.read_bytes() == b"older archive"
    assert json.loads(dest.read_bytes())["id"] == "abc"
    backend.close()


def test_archive_missing_source_is_noop_unless_dest_exists(tmp_path: Path) -> None:
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        dest = tmp_path / "archive" / "x.session.json"
        backend.archive_session("abc", dest)
        assert not dest.exists()
        dest.parent.mkdir()
        dest.write_bytes(b"x")
        with pytest.raises(FileExistsError):
            backend.archive_session("abc", dest)


def test_archive_empty_destination(tmp_path: Path) -> None:
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError, match="destPath cannot be empty"):
            backend.archive_session("abc", "")


def test_archive_concurrent_same_destination_exactly_one_wins(tmp_path: Path) -> None:
    a = _saved(tmp_path, "a")
    b = _saved(tmp_path, "b")
    dest = tmp_path / "archive" / "same.session.json"
    barrier = threading.Barrier(2)
    results: dict[str, BaseException | None] = {}

    def run(name: str, backend: FileSystemBackend) -> None:
        barrier.wait()
        try:
            backend.archive_session(name, dest)
            results[name] = None
        except BaseException as exc:
            results[name] = exc

    threads = [threading.Thread(target=run, args=(n, be)) for n, be in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted(type(r).__name__ for r in results.values())
    assert outcomes == ["ArchiveExistsError", "NoneType"]
    winner = next(n for n, r in results.items() if r is None)
    assert json.loads(dest.read_bytes())["id"] == winner
    a.close()
    b.close()


def test_archive_source_removal_failure_keeps_archive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = _saved(tmp_path)
    original = (tmp_path / "abc.session.json").read_bytes()
    dest = tmp_path / "archive" / "a.session.json"
    real_unlink = os.unlink

    def refuse(path: str, *args: object, **kwargs: object) -> None:
        if str(path).endswith("abc.session.json"):
            raise PermissionError(13, "Permission denied", path)
        real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", refuse)
    with pytest.raises(StorageError, match="failed to remove original session"):
        backend.archive_session("abc", dest)
    monkeypatch.undo()
    assert dest.read_bytes() == original
    assert (tmp_path / "abc.session.json").read_bytes() == original
    backend.close()


def test_archive_read_error_when_source_is_directory(tmp_path: Path) -> None:
    (tmp_path / "abc.session.json").mkdir()
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError, match="failed to read session"):
            backend.archive_session("abc", tmp_path / "archive" / "d.session.json")
    assert not (tmp_path / "archive" / "d.session.json").exists()


def test_archive_stat_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = _saved(tmp_path)
    real_stat = os.stat

    def broken_stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).endswith("abc.session.json"):
            raise PermissionError(13, "Permission denied", path)
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", broken_stat)
    with pytest.raises(StorageError, match="failed to stat session file"):
        backend.archive_session("abc", tmp_path / "archive" / "x.session.json")
    monkeypatch.undo()

    real_lstat = os.lstat

    def broken_lstat(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path).endswith("x.session.json"):
            raise PermissionError(13, "Permission denied", path)
        return real_lstat(path, *args, **kwargs)

    monkeypatch.setattr(os, "lstat", broken_lstat)
    with pytest.raises(StorageError, match="failed to stat destination"):
        backend.archive_session("abc", tmp_path / "archive" / "x.session.json")
    monkeypatch.undo()
    assert (tmp_path / "abc.session.json").exists()
    backend.close()


def test_archive_directory_blocked_by_file(tmp_path: Path) -> None:
    backend = _saved(tmp_path)
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(StorageError, match="failed to create archive directory"):
        backend.archive_session("abc", tmp_path / "blocker" / "d.session.json")
    assert (tmp_path / "abc.session.json").exists()
    backend.close()


def test_concurrent_construction_exactly_one_succeeds(tmp_path: Path) -> None:
    barrier = threading.Barrier(10)
    won: list[FileSystemBackend] = []
    lost: list[BaseException] = []
    mutex = threading.Lock()

    def contender() -> None:
        barrier.wait()
        try:
            backend = FileSystemBackend("race", sessions_dir=tmp_path)
        except SessionLockedError as exc:
            with mutex:
                lost.append(exc)
        else:
            with mutex:
                won.append(backend)

    threads = [threading.Thread(target=contender) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1 and len(lost) == 9
    won[0].close()


def test_forgotten_backend_releases_its_lock_when_collected(tmp_path: Path) -> None:
    backend = FileSystemBackend("gc", sessions_dir=tmp_path)
    del backend
    FileSystemBackend("gc", sessions_dir=tmp_path).close()


def test_unreadable_file_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import one_shot_man.storage.fs as fs_module

    path = tmp_path / "abc.session.json"
    path.write_bytes(b'{"id": "abc"}')

    def denied(p: str) -> bytes:
        raise PermissionError(13, "Permission denied", p)

    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        monkeypatch.setattr(fs_module, "_read_file", denied)
        with pytest.raises(StorageError, match=r"refusing to overwrite.*Permission denied"):
            backend.save_session(Session(id="abc"))
        monkeypatch.undo()
    assert path.read_bytes() == b'{"id": "abc"}'


def test_forked_child_closing_does_not_release_parents_lock(tmp_path: Path) -> None:
    backend = FileSystemBackend("forky", sessions_dir=tmp_path)
    lock = tmp_path / "forky.session.lock"
    pid = os.fork()
    if pid == 0:  # child: close (and drop) its inherited copy, then leave
        code = 0
        try:
            backend.close()
        except BaseException:
            code = 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert lock.exists()
    assert is_locked(lock)
    with pytest.raises(SessionLockedError):
        FileSystemBackend("forky", sessions_dir=tmp_path)
    backend.close()
    assert not lock.exists()


def test_file_changed_behind_our_back_is_probed_again(tmp_path: Path) -> None:
    """The skip-the-probe shortcut only applies to a file exactly as this process left it."""
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        backend.save_session(Session(id="abc"))
    path = tmp_path / "abc.session.json"
    size = path.stat().st_size
    garbage = b"x" * size  # same size, in place (same inode)
    time.sleep(0.02)  # past any coarse timestamp granularity
    with open(path, "r+b") as handle:
        handle.write(garbage)
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError, match="refusing to overwrite"):
            backend.save_session(Session(id="abc"))
    assert path.read_bytes() == garbage


def test_repeated_save_without_load_keeps_working(tmp_path: Path) -> None:
    for i in range(5):
        with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
            backend.save_session(Session(id="abc", shared_state={"i": i}))
    with FileSystemBackend("abc", sessions_dir=tmp_path) as backend:
        assert backend.load_session("abc").shared_state == {"i": 4}
