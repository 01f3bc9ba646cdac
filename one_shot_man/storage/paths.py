"""Where sessions live, and which session IDs may name a file.

Every path function validates the ID first, so an ID such as `../../etc/passwd` is a
clear `InvalidSessionIDError` instead of a file touched outside the sessions directory.
The sessions directory is `<UserConfigDir>/osm/sessions` (the Go HEAD location).
"""

from __future__ import annotations

import os
import re
import sys
import threading
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

from one_shot_man.storage.errors import InvalidSessionIDError, quote

__all__ = [
    "ARCHIVE_DIR_NAME",
    "LOCK_SUFFIX",
    "MAX_SESSION_ID_BYTES",
    "SESSION_SUFFIX",
    "archive_directory",
    "archive_session_file_path",
    "cleanup_lock_path",
    "lock_file_path",
    "sanitize_filename",
    "session_directory",
    "session_file_path",
    "user_config_dir",
    "validate_session_id",
]

SESSION_SUFFIX = ".session.json"
LOCK_SUFFIX = ".session.lock"
ARCHIVE_DIR_NAME = "archive"
#: Leaves room for the suffixes within the common 255-byte file-name limit.
MAX_SESSION_ID_BYTES = 200

_fallback_lock = threading.Lock()
_fallback_dir: str | None = None


def validate_session_id(session_id: str) -> str:
    """Return `session_id` if it can safely name a file in the sessions directory.

    Rejects: empty, `/`, `\\`, NUL, `.` and `..`, a leading `.` (hidden files and the
    temp-file namespace), text that is not encodable, and more than 200 bytes.
    """
    if not isinstance(session_id, str):
        raise InvalidSessionIDError(f"session ID must be a string, got {type(session_id).__name__}")
    if not session_id:
        raise InvalidSessionIDError("sessionID cannot be empty")
    problem = None
    if "/" in session_id or "\\" in session_id:
        problem = "contains a path separator"
    elif "\x00" in session_id:
        problem = "contains a NUL character"
    elif session_id[0] == ".":
        problem = "must not start with '.'"
    else:
        try:
            size = len(session_id.encode("utf-8", "surrogateescape"))
        except UnicodeEncodeError:
            problem = "is not valid text"
        else:
            if size > MAX_SESSION_ID_BYTES:
                problem = f"is too long ({size} bytes, at most {MAX_SESSION_ID_BYTES})"
    if problem is not None:
        shown = session_id if len(session_id) <= 80 else session_id[:77] + "..."
        raise InvalidSessionIDError(f"invalid session ID {quote(shown)}: {problem}")
    return session_id


def user_config_dir() -> str:
    """The per-user configuration directory, as Go's `os.UserConfigDir` finds it.

    Raises `OSError` when it cannot be determined (relative `$XDG_CONFIG_HOME`, no HOME).
    """
    if sys.platform == "win32":  # pragma: no cover
        appdata = os.environ.get("APPDATA", "")
        if not appdata:
            raise OSError("%AppData% is not defined")
        return appdata
    if sys.platform == "darwin":  # pragma: no cover
        home = os.environ.get("HOME", "")
        if not home:
            raise OSError("$HOME is not defined")
        return os.path.join(home, "Library", "Application Support")
    xdg = os.environ.get("XDG_CONFIG_HOME", "")
    if xdg:
        if not os.path.isabs(xdg):
            raise OSError("path in $XDG_CONFIG_HOME is relative")
        return xdg
    home = os.environ.get("HOME", "")
    if not home:
        raise OSError("neither $XDG_CONFIG_HOME nor $HOME are defined")
    return os.path.join(home, ".config")


def _fallback_directory() -> str:
    """A private temp directory, created once per process, when no config dir exists."""
    global _fallback_dir
    with _fallback_lock:
        if _fallback_dir is None:
            import tempfile  # rarely needed; keep it off the start-up path

            _fallback_dir = tempfile.mkdtemp(prefix="osm-sessions-")
        return _fallback_dir


def _sessions_dir_str(sessions_dir: str | os.PathLike[str] | None) -> str:
    if sessions_dir is not None:
        return os.fspath(sessions_dir)
    try:
        return os.path.join(user_config_dir(), "osm", "sessions")
    except OSError:
        return _fallback_directory()


def session_directory() -> Path:
    """The sessions directory (not created here; the filesystem backend creates it)."""
    return Path(_sessions_dir_str(None))


def session_file_path(
    session_id: str, *, sessions_dir: str | os.PathLike[str] | None = None
) -> Path:
    """`<sessions dir>/<id>.session.json`."""
    validate_session_id(session_id)
    return Path(_sessions_dir_str(sessions_dir), session_id + SESSION_SUFFIX)


def lock_file_path(session_id: str, *, sessions_dir: str | os.PathLike[str] | None = None) -> Path:
    """`<sessions dir>/<id>.session.lock`."""
    validate_session_id(session_id)
    return Path(_sessions_dir_str(sessions_dir), session_id + LOCK_SUFFIX)


def cleanup_lock_path(sessions_dir: str | os.PathLike[str] | None = None) -> Path:
    """The global cleanup lock: `cleanup.lock` next to the sessions directory."""
    return Path(_sessions_dir_str(sessions_dir)).parent / "cleanup.lock"


def archive_directory(sessions_dir: str | os.PathLike[str] | None = None) -> Path:
    """`<sessions dir>/archive`, created (0700, private) on every call like the Go original."""
    from one_shot_man.storage.privacy import check_private_dir

    path = Path(_sessions_dir_str(sessions_dir), ARCHIVE_DIR_NAME)
    check_private_dir(os.fspath(path), what="archive")
    return path


def archive_session_file_path(
    session_id: str,
    ts: datetime,
    counter: int,
    *,
    sessions_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """`archive/<id>--reset--<UTC time>--<NNN>.session.json`; creates the archive dir.

    `counter` distinguishes archives made in the same second; the caller increments it
    when `archive_session` reports that the destination exists.
    """
    validate_session_id(session_id)
    stamp = ts.astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    name = f"{sanitize_filename(session_id)}--reset--{stamp}--{counter:03d}{SESSION_SUFFIX}"
    return archive_directory(sessions_dir) / name


_UNSAFE_RE = re.compile(r'[/\\:*?"<>|\x00]')
_UNDERSCORES_RE = re.compile(r"_+")
_RESERVED_RE = re.compile(
    r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE | re.DOTALL
)


def sanitize_filename(value: str) -> str:
    """Make `value` safe as a file name on every platform (used for archive names).

    NFKC-normalise, replace `/ \\ : * ? " < > |` and NUL by `_`, collapse `_` runs,
    strip trailing spaces and dots, map empty/`.`/`..` to `_`, prefix reserved
    Windows device names with `_`.
    """
    result = unicodedata.normalize("NFKC", value)
    result = _UNSAFE_RE.sub("_", result)
    result = _UNDERSCORES_RE.sub("_", result)
    result = result.rstrip(" .")
    if result in ("", ".", ".."):
        return "_"
    if _RESERVED_RE.match(result):
        result = "_" + result
    return result
