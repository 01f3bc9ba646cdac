"""Session identity and in-memory persistence (the seed's SessionOperations group).

Each benchmark's body is exactly the operation its name says; inputs are built in
`setup`. The environment is isolated (no tmux/ssh/OSM_SESSION), so session ID
generation takes the Linux deep-anchor path, as the Go benchmark did.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from benchmarks import instructions
from benchmarks.common import (
    BatchedBenchmark,
    TempDirBenchmark,
    history_entry_dicts,
    process_home,
    require,
)

try:
    from one_shot_man.session import get_session_id
    from one_shot_man.storage import (
        HistoryEntry,
        InMemoryBackend,
        Session,
        clear_all_in_memory_sessions,
        decode_session,
        encode_session,
    )
except ImportError:  # an older commit without these modules: benchmarks skip in setup
    get_session_id = None

SESSION_ID = "bench-session"
CONCURRENT_OPS_PER_THREAD = 20


def _require_library() -> None:
    """Skip (through `require`) on commits without everything the imports above bind."""
    require("one_shot_man.session", "get_session_id")
    require(
        "one_shot_man.storage",
        "HistoryEntry",
        "InMemoryBackend",
        "Session",
        "clear_all_in_memory_sessions",
        "decode_session",
        "encode_session",
    )


def session_with_history(count: int) -> Session:
    """A session with `count` entries shaped like the Go benchmark's (spec Part 5.1)."""
    read_time = datetime(2026, 1, 1, tzinfo=UTC)
    session = Session(id=SESSION_ID)
    session.history = [
        HistoryEntry(
            entry_id=d["entryId"],
            mode_id=d["modeId"],
            command=d["command"],
            read_time=read_time,
            final_state=d["finalState"],
        )
        for d in history_entry_dicts(count)
    ]
    return session


def _read_cycle() -> None:
    backend = InMemoryBackend(SESSION_ID)
    backend.load_session(SESSION_ID)
    backend.close()


def _write_cycle() -> None:
    session = Session(id="bench-write")
    backend = InMemoryBackend("bench-write")
    backend.save_session(session)
    backend.close()


def _reads() -> None:
    for _ in range(CONCURRENT_OPS_PER_THREAD):
        _read_cycle()


_POOL_SIZE = os.cpu_count() or 2
_pool: ThreadPoolExecutor | None = None


def _concurrent_round() -> None:
    """Every CPU's worth of threads doing 20 in-memory read cycles each."""
    global _pool
    if _pool is None:  # created by asv's warm-up call, before any timing
        _pool = ThreadPoolExecutor(max_workers=_POOL_SIZE)
    futures = [_pool.submit(_reads) for _ in range(_POOL_SIZE)]
    for future in futures:
        future.result()


# Inputs, built once per process (see BatchedBenchmark): an isolated HOME, a pre-saved
# empty session for the read cases, and a session with 100 entries for the JSON cases.
if get_session_id is not None:
    process_home()
    clear_all_in_memory_sessions()
    InMemoryBackend(SESSION_ID).save_session(Session(id=SESSION_ID))
    SESSION_100 = session_with_history(100)
    ENCODED_100 = encode_session(SESSION_100)


class SessionOperations(BatchedBenchmark):
    """The seed's BenchmarkSessionOperations, case for case."""

    version = "2"

    def time_session_id_generation(self) -> None:
        get_session_id()

    def peakmem_session_id_generation(self) -> None:
        get_session_id()

    def time_session_creation(self) -> None:
        Session(id=SESSION_ID)

    def peakmem_session_creation(self) -> None:
        Session(id=SESSION_ID)

    def time_session_persistence_write(self) -> None:
        _write_cycle()

    def peakmem_session_persistence_write(self) -> None:
        _write_cycle()

    def time_session_persistence_read(self) -> None:
        _read_cycle()

    def peakmem_session_persistence_read(self) -> None:
        _read_cycle()

    def time_concurrent_session_access(self) -> None:
        _concurrent_round()

    def peakmem_concurrent_session_access(self) -> None:
        _concurrent_round()

    def time_session_json_marshaling(self) -> None:
        encode_session(SESSION_100)

    def peakmem_session_json_marshaling(self) -> None:
        encode_session(SESSION_100)

    def time_session_json_unmarshaling(self) -> None:
        decode_session(ENCODED_100)

    def peakmem_session_json_unmarshaling(self) -> None:
        decode_session(ENCODED_100)

    # Instruction counts of the CPU-bound cases above (Callgrind; see benchmarks/instructions.py).
    track_session_creation_instructions = instructions.mirror(
        "time_session_creation", version="1", calls=50
    )
    track_session_persistence_write_instructions = instructions.mirror(
        "time_session_persistence_write", version="1", calls=50
    )
    track_session_persistence_read_instructions = instructions.mirror(
        "time_session_persistence_read", version="1", calls=50
    )
    track_session_json_marshaling_instructions = instructions.mirror(
        "time_session_json_marshaling", version="1", calls=20
    )
    track_session_json_unmarshaling_instructions = instructions.mirror(
        "time_session_json_unmarshaling", version="1", calls=20
    )


class SessionIdSources(TempDirBenchmark):
    """Session ID determination per source: the env-var paths must stay far below the walk."""

    version = "1"
    params = ["explicit", "osm_session_env", "ssh_env", "deep_anchor"]
    param_names = ["source"]

    def setup(self, source: str) -> None:
        _require_library()
        super().setup(source)
        self.explicit = "my-session" if source == "explicit" else None
        if source == "osm_session_env":
            os.environ["OSM_SESSION"] = "my-session"
        elif source == "ssh_env":
            os.environ["SSH_CONNECTION"] = "192.168.1.100 12345 192.168.1.1 22"

    def time_get_session_id(self, source: str) -> None:
        get_session_id(self.explicit)

    # Instruction count (Callgrind); the deep anchor's /proc reads are system calls, uncounted,
    # and it parses its own CPU times there, which the child fixes to 3+2 digits first. Version
    # 3: the child runs in its own PID namespace (fixed pids and ancestors; 99k -> 55k Ir here).
    track_get_session_id_instructions = instructions.mirror(
        "time_get_session_id", version="3", calls=20, settle_cpu_times=True
    )


class ConcurrentAccessGrowth(TempDirBenchmark):
    """In-memory read cycles from 1..16 threads; time is per round of threads × 20 reads."""

    version = "1"
    params = [1, 2, 4, 8, 16]
    param_names = ["threads"]

    def setup(self, threads: int) -> None:
        _require_library()
        super().setup(threads)
        clear_all_in_memory_sessions()
        InMemoryBackend(SESSION_ID).save_session(Session(id=SESSION_ID))
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.threads = threads

    def teardown(self, threads: int) -> None:
        self.pool.shutdown()
        clear_all_in_memory_sessions()
        super().teardown(threads)

    def time_concurrent_reads(self, threads: int) -> None:
        futures = [self.pool.submit(_reads) for _ in range(threads)]
        for future in futures:
            future.result()
