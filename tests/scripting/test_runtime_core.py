"""Runtime API: globals, scripts, errors with locations, compile, close, threads (spec §4.1)."""

from __future__ import annotations

import io
import threading
import time

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import (
    JavaScriptError,
    LoopTimeoutError,
    MemoryLimitError,
    Runtime,
    RuntimeClosedError,
    ScriptSyntaxError,
    TimeLimitError,
)


@pytest.fixture
def rt():
    runtime = Runtime(stdout=io.StringIO(), stderr=io.StringIO())
    yield runtime
    runtime.close()


def test_package_import_is_lazy():
    import subprocess
    import sys

    code = "import sys, one_shot_man.scripting; print('_quickjs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_load_script_then_get_global(rt):
    rt.load_script("test.js", "var x = 42; var y = 58; var z = x + y;")
    assert rt.get_global("z") == 100
    assert rt.get_global("missing") is None


def test_set_get_global_round_trip(rt):
    values = {
        "s": "text",
        "i": 7,
        "big": 2**40,
        "f": 1.5,
        "b": True,
        "n": None,
        "l": [1, "a", None],
        "d": {"k": [1, 2], "v": {"x": 1}},
    }
    for name, value in values.items():
        rt.set_global(name, value)
    for name, value in values.items():
        assert rt.get_global(name) == value
    rt.load_script("t.js", "var seen = typeof s + typeof i + typeof d + (l.length + d.k[1]);")
    assert rt.get_global("seen") == "stringnumberobject5"
    with pytest.raises(TypeError):
        rt.set_global("bad", object())


def test_reference_error_names_script_line_column_and_stack(rt):
    with pytest.raises(JavaScriptError) as info:
        rt.load_script("test.js", "var a = 1;\n\n    foo;")
    err = info.value
    assert str(err) == "test.js:3:5: ReferenceError: foo is not defined"
    assert (err.script_name, err.line, err.column) == ("test.js", 3, 5)
    assert "test.js:3:5" in err.js_stack
    assert isinstance(err, ScriptError)


def test_error_thrown_in_function_reports_throw_site(rt):
    with pytest.raises(JavaScriptError) as info:
        rt.load_script("f.js", "function f() {\n  throw new Error('boom');\n}\nf();")
    assert str(info.value).startswith("f.js:2:") and str(info.value).endswith(": Error: boom")
    assert "f.js:4:" in info.value.js_stack


def test_syntax_error(rt):
    with pytest.raises(ScriptSyntaxError) as info:
        rt.load_script("bad.js", "var y = {")
    assert info.value.script_name == "bad.js"
    assert str(info.value).startswith("bad.js:1:")
    rt.load_script("ok.js", "var after = 1")
    assert rt.get_global("after") == 1


def test_scripts_run_in_strict_mode(rt):
    with pytest.raises(JavaScriptError, match="undeclared is not defined"):
        rt.load_script("strict.js", "undeclared = 5;")


def test_compile_once_run_in_any_runtime(rt):
    program = rt.compile_script("add.js", "function add(a, b) { return a + b; } var r = add(2, 3);")
    assert rt.get_global("r") is None  # compiling does not run
    for _ in range(2):
        with Runtime() as other:
            other.run_compiled(program)
            assert other.get_global("r") == 5
    with pytest.raises(ScriptSyntaxError) as info:
        rt.compile_script("c.js", "var q = 1;\nvar = ;")
    assert (info.value.script_name, info.value.line) == ("c.js", 2)


def test_console_writes_to_given_streams():
    out, err = io.StringIO(), io.StringIO()
    with Runtime(stdout=out, stderr=err) as rt:
        rt.load_script(
            "c.js",
            "console.log('a', 1, {k: [1, 's']}); console.info('i'); console.debug('d');"
            "console.warn('w'); console.error('e %d%%', 5);",
        )
    assert out.getvalue() == "a 1 { k: [ 1, 's' ] }\ni\nd\n"
    assert err.getvalue() == "w\ne 5%\n"


def test_close_is_idempotent_and_rejects_later_work(rt):
    rt.close()
    rt.close()
    assert rt.closed
    with pytest.raises(RuntimeClosedError):
        rt.load_script("x.js", "1")
    with pytest.raises(RuntimeClosedError):
        rt.run_sync(lambda ctx: None)
    assert rt.run_on_loop(lambda ctx: None) is False


