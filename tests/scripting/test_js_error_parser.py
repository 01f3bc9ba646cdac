"""One QuickJS error parser (`scripting.errors.parse_js_exception`) for every place that reads one.

The Runtime (synchronous errors, timers, microtasks, rejections), the Engine (`osm script`
errors), `ctx.run`'s failure lines and `require`'s syntax errors used four copies that
disagreed; each case below is one of the disagreements, decided once.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import Engine, JavaScriptError, Runtime
from one_shot_man.scripting.errors import (
    MemoryLimitError,
    TimeLimitError,
    format_js_error,
    limit_error,
    parse_js_exception,
)
from one_shot_man.storage import clear_all_in_memory_sessions


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> Iterator[tuple[Engine, io.StringIO]]:
    err = io.StringIO()
    eng = Engine(io.StringIO(), err, session_id=f"t-{request.node.name}", store="memory")
    yield eng, err
    eng.close()
    clear_all_in_memory_sessions()


def engine_error(engine: tuple[Engine, io.StringIO], source: str) -> str:
    with pytest.raises(ScriptError) as info:
        engine[0].execute_script("s.js", source)
    return str(info.value)


def runtime_error(source: str) -> JavaScriptError:
    with Runtime(stderr=io.StringIO()) as rt, pytest.raises(JavaScriptError) as info:
        rt.load_script("s.js", source)
    return info.value


# -- what was thrown --------------------------------------------------------------------------


def test_an_empty_string_is_not_reported_as_undefined(engine) -> None:
    # The binding writes `String(value)`, a newline, then the stack: `throw ''` is "\nundefined".
    # The Engine used to strip the text and report "undefined", the Runtime "uncaught undefined".
    assert engine_error(engine, "throw ''") == 'script execution failed: uncaught ""'
    assert str(runtime_error("throw ''")) == 's.js: uncaught ""'


def test_undefined_and_null_say_uncaught_everywhere(engine) -> None:
    # The Engine used to print a bare "undefined", the Runtime "uncaught undefined".
    assert engine_error(engine, "throw undefined") == "script execution failed: uncaught undefined"
    assert engine_error(engine, "throw null") == "script execution failed: uncaught null"
    assert str(runtime_error("throw undefined")) == "s.js: uncaught undefined"
    assert engine_error(engine, "throw 'undefined'") == "script execution failed: undefined"


def test_text_that_is_empty_is_an_unknown_error() -> None:
    assert format_js_error("", "s") == "unknown error"
    assert parse_js_exception("", "s").head == "unknown error"


# -- where it went wrong ----------------------------------------------------------------------


def test_async_errors_are_located_at_the_users_call_not_inside_osm(engine) -> None:
    # The Runtime located timer errors at the first frame, here osm's own `osm$unpack`.
    eng, err = engine
    eng.execute_script("s.js", "var x = 1;\nsetTimeout(() => require('osm:nosuch'), 0);")
    eng.wait()
    (error,) = eng.runtime.async_errors
    assert (error.line, error.where.rsplit(":", 1)[0]) == (2, "s.js:2")
    assert err.getvalue().startswith("s.js:2:")


def test_the_timer_type_check_is_not_the_location(engine) -> None:
    # The Engine used to name the line of the runtime's own setTimeout wrapper.
    message = engine_error(engine, "var a = 1;\n\nsetTimeout('not a function');")
    assert message.startswith('script execution failed: TypeError: The "callback" argument')
    assert message.endswith(" at s.js:3:1")


def test_errors_in_a_required_file_name_that_file(engine, tmp_path: Path) -> None:
    # `ctx.run`'s failure line and the Runtime's async errors named the script instead.
    eng, err = engine
    module = tmp_path / "bad.js"
    module.write_text("module.exports = 1;\nnull.x;\n")
    with pytest.raises(ScriptError):
        eng.execute_script("s.js", f"ctx.run('step', () => require({str(module)!r}));")
    assert f"TypeError: cannot read property 'x' of null at {module}:2:1" in err.getvalue()
    eng.execute_script("t.js", f"setTimeout(() => require({str(module)!r}) + 1, 0);")
    eng.wait()
    assert eng.runtime.async_errors[-1].where == f"{module}:2:1"
    assert f"{module}:2:1: uncaught exception in timer callback: TypeError" in err.getvalue()


def test_a_syntax_error_on_a_modules_first_line_has_the_modules_column(
    engine, tmp_path: Path
) -> None:
    # require's wrapper shares line 1 with the module: the column used to include the wrapper.
    source = "let = = ;"
    direct = engine_error(engine, source)
    assert direct.endswith(" at s.js:1:7")
    (tmp_path / "syn.js").write_text(source + "\n")
    eng, _err = engine
    with pytest.raises(ScriptError) as info:
        eng.execute_script("m.js", f"require({str(tmp_path / 'syn.js')!r})")
    assert f"({tmp_path / 'syn.js'}:1:7)" in str(info.value)


def test_runtime_stack_names_every_frame() -> None:
    text = (
        "TypeError: t\n    at osm$x (<input>:9:2)\n    at module:/m/a.js (<input>:2:5)\n"
        "    at setTimeout (<input>:4:1)\n    at f (<input>:1:20)\nundefined\n"
    )
    parsed = parse_js_exception(text, "s.js", column_shift=13)
    assert parsed.stack == (
        "    at osm$x (s.js:9:2)\n    at module:/m/a.js (/m/a.js:2:5)\n    at f (s.js:1:7)"
    )
    assert (parsed.line, parsed.column, parsed.where) == (2, 5, "/m/a.js:2:5")


def test_limit_error_names_the_limit_only_when_the_runtime_set_it():
    interrupted, oom = "InternalError: interrupted", "InternalError: out of memory"
    assert limit_error(interrupted, "a.js", 0.5, None) == (
        "script a.js exceeded the time limit of 0.5 s",
        TimeLimitError,
    )
    assert limit_error(oom, "a.js", None, 32) == (
        "script a.js exceeded the memory limit of 32 MB",
        MemoryLimitError,
    )
    # without the limit the same text is an ordinary JavaScript error
    assert limit_error(interrupted, "a.js", None, 32) is None
    assert limit_error(oom, "a.js", 0.5, None) is None
    assert limit_error("Error: boom", "a.js", 0.5, 32) is None
