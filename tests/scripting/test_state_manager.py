"""StateManager: key routing, persistence points, history ring, reset (spec §9)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.scripting.state import (
    HISTORY_LIMIT,
    StateManager,
    open_state_manager,
)
from one_shot_man.storage import (
    FileSystemBackend,
    HistoryEntry,
    InMemoryBackend,
    Session,
    clear_all_in_memory_sessions,
    encode_session,
)


@pytest.fixture(autouse=True)
def _clean_memory_store():
    clear_all_in_memory_sessions()
    yield
    clear_all_in_memory_sessions()


def test_new_session_is_initialised_and_persisted_immediately():
    backend = InMemoryBackend("s1")
    StateManager(backend, "s1")
    stored = InMemoryBackend("s1").load_session("s1")
    assert stored is not None and stored.id == "s1"
    assert stored.history == [] and stored.script_state == {} and stored.shared_state == {}


def test_key_routing_between_script_and_shared_state():
    sm = StateManager(InMemoryBackend("s1"), "s1")
    sm.set_state("contextItems", [{"type": "note"}])
    sm.set_state("prompt-flow:phase", "INITIAL")
    sm.set_state("goal:doc-generator/type", "x")  # split at the FIRST colon
    assert sm.get_state("contextItems") == ([{"type": "note"}], True)
    assert sm.get_state("prompt-flow:phase") == ("INITIAL", True)
    assert sm.session.script_state["goal"] == {"doc-generator/type": "x"}
    assert sm.get_state("missing") == (None, False)
    assert sm.get_state("prompt-flow:missing") == (None, False)
    assert sm.serialize_complete_state() == {
        "script": {"prompt-flow": {"phase": "INITIAL"}, "goal": {"doc-generator/type": "x"}},
        "shared": {"contextItems": [{"type": "note"}]},
    }


def test_state_reaches_storage_only_when_persisted():
    sm = StateManager(InMemoryBackend("s1"), "s1")
    sm.set_state("k", 1)
    assert InMemoryBackend("s1").load_session("s1").shared_state == {}
    sm.persist_session()
    assert InMemoryBackend("s1").load_session("s1").shared_state == {"k": 1}


def test_existing_session_is_loaded():
    session = Session(id="s1")
    session.shared_state["contextItems"] = ["kept"]
    InMemoryBackend("s1").save_session(session)
    sm = StateManager(InMemoryBackend("s1"), "s1")
    assert sm.get_state("contextItems") == (["kept"], True)


def test_constructor_errors():
    with pytest.raises(StorageError, match="backend cannot be nil"):
        StateManager(None, "s1")
    with pytest.raises(StorageError, match="sessionID cannot be empty"):
        StateManager(InMemoryBackend("s1"), "")


def test_history_ring_keeps_newest_and_survives_persistence():
    sm = StateManager(InMemoryBackend("s1"), "s1")
    for i in range(HISTORY_LIMIT + 5):
        sm.capture_snapshot("mode", f"cmd {i}", {"i": i})
    history = sm.history()
    assert len(history) == HISTORY_LIMIT
    assert history[0].command == "cmd 5" and history[-1].command == f"cmd {HISTORY_LIMIT + 4}"
    assert history[-1].mode_id == "mode" and history[-1].entry_id.isdigit()
    sm.persist_session()
    reloaded = StateManager(InMemoryBackend("s1"), "s1").history()
    assert [h.command for h in reloaded] == [h.command for h in history]


def test_history_is_truncated_on_load():
    session = Session(id="s1")
    session.history = [HistoryEntry(entry_id=str(i), command=f"c{i}") for i in range(250)]
    InMemoryBackend("s1").save_session(session)
    history = StateManager(InMemoryBackend("s1"), "s1").history()
    assert len(history) == HISTORY_LIMIT and history[0].command == "c50"


def test_listeners_are_notified_with_the_key():
    sm = StateManager(InMemoryBackend("s1"), "s1")
    seen: list[str] = []
    first = sm.add_listener(seen.append)
    second = sm.add_listener(lambda key: seen.append("2:" + key))
    assert (first, second) == (1, 2)
    sm.set_state("a:b", 1)
    sm.remove_listener(second)
    sm.remove_listener(999)  # unknown id is a no-op
    sm.set_state("c", 2)
    assert seen == ["a:b", "2:a:b", "c"]


def test_close_persists_releases_the_lock_and_is_idempotent(sessions_dir):
    sm = StateManager(FileSystemBackend("s1"), "s1")
    sm.set_state("k", "v")
    sm.close()
    sm.close()
    with FileSystemBackend("s1") as backend:  # the lock was released
        assert backend.load_session("s1").shared_state == {"k": "v"}


def test_concurrent_close_is_safe():
    sm = StateManager(InMemoryBackend("s1"), "s1")
    threads = [threading.Thread(target=sm.close) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert InMemoryBackend("s1").load_session("s1") is not None


def test_reset_archives_the_file_and_clears_state(sessions_dir):
    sm = StateManager(FileSystemBackend("s1"), "s1")
    sm.set_state("contextItems", ["x"])
    sm.capture_snapshot("m", "add x", {})
    archived = sm.archive_and_reset()
    assert archived and os.path.dirname(archived) == str(sessions_dir / "archive")
    assert json.loads(Path(archived).read_text(encoding="utf-8"))["sharedState"] == {
        "contextItems": ["x"]
    }
    assert sm.get_state("contextItems") == (None, False)
    assert sm.history() == []
    sm.close()
    with FileSystemBackend("s1") as backend:
        assert backend.load_session("s1").shared_state == {}
    # A second reset in the same second gets the next counter instead of failing.
    sm2 = StateManager(FileSystemBackend("s1"), "s1")
    assert sm2.archive_and_reset() != archived
    sm2.close()


def test_reset_on_memory_backend_returns_empty_path():
    sm = StateManager(InMemoryBackend("s1"), "s1")
    sm.set_state("k", 1)
    assert sm.archive_and_reset() == ""
    assert sm.get_state("k") == (None, False)


def test_old_schema_version_is_archived_not_lost(sessions_dir):
    sessions_dir.mkdir(parents=True)
    old = Session(id="s1", version="0.0.1")
    old.shared_state["precious"] = True
    (sessions_dir / "s1.session.json").write_bytes(encode_session(old, indent=True))
    warnings: list[str] = []
    sm = StateManager(FileSystemBackend("s1"), "s1", warn=warnings.append)
    assert sm.get_state("precious") == (None, False)
    assert "Expected 0.2.0, got 0.0.1" in warnings[0] and "archived to" in warnings[0]
    archived = list((sessions_dir / "archive").iterdir())
    assert len(archived) == 1
    assert json.loads(archived[0].read_text())["sharedState"] == {"precious": True}
    sm.close()


def test_fallback_to_memory_when_the_session_is_locked(sessions_dir):
    warnings: list[str] = []
    with FileSystemBackend("busy"):
        sm = open_state_manager("busy", "fs", warn=warnings.append)
        assert len(warnings) == 1
        assert warnings[0].startswith(
            'Warning: Failed to initialize state persistence (session "busy"): '
        )
        sm.set_state("k", 1)
        sm.close()


def test_corrupt_session_falls_back_and_the_file_is_untouched(sessions_dir):
    sessions_dir.mkdir(parents=True)
    path = sessions_dir / "bad.session.json"
    path.write_bytes(b"{not-valid-json")
    warnings: list[str] = []
    sm = open_state_manager("bad", "fs", warn=warnings.append)
    sm.set_state("k", 1)
    sm.close()
    assert "bad.session.json" in warnings[0]
    assert path.read_bytes() == b"{not-valid-json"


def test_unknown_store_falls_back_but_memory_failure_is_fatal():
    warnings: list[str] = []
    sm = open_state_manager("s1", "nosuch", warn=warnings.append)
    assert "unknown storage backend: nosuch" in warnings[0]
    sm.close()
    with pytest.raises(StorageError):
        open_state_manager("", "memory", warn=warnings.append)


def _session_bytes_after_adding(items: int) -> tuple[int, int]:
    """Session bytes after `items` one-by-one additions (one snapshot each), and the state's."""
    sm = StateManager(InMemoryBackend(f"grow{items}"), f"grow{items}")
    added: list[dict] = []
    for i in range(items):
        added = [*added, {"id": i + 1, "type": "file", "label": f"src/f{i:04d}.py"}]
        sm.set_state("contextItems", added)
        sm.capture_snapshot("code-review", f"add src/f{i:04d}.py", sm.serialize_complete_state())
    sm.persist_session()
    state = encode_session(Session(id="x", shared_state={"contextItems": added}), indent=True)
    return len(encode_session(sm.session, indent=True)), len(state)


