"""Engine: construction, `ctx`, host globals, errors and close (spec §4.2, §4.4, §5.1)."""

from __future__ import annotations

import io
import json
import threading

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import Engine, ScriptPanicError, format_js_error
from one_shot_man.storage import clear_all_in_memory_sessions


@pytest.fixture
def streams():
    return io.StringIO(), io.StringIO()


@pytest.fixture
def engine(streams, request):
    out, err = streams
    eng = Engine(out, err, session_id=f"test-{request.node.name}", store="memory")
    yield eng
    eng.close()
    clear_all_in_memory_sessions()


def test_basic_execution_logs_in_test_mode(engine, streams):
    engine.set_test_mode(True)
    engine.execute_script("test", 'ctx.log("Hello from JavaScript"); ctx.logf("Number: %d", 42);')
    out = streams[0].getvalue()
    assert "[test] Hello from JavaScript\n" in out
    assert "[test] Number: 42\n" in out


def test_ctx_log_is_silent_without_test_mode(engine, streams):
    engine.execute_script("quiet", 'ctx.log("hidden")')
    assert streams[0].getvalue() == ""


def test_deferred_functions_run_in_reverse_order_after_body(engine, streams):
    engine.set_test_mode(True)
    engine.execute_script(
        "test_defer",
        """
        ctx.log("Before defer");
        ctx.defer(function() { ctx.log("Deferred 2"); });
        ctx.defer(function() { ctx.log("Deferred 1"); });
        ctx.log("After defer");
        """,
    )
    lines = streams[0].getvalue().splitlines()
    assert lines == [
        "[test_defer] Before defer",
        "[test_defer] After defer",
        "[test_defer] Deferred 1",
        "[test_defer] Deferred 2",
    ]


def test_nested_runs_name_their_contexts_and_report_passes(engine, streams):
    engine.set_test_mode(True)
    engine.execute_script(
        "test_subtests",
        """
        ctx.run("subtest1", function() { ctx.log("In subtest 1"); });
        ctx.run("subtest2", function() {
            ctx.log("In subtest 2 as " + ctx.name());
            ctx.run("nested", function() { ctx.log("In nested test"); });
        });
        """,
    )
    out = streams[0].getvalue()
    assert "[test_subtests/subtest1] In subtest 1\n" in out
    assert "[test_subtests/subtest2] In subtest 2 as test_subtests/subtest2\n" in out
    assert "[test_subtests/subtest2/nested] In nested test\n" in out
    assert "[test_subtests/subtest2] Sub-test nested passed\n" in out
    assert "[test_subtests] Sub-test subtest1 passed\n" in out


def test_register_mode_pattern_prints_sub_test_passed(engine, streams):
    engine.set_test_mode(True)
    engine.execute_script("code-review", 'ctx.run("register-mode", function() {});')
    assert "[code-review] Sub-test register-mode passed\n" in streams[0].getvalue()


def test_error_and_errorf_fail_the_script_and_write_stderr(engine, streams):
    with pytest.raises(ScriptError, match=r"^test context failed$"):
        engine.execute_script(
            "test_error",
            'ctx.error("This is an error"); ctx.errorf("Formatted error: %s", "test");',
        )
    err = streams[1].getvalue()
    assert "[test_error] ERROR: This is an error\n" in err
    assert "[test_error] ERROR: Formatted error: test\n" in err


def test_failed_sub_run_returns_false_and_fails_parent(engine, streams):
    with pytest.raises(ScriptError, match="test context failed"):
        engine.execute_script(
            "s",
            """
            var r = ctx.run("bad", function() { throw new Error("boom"); });
            output.print("run returned " + r + ", failed=" + ctx.failed());
            """,
        )
    assert "run returned false, failed=true" in streams[0].getvalue()
    err = streams[1].getvalue()
    assert "[s/bad] ERROR: Test failed: Error: boom at s:2:" in err
    assert "[s] ERROR: Sub-test bad failed\n" in err


