"""The scripting engine (the seed's ScriptingEngine group) and session state growth.

QuickJS work runs on the thread that owns the runtime; the benchmark thread creates
the runtime in `setup`, so it is the owner and calls run inline, as osm does. The
cross-thread case measures the hand-off a caller on another thread pays.
"""

from __future__ import annotations

import os
import threading

from benchmarks import instructions
from benchmarks.common import (
    BatchedBenchmark,
    TempDirBenchmark,
    context_item_dicts,
    process_home,
    require,
)

try:
    from one_shot_man.scripting import Runtime
except ImportError:
    Runtime = None
try:
    from one_shot_man.scripting import create_vm
except ImportError:  # commits before the public bare-VM constructor
    create_vm = None

SIMPLE_SCRIPT = "var x = 42; var y = 58; var z = x + y;"
ADD_FUNCTION = "function add(a, b) { return a + b; }"


# Inputs, built once per process by the thread that times (it owns the runtime; see
# BatchedBenchmark). The runtime is closed when the process exits.
if Runtime is not None:
    import atexit

    process_home()
    RUNTIME = Runtime()
    atexit.register(RUNTIME.close)
    PROGRAM = RUNTIME.compile_script("add.js", ADD_FUNCTION)
    DEVNULL = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process


def _new_vm() -> None:
    if create_vm is None:
        raise NotImplementedError("this commit has no create_vm")
    create_vm()


def _run_program_in_new_runtime() -> None:
    runtime = Runtime()
    runtime.run_compiled(PROGRAM)
    runtime.close()


def _engine_cycle() -> None:
    from one_shot_man.scripting import Engine

    Engine(DEVNULL, DEVNULL, store="memory").close()


class ScriptingEngine(BatchedBenchmark):
    """VM creation, runtime creation, globals, script execution and compilation, engine."""

    version = "2"

    def time_vm_creation(self) -> None:
        _new_vm()

    def peakmem_vm_creation(self) -> None:
        _new_vm()

    def time_runtime_creation(self) -> None:
        Runtime().close()

    def peakmem_runtime_creation(self) -> None:
        Runtime().close()

    def time_global_registration(self) -> None:
        RUNTIME.set_global("testVar", "testValue")

    def peakmem_global_registration(self) -> None:
        RUNTIME.set_global("testVar", "testValue")

    def time_simple_script_execution(self) -> None:
        RUNTIME.load_script("test.js", SIMPLE_SCRIPT)

    def peakmem_simple_script_execution(self) -> None:
        RUNTIME.load_script("test.js", SIMPLE_SCRIPT)

    def time_script_compilation(self) -> None:
        RUNTIME.compile_script("add.js", ADD_FUNCTION)

    def peakmem_script_compilation(self) -> None:
        RUNTIME.compile_script("add.js", ADD_FUNCTION)

    def time_script_execution_with_vm(self) -> None:
        _run_program_in_new_runtime()

    def peakmem_script_execution_with_vm(self) -> None:
        _run_program_in_new_runtime()

    def time_full_engine_creation(self) -> None:
        _engine_cycle()

    def peakmem_full_engine_creation(self) -> None:
        _engine_cycle()

    # Instruction counts of every case above (Callgrind; see benchmarks/instructions.py).
    # QuickJS hashes shapes by address and strlen/memcpy cost depends on alignment: the mean of
    # 4 fixed heap layouts (version 2; 0.07% between layouts).
    track_vm_creation_instructions = instructions.mirror(
        "time_vm_creation", version="2", calls=10, layouts=4
    )
    track_runtime_creation_instructions = instructions.mirror(
        "time_runtime_creation", version="1", calls=10
    )
    track_global_registration_instructions = instructions.mirror(
        "time_global_registration", version="1", calls=50
    )
    track_simple_script_execution_instructions = instructions.mirror(
        "time_simple_script_execution", version="1", calls=20
    )
    # The mean of 4 fixed heap layouts (version 2): its cost moves with the heap's layout (one
    # layout: 0.091% over 8 heap shifts; the mean of 4: 0.030%; cause not diffed).
    track_script_compilation_instructions = instructions.mirror(
        "time_script_compilation", version="2", calls=20, layouts=4
    )
    # 40 calls, not 10: the runtime's helper thread ends while the next call runs, so where
    # the calling thread's objects land (and QuickJS's address-keyed shape hash) varies from
    # call to call; 10 calls spread by 0.13% between identical runs, 40 by 0.08%.
    track_script_execution_with_vm_instructions = instructions.mirror(
        "time_script_execution_with_vm", version="2", calls=40
    )
    track_full_engine_creation_instructions = instructions.mirror(
        "time_full_engine_creation", version="1", calls=5
    )


class CrossThreadScript(TempDirBenchmark):
    """`load_script` called from a thread that does not own the runtime (owner pumping)."""

    version = "1"

    def setup(self) -> None:
        require("one_shot_man.scripting.runtime", "Runtime")
        super().setup()
        self.ready = threading.Event()
        self.stop = threading.Event()
        self.owner = threading.Thread(target=self._own, daemon=True)
        self.owner.start()
        self.ready.wait(10)

    def _own(self) -> None:
        self.runtime = Runtime()
        self.ready.set()
        self.runtime.wait_for(self.stop)
        self.runtime.close()

    def teardown(self) -> None:
        self.stop.set()
        self.owner.join(10)
        super().teardown()

    def time_simple_script_from_other_thread(self) -> None:
        self.runtime.load_script("test.js", SIMPLE_SCRIPT)


class SessionGrowth(TempDirBenchmark):
    """Session file size and save time after adding 10/100/500/5000 context items one by one.

    Each addition is one shell command: the items list grows by one, then the command's
    history snapshot is taken, as the shell does. Only the newest 200 snapshots are kept, so
    setup starts from the items the older commands added and records the last 200 (or all).
    """

    version = "1"
    params = [10, 100, 500, 5000]
    param_names = ["items"]
    timeout = 300.0
    KEY = "contextItems"

    def setup(self, items: int) -> None:
        state = require("one_shot_man.scripting.state", "HISTORY_LIMIT", "StateManager")
        HISTORY_LIMIT, StateManager = state.HISTORY_LIMIT, state.StateManager
        FileSystemBackend = require("one_shot_man.storage", "FileSystemBackend").FileSystemBackend
        super().setup(items)
        self.sessions_dir = str(self.tmpdir / "sessions")
        backend = FileSystemBackend("bench-growth", sessions_dir=self.sessions_dir)
        self.manager = StateManager(backend, "bench-growth")
        self.path = backend.path
        all_items = [dict(item) for item in context_item_dicts(items)]
        first = max(items - HISTORY_LIMIT, 0)
        self.manager.set_state(self.KEY, all_items[:first])
        for count in range(first + 1, items + 1):
            self._add(all_items[:count], count)
        self.manager.persist_session()
        self.next_items = [*all_items, {"id": items + 1, "type": "note", "label": "n"}]

    def _add(self, current: list, count: int) -> None:
        manager = self.manager
        manager.set_state(self.KEY, current)
        manager.capture_snapshot(
            "code-review", f"add item{count}", manager.serialize_complete_state()
        )

    def teardown(self, items: int) -> None:
        self.manager.close()
        super().teardown(items)

    def time_save(self, items: int) -> None:
        self.manager.persist_session()

    def time_command_snapshot(self, items: int) -> None:
        self._add(self.next_items, len(self.next_items))

    def track_session_file_bytes(self, items: int) -> int:
        return os.path.getsize(self.path)

    track_session_file_bytes.unit = "bytes"
