"""The state manager: a session's script and shared state, history and persistence.

Workflows keep what the user gathered (context items, phases, notes) in a session so
that the next `osm code-review` in the same terminal finds it again. This is the one
place that maps state keys onto the stored `Session`, keeps the command history ring,
and decides when the session is written.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from one_shot_man.errors import StorageError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from one_shot_man.jsvalue import JSObject, JSValue
    from one_shot_man.storage.registry import StorageBackend
    from one_shot_man.storage.schema import HistoryEntry, Session

HISTORY_LIMIT = 200
ARCHIVE_ATTEMPTS_MAX = 1000

Listener = Callable[[str], None]


def _now() -> datetime:
    return datetime.now(UTC).astimezone()


class StateManager:
    """One session's state, bound to one storage backend for its lifetime."""

    def __init__(
        self,
        backend: StorageBackend,
        session_id: str,
        *,
        warn: Callable[[str], object] | None = None,
    ) -> None:
        from one_shot_man import storage

        if backend is None:
            raise StorageError("backend cannot be nil")
        if not session_id:
            raise StorageError("sessionID cannot be empty")
        self._storage = storage
        self._backend = backend
        self._session_id = session_id
        self._warn = warn or (lambda _msg: None)
        self._lock = threading.RLock()
        self._listeners: dict[int, Listener] = {}
        self._next_listener_id = 1
        self._closed = False
        #: Why this state cannot reach the store the user chose ('' when it can): set when
        #: the session was opened in memory because the real one was locked or unreadable.
        self.unsaved_reason = ""

        try:
            session = backend.load_session(session_id)
        except StorageError as exc:
            raise StorageError(f"failed to load session: {exc}") from exc
        fresh = session is None
        if session is not None and session.version != storage.CURRENT_SCHEMA_VERSION:
            # The Go original discarded such a session; here the old file is archived
            # first so that nothing the user gathered is lost.
            archived = self._archive(session_id)
            where = f" The old session was archived to {archived}." if archived else ""
            self._warn(
                "WARNING: Session schema version mismatch. Expected "
                f"{storage.CURRENT_SCHEMA_VERSION}, got {session.version}. "
                f"Starting fresh session.{where}"
            )
            session = None
            fresh = True
        if session is None:
            session = storage.Session(id=session_id)
        self._session = session
        self._history: deque[HistoryEntry] = deque(session.history or [], maxlen=HISTORY_LIMIT)
        storage.compact_history(self._history)
        if session.script_state is None:
            session.script_state = {}
        if session.shared_state is None:
            session.shared_state = {}
        if fresh:
            try:
                self.persist_session()
            except StorageError as exc:
                raise StorageError(f"failed to persist new session: {exc}") from exc

    @property
    def session_id(self) -> str:
        return self._session_id

    @property
    def session(self) -> Session:
        """The live session object (read it; change state through `set_state`)."""
        return self._session

    # -- state -----------------------------------------------------------------------------

    def _shared(self) -> JSObject:
        shared = self._session.shared_state
        assert shared is not None  # a None from the file is replaced by {} on open and reset
        return shared

    def _scripts(self) -> dict[str, JSObject | None]:
        scripts = self._session.script_state
        assert scripts is not None  # a None from the file is replaced by {} on open and reset
        return scripts

    def get_state(self, key: str) -> tuple[JSValue, bool]:
        """The value under `key` and whether it exists (`cmd:key` or a shared key)."""
        with self._lock:
            command, sep, local = key.partition(":")
            if not sep:
                shared = self._shared()
                return (shared[key], True) if key in shared else (None, False)
            bucket = self._scripts().get(command)
            if bucket is None or local not in bucket:
                return None, False
            return bucket[local], True

    def set_state(self, key: str, value: JSValue) -> None:
        with self._lock:
            command, sep, local = key.partition(":")
            if not sep:
                self._shared()[key] = value
            else:
                # A null bucket from a Go-written file fails here, as it always has.
                self._scripts().setdefault(command, {})[local] = value  # type: ignore[index]
            self._session.update_time = _now()
            listeners = list(self._listeners.values())
        for listener in listeners:
            listener(key)

    def serialize_complete_state(self) -> JSObject:
        """`{"script": ..., "shared": ...}`: what a history snapshot records.

        A JSON round trip makes the copy (several times faster than `deepcopy` and exactly
        what the file will hold); values JSON cannot hold are copied as they are.
        """
        import copy

        import msgspec

        with self._lock:
            state = {"script": self._session.script_state, "shared": self._session.shared_state}
            try:
                snapshot: JSObject = msgspec.json.decode(msgspec.json.encode(state))
                return snapshot
            except (TypeError, ValueError, OverflowError, msgspec.MsgspecError):
                return copy.deepcopy(state)

    def clear_all_state(self) -> None:
        with self._lock:
            self._session.script_state = {}
            self._session.shared_state = {}

    # -- history ---------------------------------------------------------------------------

    def capture_snapshot(self, mode_id: str, command: str, final_state: JSValue) -> None:
        entry = self._storage.HistoryEntry(
            entry_id=str(time.time_ns()),
            mode_id=mode_id,
            command=command,
            read_time=_now(),
            final_state=final_state,
        )
        with self._lock:
            self._storage.append_history_entry(self._history, entry)

    def history(self) -> list[HistoryEntry]:
        """Entries oldest first (at most the newest 200), each with its full recorded state.

        Older entries are stored as deltas; this rebuilds their states, so it costs the
        whole history: `history_commands` is the cheap way to the command texts.
        """
        import copy

        import msgspec

        with self._lock:
            entries = list(self._history)
            states = self._storage.history_states(entries)
            return [
                msgspec.structs.replace(entry, final_state=copy.deepcopy(state))
                for entry, state in zip(entries, states, strict=True)
            ]

    def history_commands(self) -> list[str]:
        """The command text of every history entry, oldest first."""
        with self._lock:
            return [entry.command for entry in self._history]

    # -- persistence -----------------------------------------------------------------------

    def persist_session(self) -> None:
        with self._lock:
            self._session.history = list(self._history)
            self._backend.save_session(self._session)

    def archive_and_reset(self) -> str:
        """Archive the session file, then start over with empty state; returns the archive path.

        The path is empty for backends that keep nothing on disk (memory).
        """
        with self._lock:
            self.persist_session()
            archived = self._archive(self._session_id)
            now = _now()
            self._session.script_state = {}
            self._session.shared_state = {}
            self._session.create_time = now
            self._session.update_time = now
            self._history.clear()
            self.persist_session()
            return archived

    def _archive(self, session_id: str) -> str:
        import os

        session_path = getattr(self._backend, "path", None)
        if not session_path:
            return ""  # in-memory backends keep nothing on disk to archive
        sessions_dir = os.path.dirname(session_path)
        stamp = datetime.now(UTC)
        for counter in range(ARCHIVE_ATTEMPTS_MAX):
            dest = self._storage.archive_session_file_path(
                session_id, stamp, counter, sessions_dir=sessions_dir
            )
            try:
                self._backend.archive_session(session_id, dest)
            except FileExistsError:
                continue
            except OSError as exc:
                raise StorageError(f"failed to archive session: {exc}") from exc
            return str(dest)
        raise StorageError(f"failed to archive session after {ARCHIVE_ATTEMPTS_MAX} attempts")

    # -- listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> int:
        with self._lock:
            listener_id = self._next_listener_id
            self._next_listener_id += 1
            self._listeners[listener_id] = listener
            return listener_id

    def remove_listener(self, listener_id: int) -> None:
        with self._lock:
            self._listeners.pop(listener_id, None)

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Persist, then release the backend (its lock). Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            persist_error: Exception | None = None
            try:
                self.persist_session()
            except StorageError as exc:
                persist_error = exc
            try:
                self._backend.close()
            except StorageError:
                if persist_error is None:
                    raise
            if persist_error is not None:
                raise persist_error