def test_session_size_grows_with_what_changed_not_with_history_times_state():
    # Issue 15 item 10: 500 small items made a 12.5 MB file (200 full-state snapshots).
    size, state = _session_bytes_after_adding(500)
    assert size < 5 * state + HISTORY_LIMIT * 1024, (size, state)
    double, _ = _session_bytes_after_adding(1000)
    assert double < 2.5 * size, (size, double)  # linear, not quadratic


def test_history_states_survive_a_save_and_a_reload(sessions_dir):
    sm = StateManager(FileSystemBackend("s1"), "s1")
    expected = []
    for i in range(HISTORY_LIMIT + 20):
        sm.set_state("contextItems", list(range(i % 37)))
        sm.set_state("code-review:phase", f"p{i % 3}")
        sm.capture_snapshot("code-review", f"c{i}", sm.serialize_complete_state())
        expected.append(sm.serialize_complete_state())
    sm.close()
    reloaded = StateManager(FileSystemBackend("s1"), "s1")
    history = reloaded.history()
    assert [h.final_state for h in history] == expected[-HISTORY_LIMIT:]
    assert reloaded.history_commands() == [f"c{i}" for i in range(20, HISTORY_LIMIT + 20)]
    history[0].final_state["shared"]["contextItems"].append("changed")  # copies, not the store
    assert reloaded.history()[0].final_state == expected[-HISTORY_LIMIT]
    reloaded.close()


def test_a_session_written_with_full_snapshots_loads_and_shrinks(sessions_dir):
    states = [{"script": {}, "shared": {"contextItems": list(range(300 + i))}} for i in range(50)]
    session = Session(id="s1", shared_state={"contextItems": list(range(349))})
    session.history = [
        HistoryEntry(entry_id=str(i), command=f"c{i}", final_state=s) for i, s in enumerate(states)
    ]
    with FileSystemBackend("s1") as backend:
        backend.save_session(session)
        path = backend.path
    before = os.path.getsize(path)
    sm = StateManager(FileSystemBackend("s1"), "s1")
    assert [h.final_state for h in sm.history()] == states
    sm.close()
    assert os.path.getsize(path) * 5 < before
