"""Tests for the instruction-count harness and gate (tools/counting/) and the suite's count twins.

The pure parts (Callgrind file reader, allocator accounting, per-call arithmetic, the gate's
verdicts and report) run everywhere. The harness itself is tested end to end under Valgrind on a
toy suite written to a temp dir: the count is repeatable, does not include set-up, and a 2% change
of work moves it by 2%. Those tests skip where valgrind or a C compiler is missing.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import instructions
from tests.benchinfra.toy_suites import write_toy_suite
from tools import asv_compare
from tools.counting import allocators, callgrind, gate, harness, record, threads, typecache

# A dump shaped like Callgrind 3.19's with --compress-strings=no --compress-pos=no --dump-line=no.
DUMP = """\
# callgrind format
version: 1
creator: callgrind-3.19.0
positions: line
events: Ir
summary: 1000

ob=/usr/lib/libpython3.11.so
fn=op
0 500
cob=/usr/lib/libpython3.11.so
cfn=PyObject_Malloc
calls=3 0
0 300
cfn=helper'2
calls=1 0
0 50

fn=PyObject_Malloc
0 60
cfn=_PyObject_Malloc
calls=3 0
0 240

fn=_PyObject_Malloc
0 200
cob=/usr/lib/libc.so.6
cfn=malloc
calls=1 0
0 40

fn=malloc
0 40

fn=helper'2
0 50
cfn=free
calls=2 0
0 0