def test_context_manager_closes():
    with Runtime() as rt:
        rt.load_script("a.js", "var a = 1")
    assert rt.closed


def test_run_sync_inline_on_owner_and_reentrant(rt):
    assert rt.run_sync(lambda ctx: ctx.eval("6 * 7")) == 42
    seen = []

    def host() -> int:
        # called from JavaScript: a nested run_sync must run inline, not deadlock
        return rt.run_sync(lambda ctx: ctx.eval("20 + 1"))

    rt.run_sync(lambda ctx: ctx.add_callable("host", host))
    rt.load_script("r.js", "var got = host() * 2;")
    seen.append(rt.get_global("got"))
    assert seen == [42]
    with pytest.raises(ValueError, match="exact"):
        rt.run_sync(lambda ctx: (_ for _ in ()).throw(ValueError("exact")))


def test_run_on_loop_is_fifo_before_inline_work(rt):
    order = []
    rt.run_on_loop(lambda ctx: order.append("queued-1"))
    rt.run_on_loop(lambda ctx: order.append("queued-2"))
    rt.run_sync(lambda ctx: order.append("inline"))
    assert order == ["queued-1", "queued-2", "inline"]


def test_call_from_other_thread_waits_for_owner_to_pump(rt):
    result = []
    t = threading.Thread(target=lambda: result.append(rt.run_sync(lambda ctx: ctx.eval("1+1"))))
    t.start()
    assert rt.wait_for(lambda: bool(result), timeout=5)
    t.join()
    assert result == [2]


def test_other_thread_times_out_when_owner_does_not_pump(rt):
    errors = []

    def other() -> None:
        try:
            rt.run_sync(lambda ctx: None, timeout=0.05)
        except LoopTimeoutError as exc:
            errors.append(exc)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert len(errors) == 1 and "timed out after 0.05s" in str(errors[0])
    assert isinstance(errors[0], TimeoutError)
    rt.pump()  # the cancelled job does not run and nothing breaks


def test_public_methods_route_through_owner_from_other_threads(rt):
    out = {}

    def other() -> None:
        rt.set_global("fromThread", "yes")
        rt.load_script("t.js", "var echoed = fromThread + '!'")
        out["v"] = rt.get_global("echoed")

    t = threading.Thread(target=other)
    t.start()
    rt.wait_for(lambda: not t.is_alive(), timeout=5)
    t.join()
    assert out == {"v": "yes!"}


def test_close_fails_waiting_callers(rt):
    errors = []
    started = threading.Event()

    def other() -> None:
        started.set()
        try:
            rt.run_sync(lambda ctx: None, timeout=None)
        except RuntimeClosedError as exc:
            errors.append(exc)

    t = threading.Thread(target=other)
    t.start()
    started.wait()
    time.sleep(0.05)
    rt.close()
    t.join(2)
    assert not t.is_alive() and len(errors) == 1


def test_pump_and_run_until_idle_require_the_owner(rt):
    errors = []

    def other() -> None:
        try:
            rt.pump()
        except ScriptError as exc:
            errors.append(exc)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert errors and "thread that created" in str(errors[0])


def test_runaway_loop_hits_time_limit_and_runtime_survives():
    with Runtime(eval_timeout=0.3, stderr=io.StringIO()) as rt:
        start = time.monotonic()
        with pytest.raises(TimeLimitError) as info:
            rt.load_script("test.js", "var n = 0;\nwhile (true) { n++; }")
        assert str(info.value) == "script test.js exceeded the time limit of 0.3 s"
        assert time.monotonic() - start < 5
        rt.load_script("after.js", "var alive = n > 0")
        assert rt.get_global("alive") is True


def test_time_limit_cannot_be_caught_and_allows_host_calls():
    with Runtime(eval_timeout=0.3) as rt:
        calls = []
        rt.run_sync(lambda ctx: ctx.add_callable("ping", lambda: calls.append(1)))
        with pytest.raises(TimeLimitError):
            rt.load_script("c.js", "try { while (true) { ping(); } } catch (e) { var caught = 1 }")
        assert calls and rt.get_global("caught") is None


def test_allocation_bomb_hits_memory_limit_and_runtime_survives():
    with Runtime(memory_limit_mb=32) as rt:
        with pytest.raises(MemoryLimitError) as info:
            rt.load_script(
                "bomb.js", "var a = [];\nwhile (true) a.push(new Array(100000).fill(7));"
            )
        assert str(info.value) == "script bomb.js exceeded the memory limit of 32 MB"
        rt.load_script("free.js", "a = null; var ok = 1 + 1")
        assert rt.get_global("ok") == 2


