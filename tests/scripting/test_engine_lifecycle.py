"""Engine lifecycle reliability: no thread, timer or memory left behind (slow)."""

from __future__ import annotations

import gc
import io
import os
import threading

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import Engine
from one_shot_man.storage import clear_all_in_memory_sessions


def _cycle(i: int, devnull) -> None:
    eng = Engine(devnull, devnull, session_id="leak", store="memory")
    if i % 10 == 0:
        eng.execute_script(
            "s",
            "context.getStats(); tui.registerMode({name: 'm'}); output.print('x');"
            "require('osm:argv').parseArgv('a b'); setTimeout(function () {}, 10000);",
        )
    eng.close()


@pytest.mark.slow
def test_thousand_engines_leave_no_thread_and_little_memory():
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()
    with open(os.devnull, "w") as devnull:
        for i in range(100):  # warm caches, imports and allocator pools
            _cycle(i, devnull)
        gc.collect()
        threads_before = threading.active_count()
        rss_before = process.memory_info().rss
        for i in range(1000):
            _cycle(i, devnull)
        gc.collect()
        rss_after = process.memory_info().rss
    clear_all_in_memory_sessions()
    assert threading.active_count() == threads_before
    assert rss_after - rss_before < 5 * 1024 * 1024, f"RSS grew {rss_after - rss_before} bytes"


def test_close_stops_the_loop_thread_and_drops_pending_work():
    before = set(threading.enumerate())
    eng = Engine(io.StringIO(), io.StringIO(), session_id="lifecycle", store="memory")
    eng.execute_script("s", "setTimeout(function () { output.print('never'); }, 60000);")
    eng.close()
    assert set(threading.enumerate()) <= before
    assert "never" not in eng.stdout.getvalue()
    clear_all_in_memory_sessions()


def test_engine_as_context_manager_closes():
    with Engine(io.StringIO(), io.StringIO(), session_id="cm", store="memory") as eng:
        eng.execute_script("s", "output.print('in')")
    with pytest.raises(ScriptError):
        eng.execute_script("s", "1")
    clear_all_in_memory_sessions()