def test_fatal_inside_run_is_a_panic_of_that_run_only(engine, streams):
    with pytest.raises(ScriptError, match="test context failed"):
        engine.execute_script(
            "f", 'ctx.run("x", function() { ctx.fatal("stop"); output.print("unreached"); });'
        )
    assert "unreached" not in streams[0].getvalue()
    err = streams[1].getvalue()
    assert "[f/x] ERROR: stop\n" in err
    assert "[f/x] ERROR: Test panicked: test failed\n" in err


def test_fatal_at_top_level_is_a_script_panic(engine, streams):
    with pytest.raises(ScriptPanicError, match=r'script "p\.js" panicked: test failed'):
        engine.execute_script("p.js", 'ctx.fatalf("bad %d", 7)')
    assert '[PANIC] Script execution panic in "p.js"' in streams[1].getvalue()


def test_throwing_defer_is_reported_and_fails(engine, streams):
    with pytest.raises(ScriptError, match=r"^test context failed$"):
        engine.execute_script("d", 'ctx.defer(function() { throw new Error("late"); });')
    assert "[d] ERROR: Deferred function failed: Error: late" in streams[1].getvalue()


def test_script_exception_and_failed_context_combine(engine):
    with pytest.raises(ScriptError) as info:
        engine.execute_script("c", 'ctx.error("x"); throw new Error("kaboom");')
    assert str(info.value).startswith("execution error: script execution failed: Error: kaboom")
    assert str(info.value).endswith("; deferred error: test context failed")


def test_script_error_names_script_and_line(engine):
    with pytest.raises(ScriptError) as info:
        engine.execute_script("command-line", "\n\nfunction f() { null.x; }\nf();")
    message = str(info.value)
    assert message.startswith("script execution failed: TypeError:")
    assert "at command-line:3:" in message


def test_syntax_error_names_script_and_line(engine):
    with pytest.raises(ScriptError) as info:
        engine.execute_script("broken.js", "var ok = 1;\nvar y = {;\n")
    message = str(info.value)
    assert message.startswith("script execution failed: SyntaxError")
    assert "broken.js:2:" in message


def test_engine_stays_usable_after_errors(engine, streams):
    for source in ("throw new Error('a')", "var = ;", "ctx.fatal('z')"):
        with pytest.raises(ScriptError):
            engine.execute_script("bad", source)
    engine.execute_script("good", "output.print('still alive')")
    assert "still alive\n" in streams[0].getvalue()


def test_globals_from_host_are_visible(engine, streams):
    engine.set_test_mode(True)
    engine.set_global("testVar", "test value")
    engine.set_global("testNum", 123)
    engine.set_global("config", {"timeout": 1000, "retries": 3, "list": [1, "a", None]})
    engine.execute_script(
        "g",
        'ctx.log("testVar: " + testVar); ctx.log("testNum: " + testNum);'
        'ctx.logf("t=%d r=%d", config.timeout, config.retries);',
    )
    out = streams[0].getvalue()
    assert "testVar: test value" in out
    assert "testNum: 123" in out
    assert "t=1000 r=3" in out
    assert engine.get_global("config") == {"timeout": 1000, "retries": 3, "list": [1, "a", None]}
    assert engine.get_global("missing") is None
    engine.set_global("testVar", "overwritten")
    assert engine.get_global("testVar") == "overwritten"


def test_top_level_declarations_persist_between_scripts(engine):
    engine.execute_script("one", "var x = 42; function twice(v) { return 2 * v; }")
    engine.execute_script("two", "var y = twice(x);")
    assert engine.get_global("y") == 84


def test_output_api_and_log_buffer(engine, streams):
    engine.execute_script(
        "test_output",
        'output.print("stdout message"); log.error("error message");'
        'output.printf("formatted: %s %d", "test", 42); output.print("already\\n");',
    )
    out = streams[0].getvalue()
    assert "stdout message\n" in out
    assert "formatted: test 42\n" in out
    assert "already\n" in out and "already\n\n" not in out
    logs = engine.logger.get_logs()
    assert [e.message for e in logs] == ["error message"]


