"""List the sessions on disk without reading their contents (for `osm session list`).

Only `*.session.json` regular files directly in the sessions directory count: archives
(in `archive/`), temp files and lock files never appear. Whether a session is active is
decided by probing its lock, which never creates a lock file.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from one_shot_man.storage.errors import StorageError
from one_shot_man.storage.locking import is_locked
from one_shot_man.storage.paths import (
    LOCK_SUFFIX,
    SESSION_SUFFIX,
    _sessions_dir_str,
    validate_session_id,
)
from one_shot_man.storage.privacy import check_private_dir

__all__ = ["SessionInfo", "scan_sessions"]


def _rfc3339(value: datetime) -> str:
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """What a directory listing can tell about one session file."""

    id: str
    path: Path
    lock_path: Path
    size: int
    update_time: datetime
    create_time: datetime
    active: bool

    def to_json_dict(self) -> dict[str, object]:
        """The Go `SessionInfo` JSON object (camelCase keys, RFC 3339 times)."""
        return {
            "id": self.id,
            "path": str(self.path),
            "lockPath": str(self.lock_path),
            "size": self.size,
            "updateTime": _rfc3339(self.update_time),
            "createTime": _rfc3339(self.create_time),
            "active": self.active,
        }


def scan_sessions(sessions_dir: str | os.PathLike[str] | None = None) -> list[SessionInfo]:
    """Every session file in the sessions directory, sorted by file name.

    A missing directory gives an empty list; a sessions path that is not a directory
    raises `StorageError`. `update_time` and `create_time` are the file's mtime.
    """
    directory = _sessions_dir_str(sessions_dir)
    if not check_private_dir(directory, create=False, what="sessions"):
        return []
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        raise StorageError(f"sessions path is not a directory: {directory}") from None
    except OSError as exc:
        raise StorageError(
            f"failed to read sessions directory {directory}: {exc.strerror or exc}"
        ) from exc

    result: list[SessionInfo] = []
    for entry in entries:
        name = entry.name
        if not name.endswith(SESSION_SUFFIX):
            continue
        session_id = name[: -len(SESSION_SUFFIX)]
        try:
            validate_session_id(session_id)
        except StorageError:
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                continue
            st = os.stat(entry.path)
        except OSError:
            continue  # e.g. a broken symlink, or the file vanished meanwhile
        if stat.S_ISDIR(st.st_mode):
            continue
        lock_path = os.path.join(directory, session_id + LOCK_SUFFIX)
        try:
            active = is_locked(lock_path)
        except StorageError:
            active = False
        mtime = datetime.fromtimestamp(st.st_mtime, tz=UTC)
        result.append(
            SessionInfo(
                id=session_id,
                path=Path(entry.path),
                lock_path=Path(lock_path),
                size=st.st_size,
                update_time=mtime,
                create_time=mtime,
                active=active,
            )
        )
    return result
