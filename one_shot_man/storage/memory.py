"""A process-wide, non-persistent session store for tests, benchmarks and fallback.

Sessions are kept as their encoded JSON bytes: saving encodes (which also proves the
session is serialisable, as a file save would) and loading decodes, so every load hands
out a fresh deep copy and no caller can mutate the store through an object it holds.
"""

from __future__ import annotations

import os
import threading

from one_shot_man.storage.bound import BoundBackend
from one_shot_man.storage.codec import decode_session_unchecked, encode_session
from one_shot_man.storage.errors import InvalidSessionIDError
from one_shot_man.storage.schema import Session

__all__ = ["InMemoryBackend", "clear_all_in_memory_sessions"]

# Single dict operations are atomic under the GIL; the lock only serialises `clear`.
_store: dict[str, bytes] = {}
_store_lock = threading.Lock()


def clear_all_in_memory_sessions() -> None:
    """Forget every in-memory session in this process (tests and benchmarks use it)."""
    with _store_lock:
        _store.clear()


class InMemoryBackend(BoundBackend):
    """Storage backend bound to one session ID, backed by the process-wide store.

    Many instances per ID are allowed and none locks anything. Unlike the filesystem
    backend, `save_session` leaves `version` and `update_time` as the caller set them.
    """

    __slots__ = ("_session_id",)

    def __init__(self, session_id: str) -> None:
        if not session_id:
            raise InvalidSessionIDError("sessionID cannot be empty")
        self._session_id = session_id

    def load_session(self, session_id: str) -> Session | None:
        """A deep copy of the stored session, or None when nothing was saved."""
        if session_id != self._session_id:
            raise self._mismatch(session_id, "requested")
        data = _store.get(session_id)
        if data is None:
            return None
        return decode_session_unchecked(data, source="<memory>")

    def save_session(self, session: Session) -> None:
        """Store a deep copy; later changes to `session` are not seen by loads."""
        if session.id != self._session_id:
            raise self._mismatch(session.id, "session has")
        _store[session.id] = encode_session(session)

    def archive_session(self, session_id: str, dest: str | os.PathLike[str]) -> None:
        """A no-op (nothing is on disk), after the usual ID check."""
        if session_id != self._session_id:
            raise self._mismatch(session_id, "requested")

    def close(self) -> None:
        """Nothing to release; present for the backend contract."""

    def __repr__(self) -> str:
        return f"InMemoryBackend({self._session_id!r})"
