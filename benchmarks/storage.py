"""Filesystem session storage (the seed's later FileSystemIO group) and growth curves.

Everything writes under a private temp dir, never $HOME. The write path is
fsync-bound; `time_bare_fsync_write` times the same bytes written the plainest safe
way (temp file, write, fsync, rename, fsync the directory), so the overhead of the
backend shows as the ratio between the two.
"""

from __future__ import annotations

import os
import statistics
import time

from benchmarks import instructions
from benchmarks.common import TempDirBenchmark, require
from benchmarks.session import SESSION_ID, session_with_history

try:
    from one_shot_man.storage import (
        FileSystemBackend,
        atomic_write_file,
        decode_session,
        encode_session,
    )
except ImportError:
    FileSystemBackend = None

ATOMIC_PAYLOAD = b'{"version":"0.2.0","id":"bench-file"}'  # 37 bytes, as the Go benchmark


def _require_library() -> None:
    """Skip (through `require`) on commits without everything the imports above bind."""
    names = ("FileSystemBackend", "atomic_write_file", "decode_session", "encode_session")
    require("one_shot_man.storage", *names)


def bare_fsync_write(path: str, data: bytes) -> None:
    """The reference the backend's write cycle is compared with (not library code)."""
    directory = os.path.dirname(path)
    tmp = path + ".bench-tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class FileSystemIO(TempDirBenchmark):
    """FullCycle, WriteOnly, ReadOnly, AtomicWriteFile, MarshalIndent, Marshal."""

    version = "1"
    # fsync-bound cases: a handful of milliseconds each; keep the sample count modest.
    repeat = (5, 20, 20.0)

    def setup(self) -> None:
        _require_library()
        super().setup()
        self.sessions_dir = str(self.tmpdir / "sessions")
        self.session10 = session_with_history(10)
        self.session100 = session_with_history(100)
        with FileSystemBackend("bench-read", sessions_dir=self.sessions_dir) as backend:
            seeded = session_with_history(10)
            seeded.id = "bench-read"
            backend.save_session(seeded)
        self.atomic_target = str(self.tmpdir / "atomic.json")

    def _full_cycle(self) -> None:
        backend = FileSystemBackend(SESSION_ID, sessions_dir=self.sessions_dir)
        backend.save_session(self.session10)
        backend.load_session(SESSION_ID)
        backend.close()

    def _write_only(self) -> None:
        backend = FileSystemBackend(SESSION_ID, sessions_dir=self.sessions_dir)
        backend.save_session(self.session10)
        backend.close()

    def _read_only(self) -> None:
        backend = FileSystemBackend("bench-read", sessions_dir=self.sessions_dir)
        backend.load_session("bench-read")
        backend.close()

    def time_full_cycle(self) -> None:
        self._full_cycle()

    def peakmem_full_cycle(self) -> None:
        self._full_cycle()

    def time_write_only(self) -> None:
        self._write_only()

    def peakmem_write_only(self) -> None:
        self._write_only()

    def time_read_only(self) -> None:
        self._read_only()

    def peakmem_read_only(self) -> None:
        self._read_only()

    def time_atomic_write_file(self) -> None:
        atomic_write_file(self.atomic_target, ATOMIC_PAYLOAD, 0o644)

    def peakmem_atomic_write_file(self) -> None:
        atomic_write_file(self.atomic_target, ATOMIC_PAYLOAD, 0o644)

    def time_marshal_indent(self) -> None:
        encode_session(self.session100, indent=True)

    def peakmem_marshal_indent(self) -> None:
        encode_session(self.session100, indent=True)

    def time_marshal(self) -> None:
        encode_session(self.session100)

    def peakmem_marshal(self) -> None:
        encode_session(self.session100)

    def time_bare_fsync_write(self) -> None:
        bare_fsync_write(self.atomic_target, ATOMIC_PAYLOAD)


class WriteOverhead(TempDirBenchmark):
    """Backend write cycle ÷ bare fsync'd write of the same bytes, measured in one process.

    The target is ≤ 1.2: locking, encoding and the atomic-rename dance must cost little
    next to the fsync that crash safety needs. fsync latency here swings 300-800 µs
    within seconds, so the two are timed in 100 interleaved pairs and the median of
    the per-pair ratios is reported (a min over a few pairs flapped from 1.0 to 1.35).
    """

    version = "1"
    number = 1
    repeat = 1
    pairs = 100

    def setup(self) -> None:
        _require_library()
        super().setup()
        self.sessions_dir = str(self.tmpdir / "sessions")
        self.session = session_with_history(10)
        self.reference_path = str(self.tmpdir / "reference.session.json")

    def track_write_cycle_vs_bare_fsync(self) -> float:
        data = encode_session(self.session, indent=True)
        ratios = []
        clock = time.perf_counter
        for _ in range(self.pairs):
            start = clock()
            backend = FileSystemBackend(SESSION_ID, sessions_dir=self.sessions_dir)
            backend.save_session(self.session)
            backend.close()
            backend_time = clock() - start
            start = clock()
            bare_fsync_write(self.reference_path, data)
            ratios.append(backend_time / (clock() - start))
        return statistics.median(ratios)

    track_write_cycle_vs_bare_fsync.unit = "ratio"


class HistoryGrowth(TempDirBenchmark):
    """How encode, decode and filesystem write/read scale with the number of history entries."""

    version = "1"
    params = [0, 10, 100, 1000, 10000]
    param_names = ["history_entries"]
    timeout = 120.0

    def setup(self, entries: int) -> None:
        _require_library()
        super().setup(entries)
        self.sessions_dir = str(self.tmpdir / "sessions")
        self.session = session_with_history(entries)
        self.encoded = encode_session(self.session)
        with FileSystemBackend("bench-read", sessions_dir=self.sessions_dir) as backend:
            copy = session_with_history(entries)
            copy.id = "bench-read"
            backend.save_session(copy)

    def time_encode(self, entries: int) -> None:
        encode_session(self.session)

    def time_decode(self, entries: int) -> None:
        decode_session(self.encoded)

    def time_fs_write(self, entries: int) -> None:
        backend = FileSystemBackend(SESSION_ID, sessions_dir=self.sessions_dir)
        backend.save_session(self.session)
        backend.close()

    def time_fs_read(self, entries: int) -> None:
        backend = FileSystemBackend("bench-read", sessions_dir=self.sessions_dir)
        backend.load_session("bench-read")
        backend.close()

    def peakmem_decode(self, entries: int) -> None:
        decode_session(self.encoded)

    # Instruction counts of the CPU-bound cases (Callgrind; see benchmarks/instructions.py).
    track_encode_instructions = instructions.mirror(
        "time_encode", version="1", calls={0: 50, 10: 20, 100: 10, 1000: 3, 10000: 2}
    )
    track_decode_instructions = instructions.mirror(
        "time_decode", version="1", calls={0: 50, 10: 20, 100: 10, 1000: 3, 10000: 2}
    )