fn=free
0 150
totals: 1000
"""


def _dump(tmp_path: Path, text: str = DUMP) -> Path:
    path = tmp_path / "callgrind.out.1-01"
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_reads_self_costs_calls_and_total(tmp_path: Path) -> None:
    profile = callgrind.parse(_dump(tmp_path))
    assert profile.total == 1000
    assert profile.self_cost["op"] == 500  # inclusive costs of its calls are not self cost
    assert profile.self_cost["helper"] == 50  # recursion suffix 'N dropped
    assert profile.calls[("op", "PyObject_Malloc")] == 3
    assert profile.calls[("_PyObject_Malloc", "malloc")] == 1


def test_parse_refuses_a_file_whose_costs_do_not_add_up(tmp_path: Path) -> None:
    with pytest.raises(callgrind.CallgrindFormatError, match="add up to 1001"):
        callgrind.parse(_dump(tmp_path, DUMP.replace("fn=free\n0 150", "fn=free\n0 151")))
    with pytest.raises(callgrind.CallgrindFormatError, match="no totals"):
        callgrind.parse(_dump(tmp_path, "events: Ir\nfn=a\n0 5\n"))
    with pytest.raises(callgrind.CallgrindFormatError, match=r":4: calls= without a cfn="):
        callgrind.parse(_dump(tmp_path, "events: Ir\nsummary: 0\nfn=a\ncalls=1 0\n0 5\n"))


def test_allocator_cost_and_calls_count_each_allocation_once(tmp_path: Path) -> None:
    profile = callgrind.parse(_dump(tmp_path))
    # PyObject_Malloc 60 + _PyObject_Malloc 200 + malloc 40 + free 150
    assert allocators.allocator_self_cost(profile.self_cost) == 450
    # 3 calls from op; PyObject_Malloc -> _PyObject_Malloc -> malloc are the same allocations
    assert allocators.allocation_calls(profile.calls.items()) == 3
    # what an allocator calls outside the allocators (here: free -> nothing; add a memcpy)
    assert profile.call_cost[("op", "PyObject_Malloc")] == 300
    moved = dict(profile.call_cost) | {("_int_realloc", "__memmove_sse2_unaligned"): 77}
    assert allocators.allocator_cost(profile.self_cost, moved) == 450 + 77


# glibc's malloc reached from pymalloc through a PLT stub (no symbol), as Callgrind 3.19 shows
# CPython 3.11's libpython, and a GCC clone (unlink_chunk.constprop.0) inside _int_malloc.
STUB_DUMP = """\
events: Ir
summary: 1000
fn=op
0 500
cfn=_PyMem_RawMalloc
calls=2 0
0 290
cfn=0x00000000049367a8
calls=1 0
0 11
fn=_PyMem_RawMalloc
0 10
cfn=0x0000000004936730
calls=2 0
0 280
fn=0x0000000004936730
0 2
cfn=malloc
calls=2 0
0 278
fn=malloc
0 20
cfn=_int_malloc
calls=2 0
0 258
fn=_int_malloc
0 150
cfn=unlink_chunk.constprop.0
calls=2 0
0 60
cfn=memset
calls=1 0
0 48
fn=unlink_chunk.constprop.0
0 60
fn=memset
0 48
fn=0x00000000049367a8
0 1
cfn=PyObject_Free
calls=1 0
0 10
fn=PyObject_Free
0 10
fn=rest
0 199
totals: 1000
"""


def test_allocator_cost_takes_each_instruction_once_through_plt_stubs(tmp_path: Path) -> None:
    profile = callgrind.parse(_dump(tmp_path, STUB_DUMP))
    cost = allocators.allocator_cost(profile.self_cost, profile.call_cost, profile.calls)
    # self: _PyMem_RawMalloc 10 + malloc 20 + _int_malloc 150 + unlink_chunk clone 60 +
    # PyObject_Free 10; outside, once: memset 48 (called by _int_malloc). The stubs' own 3 Ir
    # stay in. Before: the stub's inclusive 280 was added on top of malloc's own costs.
    assert cost == 10 + 20 + 150 + 60 + 10 + 48
    # two allocations from op; the stub's call to malloc is the same allocation again
    assert allocators.allocation_calls(profile.calls.items()) == 2
    assert allocators.is_allocator("unlink_chunk.constprop.0")
    assert allocators.is_allocator("_int_free.part.0.isra.0")
    assert not allocators.is_allocator("memset")


def test_thread_hand_off_cost_is_excluded_and_symbol_versions_dropped(tmp_path: Path) -> None:
    text = (
        "events: Ir\nsummary: 170\nfn=op\n0 100\n"
        "fn=pthread_cond_signal@@GLIBC_2.3.2\n0 40\nfn=take_gil\n0 30\ntotals: 170\n"
    )
    profile = callgrind.parse(_dump(tmp_path, text))
    assert profile.self_cost["pthread_cond_signal"] == 40
    assert threads.synchronisation_self_cost(profile.self_cost) == 70
    region = harness.RegionCost(170, 0, 0, 0, synchronisation_self=70)
    assert region.gated == 100


TYPE_CACHE_DUMP = """\
events: Ir
summary: 400
fn=op
0 100
cfn=_PyType_Lookup
calls=3 0
0 260
cfn=getattr_helper
calls=1 0
0 40
fn=_PyType_Lookup
0 60
cfn=find_name_in_mro.isra.0
calls=1 0
0 190
cfn=assign_version_tag.isra.0
calls=1 0
0 10
fn=find_name_in_mro.isra.0
0 40
cfn=_Py_dict_lookup
calls=2 0
0 150
fn=_Py_dict_lookup
0 150
fn=assign_version_tag.isra.0
0 10
fn=getattr_helper
0 40
totals: 400
"""


def test_type_cache_lookups_and_refills_are_excluded_once(tmp_path: Path) -> None:
    # A miss walks the MRO (find_name_in_mro and the dict lookups it makes) and takes a version
    # tag: which lookups miss follows the names' addresses, so all of that is out, once; the
    # dict lookups anyone else makes (getattr_helper) and the caller's own cost stay in.
    profile = callgrind.parse(_dump(tmp_path, TYPE_CACHE_DUMP))
    cost = typecache.type_cache_cost(profile.self_cost, profile.call_cost)
    assert cost == 60 + 190 + 10
    region = harness.RegionCost(400, 0, 0, 0, type_cache=cost)
    assert region.gated == 100 + 40


def _region(raw: int, alloc_self: int = 0, allocs: int = 0, others: int = 0) -> harness.RegionCost:
    return harness.RegionCost(raw, alloc_self, allocs, others)


def test_figures_are_the_difference_of_2n_and_n_calls_per_call() -> None:
    # a constant 2,400 Ir per region (markers, first-call effects) cancels out
    once = _region(2400 + 20 * 7000 + 20 * 500, 20 * 500, 20 * 9)
    twice = _region(2400 + 40 * 7000 + 40 * 500, 40 * 500, 40 * 9, 123)
    empty = _region(2400 + 20 * 100)
    result = harness.figures(20, empty, once, twice, {"python": "3.11"})
    assert result.instructions == 7000
    assert result.raw == 7500
    assert result.allocation_calls == 9
    assert result.other_threads == 123 / 20
    assert result.minus_empty == (once.gated - empty.gated) / 20
    assert harness.CountResult.from_json(json.loads(json.dumps(result.to_json()))) == result


def _result(
    instructions: float, raw: float | None = None, **fingerprint: str
) -> harness.CountResult:
    return harness.CountResult(
        instructions=instructions,
        raw=raw if raw is not None else instructions * 1.05,
        allocation_calls=10.0,
        other_threads=0.0,
        calls=20,
        minus_empty=instructions,
        fingerprint={"python": "3.11.7", "valgrind": "valgrind-3.19.0", **fingerprint},
    )


def test_record_round_trip_keyed_by_commit(tmp_path: Path) -> None:
    name = "config.ConfigGrowth.track_validate_instructions(10)"
    record.write(name, _result(100.0), commit="a" * 40, root=tmp_path)
    record.write(name, _result(200.0), commit="b" * 40, root=tmp_path)
    assert record.read_all("a" * 40, root=tmp_path)[name].instructions == 100.0
    assert record.read_all("bbbbbbbb", root=tmp_path)[name].instructions == 200.0  # asv's prefix
    assert record.read_all("c" * 40, root=tmp_path) == {}


@pytest.mark.parametrize(
    ("before", "after", "verdict"),
    [
        (100_000.0, 101_000.0, gate.REGRESSION),  # exactly the 1% threshold fails
        (100_000.0, 100_990.0, gate.SAME),  # 0.99%: listed, not failed
        (100_000.0, 102_000.0, gate.REGRESSION),  # the 2% slowdown of the issue
        (100_000.0, 98_000.0, gate.IMPROVEMENT),
        (100_000.0, 100_015.0, gate.SAME),  # the largest spread seen on identical code
        (100_000.0, None, gate.SKIPPED),
        (None, 100_000.0, gate.NEW),
    ],
)
def test_gate_verdicts_at_the_threshold(
    before: float | None, after: float | None, verdict: str
) -> None:
    details = {"x": _result(before or 1.0)}, {"x": _result(after or 1.0)}
    report = gate.judge({"x": before}, {"x": after}, *details, threshold=1.0)
    (change,) = report.changes
    assert change.verdict(1.0) == verdict
    assert (report.regressions() != []) == (verdict == gate.REGRESSION)


def test_gate_threshold_is_configurable() -> None:
    report = gate.judge({"x": 100.0}, {"x": 102.0}, {}, {}, threshold=3.0)
    assert report.regressions() == []
    assert gate.judge({"x": 100.0}, {"x": 102.0}, {}, {}, threshold=1.5).regressions()


def test_gate_never_compares_counts_from_different_toolchains() -> None:
    report = gate.judge(
        {"x": 100.0},
        {"x": 150.0},
        {"x": _result(100.0, **{"dep:quickjs-ng": "0.17.1"})},
        {"x": _result(150.0, **{"dep:quickjs-ng": "0.17.2"})},
    )
    (change,) = report.changes
    assert change.verdict(1.0) == gate.NOT_COMPARABLE
    assert change.fingerprint_diff() == ["dep:quickjs-ng: 0.17.1 -> 0.17.2"]
    assert report.regressions() == []
    assert "dep:quickjs-ng: 0.17.1 -> 0.17.2" in report.markdown()


def test_gate_a_count_failing_on_head_is_reported_not_gated() -> None:
    report = gate.judge({"x": 100.0}, {"x": None}, {}, {}, failed=frozenset({"x"}))
    assert report.changes[0].verdict(1.0) == gate.FAILED
    assert "**fails on HEAD**" in report.markdown()


def test_count_section_lists_every_change_from_half_a_percent_both_ways() -> None:
    before = {"a": 1000.0, "b": 1000.0, "c": 1000.0, "d": 1000.0}
    after = {"a": 1020.0, "b": 1004.0, "c": 994.0, "d": 990.0}
    details_before = {k: _result(v, raw=v * 1.1) for k, v in before.items()}
    details_after = {k: _result(v, raw=v * 1.1 * 1.03) for k, v in after.items()}
    text = gate.judge(before, after, details_before, details_after).markdown()
    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    assert [re.search(r"`(\w)`", r).group(1) for r in rows] == ["a", "c", "d"]  # b: 0.4%
    assert "+2.00%" in rows[0] and "**regression**" in rows[0]
    assert "-0.60%" in rows[1] and "below the 1% threshold" in rows[1]
    assert "-1.00%" in rows[2] and "improvement" in rows[2]
    assert "1,020" in rows[0] and "10.0 -> 10.0" in rows[0]  # before/after Ir, allocations
    assert re.search(r"\| \+5\.06% \|", rows[0])  # raw Ir column (1.02 * 1.03 - 1)


def test_count_section_names_the_largest_change_even_when_none_is_listed() -> None:
    # Identical code: nothing reaches the listing, but the reader sees how close the run came.
    before = {"a": 100_000.0, "b": 50_000.0, "c": 80_000.0}
    after = {"a": 100_015.0, "b": 49_980.0, "c": None}
    text = gate.judge(before, after, {}, {}).markdown()
    assert "No count changed by 0.5% or more." in text
    assert "Largest change: -0.040% (`b`)." in text
    other = {"x": _result(100.0, **{"dep:quickjs-ng": "0.17.1"})}
    moved = {"x": _result(150.0, **{"dep:quickjs-ng": "0.17.2"})}
    text = gate.judge({"x": 100.0}, {"x": 150.0}, other, moved).markdown()
    assert "Largest change" not in text  # a count from another toolchain is not a change


def test_compare_report_first_line_states_both_verdicts() -> None:
    rows = asv_compare.parse_table(
        "| | 3.98±0.2μs | 3.75±0.2μs | 0.94 | config.ConfigGrowth.time_load_from_reader(10) |\n"
    )
    counts = gate.judge(
        {"m.C.track_x_instructions": 100.0}, {"m.C.track_x_instructions": 103.0}, {}, {}
    )
    text = asv_compare.markdown(
        rows, ("main", "HEAD"), ("a" * 40, "b" * 40), (1.1, 1.4), {}, asv_compare.OK, 2, counts
    )
    first = text.splitlines()[0]
    assert first.startswith("### Benchmarks: `main` (aaaaaaaa) vs `HEAD` (bbbbbbbb)")
    assert "counts FAIL (1 regression(s) >= 1%)" in first and "times OK" in first
    assert "#### Instruction counts" in text and "`m.C.track_x_instructions`" in text
    ok = gate.judge({"x": 100.0}, {"x": 100.2}, {}, {})
    first = asv_compare.markdown(
        rows, ("main", "HEAD"), ("a" * 40, "b" * 40), (1.1, 1.4), {}, asv_compare.OK, 2, ok
    ).splitlines()[0]
    assert "counts OK (no change >= 1%)" in first and "times OK" in first
    skipped = gate.judge({"x": None}, {"x": None}, {}, {})
    assert "counts not measured" in skipped.summary()


def test_count_benchmark_names_come_from_the_units_asv_recorded(tmp_path: Path) -> None:
    (tmp_path / "benchmarks.json").write_text(
        json.dumps(
            {
                "m.C.track_x_instructions": {"unit": "instructions"},
                "m.C.track_prompt_bytes": {"unit": "bytes"},
                "m.C.time_x": {"unit": "seconds"},
                "version": 2,
            }
        )
    )
    assert gate.count_benchmark_names(tmp_path) == {"m.C.track_x_instructions"}
    assert gate.base_name("m.C.track_x_instructions(10, 'a')") == "m.C.track_x_instructions"


# --- The suite's count benchmarks -------------------------------------------------------------

#: Every CPU-bound operation issue 8 lists, as the time_ benchmark its count must mirror.
REQUIRED_TWINS = {
    "session.SessionOperations.time_session_creation",
    "session.SessionIdSources.time_get_session_id",  # env var and deep anchor params
    "session.SessionOperations.time_session_persistence_write",
    "session.SessionOperations.time_session_persistence_read",
    "session.SessionOperations.time_session_json_marshaling",
    "session.SessionOperations.time_session_json_unmarshaling",
    "storage.HistoryGrowth.time_encode",
    "storage.HistoryGrowth.time_decode",
    *(
        f"config.ConfigLoading.time_{case}"
        for case in (
            "new_config",
            "config_option_get",
            "config_option_set",
            "config_load_from_reader",
            "config_load_ten_lines",
            "config_path_resolution",
            "config_validation",
            "config_set_session_options",
        )
    ),
    "config.ConfigGrowth.time_load_from_reader",
    "config.ConfigGrowth.time_validate",
    *(
        f"scripting.ScriptingEngine.time_{case}"
        for case in (
            "vm_creation",
            "runtime_creation",
            "global_registration",
            "simple_script_execution",
            "script_compilation",
            "script_execution_with_vm",
            "full_engine_creation",
        )
    ),
    "command.CommandExecution.time_command_registration",
    "gotemplate.TemplateRendering.time_template_execute",
    "prompt.PromptAssembly.time_build_prompt",
    "workflows.GoalRendering.time_render_goal",
    "workflows.ScriptedShellSession.time_code_review_session",
}


def _count_twins() -> dict[str, tuple[type, str, object]]:
    import pkgutil

    import benchmarks

    out = {}
    for info in pkgutil.iter_modules(benchmarks.__path__, "benchmarks."):
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if not isinstance(cls, type) or cls.__module__ != module.__name__:
                continue
            for attr, fn in vars(cls).items():
                if getattr(fn, "_mirrors", None):
                    out[f"{info.name.split('.', 1)[1]}.{cls.__name__}.{attr}"] = (cls, attr, fn)
    return out


def test_every_listed_operation_has_a_count_twin_named_after_it() -> None:
    twins = _count_twins()
    mirrored = set()
    for name, (cls, attr, fn) in twins.items():
        assert attr == instructions.count_name(fn._mirrors), name
        assert callable(getattr(cls, fn._mirrors)), f"{name} mirrors a missing {fn._mirrors}"
        assert fn.unit == "instructions" and isinstance(fn.version, str) and fn.version
        mirrored.add(name.rsplit(".", 1)[0] + "." + fn._mirrors)
    assert REQUIRED_TWINS - mirrored == set()


def test_calls_per_parameter_cover_every_parameter_value() -> None:
    for name, (cls, _attr, fn) in _count_twins().items():
        if isinstance(fn._calls, dict):
            assert set(fn._calls) == set(cls.params), name
        else:
            assert fn._calls >= 2, name


def test_work_between_calls_names_a_method_of_the_twins_class() -> None:
    from tools.counting import suite

    hooked = {}
    for name, op in suite.suite_operations():
        if op.between_calls:
            cls = getattr(importlib.import_module(op.module), op.cls)
            assert callable(getattr(cls, op.between_calls, None)), name
            assert not op.between_calls.startswith(("time_", "track_", "peakmem_")), name
            hooked[name.split("(")[0]] = op.between_calls
    # the goals render on one long-lived engine: QuickJS's collections run between calls
    assert hooked["workflows.GoalRendering.track_render_goal_instructions"] == "collect_garbage"


def test_count_benchmarks_skip_with_a_reason_without_valgrind(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(NotImplementedError, match="valgrind is not installed"):
        instructions._skip_without_callgrind()
    assert capsys.readouterr().err.count("\n") == 1  # one line


# --- The harness under Valgrind, on a toy suite -------------------------------------------------

needs_callgrind = pytest.mark.skipif(
    shutil.which("valgrind") is None or not Path("/usr/include/valgrind/callgrind.h").exists(),
    reason="valgrind (with its headers) is not installed",
)

TOY = """
import json

