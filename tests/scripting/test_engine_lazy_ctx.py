"""`ctx` is made on a script's first use of it: a script that never touches it parses none of it.

The root context used to be made (and its 3 KB piece parsed) before every script. Now the piece
loads on the first read of `ctx`; these tests pin that every way a script can meet `ctx`
behaves as when it was made up front.
"""

from __future__ import annotations

import io

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import Engine
from one_shot_man.storage import clear_all_in_memory_sessions


@pytest.fixture
def engine(request):
    out, err = io.StringIO(), io.StringIO()
    eng = Engine(out, err, session_id=f"test-{request.node.name}", store="memory")
    eng.out, eng.err = out, err  # type: ignore[attr-defined]
    yield eng
    eng.close()
    clear_all_in_memory_sessions()


def test_a_script_without_ctx_does_not_load_it(engine) -> None:
    engine.execute_script("plain", "output.print(1)")
    assert engine.out.getvalue() == "1\n"
    assert "ctx" not in engine.bridge._loaded


def test_first_use_makes_the_root_context_named_after_the_script(engine) -> None:
    engine.set_test_mode(True)
    engine.execute_script("named", 'ctx.log("hi " + ctx.name())')
    assert engine.out.getvalue() == "[named] hi named\n"
    assert "ctx" in engine.bridge._loaded


def test_a_failure_and_deferred_functions_are_reported(engine) -> None:
    script = 'ctx.defer(() => output.print("deferred")); ctx.run("a", () => ctx.error("boom"));'
    with pytest.raises(ScriptError, match="test context failed"):
        engine.execute_script("failing", script)
    assert engine.out.getvalue() == "deferred\n"
    assert "[failing/a] ERROR: boom" in engine.err.getvalue()


def test_assigning_ctx_before_reading_it_keeps_the_value(engine) -> None:
    engine.execute_script("assign", 'ctx = 5; output.print(String(ctx) + " " + typeof ctx)')
    assert engine.out.getvalue() == "5 number\n"


@pytest.mark.parametrize("declaration", ["var ctx = 7;", "let ctx = 7;"])
def test_a_script_may_declare_its_own_ctx(engine, declaration: str) -> None:
    engine.execute_script("declares", declaration + " output.print(String(ctx))")
    assert engine.out.getvalue() == "7\n"


def test_ctx_is_an_ordinary_global_once_read(engine) -> None:
    engine.execute_script(
        "descriptor",
        "ctx.name(); const d = Object.getOwnPropertyDescriptor(globalThis, 'ctx');"
        " output.print([typeof d.value, d.writable, d.enumerable, d.configurable].join(' '))",
    )
    assert engine.out.getvalue() == "object true false true\n"


def test_later_scripts_get_their_own_root_context(engine) -> None:
    engine.set_test_mode(True)
    engine.execute_script("first", "output.print(1)")
    engine.execute_script("second", 'ctx.log("in " + ctx.name())')
    engine.execute_script("third", 'ctx.log("in " + ctx.name())')
    assert engine.out.getvalue() == "1\n[second] in second\n[third] in third\n"


def test_a_fatal_error_still_panics(engine) -> None:
    from one_shot_man.scripting import ScriptPanicError

    with pytest.raises(ScriptPanicError):
        engine.execute_script("fatal", 'ctx.fatal("stop")')
