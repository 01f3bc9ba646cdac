"""In-memory backend: process-wide, deep copies both ways, no locking."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.storage import (
    HistoryEntry,
    InMemoryBackend,
    Session,
    SessionIDMismatchError,
    clear_all_in_memory_sessions,
)


@pytest.fixture(autouse=True)
def _clean_store():
    clear_all_in_memory_sessions()
    yield
    clear_all_in_memory_sessions()


def test_empty_id_is_an_error() -> None:
    with pytest.raises(StorageError, match="sessionID cannot be empty"):
        InMemoryBackend("")


def test_load_missing_returns_none() -> None:
    assert InMemoryBackend("nothing").load_session("nothing") is None


def test_saved_session_visible_to_later_instances() -> None:
    session = Session(id="s", shared_state={"k": [1, 2]})
    InMemoryBackend("s").save_session(session)
    loaded = InMemoryBackend("s").load_session("s")
    assert loaded == session
    assert loaded is not session


def test_save_takes_a_deep_copy() -> None:
    session = Session(id="s", shared_state={"k": [1]}, history=[HistoryEntry(entry_id="1")])
    backend = InMemoryBackend("s")
    backend.save_session(session)
    session.shared_state["k"].append(2)
    session.history.append(HistoryEntry(entry_id="2"))
    session.history[0].entry_id = "changed"
    loaded = backend.load_session("s")
    assert loaded.shared_state == {"k": [1]}
    assert [h.entry_id for h in loaded.history] == ["1"]


def test_load_returns_a_deep_copy() -> None:
    backend = InMemoryBackend("s")
    backend.save_session(Session(id="s", script_state={"cmd": {"a": {"b": 1}}}))
    first = backend.load_session("s")
    first.script_state["cmd"]["a"]["b"] = 99
    first.history.append(HistoryEntry())
    second = backend.load_session("s")
    assert second.script_state == {"cmd": {"a": {"b": 1}}}
    assert second.history == []


def test_save_does_not_touch_version_or_update_time() -> None:
    old = datetime(2020, 1, 1, tzinfo=UTC)
    session = Session(id="s", version="0.0.1", update_time=old)
    backend = InMemoryBackend("s")
    backend.save_session(session)
    assert session.version == "0.0.1" and session.update_time == old
    loaded = backend.load_session("s")
    assert loaded.version == "0.0.1" and loaded.update_time == old


def test_times_survive_the_copy_with_their_offset() -> None:
    ts = datetime(2026, 2, 10, 9, 15, 2, 123456, tzinfo=timezone(timedelta(hours=11)))
    backend = InMemoryBackend("s")
    backend.save_session(Session(id="s", create_time=ts))
    assert backend.load_session("s").create_time == ts


def test_id_mismatch_errors() -> None:
    backend = InMemoryBackend("a")
    with pytest.raises(SessionIDMismatchError, match='backend is for "a", requested "b"'):
        backend.load_session("b")
    with pytest.raises(SessionIDMismatchError, match='session has "b"'):
        backend.save_session(Session(id="b"))
    with pytest.raises(SessionIDMismatchError):
        backend.archive_session("b", "/tmp/x")


def test_archive_is_a_noop_and_close_is_idempotent(tmp_path) -> None:
    backend = InMemoryBackend("a")
    backend.save_session(Session(id="a"))
    backend.archive_session("a", tmp_path / "dest.json")
    assert not (tmp_path / "dest.json").exists()
    assert backend.load_session("a") is not None
    backend.close()
    backend.close()


def test_unencodable_value_is_an_error_and_store_unchanged() -> None:
    backend = InMemoryBackend("a")
    backend.save_session(Session(id="a", shared_state={"ok": 1}))
    with pytest.raises(StorageError, match="failed to encode"):
        backend.save_session(Session(id="a", shared_state={"bad": object()}))
    assert backend.load_session("a").shared_state == {"ok": 1}


def test_clear_all_forgets_everything() -> None:
    InMemoryBackend("a").save_session(Session(id="a"))
    InMemoryBackend("b").save_session(Session(id="b"))
    clear_all_in_memory_sessions()
    assert InMemoryBackend("a").load_session("a") is None
    assert InMemoryBackend("b").load_session("b") is None


def test_context_manager() -> None:
    with InMemoryBackend("ctx") as backend:
        backend.save_session(Session(id="ctx"))
    with InMemoryBackend("ctx") as backend:
        assert backend.load_session("ctx").id == "ctx"


def test_many_instances_per_id_and_concurrent_access() -> None:
    InMemoryBackend("shared").save_session(Session(id="shared", shared_state={"n": 0}))
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(200):
                backend = InMemoryBackend("shared")
                loaded = backend.load_session("shared")
                assert loaded is not None and loaded.id == "shared"
                if i % 10 == 0:
                    backend.save_session(Session(id="shared", shared_state={"n": n}))
                backend.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert InMemoryBackend("shared").load_session("shared").shared_state["n"] in range(8)