class Toy:
    params = [1000, 1020, 2000]

    def setup(self, n):
        # expensive set-up: must not be in the count
        self.data = json.dumps(list(range(20000)))
        self.items = list(range(n))

    def time_sum(self, n):
        total = 0
        for item in self.items:
            total += item * 3
        return total
"""


@pytest.fixture(scope="module")
def toy_suite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_toy_suite(tmp_path_factory.mktemp("toysuite"), TOY)


def _toy_count(parent: Path, n: int, **kw: int) -> harness.CountResult:
    op = harness.Operation("benchmarks.toy", "Toy", "time_sum", (n,), 20, str(parent))
    return harness.count(op, **kw)


@needs_callgrind
@pytest.mark.slow
def test_harness_counts_are_repeatable_and_exclude_setup(toy_suite: Path) -> None:
    first, second = _toy_count(toy_suite, 1000), _toy_count(toy_suite, 1000)
    perturbed = _toy_count(toy_suite, 1000, perturb=3)
    assert first.instructions == second.instructions
    assert abs(perturbed.instructions / first.instructions - 1) < 0.0005
    # 1000 loop iterations (~330 Ir each, an int allocated per step), not the ~10 M Ir the
    # json.dumps of set-up costs; the 2x test below shows no constant is left in either
    assert 100_000 < first.instructions < 1_000_000
    assert first.fingerprint["python"].startswith(sys.version.split()[0])
    assert first.fingerprint["method"] == harness.environment.METHOD


@needs_callgrind
@pytest.mark.slow
def test_harness_sees_a_two_percent_change_of_work(toy_suite: Path) -> None:
    base = _toy_count(toy_suite, 1000).instructions
    assert _toy_count(toy_suite, 2000).instructions / base == pytest.approx(2.0, rel=0.01)
    slower = _toy_count(toy_suite, 1020).instructions / base
    assert slower == pytest.approx(1.02, abs=0.002)
    report = gate.judge({"toy": base}, {"toy": base * slower}, {}, {})
    assert [c.name for c in report.regressions()] == ["toy"]


@needs_callgrind
def test_harness_failure_names_the_operation(toy_suite: Path) -> None:
    op = harness.Operation("benchmarks.toy", "Toy", "time_missing", (1000,), 2, str(toy_suite))
    with pytest.raises(harness.CountingFailed, match=r"benchmarks\.toy\.Toy\.time_missing\(1000\)"):
        harness.count(op)


def test_count_all_runs_pairs_under_the_lock_each_benchmark_in_its_own_slot(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tools.counting import batch, environment

    seen: list[tuple[str, int, bool, int]] = []
    held = {"now": 0}

    class Lock:
        def __enter__(self) -> None:
            assert not held["now"], "the lock is taken once per pair, not per child"
            held["now"] = 1

        def __exit__(self, *exc: object) -> None:
            held["now"] = 0

    def fake_count(op: harness.Operation, **kw: object) -> object:
        assert held["now"], "a child ran outside the box lock"
        seen.append((op.cls, kw["slot"], kw["locked"], kw["perturb"]))
        if op.cls == "C3":
            raise harness.CountingFailed("C3 broke")
        return f"result-{op.cls}"

    monkeypatch.setattr(environment, "box_lock", Lock)
    monkeypatch.setattr(harness, "count", fake_count)
    monkeypatch.setattr(harness, "CountResult", str)  # the fake's results
    monkeypatch.setattr(batch, "LOCK_GAP", 0)
    ops = [harness.Operation("m", f"C{i}", "time_x") for i in range(6)]
    slots = [batch.slot_of(op) for op in ops]
    assert set(slots) == {0, 1}  # both slots used by these names
    outcomes: dict[str, object] = {}
    for _ in range(2):  # the same slot for a benchmark in every run
        batch.count_all(ops, 3, 2, on_result=lambda op, out: outcomes.__setitem__(op.cls, out))
    assert sorted(seen) == sorted([(f"C{i}", slots[i], True, 3) for i in range(6)] * 2)
    assert outcomes["C0"] == "result-C0" and isinstance(outcomes["C3"], harness.CountingFailed)
    with pytest.raises(harness.CountingFailed, match="C3 broke"):  # without on_result: raised
        batch.count_all(ops, 0, 2)
    assert environment.SLOTS[0] == "run" and len(set(map(len, environment.SLOTS))) == 1


def test_counted_child_runs_under_two_idle_shells() -> None:
    # The deep-anchor session ID parses the stat of the child's parent and grandparent: their
    # CPU times must not grow with the harness's work (one digit more is one allocation more).
    probe = (
        "import os\n"
        "parent = os.getppid()\n"
        "grand = int(open(f'/proc/{parent}/stat').read().rsplit(')', 1)[1].split()[1])\n"
        "for pid in (parent, grand):\n"
        "    comm, rest = open(f'/proc/{pid}/stat').read().split('(', 1)[1].rsplit(')', 1)\n"
        "    print(comm, *rest.split()[11:15])\n"
    )
    out = subprocess.run(
        [*harness._FIXED_PARENT, sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out == ["sh 0 0 0 0", "sh 0 0 0 0"]


def test_counted_child_has_fixed_pids_in_its_own_pid_namespace() -> None:
    # The deep-anchor session ID parses pids and walks the ancestry: in the child's namespace
    # both are the same under every caller (on this box 99k Ir per call outside it, 55k in it).
    from tools.counting import environment

    prefix, note = environment.pid_namespace()
    if not prefix:
        pytest.skip(f"no PID namespace here: {note}")
    probe = "import os; print(os.getpid(), os.getppid(), open('/proc/1/comm').read().strip())"
    argv = [*prefix, *harness._FIXED_PARENT, sys.executable, "-c", probe]
    outs = {subprocess.run(argv, capture_output=True, text=True, check=True).stdout for _ in "ab"}
    assert outs == {"3 2 sh\n"}
    assert environment.fingerprint("valgrind")["pid_namespace"] == note


def test_pid_namespace_falls_back_with_a_recorded_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.counting import environment

    monkeypatch.setattr(environment.shutil, "which", lambda name: None)
    assert environment._probe_pid_namespace() == (
        [],
        "none (no unshare: pids and ancestry follow the caller)",
    )
    monkeypatch.setattr(environment.shutil, "which", lambda name: "/bin/false")
    prefix, note = environment._probe_pid_namespace()
    assert prefix == [] and note.startswith("none (unshare failed")


def test_combine_takes_the_mean_of_the_layouts_and_keeps_each_figure() -> None:
    results = [_result(1000.0, 1100.0), _result(1004.0, 1102.0), _result(1002.0, 1095.0)]
    combined = harness.combine(results)
    assert combined.instructions == 1002.0 and combined.raw == 1099.0
    assert combined.layout_figures == [1000.0, 1004.0, 1002.0]
    assert harness.combine(results[:1]) is results[0]


def test_count_all_counts_every_layout_in_the_operations_slot_and_combines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tools.counting import batch, environment

    seen: list[tuple[str, int, int]] = []

    def fake_count(op: harness.Operation, **kw: int) -> harness.CountResult:
        seen.append((op.cls, kw["slot"], kw["layout"]))
        return _result(100.0 + kw["layout"])

    monkeypatch.setattr(environment, "box_lock", contextlib.nullcontext)
    monkeypatch.setattr(harness, "count", fake_count)
    monkeypatch.setattr(batch, "LOCK_GAP", 0)
    ops = [harness.Operation("m", "A", "time_x", layouts=4), harness.Operation("m", "B", "time_x")]
    results = batch.count_all(ops, 0, 2)
    assert sorted(seen) == sorted(
        [("A", batch.slot_of(ops[0], i), i) for i in range(4)] + [("B", batch.slot_of(ops[1]), 0)]
    )
    assert [r.instructions for r in results] == [101.5, 100.0]
    assert results[0].layout_figures == [100.0, 101.0, 102.0, 103.0]


def _count_result(ir: float) -> harness.CountResult:
    return harness.CountResult(ir, ir, 1.0, 0.0, 20, ir, {"python": "3.11"}, {})


def test_prefetch_counts_the_selection_once_and_hands_each_twin_its_own(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tools.counting import batch, environment, prefetch, suite

    ops = [harness.Operation("m", f"C{i}", "time_x") for i in range(3)]
    counted: list[str] = []

    def fake_count(op: harness.Operation, **kw: object) -> harness.CountResult:
        counted.append(op.cls)
        if op.cls == "C2":
            raise NotImplementedError("no such API in this commit")
        return _count_result(1000.0 + int(op.cls[1:]))

    monkeypatch.setattr(harness, "count", fake_count)
    monkeypatch.setattr(batch, "LOCK_GAP", 0)
    monkeypatch.setattr(environment, "box_lock", contextlib.nullcontext)
    monkeypatch.setattr(suite, "suite_operations", lambda pattern: [(o.cls, o) for o in ops])
    monkeypatch.setattr(prefetch, "cache_key", lambda run_id, parent="": f"key-{run_id}")
    monkeypatch.setenv("OSM_COUNTS_DIR", str(tmp_path))
    monkeypatch.delenv(prefetch.RUN_VARIABLE, raising=False)
    assert prefetch.result_for(ops[0], 10) is None  # plain asv run: the twin counts itself
    assert counted == []
    monkeypatch.setenv(prefetch.RUN_VARIABLE, "run-1")
    assert prefetch.result_for(ops[1], 10).instructions == 1001
    assert sorted(counted) == ["C0", "C1", "C2"]  # the whole selection, once
    assert prefetch.result_for(ops[0], 10).instructions == 1000
    with pytest.raises(NotImplementedError, match="no such API"):
        prefetch.result_for(ops[2], 10)
    assert prefetch.result_for(harness.Operation("m", "Other", "time_x"), 10) is None
    assert len(counted) == 3
    monkeypatch.setenv(prefetch.RUN_VARIABLE, "run-2")  # a new run counts afresh
    prefetch.result_for(ops[0], 10)
    assert len(counted) == 6


@needs_callgrind
def test_prefetch_key_changes_with_the_suite_the_commit_and_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tools.counting import prefetch

    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "a.py").write_text("x = 1\n")
    key = prefetch.cache_key("run-1", str(tmp_path))
    assert prefetch.cache_key("run-1", str(tmp_path)) == key
    assert prefetch.cache_key("run-2", str(tmp_path)) != key
    (tmp_path / "benchmarks" / "a.py").write_text("x = 2\n")
    assert prefetch.cache_key("run-1", str(tmp_path)) != key
    key = prefetch.cache_key("run-1", str(tmp_path))
    monkeypatch.setenv("ASV_COMMIT", "0123abcd" * 5)  # same files, another commit
    assert prefetch.cache_key("run-1", str(tmp_path)) != key


def test_warm_up_covers_quickening_and_stays_short_for_heavy_operations() -> None:
    assert harness.warmup_calls(20) == 10  # past CPython 3.11's 8-call quickening
    assert harness.warmup_calls(50) == 10
    assert harness.warmup_calls(5) == 5
    assert harness.warmup_calls(2) == harness.warmup_calls(1) == 3


@pytest.mark.slow
def test_settled_cpu_times_have_fixed_digit_counts() -> None:
    # utime >= 100 ticks (3 digits up to 10 s), stime >= 10 ticks (2 digits up to 1 s)
    probe = (
        "import os, runpy, sys\n"
        "child = runpy.run_path(sys.argv[1])\n"
        "child['_settle_cpu_times']()\n"
        "fields = open('/proc/self/stat').read().rsplit(')', 1)[1].split()\n"
        "print(len(fields[11]), len(fields[12]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(harness.CHILD)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == ["3", "2"]


def test_spread_rows_work_without_plain_runs() -> None:
    # `cli.py spread --plain 0` crashed after its first run: no plain values, no median
    from tools.counting import cli

    rows = cli.spread_rows({"a": [_result(100.0), _result(101.0)]}, plain=0)
    assert rows[0]["plain_gated_spread_pct"] == 0.0
    assert rows[0]["gated_spread_pct"] == pytest.approx(1 / 100.5 * 100)
