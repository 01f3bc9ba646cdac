"""Runtime.run_static: osm's own pieces from cached bytecode behave like a plain eval."""

from __future__ import annotations

import pytest
from _quickjs import JSException

from one_shot_man.scripting.runtime import Runtime

PIECE = "(function () { globalThis.seen = (globalThis.seen || 0) + 1; hostCall('x'); })();"


@pytest.mark.parametrize("round_", [1, 2], ids=["compiled", "from-bytecode"])
def test_a_piece_that_calls_python_runs_in_every_runtime(round_: int) -> None:
    # The second runtime reads the bytecode the first compiled; a piece calling a Python
    # function from there once aborted the process inside the binding.
    for _ in range(round_):
        calls: list[str] = []
        with Runtime() as rt:
            rt.context.add_callable("hostCall", calls.append)
            rt.run_static(PIECE)
            assert rt.get_global("seen") == 1
            assert calls == ["x"]
            assert rt.get_global("__rt_piece") is None


def test_pure_code_defines_globals() -> None:
    for _ in range(2):
        with Runtime() as rt:
            rt.run_static("globalThis.answer = 6 * 7;", pure=True)
            assert rt.get_global("answer") == 42


@pytest.mark.parametrize("pure", [True, False])
def test_an_exception_is_the_bindings_own(pure: bool) -> None:
    source = "(function () { throw new TypeError('broken piece'); })();"
    for _ in range(2):
        with Runtime() as rt, pytest.raises(JSException, match="TypeError: broken piece"):
            rt.run_static(source, pure=pure)


@pytest.mark.parametrize("pure", [True, False])
def test_parsed_then_compiled_then_read_from_bytecode(pure: bool) -> None:
    # A piece is parsed the first time a process runs it, compiled and cached the second
    # time, read from bytecode after that: the three paths must behave alike.
    from one_shot_man.scripting import _native

    source = f"(function () {{ globalThis.path = {int(pure)}; globalThis.n = 6 * 7; }})();"
    if not _native.AVAILABLE:
        pytest.skip("the C API is not reachable here")
    key = (source, pure)
    cached = []
    for _ in range(3):
        with Runtime() as rt:
            rt.run_static(source, pure=pure)
            assert rt.get_global("n") == 42
            assert rt.get_global("path") == int(pure)
            assert rt.get_global("__rt_piece") is None
        cached.append((key in _native._SEEN, key in _native._BYTECODE))
    assert cached == [(True, False), (True, True), (True, True)]


@pytest.mark.parametrize("pure", [True, False])
def test_an_exception_is_the_same_on_every_path(pure: bool) -> None:
    source = f"(function () {{ throw new RangeError('broken piece {int(pure)}'); }})();"
    for _ in range(3):
        with Runtime() as rt, pytest.raises(JSException, match="RangeError: broken piece"):
            rt.run_static(source, pure=pure)
