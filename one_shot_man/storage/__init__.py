"""Session persistence: schema, JSON codec, backends (memory, filesystem), cleanup.

Names are loaded on first use, so `import one_shot_man.storage` (and the msgspec-free
`one_shot_man.storage.atomic`) stay cheap for commands that never touch a session.
"""

from __future__ import annotations

from one_shot_man._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.storage.atomic import AtomicWriteError, atomic_write_file
    from one_shot_man.storage.cleaner import Cleaner, CleanupReport
    from one_shot_man.storage.codec import decode_session, encode_session
    from one_shot_man.storage.errors import (
        ArchiveExistsError,
        CleanupLockedError,
        InvalidSessionIDError,
        SessionDecodeError,
        SessionIDMismatchError,
        UnsupportedSchemaVersionError,
    )
    from one_shot_man.storage.fs import FileSystemBackend
    from one_shot_man.storage.history import (
        append_history_entry,
        compact_history,
        history_states,
    )
    from one_shot_man.storage.inspector import SessionInfo, scan_sessions
    from one_shot_man.storage.locking import (
        LockHandle,
        acquire_lock_handle,
        is_locked,
        release_lock_handle,
    )
    from one_shot_man.storage.memory import InMemoryBackend, clear_all_in_memory_sessions
    from one_shot_man.storage.paths import (
        archive_session_file_path,
        lock_file_path,
        sanitize_filename,
        session_directory,
        session_file_path,
        validate_session_id,
    )
    from one_shot_man.storage.registry import (
        StorageBackend,
        get_backend,
        register_backend,
        registered_backends,
    )
    from one_shot_man.storage.schema import (
        CURRENT_SCHEMA_VERSION,
        HistoryEntry,
        Session,
        is_newer_version,
    )

_EXPORTS = {
    "atomic": ["AtomicWriteError", "atomic_write_file"],
    "cleaner": ["Cleaner", "CleanupReport"],
    "codec": ["decode_session", "encode_session"],
    "errors": [
        "ArchiveExistsError",
        "CleanupLockedError",
        "InvalidSessionIDError",
        "SessionDecodeError",
        "SessionIDMismatchError",
        "UnsupportedSchemaVersionError",
    ],
    "fs": ["FileSystemBackend"],
    "history": ["append_history_entry", "compact_history", "history_states"],
    "inspector": ["SessionInfo", "scan_sessions"],
    "locking": ["LockHandle", "acquire_lock_handle", "is_locked", "release_lock_handle"],
    "memory": ["InMemoryBackend", "clear_all_in_memory_sessions"],
    "paths": [
        "archive_session_file_path",
        "lock_file_path",
        "sanitize_filename",
        "session_directory",
        "session_file_path",
        "validate_session_id",
    ],
    "registry": ["StorageBackend", "get_backend", "register_backend", "registered_backends"],
    "schema": ["CURRENT_SCHEMA_VERSION", "HistoryEntry", "Session", "is_newer_version"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "ArchiveExistsError",
    "AtomicWriteError",
    "Cleaner",
    "CleanupLockedError",
    "CleanupReport",
    "FileSystemBackend",
    "HistoryEntry",
    "InMemoryBackend",
    "InvalidSessionIDError",
    "LockHandle",
    "Session",
    "SessionDecodeError",
    "SessionIDMismatchError",
    "SessionInfo",
    "StorageBackend",
    "UnsupportedSchemaVersionError",
    "acquire_lock_handle",
    "append_history_entry",
    "archive_session_file_path",
    "atomic_write_file",
    "clear_all_in_memory_sessions",
    "compact_history",
    "decode_session",
    "encode_session",
    "get_backend",
    "history_states",
    "is_locked",
    "is_newer_version",
    "lock_file_path",
    "register_backend",
    "registered_backends",
    "release_lock_handle",
    "sanitize_filename",
    "scan_sessions",
    "session_directory",
    "session_file_path",
    "validate_session_id",
]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals())