def test_stack_overflow_is_a_script_error(rt):
    with pytest.raises(JavaScriptError, match=r"r\.js"):
        rt.load_script("r.js", "function r() { return r(); }\nr();")
    rt.load_script("ok.js", "var fine = 1")
    assert rt.get_global("fine") == 1


def test_get_callable(rt):
    rt.load_script("fns.js", "function add(a, b) { return a + b; } var notFn = 3;")
    add = rt.get_callable("add")
    assert add(2, 3) == 5
    assert add("a", "b") == "ab"
    with pytest.raises(ScriptError, match="function 'nope' not found"):
        rt.get_callable("nope")
    with pytest.raises(ScriptError, match="'notFn' is not a callable function"):
        rt.get_callable("notFn")
    result = []
    t = threading.Thread(target=lambda: result.append(add(40, 2)))
    t.start()
    rt.wait_for(lambda: bool(result), timeout=5)
    t.join()
    assert result == [42]


def test_sync_timeout_default_and_settable(rt):
    assert rt.sync_timeout == 5.0
    rt.sync_timeout = 10.0
    assert rt.sync_timeout == 10.0
    rt.sync_timeout = 0  # no limit
    box = []
    t = threading.Thread(target=lambda: box.append(rt.get_global("undefinedName")))
    t.start()
    time.sleep(0.05)
    rt.wait_for(lambda: not t.is_alive(), timeout=5)
    assert box == [None]


def test_short_timeout_while_owner_is_busy_with_a_long_job(rt):
    errors = []
    ready = threading.Event()

    def other() -> None:
        ready.wait()
        try:
            rt.run_sync(lambda ctx: "late", timeout=0.01)
        except LoopTimeoutError as exc:
            errors.append(exc)

    t = threading.Thread(target=other)
    t.start()
    ready.set()
    rt.run_sync(lambda ctx: time.sleep(0.1))  # the owner is busy for 100 ms
    t.join()
    assert len(errors) == 1


def test_time_limit_covers_raw_evals_in_run_sync():
    with Runtime(eval_timeout=0.3) as rt:
        with pytest.raises(TimeLimitError):
            rt.run_sync(lambda ctx: ctx.eval("while (true) {}"))
        assert rt.run_sync(lambda ctx: ctx.eval("1 + 1")) == 2


def test_waiting_in_a_host_call_does_not_count_against_the_time_limit():
    with Runtime(eval_timeout=0.2) as rt:
        rt.run_sync(lambda ctx: ctx.add_callable("pause", lambda: time.sleep(0.5)))
        rt.load_script("wait.js", "pause(); var done = true;")
        assert rt.get_global("done") is True


def test_get_global_of_a_value_json_cannot_carry_is_a_script_error():
    from one_shot_man.errors import ScriptError
    from one_shot_man.scripting import Runtime

    with Runtime() as rt:
        rt.load_script("t.js", "var big = 10n; var loop = {}; loop.self = loop;")
        for name in ("big", "loop"):
            with pytest.raises(ScriptError, match=f"cannot read global {name}"):
                rt.get_global(name)


def test_a_tighter_limit_is_watched_soon_after_a_looser_one(monkeypatch):
    # The watchdog pauses a twentieth of the tightest limit between looks (at most MAX_PAUSE):
    # a runtime with a 400 s limit makes it pause 20 s here, so a new runtime with a 0.2 s
    # limit must wake it, or its runaway loop would first be seen 20 s later.
    from one_shot_man.scripting import watchdog

    monkeypatch.setattr(watchdog, "MAX_PAUSE", 20.0)
    loose = Runtime(eval_timeout=400)
    try:
        loose.load_script("loose.js", "var x = 1")
        time.sleep(0.1)  # the watchdog has looked and now pauses for the loose limit
        with Runtime(eval_timeout=0.2, stderr=io.StringIO()) as tight:
            start = time.monotonic()
            with pytest.raises(TimeLimitError):
                tight.load_script("loop.js", "for (;;) {}")
            assert time.monotonic() - start < 5
    finally:
        loose.close()  # (a later runtime's register wakes the watchdog from its long pause)
