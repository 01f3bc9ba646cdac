"""Event loop: timer ordering, microtasks, intervals, clear*, async errors, close with timers."""

from __future__ import annotations

import gc
import io
import os
import threading
import time

import pytest

from one_shot_man.scripting import LoopTimeoutError, Runtime, TimeLimitError


@pytest.fixture
def rt():
    runtime = Runtime(stdout=io.StringIO(), stderr=io.StringIO())
    runtime.load_script("log.js", "var log = []; function note(x) { log.push(x); }")
    yield runtime
    runtime.close()


def _log(rt: Runtime) -> list:
    return rt.get_global("log")


def test_microtasks_before_timers_and_in_queue_order(rt):
    rt.load_script(
        "order.js",
        "setTimeout(() => note('timeout0'), 0);"
        "queueMicrotask(() => note('micro1'));"
        "Promise.resolve().then(() => note('promise'));"
        "queueMicrotask(() => note('micro2'));"
        "note('sync');",
    )
    assert _log(rt) == ["sync", "micro1", "promise", "micro2"]  # drained after the script
    rt.run_until_idle(timeout=5)
    assert _log(rt) == ["sync", "micro1", "promise", "micro2", "timeout0"]


def test_microtasks_drain_after_each_timer_callback(rt):
    rt.load_script(
        "m.js",
        "setTimeout(() => { note('t1'); Promise.resolve().then(() => note('t1-micro')); }, 0);"
        "setTimeout(() => note('t2'), 0);",
    )
    rt.run_until_idle(timeout=5)
    assert _log(rt) == ["t1", "t1-micro", "t2"]


def test_timers_by_due_time_then_insertion_order(rt):
    rt.load_script(
        "due.js",
        "setTimeout(() => note('c30'), 30); setTimeout(() => note('a10'), 10);"
        "setTimeout(() => note('b10'), 10); setTimeout(() => note('zero'), 0);"
        "setTimeout(() => note('one'), 1);",
    )
    rt.run_until_idle(timeout=5)
    assert _log(rt) == ["zero", "one", "a10", "b10", "c30"]


def test_set_timeout_passes_extra_args_and_returns_ids(rt):
    rt.load_script("args.js", "var id = setTimeout((a, b, c) => note([a, b, c]), 1, 1, 'x', true);")
    assert isinstance(rt.get_global("id"), int)
    rt.run_until_idle(timeout=5)
    assert _log(rt) == [[1, "x", True]]


def test_clear_timeout_and_interval(rt):
    rt.load_script(
        "clear.js",
        "var t = setTimeout(() => note('never'), 5); clearTimeout(t);"
        "var n = 0; var iv = setInterval(() => { n++; note('tick' + n); if (n === 3) clearInterval(iv); }, 2);"
        "clearTimeout(undefined); clearTimeout(12345); clearTimeout('x');",
    )
    rt.run_until_idle(timeout=5)
    assert _log(rt) == ["tick1", "tick2", "tick3"]
    assert rt.pending_timers() == 0


def test_interval_cleared_by_another_timer(rt):
    rt.load_script(
        "iv.js",
        "var iv = setInterval(() => note('i'), 5); setTimeout(() => clearInterval(iv), 28);",
    )
    rt.run_until_idle(timeout=5)
    assert 2 <= len(_log(rt)) <= 6


def test_set_immediate_runs_after_microtasks(rt):
    rt.load_script(
        "imm.js",
        "setImmediate((x) => note('imm' + x), 1); Promise.resolve().then(() => note('p'));",
    )
    rt.run_until_idle(timeout=5)
    assert _log(rt) == ["p", "imm1"]


def test_nested_zero_timers_are_clamped(rt):
    rt.load_script(
        "nest.js",
        "var depth = 0, start = Date.now();"
        "function again() { if (++depth < 12) setTimeout(again, 0); else note(Date.now() - start); }"
        "setTimeout(again, 0);",
    )
    rt.run_until_idle(timeout=5)
    (elapsed,) = _log(rt)
    assert elapsed >= 4 * 6  # levels beyond 5 wait at least 4 ms each


def test_set_timeout_rejects_non_functions(rt):
    with pytest.raises(Exception, match="callback"):
        rt.load_script("bad.js", "setTimeout('code', 1)")


