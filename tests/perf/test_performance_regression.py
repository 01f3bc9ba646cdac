"""TestPerformanceRegression: the seed's hard limits, one test per threshold constant.

Each test measures the same operation as the seed's Go test (and the asv benchmark of
the same name) and fails when the best per-call average exceeds its threshold.
"""

from __future__ import annotations

import threading

import pytest

from one_shot_man.session import get_session_id
from one_shot_man.storage import InMemoryBackend, Session, clear_all_in_memory_sessions
from tests.perf import thresholds as t

pytestmark = pytest.mark.perf

SIMPLE_SCRIPT = "var x = 42; var y = 58; var z = x + y;"


def test_session_id_generation(assert_fast):
    assert_fast("Session ID generation", get_session_id, t.THRESHOLD_SESSION_ID_GENERATION_US)


def test_session_creation(assert_fast):
    assert_fast(
        "Session creation",
        lambda: Session(id="perf-session"),
        t.THRESHOLD_SESSION_CREATION_US,
    )


def _write_once() -> None:
    session = Session(id="perf-write")
    backend = InMemoryBackend("perf-write")
    backend.save_session(session)
    backend.close()


def _read_once() -> None:
    backend = InMemoryBackend("perf-read")
    if backend.load_session("perf-read") is None:
        raise AssertionError("the pre-saved session vanished")
    backend.close()


def test_session_persistence_write(assert_fast):
    clear_all_in_memory_sessions()
    assert_fast("Session persistence write", _write_once, t.THRESHOLD_SESSION_PERSISTENCE_WRITE_US)


def test_session_persistence_read(assert_fast):
    clear_all_in_memory_sessions()
    InMemoryBackend("perf-read").save_session(Session(id="perf-read"))
    assert_fast("Session persistence read", _read_once, t.THRESHOLD_SESSION_PERSISTENCE_READ_US)


CONCURRENT_THREADS = 10
CONCURRENT_OPS_PER_THREAD = 20


def _concurrent_round() -> None:
    """10 threads × 20 (new backend, load, close), as the seed's test does."""
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(CONCURRENT_OPS_PER_THREAD):
                _read_once()
        except BaseException as exc:  # surfaced below: a worker must not fail silently
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def test_concurrent_session_access(assert_fast):
    clear_all_in_memory_sessions()
    InMemoryBackend("perf-read").save_session(Session(id="perf-read"))
    assert_fast(
        "Concurrent session access",
        _concurrent_round,
        t.THRESHOLD_CONCURRENT_SESSION_ACCESS_US,
        ops_per_call=CONCURRENT_THREADS * CONCURRENT_OPS_PER_THREAD,
        disable_gc=False,
    )


# --- scripting engine ------------------------------------------------------------------


@pytest.fixture
def runtime():
    from one_shot_man.scripting import Runtime

    rt = Runtime()
    yield rt
    rt.close()


def _runtime_create_close() -> None:
    from one_shot_man.scripting import Runtime

    Runtime().close()


def test_scripting_engine_startup(assert_fast):
    assert_fast(
        "Scripting runtime creation", _runtime_create_close, t.THRESHOLD_RUNTIME_CREATION_US
    )


def test_script_execution(assert_fast, runtime):
    assert_fast(
        "Script execution",
        lambda: runtime.load_script("test.js", SIMPLE_SCRIPT),
        t.THRESHOLD_SIMPLE_SCRIPT_EXEC_US,
    )


def test_global_registration(assert_fast, runtime):
    assert_fast(
        "Global registration",
        lambda: runtime.set_global("testVar", "testValue"),
        t.THRESHOLD_GLOBAL_REGISTRATION_US,
    )


def test_vm_creation(assert_fast):
    from one_shot_man.scripting import create_vm

    assert_fast("VM creation", create_vm, t.THRESHOLD_VM_CREATION_US)
