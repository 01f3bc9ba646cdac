"""scan_sessions: what `osm session list` sees."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

import one_shot_man.storage.inspector as inspector
from one_shot_man.errors import StorageError
from one_shot_man.storage import (
    FileSystemBackend,
    Session,
    SessionInfo,
    acquire_lock_handle,
    release_lock_handle,
    scan_sessions,
)


def _write(directory: Path, sid: str, body: bytes = b"{}") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{sid}.session.json"
    path.write_bytes(body)
    return path


def test_empty_directory(tmp_path: Path) -> None:
    assert scan_sessions(tmp_path) == []


def test_single_session(tmp_path: Path) -> None:
    path = _write(tmp_path, "one", b'{"id":"one"}')
    [info] = scan_sessions(tmp_path)
    assert isinstance(info, SessionInfo)
    assert info.id == "one"
    assert info.path == path
    assert info.lock_path == tmp_path / "one.session.lock"
    assert info.size == len(b'{"id":"one"}')
    assert info.update_time > datetime(2000, 1, 1, tzinfo=UTC)
    assert info.update_time == info.create_time
    assert info.update_time.timestamp() == pytest.approx(path.stat().st_mtime)
    assert info.active is False
    data = info.to_json_dict()
    assert list(data) == ["id", "path", "lockPath", "size", "updateTime", "createTime", "active"]
    assert data["path"] == str(path) and data["updateTime"].endswith("Z")


def test_scanning_does_not_create_lock_files(tmp_path: Path) -> None:
    _write(tmp_path, "one")
    scan_sessions(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.session.json"]


def test_multiple_sessions_sorted_by_name(tmp_path: Path) -> None:
    for sid in ["zeta", "alpha", "mid", "Beta"]:
        _write(tmp_path, sid)
    assert [i.id for i in scan_sessions(tmp_path)] == ["Beta", "alpha", "mid", "zeta"]


def test_default_directory(sessions_dir: Path) -> None:
    _write(sessions_dir, "default-dir")
    assert [i.id for i in scan_sessions()] == ["default-dir"]


def test_non_session_entries_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "real")
    (tmp_path / "x.session.json").mkdir()  # a directory with a session-like name
    for name in [
        "notes.txt",
        "x.session.lock",
        "readme.md",
        "data.csv",
        "notes.json",
        "config.json",
        "a.json",
        ".tmp-session-abc123",
        ".session.json",
        ".hidden.session.json",
    ]:
        (tmp_path / name).write_bytes(b"{}")
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "old--reset--2025-01-01T00-00-00Z--000.session.json").write_bytes(b"{}")
    assert [i.id for i in scan_sessions(tmp_path)] == ["real"]


def test_missing_directories_give_empty(tmp_path: Path) -> None:
    assert scan_sessions(tmp_path / "missing") == []
    assert scan_sessions(tmp_path / "missing" / "nested" / "deeper") == []


def test_sessions_path_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageError, match="sessions path is not a directory"):
        scan_sessions(tmp_path / "file")


def test_directory_error_propagates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(path: object) -> object:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(os, "scandir", denied)
    with pytest.raises(StorageError, match="Permission denied"):
        scan_sessions(tmp_path)


def test_broken_symlink_is_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "good")
    (tmp_path / "broken.session.json").symlink_to(tmp_path / "nowhere")
    assert [i.id for i in scan_sessions(tmp_path)] == ["good"]


def test_symlink_to_a_file_is_listed(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.bin"
    target.write_bytes(b"12345")
    (tmp_path / "linked.session.json").symlink_to(target)
    [info] = scan_sessions(tmp_path)
    assert info.id == "linked" and info.size == 5


def test_active_reflects_held_lock(tmp_path: Path) -> None:
    _write(tmp_path, "s")
    assert scan_sessions(tmp_path)[0].active is False
    handle = acquire_lock_handle(tmp_path / "s.session.lock")
    assert scan_sessions(tmp_path)[0].active is True
    handle.close()  # "crash": lock file stays, lock is gone
    assert scan_sessions(tmp_path)[0].active is False
    release_lock_handle(acquire_lock_handle(tmp_path / "s.session.lock"))


def test_open_backend_makes_session_active(tmp_path: Path) -> None:
    with FileSystemBackend("live", sessions_dir=tmp_path) as backend:
        backend.save_session(Session(id="live"))
        assert [(i.id, i.active) for i in scan_sessions(tmp_path)] == [("live", True)]
    assert [(i.id, i.active) for i in scan_sessions(tmp_path)] == [("live", False)]


def test_lock_error_gives_inactive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path, "s")

    def broken(path: object) -> bool:
        raise StorageError("injected lock failure")

    monkeypatch.setattr(inspector, "is_locked", broken)
    [info] = scan_sessions(tmp_path)
    assert info.id == "s" and info.active is False
