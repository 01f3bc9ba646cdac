"""Count the instructions of one benchmark operation: a child process under Callgrind.

`count(Operation(...))` runs tools/counting/child.py with the benchmarked interpreter
(``sys.executable``: under asv, the environment holding the commit being measured) under
``setarch -R valgrind --tool=callgrind --instr-atstart=no``, reads the two regions the child
dumped (an empty loop and the operation's loop, ``calls`` iterations each) and returns, per call:

- ``instructions``: Ir of the calling thread minus the self cost of the allocators, of the
  thread hand-off functions and of CPython's type attribute cache (the gated figure);
- ``raw``: all Ir of the calling thread;
- ``allocation_calls``: calls into the allocators (PyObject_Malloc, malloc, ...);
- ``other_threads``: Ir other threads executed meanwhile (reported, never gated: a helper
  thread's polling follows the wall clock).

Start-up, imports, set-up and warm-up are never counted: instrumentation is off until the
child's region starts. System calls are not counted either (Callgrind sees user space only):
for an operation that writes, reads /proc or runs git, the count is the user-space part.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import allocators, callgrind, collectors, environment, shim, threads, typecache
from .errors import CountingFailed, CountingUnavailable

CHILD = Path(__file__).resolve().with_name("child.py")
TOOLS = CHILD.parents[1]
ROOT = TOOLS.parent
#: Where the shim is cached (gitignored with the rest of .asv/).
SHIM_CACHE = ROOT / ".asv" / "counting"
#: Calls of the operation before counting. CPython 3.11 quickens a code object at its 8th call
#: and specialises its instructions after that: with 3 warm-up calls the quickening of the
#: functions an operation calls once fell inside the counted region, and PromptAssembly(1) read
#: 62,114 instead of its steady 64,885. An operation counted with fewer calls (a heavy one:
#: millions of instructions per call, whose inner functions are quickened within its first
#: call) gets as many warm-up calls as it has counted calls, at least MIN_WARMUP: ten calls
#: of the tokenizer benchmark alone were ~1 G instructions.
WARMUP = 10
MIN_WARMUP = 3

CALLGRIND_OPTIONS = (
    "--tool=callgrind",
    "--instr-atstart=no",  # nothing is instrumented until the child's region starts
    "--cache-sim=no",  # simulated cache misses are noise for a gate (a report at most)
    "--branch-sim=no",
    "--separate-threads=yes",  # one file per thread: the calling thread is gated alone
    "--compress-strings=no",  # plain names on every line, for callgrind.parse
    "--compress-pos=no",
    "--dump-line=no",
    "--trace-children=no",  # a git or osm child process runs natively, uncounted
)


@dataclass(frozen=True)
class Operation:
    """One benchmark operation: the ``time_`` method of a class in the asv suite, with params."""

    module: str  # "benchmarks.session"
    cls: str  # "SessionOperations"
    method: str  # "time_session_creation"
    params: tuple[Any, ...] = ()
    calls: int = 20
    suite_parent: str = ""  # directory holding the `benchmarks` package (default: this repo)
    settle_cpu_times: bool = False  # the operation parses its own CPU times (child.py)
    layouts: int = 1  # counted in this many fixed heap layouts; the figures are their mean
    between_calls: str = ""  # a method of the class run after each call, uncounted (child.py)

    @property
    def label(self) -> str:
        args = f"({', '.join(map(repr, self.params))})" if self.params else ""
        return f"{self.module}.{self.cls}.{self.method}{args}"


@dataclass
class CountResult:
    """Instructions per call of one operation, and what was needed to get them."""

    instructions: float  # gated: calling thread, allocators' and hand-offs' self cost excluded
    raw: float  # calling thread, everything
    allocation_calls: float
    other_threads: float
    calls: int
    minus_empty: float  # the gated figure by the other method (N calls minus N empty calls)
    fingerprint: dict[str, str] = field(default_factory=dict)
    regions: dict[str, dict[str, int]] = field(default_factory=dict)  # region -> totals
    layout_figures: list[float] = field(default_factory=list)  # gated, per layout (layouts > 1)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CountResult:
        return cls(**data)


@dataclass(frozen=True)
class RegionCost:
    """The calling thread's costs in one region, and the other threads' total."""

    raw: int
    allocator_self: int
    allocation_calls: int
    other_threads: int
    synchronisation_self: int = 0  # GIL and pthread hand-offs (threads.py)
    type_cache: int = 0  # CPython's type attribute cache: lookups and refills (typecache.py)
    collections: int = 0  # calls into a garbage collector (collectors.py)

    @property
    def gated(self) -> int:
        return self.raw - self.allocator_self - self.synchronisation_self - self.type_cache


def warmup_calls(calls: int) -> int:
    """Warm-up calls before an operation counted with ``calls`` calls (see WARMUP)."""
    return min(WARMUP, max(MIN_WARMUP, calls))


def valgrind_executable() -> str:
    """Path of valgrind, or CountingUnavailable with the one-line reason."""
    found = shutil.which("valgrind")
    if not found:
        raise CountingUnavailable(
            "valgrind is not installed (apt-get install valgrind; make bench-tools does it as root)"
        )
    return found


def check_available() -> None:
    """Raise CountingUnavailable (one line) when this machine cannot take counts."""
    valgrind_executable()
    shim.build_shim(SHIM_CACHE)


def count(
    op: Operation,
    *,
    timeout: float = 600.0,
    perturb: int = 0,
    slot: int = 0,
    locked: bool = False,
    layout: int | None = None,
) -> CountResult:
    """Instructions per call of ``op``, counted in a fresh child under Callgrind.

    ``layout``: count only that one of the op's fixed layouts (0 .. op.layouts - 1); None
    counts each of them, one child after the other, layout i in slot ``slot + i`` (modulo
    the slots, as batch.slot_of), and returns their mean (``combine``).

    ``perturb`` > 0 changes the child's memory layout on purpose, for the spread measurement:
    more live objects before the benchmark's import and after its set-up (heap offsets), and a
    longer command line (the initial stack and ``sys.argv``, as a clone at a longer path
    would). A robust figure does not move. ``slot``, ``locked``: see environment.run_dir.
    The environment and the working directory are not
    varied: the harness fixes both (environment.child_environment, run_dir), and the session
    ID benchmarks read the environment as their input (a longer one is more work, not noise).
    """
    if layout is None:
        return combine(
            [
                count(
                    op,
                    timeout=timeout,
                    perturb=perturb,
                    slot=(slot + i) % len(environment.SLOTS),  # as batch.slot_of
                    locked=locked,
                    layout=i,
                )
                for i in range(op.layouts)
            ]
        )
    valgrind = valgrind_executable()
    shim_so = shim.build_shim(SHIM_CACHE)
    with environment.run_dir(slot, locked=locked) as run_dir:
        spec = {
            "shim": str(shim_so),
            "benchmarks_parent": op.suite_parent or str(ROOT),
            "module": op.module,
            "class": op.cls,
            "method": op.method,
            "params": list(op.params),
            "calls": op.calls,
            "warmup": warmup_calls(op.calls),
            "ballast": 1000 * perturb,
            "early_ballast": 700 * perturb,
            "layout": layout,  # child._layout_ballast
            "settle_cpu_times": op.settle_cpu_times,
            "between_calls": op.between_calls,
        }
        out_file = run_dir / "out" / "callgrind.out"
        argv = [
            *environment.pid_namespace()[0],
            *_FIXED_PARENT,
            *_no_aslr(),
            valgrind,
            "-q",
            f"--log-file={run_dir / 'out' / 'valgrind.log'}",
            *CALLGRIND_OPTIONS,
            f"--callgrind-out-file={out_file}",
            sys.executable,
            "-P",
            str(CHILD),
            json.dumps(spec, sort_keys=True),
            *(["-" * 37 * perturb] if perturb else []),  # ignored by the child
        ]
        proc = _run_child(argv, run_dir, environment.child_environment(run_dir), timeout, op)
        if proc.returncode == 3:
            raise NotImplementedError(_last_line(proc.stderr, "SKIP "))
        if proc.returncode != 0:
            raise CountingFailed(_failure(op, proc, run_dir))
        empty, once, twice = (region_cost(run_dir / "out", "callgrind.out", i) for i in (1, 2, 3))
    check_collections(op, once, twice)
    return figures(op.calls, empty, once, twice, environment.fingerprint(valgrind))


def combine(results: list[CountResult]) -> CountResult:
    """One result from the counts of an operation in its fixed layouts: the mean of each figure.

    Why the mean: some costs depend on where the heap puts things (glibc's SSE2 ``memchr`` and
    ``memcpy`` run longer on a buffer at another offset modulo 64; QuickJS hashes its shapes by
    address, so chains differ in length). One layout gives one sample of that; an unrelated
    change elsewhere picks another (PromptAssembly(100): 0.26% between layouts). Over the same
    fixed layouts, whatever shifted all of them, the mean moved by <= 0.03% (the median 0.08%).
    """
    if len(results) == 1:
        return results[0]

    def mean(attr: str) -> float:
        return sum(getattr(r, attr) for r in results) / len(results)

    first = results[0]
    return CountResult(
        instructions=mean("instructions"),
        raw=mean("raw"),
        allocation_calls=mean("allocation_calls"),
        other_threads=mean("other_threads"),
        calls=first.calls,
        minus_empty=mean("minus_empty"),
        fingerprint=first.fingerprint,
        regions=first.regions,
        layout_figures=[r.instructions for r in results],
    )


def figures(
    calls: int, empty: RegionCost, once: RegionCost, twice: RegionCost, fingerprint: dict[str, str]
) -> CountResult:
    """Per-call figures from the three regions: 2N calls minus N calls, divided by N.

    The difference cancels everything a region costs once whatever N is: the markers, the loop
    set-up, and first-call effects inside the region (measured: ~2,400 Ir per region for session
    creation, which made "N calls minus N empty calls" read 7,165 at N=20 and 7,094 at N=50).
    """

    def per_call(attr: str) -> float:
        return (getattr(twice, attr) - getattr(once, attr)) / calls

    return CountResult(
        instructions=per_call("gated"),
        raw=per_call("raw"),
        allocation_calls=per_call("allocation_calls"),
        other_threads=per_call("other_threads"),
        calls=calls,
        minus_empty=(once.gated - empty.gated) / calls,
        fingerprint=fingerprint,
        regions={"empty": asdict(empty), "once": asdict(once), "twice": asdict(twice)},
    )


def _run_child(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float, op: Operation
) -> subprocess.CompletedProcess[str]:
    """Run the Callgrind child in its own process group; on timeout the whole group goes."""
    with subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as child:
        try:
            out, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise CountingFailed(
                f"{op.label}: Callgrind child ran longer than {timeout:g} s"
            ) from None
    return subprocess.CompletedProcess(argv, child.returncode, out, err)


def region_cost(out_dir: Path, base_name: str, dump: int) -> RegionCost:
    """Costs of dump number ``dump``: thread 1 (the caller) in detail, other threads summed."""
    files = sorted(out_dir.glob(f"{base_name}.{dump}-*"))
    main = out_dir / f"{base_name}.{dump}-01"
    if main not in files:
        raise CountingFailed(
            f"Callgrind wrote no dump {dump} for the calling thread in {out_dir} "
            f"(found: {', '.join(p.name for p in out_dir.iterdir()) or 'nothing'})"
        )
    caller = callgrind.parse(main)
    others = sum(callgrind.parse(p).total for p in files if p != main)
    return RegionCost(
        raw=caller.total,
        allocator_self=allocators.allocator_cost(caller.self_cost, caller.call_cost, caller.calls),
        allocation_calls=allocators.allocation_calls(caller.calls.items()),
        other_threads=others,
        synchronisation_self=threads.synchronisation_self_cost(caller.self_cost),
        type_cache=typecache.type_cache_cost(caller.self_cost, caller.call_cost),
        collections=collectors.collection_calls(caller.calls),
    )


def check_collections(op: Operation, once: RegionCost, twice: RegionCost) -> None:
    """Refuse a count whose regions collected garbage out of step with their calls.

    N calls with k collections and 2N calls with other than 2k: the figure would follow the
    collector's phase, i.e. the heap's layout, not the operation (collectors.py).
    """
    if collectors.phase_dependent(once.collections, twice.collections):
        raise CountingFailed(
            f"{op.label}: {once.collections} garbage collection(s) in {op.calls} calls but "
            f"{twice.collections} in {2 * op.calls}: the count would depend on when the "
            "collector runs; run the collection between calls (mirror(..., between_calls=))"
        )


#: The child's parent and grandparent: two shells that stay (each runs two commands, so it
#: cannot exec the last). The deep-anchor session ID reads the /proc stat of the child, its
#: parent and its grandparent (to see whether the parent is a forked copy of it), and parses
#: their CPU times and fault counts. With the harness's Python process as grandparent, whose
#: times grow with every child it waits for, the count moved by 0.3% between identical runs
#: (a one-digit time is a cached one-byte bytes object, two digits an allocation). Idle shells'
#: times stay 0. In the child's PID namespace (environment.pid_namespace) they are pids 1 and 2 and
#: the child pid 3, on every machine and under every caller.
_FIXED_PARENT = (
    "/bin/sh",
    "-c",
    """/bin/sh -c '"$@"; exit $?' osm-count "$@"; exit $?""",
    "osm-count-outer",
)


def _no_aslr() -> list[str]:
    setarch = shutil.which("setarch")
    return [setarch, platform.machine(), "-R"] if setarch else []


def _last_line(text: str, prefix: str) -> str:
    for line in reversed(text.splitlines()):
        if line.startswith(prefix):
            return line[len(prefix) :]
    lines = text.strip().splitlines()
    return lines[-1] if lines else "(no output)"


def _failure(op: Operation, proc: subprocess.CompletedProcess[str], run_dir: Path) -> str:
    log = run_dir / "out" / "valgrind.log"
    vg = log.read_text(encoding="utf-8", errors="replace").strip() if log.exists() else ""
    detail = _last_line(proc.stderr, "FAILED ") if proc.stderr.strip() else vg or "(no output)"
    sys.stderr.write(proc.stderr)
    if vg:
        sys.stderr.write(vg + "\n")
    return f"{op.label}: counted child exited {proc.returncode}: {detail}"
