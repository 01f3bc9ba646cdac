"""Garbage collections and the counted regions (tools/counting/collectors.py, child.py).

A collection that falls into one region or the other by the heap's layout moved a goal's count
by 1.6%; the harness refuses such a count, and a twin can run its collection between calls with
counting paused. The pure checks run everywhere; the end-to-end ones need Valgrind.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.benchinfra.toy_suites import write_toy_suite
from tools.counting import collectors, harness

needs_callgrind = pytest.mark.skipif(
    shutil.which("valgrind") is None or not Path("/usr/include/valgrind/callgrind.h").exists(),
    reason="valgrind (with its headers) is not installed",
)


def _region(collections: int) -> harness.RegionCost:
    return harness.RegionCost(1000, 0, 0, 0, collections=collections)


def test_collection_calls_count_every_caller_of_the_collectors() -> None:
    calls = {
        ("js_trigger_gc", "JS_RunGC"): 2,
        ("JS_FreeRuntime", "JS_RunGC"): 1,
        ("gc_collect_with_callback", "gc_collect_main"): 4,
        ("op", "malloc"): 9,
    }
    assert collectors.collection_calls(calls) == 7


def test_collections_out_of_step_with_the_calls_are_refused() -> None:
    op = harness.Operation("benchmarks.toy", "Toy", "time_render", ("goal",), 5)
    harness.check_collections(op, _region(0), _region(0))
    harness.check_collections(op, _region(5), _region(10))  # once per call: deterministic
    with pytest.raises(harness.CountingFailed, match=r"Toy\.time_render\('goal'\): 0 .* 1 in 10"):
        harness.check_collections(op, _region(0), _region(1))
    with pytest.raises(harness.CountingFailed, match="between_calls"):
        harness.check_collections(op, _region(3), _region(5))


TOY = """
import gc

class Toy:
    def setup(self):
        self.items = list(range(1000))
        self.calls = 0

    def time_sum(self):
        total = 0
        for item in self.items:
            total += item * 3
        return total

    def churn(self):
        # twenty times the operation's work: a ratio of ~21 if it were counted
        for _ in range(20):
            self.time_sum()

    def time_collect_once_late(self):
        # 10 warm-up calls, then regions of 20 and 40: call 45 is in the second only
        self.calls += 1
        if self.calls == 45:
            gc.collect()

    def time_collect_every_call(self):
        gc.collect()
"""


@pytest.fixture(scope="module")
def toy_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_toy_suite(tmp_path_factory.mktemp("collectsuite"), TOY)


def _count(parent: Path, method: str, between: str = "") -> harness.CountResult:
    op = harness.Operation(
        "benchmarks.toy", "Toy", method, (), 20, str(parent), between_calls=between
    )
    return harness.count(op)


@needs_callgrind
@pytest.mark.slow
def test_work_between_calls_is_not_counted(toy_suite: Path) -> None:
    alone = _count(toy_suite, "time_sum").instructions
    with_churn = _count(toy_suite, "time_sum", between="churn").instructions
    # what is left is the pause and resume calls themselves (two ctypes calls: ~740 Ir, 0.2% here)
    assert with_churn / alone == pytest.approx(1.0, abs=0.01)


@needs_callgrind
@pytest.mark.slow
def test_a_collection_in_one_region_only_fails_the_count(toy_suite: Path) -> None:
    with pytest.raises(harness.CountingFailed, match=r"time_collect_once_late: 0 .* 1 in 40"):
        _count(toy_suite, "time_collect_once_late")
    # one per call is the operation's own cost, and counted
    every = _count(toy_suite, "time_collect_every_call")
    assert every.instructions > 10_000
