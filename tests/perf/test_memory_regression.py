"""TestMemoryUsageRegression: repeated create/close must not retain memory.

The Go original measured bytes *allocated*; a Python port can measure what really
matters, memory *retained*: RSS after gc and malloc_trim (sees QuickJS's C heap) and
tracemalloc (sees Python objects exactly). Bounds are justified in docs/performance.md
from measurements on the project's machine.
"""

from __future__ import annotations

import pytest

from one_shot_man.storage import InMemoryBackend, Session, clear_all_in_memory_sessions
from tests.perf.timing import measure_growth

pytestmark = pytest.mark.perf

KiB = 1024
MiB = 1024 * KiB

# Retained-memory bounds over 3 batches (see docs/performance.md for the measurements).
RUNTIME_ITERATIONS = 200
RUNTIME_RSS_BOUND = 2 * MiB
RUNTIME_TRACED_BOUND = 256 * KiB

BACKEND_ITERATIONS = 1000
BACKEND_RSS_BOUND = 1 * MiB
BACKEND_TRACED_BOUND = 64 * KiB


def _runtime_cycle() -> None:
    from one_shot_man.scripting import Runtime

    runtime = Runtime()
    runtime.load_script(
        "leak-check.js", "var data = []; for (var i = 0; i < 100; i++) data.push({i: i});"
    )
    runtime.close()


def test_runtime_creation_no_leak(report_line):
    growth = measure_growth("Runtime creation", _runtime_cycle, iterations=RUNTIME_ITERATIONS)
    report_line(growth.line(RUNTIME_RSS_BOUND, RUNTIME_TRACED_BOUND))
    assert growth.rss_total <= RUNTIME_RSS_BOUND, growth.line(
        RUNTIME_RSS_BOUND, RUNTIME_TRACED_BOUND
    )
    assert growth.traced_total <= RUNTIME_TRACED_BOUND, growth.line(
        RUNTIME_RSS_BOUND, RUNTIME_TRACED_BOUND
    )


def _backend_cycle() -> None:
    session = Session(id="leak-check")
    session.shared_state["payload"] = "x" * 256
    backend = InMemoryBackend("leak-check")
    backend.save_session(session)
    backend.close()


def test_session_backend_no_leak(report_line):
    clear_all_in_memory_sessions()
    growth = measure_growth("Session backend", _backend_cycle, iterations=BACKEND_ITERATIONS)
    report_line(growth.line(BACKEND_RSS_BOUND, BACKEND_TRACED_BOUND))
    assert growth.rss_total <= BACKEND_RSS_BOUND, growth.line(
        BACKEND_RSS_BOUND, BACKEND_TRACED_BOUND
    )
    assert growth.traced_total <= BACKEND_TRACED_BOUND, growth.line(
        BACKEND_RSS_BOUND, BACKEND_TRACED_BOUND
    )
