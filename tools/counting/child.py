"""Runs ONE benchmark operation under Callgrind and marks the counted regions (no output).

Started by tools/counting/harness.py as ``valgrind ... python -P child.py SPEC_JSON`` with the
benchmarked interpreter, in a fixed, minimal environment. What it does:

1. makes the `benchmarks` package importable (and nothing else from the repository: the
   library must come from the interpreter's environment, i.e. from the commit asv installed);
2. builds the benchmark exactly as asv would: instance of the class, its ``setup(*params)``;
3. warms up: calls the benchmark's own ``time_`` method (the body the count mirrors) and an
   empty method with the same arguments ``warmup`` times each, so lazily built caches exist and
   CPython 3.11's specialising interpreter has rewritten the bytecode (first calls cost ~10%
   more);
   (with ``layout`` > 0, live objects of every size class before the import and after
   set-up first: one of the fixed layouts of a twin counted in several, harness.combine);
4. ``gc.collect(); gc.disable()``, then three regions, each dumped to its own Callgrind file:
   the empty method ``calls`` times (the cost of the loop, the call and the region markers),
   the operation ``calls`` times, and the operation ``2 * calls`` times. The harness takes the
   difference of the last two (see harness.py for why) and reports the others.
   With ``between_calls`` (a method of the benchmark), that method runs after every call, in
   the warm-up and in all three regions, with counting paused around it (collectors.py: a
   JavaScript engine's collection, run between calls so that none falls inside one).

Standard library only; imports nothing from tools/.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import importlib.machinery
import json
import os
import random
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from typing import Any


class _OnlyBenchmarksFinder:
    """Finds the top-level `benchmarks` package in one directory (as asv_runner does)."""

    def __init__(self, parent_dir: str) -> None:
        self.parent_dir = parent_dir

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname != "benchmarks":
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, [self.parent_dir], target)


class _Empty:
    def method(self, *params: Any) -> None:
        pass


def _loop(fn: Callable[..., Any], params: Sequence[Any], calls: int) -> None:
    for _ in range(calls):
        fn(*params)


def _loop_with_pauses(
    fn: Callable[..., Any],
    between: Callable[..., Any],
    params: Sequence[Any],
    calls: int,
    pause: Callable[[], None],
    resume: Callable[[], None],
) -> None:
    """``calls`` calls of ``fn``, each followed by ``between``, which is not counted."""
    for _ in range(calls):
        fn(*params)
        pause()
        between(*params)
        resume()


def _seeded_temp_names() -> None:
    """Temp names (mkdtemp, mkstemp) from a seeded generator: the same paths in every run.

    Benchmarks make their inputs in temp dirs; random names change the hashes of the paths the
    library keys its data by. Uses tempfile's private name sequence (CPython 3.11-3.13); where
    that is missing the names stay random and only the spread says so.
    """
    sequence_type = getattr(tempfile, "_RandomNameSequence", None)
    if sequence_type is None:
        return
    sequence = sequence_type()
    sequence._rng = random.Random(0)
    sequence._rng_pid = os.getpid()
    tempfile._name_sequence = sequence


def _ballast(units: int) -> list[object]:
    """Live objects from pymalloc and, by 600-byte buffers, from glibc's heap."""
    return [object() for _ in range(units)] + [bytearray(600) for _ in range(units // 20)]


def _layout_ballast(layout: int) -> list[object]:
    """Live objects for layout number ``layout`` of an operation counted in several layouts.

    Unlike the spread's ballast (16-byte objects), one object of every pymalloc size class per
    step (bytes of 1-505 bytes) and a glibc buffer whose size steps by 16 bytes: each layout
    moves every size class's later objects, and glibc's chunks by 16 bytes modulo 64.
    """
    if not layout:
        return []
    # Classes whose first attribute lookup takes a type version tag, so the types made later
    # get other tags: CPython's method cache is indexed by tag ^ (name address >> 3).
    classes = [type(f"_Layout{i}", (), {}) for i in range(3 * layout)]
    for cls in classes:
        hasattr(cls, "_osm_layout")  # a miss, so the class gets its tag
    return [*classes, *(bytes(8 * (i % 64) + 1) for i in range(64 * layout))] + [
        bytearray(520 + 16 * layout) for _ in range(layout)
    ]


def _settle_cpu_times() -> None:
    """Bring this process's CPU times to 3 digits of clock ticks (user) and 2 (system).

    For operations that parse their own /proc/self/stat (the deep-anchor session ID: under
    Valgrind the child is its own anchor): a one-digit field is a cached one-byte bytes
    object, a longer one an allocation, so a count taken at 77 ticks of user time differed
    from one taken at 100 (0.27% between identical runs). Uncounted: before the regions.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    while True:
        times = os.times()
        if times.system * ticks < 10:
            for _ in range(200):
                os.stat("/")  # system time
        elif times.user * ticks < 100:
            sum(range(100_000))  # user time
        else:
            return


def run(spec: dict[str, Any]) -> None:
    # No forced GIL hand-offs: a helper thread (the runtime's watchdog) would otherwise take
    # the GIL every 5 ms of wall time, and the calling thread's count would depend on the clock.
    sys.setswitchinterval(spec.get("switch_interval", 1000.0))
    # Live objects made before the benchmark's import and set-up (the spread's perturbation;
    # the layout of a twin counted in several), so everything those allocate (and the
    # operation after them) sits at other addresses.
    layout = int(spec.get("layout", 0))
    early = _ballast(int(spec.get("early_ballast", 0))) + _layout_ballast(layout)
    sys.meta_path.insert(0, _OnlyBenchmarksFinder(spec["benchmarks_parent"]))
    _seeded_temp_names()
    shim = ctypes.CDLL(spec["shim"])
    begin, end = shim.osm_count_begin, shim.osm_count_end
    begin.argtypes, begin.restype = [], None
    end.argtypes, end.restype = [ctypes.c_char_p], None
    pause, resume = shim.osm_count_pause, shim.osm_count_resume
    pause.argtypes = resume.argtypes = []
    pause.restype = resume.restype = None

    module = importlib.import_module(spec["module"])
    bench = getattr(module, spec["class"])()
    params = list(spec["params"])
    setup = getattr(bench, "setup", None)
    if setup is not None:
        setup(*params)
    operation = getattr(bench, spec["method"])
    empty = _Empty().method
    # The same after set-up: live objects from pymalloc and, by 520-600-byte buffers, from
    # glibc's heap, so everything the operation allocates sits at other addresses.
    ballast = _ballast(int(spec.get("ballast", 0))) + _layout_ballast(layout)
    calls, warmup = int(spec["calls"]), int(spec["warmup"])
    loop = _loop
    if spec.get("between_calls"):
        between = getattr(bench, spec["between_calls"])

        def loop(fn: Callable[..., Any], params: Sequence[Any], calls: int) -> None:
            _loop_with_pauses(fn, between, params, calls, pause, resume)

    loop(empty, params, warmup)
    loop(operation, params, warmup)
    if spec.get("settle_cpu_times"):
        _settle_cpu_times()
    gc.collect()
    gc.disable()
    for name, fn, n in (
        (b"empty", empty, calls),
        (b"operation", operation, calls),
        (b"operation-twice", operation, 2 * calls),
    ):
        begin()
        loop(fn, params, n)
        end(name)
    gc.enable()
    del ballast, early
    teardown = getattr(bench, "teardown", None)
    if teardown is not None:
        teardown(*params)


def main(argv: list[str]) -> int:
    spec = json.loads(argv[1])
    try:
        run(spec)
    except NotImplementedError as exc:  # the commit predates the API: asv's "skipped"
        print(f"SKIP {exc}", file=sys.stderr)
        return 3
    except BaseException as exc:
        traceback.print_exc()
        print(f"FAILED {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