def test_log_global_queries(engine, streams):
    engine.execute_script(
        "l",
        """
        log.debug("dropped below info");
        log.info("first", {user: "Alice"});
        log.warn("second");
        log.printf("third %d", 3);
        var all = log.getLogs();
        var last = log.getLogs(1);
        var found = log.searchLogs("alice");
        output.print(JSON.stringify([all.length, last[0].Message, found.length,
            found[0].Attrs.user, all[1].Level]));
        log.clearLogs();
        output.print(log.getLogs().length);
        """,
    )
    lines = streams[0].getvalue().splitlines()
    assert json.loads(lines[0]) == [3, "third 3", 1, "Alice", 4]
    assert lines[1] == "0"


def test_console_writes_to_engine_streams(engine, streams):
    engine.execute_script("c", 'console.log("a %s", "b", {k: 1}, 2); console.error("oops");')
    assert streams[0].getvalue() == "a b { k: 1 } 2\n"
    assert streams[1].getvalue() == "oops\n"


def test_composite_scenario_with_sleep_defers_and_nested_runs(engine, streams):
    engine.set_test_mode(True)
    engine.set_global("config", {"timeout": 1000, "retries": 3})
    engine.execute_script(
        "complex_test",
        """
        const {sleep} = require('osm:time');
        ctx.run("setup", function() {
            ctx.log("Setting up");
            ctx.defer(function() { ctx.log("Cleaning up"); });
        });
        ctx.run("main_test", function() {
            ctx.logf("Using timeout: %d", config.timeout);
            ctx.run("sub_operation", function() { sleep(10); ctx.log("slept"); });
        });
        """,
    )
    out = streams[0].getvalue()
    assert out.index("Setting up") < out.index("Cleaning up") < out.index("Using timeout: 1000")
    assert "[complex_test/main_test/sub_operation] slept" in out
    assert "[complex_test] Sub-test main_test passed" in out


def test_close_is_idempotent_and_persists_session(streams):
    eng = Engine(*streams, session_id="persist-me", store="memory")
    eng.execute_script(
        "s",
        "tui.createState('demo', {[Symbol('count')]: {defaultValue: 0}}).set(Symbol('count'), 9);",
    )
    sid = eng.session_id
    eng.close()
    eng.close()
    from one_shot_man.storage import get_backend

    backend = get_backend("memory", sid)
    session = backend.load_session(sid)
    backend.close()
    assert session.script_state == {"demo": {"count": 9}}
    with pytest.raises(ScriptError, match="closed"):
        eng.execute_script("late", "1")
    clear_all_in_memory_sessions()


def test_all_javascript_runs_on_the_owner_thread(engine):
    """Calls from another thread are queued and run when the owner pumps (spec §4.3)."""
    seen: set[int] = set()
    engine.bridge.register("probe", lambda: seen.add(threading.get_ident()))
    engine.execute_script("a", "__osm.call('probe')")
    done = threading.Event()
    errors: list[BaseException] = []

    def other() -> None:
        try:
            engine.execute_script("b", "__osm.call('probe')")
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            done.set()

    t = threading.Thread(target=other)
    t.start()
    assert engine.runtime.wait_for(done, timeout=10)
    t.join()
    assert errors == []
    assert seen == {threading.get_ident()}


def test_format_js_error_variants():
    text = "Error: boom\n    at f (<input>:3:7)\n    at <eval> (<input>:5:1)\n"
    assert format_js_error(text, "x.js") == "Error: boom at x.js:3:7"
    assert (
        format_js_error("SyntaxError: bad\n    at <input>:2:1\n", "s")
        == "SyntaxError: bad at s:2:1"
    )
    assert format_js_error("", "s") == "unknown error"
    assert format_js_error("Thrown value", "s") == "Thrown value"


