"""Instruction-count twins of `time_` benchmarks: ``track_<case>_instructions`` (Callgrind).

A count benchmark runs in asv's benchmark process like any `track_`, but counts nothing there:
it hands the operation to the counting harness (tools/counting/), which runs the class's own
``time_<case>`` body in a fresh child process under Callgrind (same interpreter, so the same
commit of the library) and returns instructions per call, allocator self cost excluded. The
body counted is therefore exactly the body timed, and the pair is named alike:

    class ConfigLoading(BatchedBenchmark):
        def time_new_config(self) -> None: ...
        track_new_config_instructions = instructions.mirror("time_new_config", version="1")

Without valgrind (or a C compiler for the client-request shim) the count benchmarks skip with a
one-line reason and the wall-time suite runs as before. How counts are taken, what they cannot
see, and how `make compare` judges them: docs/performance.md, "Instruction counts".

Loaded by file path, not by putting the repository root on sys.path: that would make the
working tree's one_shot_man shadow the commit asv installed.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

_TOOLS = Path(__file__).resolve().parents[1] / "tools"
#: Added to every twin's asv version: bumped when the harness's figure changes for all twins at
#: once (2: allocators counted once through PLT stubs, 10 warm-up calls; 3: CPython's type
#: attribute cache left out, own PID namespace), so the dashboard starts new series instead of
#: drawing a step no commit made.
HARNESS_REVISION = "3"
#: Seconds asv gives one count benchmark: the first twin of a commit counts the whole
#: selection (counting/prefetch.py), two Callgrind children at a time.
TIMEOUT = 1800.0
#: Seconds one Callgrind child may run.
CHILD_TIMEOUT = 290.0


def _counting() -> ModuleType:
    """The `counting` package from tools/ (registered under that name, once per process)."""
    if "counting" not in sys.modules:
        init = _TOOLS / "counting" / "__init__.py"
        spec = importlib.util.spec_from_file_location(
            "counting", init, submodule_search_locations=[str(init.parent)]
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["counting"] = module
        spec.loader.exec_module(module)
    for name in ("harness", "record", "batch", "prefetch"):
        importlib.import_module(f"counting.{name}")
    return sys.modules["counting"]


def _skip_without_callgrind(*params: Any) -> None:
    """asv `setup` of every count benchmark: skip (not fail) where counts cannot be taken."""
    counting = _counting()
    try:
        counting.harness.check_available()
    except counting.errors.CountingUnavailable as exc:
        print(f"count benchmarks skipped: {exc}", file=sys.stderr)
        raise NotImplementedError(str(exc)) from None


def count_name(time_method: str) -> str:
    """``time_<case>`` -> ``track_<case>_instructions``."""
    if not time_method.startswith("time_"):
        raise ValueError(f"{time_method!r} is not a time_ benchmark")
    return f"track_{time_method.removeprefix('time_')}_instructions"


def mirror(
    time_method: str,
    *,
    version: str,
    calls: int | Mapping[Any, int] = 20,
    settle_cpu_times: bool = False,
    layouts: int | Mapping[Any, int] = 1,
    between_calls: str = "",
) -> Callable[..., float]:
    """A ``track_`` method counting ``time_method`` of the same class, per call.

    ``calls``: iterations of the counted loop; a mapping gives one per value of a class with a
    single parameter (heavy parameter values need fewer calls to stay within the time budget).
    ``version`` is the benchmark's explicit asv version: change it only when the measurement
    changes (different calls, inputs or counting method), never for an edit of the library.
    ``settle_cpu_times``: the operation parses the process's own CPU times (/proc/self/stat),
    so the child brings them to fixed digit counts first (tools/counting/child.py).
    ``layouts``: count in that many fixed heap layouts and report the mean, for an operation
    whose cost depends on addresses (alignment-dependent string functions, address-keyed
    hashes; tools/counting/harness.py ``combine``). Each layout is one more child; a mapping
    gives one per parameter value, like ``calls``.
    ``between_calls``: a method of the class (same arguments) run after every counted call with
    counting paused: a JavaScript engine's garbage collection, for an operation on a long-lived
    engine whose collections would otherwise fall into the regions by the heap's layout
    (tools/counting/collectors.py). The harness refuses counts where that happens.
    """
    name = count_name(time_method)

    def operation_fields(params: tuple[Any, ...]) -> dict[str, Any]:
        """The harness Operation's fields after (module, class, method, params), at ``params``."""
        return {
            "calls": calls[params[0]] if isinstance(calls, Mapping) else calls,
            "settle_cpu_times": settle_cpu_times,
            "layouts": layouts[params[0]] if isinstance(layouts, Mapping) else layouts,
            "between_calls": between_calls,
        }

    def track(self: Any, *params: Any) -> float:
        counting = _counting()
        cls = type(self)
        op = counting.harness.Operation(
            cls.__module__, cls.__name__, time_method, params, **operation_fields(params)
        )
        result = counting.prefetch.result_for(op, CHILD_TIMEOUT)
        if result is None:
            slot = counting.batch.slot_of(op)
            result = counting.harness.count(op, timeout=CHILD_TIMEOUT, slot=slot)
        module = type(self).__module__.split(".", 1)[-1]
        args = f"({', '.join(map(repr, params))})" if params else ""
        counting.record.write(f"{module}.{type(self).__name__}.{name}{args}", result)
        return result.instructions

    track.__name__ = track.__qualname__ = name
    track.__doc__ = f"Instructions per call of {time_method} (Callgrind, allocators excluded)."
    track.unit = "instructions"  # type: ignore[attr-defined]
    track.version = f"{version}.h{HARNESS_REVISION}"  # type: ignore[attr-defined]
    track.timeout = TIMEOUT  # type: ignore[attr-defined]
    track.setup = _skip_without_callgrind  # type: ignore[attr-defined]
    # Underscored, so asv does not copy them into its benchmark attributes; read by
    # tools/counting/suite.py (the spread measurement, the prefetch) and the tests.
    track._mirrors = time_method  # type: ignore[attr-defined]
    track._calls = calls  # type: ignore[attr-defined]
    track._operation_fields = operation_fields  # type: ignore[attr-defined]
    return track
