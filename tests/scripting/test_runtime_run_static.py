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