def open_state_manager(
    session_id: str,
    store: str,
    *,
    warn: Callable[[str], None],
) -> StateManager:
    """A state manager on the chosen backend, falling back to memory with a warning.

    A locked or unreadable session must not stop the user from working: the engine
    runs on an in-memory session and says so, the file on disk stays untouched, and
    `unsaved_reason` tells the shell not to report the exit save as a success.
    """
    from one_shot_man.storage import get_backend

    try:
        backend = get_backend(store, session_id)
    except StorageError as exc:
        if store == "memory":
            raise
        return _in_memory_instead(session_id, exc, warn)
    try:
        return StateManager(backend, session_id, warn=warn)
    except StorageError as exc:
        backend.close()
        if store == "memory":
            raise
        return _in_memory_instead(session_id, exc, warn)


def _in_memory_instead(
    session_id: str, cause: StorageError, warn: Callable[[str], None]
) -> StateManager:
    from one_shot_man.storage import get_backend

    warn(
        f'Warning: Failed to initialize state persistence (session "{session_id}"): {cause}\n'
        "Working in memory: what you gather in this shell will NOT be saved to that "
        "session; on exit it is written to a new session, whose ID is printed."
    )
    manager = StateManager(get_backend("memory", session_id), session_id, warn=warn)
    manager.unsaved_reason = str(cause)
    return manager
