"""Reliability: create/close cycles leave nothing behind; 8 threads at once are serialised."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import io
import threading

import pytest

from one_shot_man.scripting import Runtime


def _trim() -> None:
    gc.collect()
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        try:
            ctypes.CDLL(libc_name).malloc_trim(0)
        except (OSError, AttributeError):
            pass


def _cycle(i: int) -> None:
    rt = Runtime(stdout=io.StringIO(), stderr=io.StringIO())
    rt.load_script("c.js", "var x = 42; var o = {a: [1, 2, 3]};")
    if i % 10 == 0:
        rt.load_script("t.js", "setTimeout(function () {}, 10000); setInterval(() => 0, 5);")
        rt.load_script("p.js", "Promise.reject(new Error('r')); console.log('x');")
    rt.close()


def test_thousand_runtimes_leave_no_thread_timer_or_memory():
    psutil = pytest.importorskip("psutil")
    process = psutil.Process()
    for i in range(200):
        _cycle(i)
    _trim()
    threads = threading.active_count()
    rss = process.memory_info().rss
    for i in range(1000):
        _cycle(i)
    _trim()
    grown = process.memory_info().rss - rss
    assert threading.active_count() == threads
    assert grown < 5 * 1024 * 1024, f"RSS grew by {grown} bytes"


def test_eight_threads_at_once_are_serialised_while_owner_pumps():
    with Runtime() as rt:
        rt.load_script("counter.js", "var counter = 0; var seen = {};")
        owner_runs: set[int] = set()
        rt.run_sync(
            lambda ctx: ctx.add_callable("whoami", lambda: owner_runs.add(threading.get_ident()))
        )
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def worker(n: int) -> None:
            try:
                barrier.wait()
                for i in range(50):
                    rt.load_script(f"w{n}.js", "counter++; whoami();")
                    rt.set_global(f"g{n}", i)
                    assert rt.get_global(f"g{n}") == i
            except BaseException as exc:  # collected for the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        assert rt.wait_for(lambda: not any(t.is_alive() for t in threads), timeout=60)
        for t in threads:
            t.join()
        assert errors == []
        assert rt.get_global("counter") == 400
        assert owner_runs == {threading.get_ident()}


def test_hundred_threads_increment_exactly_once_each():
    with Runtime() as rt:
        rt.load_script("c.js", "var counter = 0;")
        threads = [
            threading.Thread(target=lambda: rt.run_sync(lambda ctx: ctx.eval("counter++")))
            for _ in range(100)
        ]
        for t in threads:
            t.start()
        rt.wait_for(lambda: not any(t.is_alive() for t in threads), timeout=60)
        assert rt.get_global("counter") == 100


def test_runtime_in_a_worker_thread_with_main_thread_calls():
    ready = threading.Event()
    stop = threading.Event()
    box: dict = {}

    def owner() -> None:
        rt = box["rt"] = Runtime()
        ready.set()
        rt.wait_for(stop, timeout=30)
        rt.close()

    t = threading.Thread(target=owner)
    t.start()
    ready.wait()
    rt = box["rt"]
    rt.load_script("m.js", "var fromMain = 7 * 6;")
    assert rt.get_global("fromMain") == 42
    stop.set()
    t.join(5)
    assert not t.is_alive() and rt.closed