def test_store_falls_back_to_memory_with_warning(streams, monkeypatch):
    from one_shot_man.errors import StorageError
    from one_shot_man.scripting import state as state_mod

    original = state_mod.StateManager

    class Failing(original):  # type: ignore[misc, valid-type]
        def __init__(self, backend, session_id, **kw):
            if type(backend).__name__ == "FileSystemBackend":
                backend.close()
                raise StorageError("disk on fire")
            super().__init__(backend, session_id, **kw)

    monkeypatch.setattr(state_mod, "StateManager", Failing)
    eng = Engine(*streams, session_id="fallback", store="fs")
    try:
        assert streams[1].getvalue() == ""  # the session opens on first use of state
        eng.execute_script("state", "tui.createState('t', {[Symbol('k')]: {defaultValue: 1}})")
        assert "Warning: Failed to initialize state persistence (session " in streams[1].getvalue()
        assert "disk on fire" in streams[1].getvalue()
        eng.execute_script("ok", "output.print('works')")
    finally:
        eng.close()
        clear_all_in_memory_sessions()
    assert "works" in streams[0].getvalue()


def test_fs_store_writes_session_file_when_state_is_used(streams, tmp_path):
    from one_shot_man.storage import session_file_path

    eng = Engine(*streams, session_id="on-disk")
    sid = eng.session_id
    eng.execute_script(
        "s", "tui.createState('demo', {[Symbol('k')]: {defaultValue: 1}}); output.print(1)"
    )
    eng.close()
    path = session_file_path(sid)
    assert path.exists()
    assert json.loads(path.read_text())["id"] == sid


def test_a_script_that_never_uses_state_leaves_no_session(streams, tmp_path):
    from one_shot_man.storage import session_file_path

    eng = Engine(*streams, session_id="stateless")
    eng.execute_script("s", "output.print(1)")
    eng.close()
    assert not session_file_path(eng.session_id).exists()
    assert "1" in streams[0].getvalue()


def test_log_file_receives_json_lines(tmp_path, streams):
    log_path = tmp_path / "osm.log"
    eng = Engine(*streams, session_id="logs", store="memory", log_file=str(log_path))
    eng.execute_script("l", 'log.info("test log entry", {foo: "bar"});')
    eng.close()
    record = json.loads(log_path.read_text().splitlines()[0])
    assert record["msg"] == "test log entry"
    assert record["foo"] == "bar"
    clear_all_in_memory_sessions()


@pytest.mark.parametrize(
    "value", ["text", 42, 2.5, True, False, None, [1, "two", [3]], {"a": {"b": [1, 2]}}, "ünï ✓"]
)
def test_set_global_value_types_round_trip(engine, value):
    engine.set_global("v", value)
    assert engine.get_global("v") == value
    engine.execute_script("t", "globalThis.kind = v === null ? 'null' : typeof v;")
    expected = {str: "string", int: "number", float: "number", bool: "boolean"}.get(
        type(value), "null" if value is None else "object"
    )
    assert engine.get_global("kind") == expected


def test_exception_in_timer_is_reported_with_script_and_line(engine, streams):
    engine.execute_script(
        "timer.js",
        "setTimeout(function () {\n  throw new Error('in timer');\n}, 1);\noutput.print('armed');",
    )
    engine.wait(timeout=5)
    err = streams[1].getvalue()
    assert "timer.js:2:" in err
    assert "Error: in timer" in err
    engine.execute_script("after", "output.print('usable')")
    assert streams[0].getvalue() == "armed\nusable\n"


def test_unhandled_rejection_is_reported_with_script_and_line(engine, streams):
    engine.execute_script(
        "promise.js",
        "async function main() {\n  await null;\n  throw new Error('in promise');\n}\nmain();",
    )
    engine.wait(timeout=5)
    err = streams[1].getvalue()
    assert "unhandled promise rejection" in err
    assert "Error: in promise" in err
    assert "promise.js:3:" in err
    engine.execute_script("after", "output.print('usable')")
    assert streams[0].getvalue() == "usable\n"


def test_time_limit_stops_a_runaway_script(streams, request):
    from one_shot_man.config import load_from_reader
    from one_shot_man.scripting.errors import TimeLimitError

    config = load_from_reader(["script.eval-timeout 200ms"])
    eng = Engine(*streams, session_id=f"t-{request.node.name}", store="memory", config=config)
    try:
        with pytest.raises(TimeLimitError, match="exceeded the time limit"):
            eng.execute_script("spin.js", "while (true) {}")
        eng.execute_script("after", "output.print('usable')")
    finally:
        eng.close()
        clear_all_in_memory_sessions()
    assert streams[0].getvalue() == "usable\n"


