"""Session data is readable by its owner only, whatever the umask (issue 14, item 3)."""

from __future__ import annotations

import os
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.storage import Cleaner, FileSystemBackend, scan_sessions
from one_shot_man.storage.paths import archive_session_file_path
from one_shot_man.storage.schema import Session

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")

OTHER_UID = 54321


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _save(directory: Path, session_id: str = "s1") -> FileSystemBackend:
    backend = FileSystemBackend(session_id, sessions_dir=directory)
    backend.save_session(Session(id=session_id))
    return backend


def test_new_sessions_dir_and_files_are_private(tmp_path: Path, umask: int) -> None:
    directory = tmp_path / "cfg" / "osm" / "sessions"
    backend = _save(directory)
    try:
        assert _mode(directory) == 0o700
        assert _mode(directory.parent) == 0o700  # the osm folder osm created too
        assert _mode(directory / "s1.session.json") == 0o600
        assert _mode(directory / "s1.session.lock") == 0o600
        dest = archive_session_file_path("s1", datetime.now(UTC), 0, sessions_dir=directory)
        backend.archive_session("s1", dest)
        assert _mode(dest.parent) == 0o700
        assert _mode(dest) == 0o600
    finally:
        backend.close()


def test_existing_world_readable_files_are_tightened_on_next_write(
    tmp_path: Path, umask: int
) -> None:
    directory = tmp_path / "sessions"
    directory.mkdir()
    directory.chmod(0o755)
    session_file = directory / "s1.session.json"
    lock_file = directory / "s1.session.lock"
    first = _save(directory)
    first.close()
    session_file.chmod(0o644)
    lock_file.chmod(0o644)
    directory.chmod(0o755)

    backend = FileSystemBackend("s1", sessions_dir=directory)
    try:
        assert _mode(directory) == 0o700
        assert _mode(lock_file) == 0o600
        backend.save_session(Session(id="s1"))
        assert _mode(session_file) == 0o600
    finally:
        backend.close()


def _owned_by_someone_else(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make `path` another user's: really (chown) as root, else by changing who we are."""
    if os.geteuid() == 0:
        os.chown(path, OTHER_UID, OTHER_UID)
    else:
        real = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)


def test_sessions_dir_owned_by_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = tmp_path / "sessions"
    directory.mkdir(mode=0o700)
    _owned_by_someone_else(directory, monkeypatch)
    with pytest.raises(StorageError, match="owned by another user") as info:
        FileSystemBackend("s1", sessions_dir=directory)
    assert str(directory) in str(info.value)
    assert not (directory / "s1.session.lock").exists()
    with pytest.raises(StorageError, match="owned by another user"):
        scan_sessions(directory)
    with pytest.raises(StorageError, match="owned by another user"):
        Cleaner(purge=True, sessions_dir=directory).execute_cleanup()


def test_symlink_to_a_folder_of_another_user_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    link = tmp_path / "sessions"
    link.symlink_to(target)
    _owned_by_someone_else(target, monkeypatch)
    with pytest.raises(StorageError, match=r"a symlink to .*elsewhere.*owned by another user"):
        FileSystemBackend("s1", sessions_dir=link)


def test_symlink_to_own_folder_is_used_and_made_private(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles-sessions"
    target.mkdir()
    target.chmod(0o755)
    link = tmp_path / "sessions"
    link.symlink_to(target)
    _save(link).close()
    assert _mode(target) == 0o700
    assert _mode(target / "s1.session.json") == 0o600
