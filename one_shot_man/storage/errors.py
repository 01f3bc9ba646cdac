"""Storage-specific errors, all rooted in the project hierarchy.

Callers catch `StorageError` (or `SessionError` for bad IDs); the subclasses exist so a
caller can react to one precise condition (a held lock, a newer schema, an archive
destination that is taken) without parsing messages.
"""

from __future__ import annotations

import errno
import json

from one_shot_man.errors import SessionError, SessionLockedError, StorageError

__all__ = [
    "ArchiveExistsError",
    "CleanupLockedError",
    "InvalidSessionIDError",
    "SessionDecodeError",
    "SessionIDMismatchError",
    "SessionLockedError",
    "StorageError",
    "UnsupportedSchemaVersionError",
]


def quote(text: str) -> str:
    """Double-quote `text` the way Go's `%q` does for the IDs and names in messages."""
    return json.dumps(text, ensure_ascii=False)


class InvalidSessionIDError(SessionError, StorageError):
    """A session ID that cannot name a file: empty, a path, `..`, NUL, too long.

    It is both a `SessionError` (the ID is wrong) and a `StorageError` (raised by the
    storage layer), so either `except` clause catches it.
    """


class SessionIDMismatchError(StorageError):
    """A backend bound to one session was asked about another."""


class SessionDecodeError(StorageError):
    """Session JSON that cannot be read: corrupt, truncated, empty or mistyped."""

    def __init__(self, message: str, *, source: str, field: str | None = None) -> None:
        super().__init__(message)
        self.source = source
        self.field = field


class UnsupportedSchemaVersionError(StorageError):
    """A session written by a newer osm: never loaded, never overwritten."""

    def __init__(self, source: str, version: str) -> None:
        super().__init__(
            f"session file {source}: schema version {quote(version)} is newer than this osm "
            f"supports; upgrade osm (the file was left untouched)"
        )
        self.source = source
        self.version = version


class ArchiveExistsError(StorageError, FileExistsError):
    """The archive destination already exists; retry with the next counter.

    A `FileExistsError` too, so code written against the Go "exists" sentinel
    (`except FileExistsError`) works unchanged.
    """

    def __init__(self, dest: str) -> None:
        super().__init__(errno.EEXIST, "archive destination already exists", dest)


class CleanupLockedError(StorageError):
    """Another cleaner holds the global cleanup lock."""