def test_exception_in_timer_is_reported_and_loop_continues():
    err = io.StringIO()
    with Runtime(stderr=err) as rt:
        rt.load_script(
            "timer.js",
            "var after = 0;\nsetTimeout(() => {\n  undefinedFn();\n}, 1);\n"
            "setTimeout(() => { after = 1; }, 5);",
        )
        rt.run_until_idle(timeout=5)
        assert rt.get_global("after") == 1
        assert len(rt.async_errors) == 1
        error = rt.async_errors[0]
        assert (error.script_name, error.line) == ("timer.js", 3)
        assert (
            "timer.js:3:3: uncaught exception in timer callback: ReferenceError" in err.getvalue()
        )


def test_unhandled_rejections_are_reported_handled_ones_not():
    err = io.StringIO()
    with Runtime(stderr=err) as rt:
        rt.load_script(
            "p.js",
            "Promise.reject(new Error('lost'));\n"
            "Promise.reject(new Error('kept')).catch(() => {});\n"
            "async function f() {\n  await null;\n  throw new TypeError('async');\n}\nf();",
        )
        rt.run_until_idle(timeout=5)
        text = err.getvalue()
    assert "p.js:1:" in text and "unhandled promise rejection: Error: lost" in text
    assert "p.js:5:" in text and "TypeError: async" in text
    assert "kept" not in text
    assert len(rt.async_errors) == 2


def test_exception_in_microtask_is_reported():
    err = io.StringIO()
    with Runtime(stderr=err) as rt:
        rt.load_script("m.js", "queueMicrotask(() => { throw new Error('mt'); }); var ok = 1;")
        assert rt.get_global("ok") == 1
    assert "Error: mt" in err.getvalue()


def test_runaway_timer_callback_is_stopped_and_reported():
    err = io.StringIO()
    with Runtime(stderr=err, eval_timeout=0.3) as rt:
        rt.load_script("spin.js", "setTimeout(() => { while (true) {} }, 1); var after = 0;")
        rt.load_script("later.js", "setTimeout(() => { after = 1; }, 20);")
        rt.run_until_idle(timeout=10)
        assert rt.get_global("after") == 1
        assert isinstance(rt.async_errors[0], TimeLimitError)
    assert "exceeded the time limit of 0.3 s" in err.getvalue()


def test_run_until_idle_timeout_raises(rt):
    rt.load_script("long.js", "setTimeout(() => note('late'), 10000);")
    with pytest.raises(LoopTimeoutError, match="1 timer"):
        rt.run_until_idle(timeout=0.05)


def test_close_with_pending_timers_frees_them():
    out = io.StringIO()
    rt = Runtime(stdout=out)
    rt.load_script("p.js", "setTimeout(() => console.log('never'), 30); setInterval(() => 0, 1);")
    assert rt.pending_timers() == 2
    rt.close()
    assert rt.pending_timers() == 0
    time.sleep(0.05)
    rt.run_until_idle(timeout=1)  # closed: returns at once, nothing fires
    assert out.getvalue() == ""


def test_wait_for_fd_keeps_timers_running(rt):
    r, w = os.pipe()
    try:
        rt.load_script("w.js", "setTimeout(() => note('fired'), 5);")
        threading.Timer(0.1, lambda: os.write(w, b"x")).start()
        assert rt.wait_for(r, timeout=5) is True
        assert _log(rt) == ["fired"]
        assert rt.wait_for(r, timeout=0.01) is True  # still readable
        os.read(r, 1)
        assert rt.wait_for(r, timeout=0.02) is False
    finally:
        os.close(r)
        os.close(w)


def test_wait_for_event_runs_calls_from_other_threads(rt):
    done = threading.Event()

    def other() -> None:
        rt.load_script("o.js", "note('from-thread')")
        done.set()

    threading.Thread(target=other).start()
    assert rt.wait_for(done, timeout=5)
    assert _log(rt) == ["from-thread"]


def test_closed_runtime_is_collectable():
    import weakref

    rt = Runtime()
    rt.load_script("a.js", "setTimeout(() => 0, 1000); var o = {a: 1};")
    ref = weakref.ref(rt)
    rt.close()
    del rt
    gc.collect()
    assert ref() is None