def test_get_global_of_unrepresentable_value_is_a_script_error(engine):
    engine.execute_script(
        "t", "var big = 10n; var loop = {}; loop.self = loop; var fn = function () {};"
    )
    with pytest.raises(ScriptError, match="cannot read global big"):
        engine.get_global("big")
    with pytest.raises(ScriptError, match="cannot read global loop"):
        engine.get_global("loop")
    assert engine.get_global("fn") is None


def test_ctrl_c_inside_a_host_function_is_not_swallowed_by_js(engine):
    def interrupt() -> None:
        raise KeyboardInterrupt

    engine.bridge.register("interrupt", interrupt)
    with pytest.raises(KeyboardInterrupt):
        engine.execute_script(
            "t", "try { __osm.call('interrupt'); } catch (e) { output.print('x'); }"
        )
    engine.execute_script("t", "output.print('after')")
    assert engine.stdout.getvalue().endswith("after\n")


def test_host_results_with_lone_surrogates_reach_javascript(engine, streams):
    engine.bridge.register("odd", lambda: "a\udcff b ✓")
    engine.execute_script("t", "output.print(__osm.call('odd').length)")
    assert streams[0].getvalue() == "6\n"


def test_store_is_flag_then_osm_store_then_config_then_fs(streams, monkeypatch):
    from one_shot_man.config import Config
    from one_shot_man.storage import FileSystemBackend, InMemoryBackend

    def backend_of(**kwargs):
        eng = Engine(*streams, session_id="store-choice", **kwargs)
        try:
            return type(eng.state_manager._backend)
        finally:
            eng.close()
            clear_all_in_memory_sessions()

    memory_config = Config()
    memory_config.set_global_option("store", "memory")
    assert backend_of() is FileSystemBackend
    assert backend_of(config=memory_config) is InMemoryBackend
    monkeypatch.setenv("OSM_STORE", "fs")
    assert backend_of(config=memory_config) is FileSystemBackend
    assert backend_of(store="memory") is InMemoryBackend


def test_script_limits_come_from_the_config_schema(streams):
    from one_shot_man.config import Config

    config = Config()
    config.set_global_option("script.eval-timeout", "1500ms")
    config.set_global_option("script.memory-limit-mb", "64")
    eng = Engine(*streams, session_id="limits", store="memory", config=config)
    assert (eng.runtime.eval_timeout, eng.runtime.memory_limit_mb) == (1.5, 64)
    eng.close()
    defaults = Engine(*streams, session_id="limits", store="memory")
    assert (defaults.runtime.eval_timeout, defaults.runtime.memory_limit_mb) == (30.0, 512)
    defaults.close()
    config.set_global_option("script.eval-timeout", "soon")  # unparsable: the default applies
    config.set_global_option("script.memory-limit-mb", "0")  # 0 turns the limit off
    eng = Engine(*streams, session_id="limits", store="memory", config=config)
    assert (eng.runtime.eval_timeout, eng.runtime.memory_limit_mb) == (30.0, None)
    eng.close()
    clear_all_in_memory_sessions()


def test_os_errors_reach_javascript_without_python_errno_text() -> None:
    """Issue 15: messages carry the cause, never `[Errno 2] ...`."""
    from one_shot_man.scripting.bridge import error_text

    assert error_text(FileNotFoundError(2, "No such file or directory", "x.txt")) == (
        "No such file or directory: x.txt"
    )
    assert error_text(PermissionError(13, "Permission denied")) == "Permission denied"


def test_engine_is_public_and_lazy():
    """`from one_shot_man.scripting import Engine` works and the package import stays free."""
    import subprocess
    import sys

    code = (
        "import sys, one_shot_man.scripting as s\n"
        "before = '_quickjs' in sys.modules or 'one_shot_man.scripting.engine' in sys.modules\n"
        "from one_shot_man.scripting import Engine\n"
        "print(before, Engine.__module__, 'Engine' in s.__all__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "one_shot_man.scripting.engine", "True"]
