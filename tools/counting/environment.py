"""What the counted child sees, fixed; and the fingerprint of everything else that moves a count.

Fixed (measured on these machines to move counts otherwise, shared/counting-guide.md): the hash
seed (a random one spread dict-heavy counts by 0.23%), the environment (`env -i` plus the few
variables below, so its size does not depend on the caller's shell), the working directory and
temp dir (a directory at a fixed path, emptied before each child), glibc's choice of string
functions (`GLIBC_TUNABLES`: a different memcpy moved a sort workload by 1.55%), ASLR off.

Not fixable, so recorded: the interpreter build, Valgrind, glibc, the library's dependencies,
the CPU and the counting method. Counts whose fingerprints differ are never compared.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: x86-64 baseline (SSE2) string and memory functions whatever the CPU offers; on other
#: architectures glibc's defaults are kept (and recorded).
X86_64_TUNABLES = (
    "glibc.cpu.hwcaps=-AVX,-AVX2,-AVX512F,-AVX512VL,-AVX512BW,-AVX_Fast_Unaligned_Load,"
    "-ERMS,-FSRM,-SSE4_1,-SSE4_2,-SSSE3"
)

#: The distribution whose dependency versions go into the fingerprint.
PROJECT = "one_shot_man"

#: Bumped whenever the way a count is taken changes (child, regions, what is subtracted).
METHOD = (
    "callgrind client requests; (2N - N calls) / N; calling thread; "
    "allocators (and what they call, each instruction once), thread hand-offs and the type "
    "attribute cache (lookup self cost, refills) excluded; "
    "warm-up: as many calls as counted, 3-10; own PID namespace where possible; "
    "address-dependent twins: mean of their fixed layouts; v5"
)


#: The counted child's own PID namespace (and a /proc of it), so its pid and its ancestors are
#: the same whatever runs the harness: the deep-anchor session ID parses pids and walks up the
#: ancestry, and the box's pids (5 digits, then 4 after a wrap) and the caller's process tree
#: moved its count by 0.35-0.49%. As root the namespace needs nothing else; otherwise a user
#: namespace maps this user to root in it (where the kernel allows unprivileged ones).
PID_NAMESPACE_COMMANDS = (
    ("--pid", "--fork", "--mount-proc"),
    ("--user", "--map-root-user", "--pid", "--fork", "--mount-proc"),
)

_pid_namespace: tuple[list[str], str] | None = None


def pid_namespace() -> tuple[list[str], str]:
    """(argv prefix, note): how the child gets its own PID namespace here, or why it does not.

    Tried once per process with ``unshare ... true``; the note goes into the fingerprint, so a
    count taken with the namespace is never compared with one taken without.
    """
    global _pid_namespace
    if _pid_namespace is None:
        _pid_namespace = _probe_pid_namespace()
    return _pid_namespace


def _probe_pid_namespace() -> tuple[list[str], str]:
    unshare = shutil.which("unshare")
    if not unshare:
        return [], "none (no unshare: pids and ancestry follow the caller)"
    failures = []
    for options in PID_NAMESPACE_COMMANDS:
        argv = [unshare, *options]
        try:
            proc = subprocess.run(
                [*argv, "true"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            failures.append(str(exc))
            continue
        if proc.returncode == 0:
            return argv, "unshare " + " ".join(options)
        failures.append(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "?")
    return [], f"none (unshare failed: {failures[-1]}; pids and ancestry follow the caller)"


def glibc_tunables() -> str | None:
    return X86_64_TUNABLES if platform.machine() in ("x86_64", "AMD64") else None


#: The one directory every counted child runs in, and the lock that serialises them.
RUN_ROOT = Path("/tmp/osm-count")
#: How long a count waits for another one on this machine before giving up.
LOCK_TIMEOUT = 1800.0


@contextmanager
def box_lock() -> Iterator[None]:
    """Hold the box-wide counting lock (every count on this machine takes it, one at a time)."""
    RUN_ROOT.mkdir(mode=0o700, parents=True, exist_ok=True)
    with (RUN_ROOT / "lock").open("a") as lock:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{RUN_ROOT}/lock held by another count for {LOCK_TIMEOUT:g} s"
                    ) from None
                time.sleep(0.05)
        yield  # closing the file releases the lock


#: Directory names of the run slots: slot 0 is the one every asv count uses.
SLOTS = ("run", "ru1")


@contextmanager
def run_dir(slot: int = 0, *, locked: bool = False) -> Iterator[Path]:
    """A clean directory for one counted child, at the same path for every count on this box.

    Why one fixed path: paths end up in dicts and sets (prompt assembly keys its 100 files by
    path), so their text changes hashes and therefore counts. With a random directory name the
    100-file count moved by 0.17% between identical runs; with one directory per concurrent slot
    (slot-00, slot-01) by 0.14% between slots; with one directory it repeated to 0.003%. So
    counts wait for each other behind the box lock. ``slot`` 1 is a second directory for the
    spread measurement, which runs two children at once inside one holding of the lock
    (``locked``: the caller holds it) and keeps each benchmark in one slot.
    """
    if locked:
        yield from _fresh(RUN_ROOT / SLOTS[slot])
        return
    with box_lock():
        yield from _fresh(RUN_ROOT / SLOTS[slot])


def _fresh(path: Path) -> Iterator[Path]:
    try:
        shutil.rmtree(path, ignore_errors=True)
        for sub in ("home", "tmp", "out"):
            (path / sub).mkdir(parents=True)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def child_environment(run_dir: Path, pad: int = 0) -> dict[str, str]:
    """The whole environment of the counted child (nothing is inherited from the caller).

    ``pad`` adds a variable of that many characters: only the spread measurement uses it, to
    show that the environment's size does not move the gated figure.
    """
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(run_dir / "home"),
        "TMPDIR": str(run_dir / "tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if pad:
        env["OSM_COUNT_PAD"] = "x" * pad
    tunables = glibc_tunables()
    if tunables:
        env["GLIBC_TUNABLES"] = tunables
    return env


def fingerprint(valgrind: str) -> dict[str, str]:
    """Everything outside the benchmarked code that changes a count, as name -> version text.

    Taken in the benchmarked interpreter itself: the harness runs its child with
    ``sys.executable``, so this process has the same CPython and the same dependencies.
    """
    info = _this_interpreter()
    return {
        **info,
        "valgrind": _valgrind_version(valgrind),
        "glibc_tunables": glibc_tunables() or "(glibc defaults)",
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "method": METHOD,
        "pid_namespace": pid_namespace()[1],
        "harness": _harness_digest(),
    }


def _this_interpreter() -> dict[str, str]:
    out = {
        "python": " ".join(sys.version.split()),
        "glibc": os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else "?",
    }
    try:
        requires = importlib.metadata.requires(PROJECT) or []
    except importlib.metadata.PackageNotFoundError:
        requires = []
    for req in requires:
        if "extra ==" in req:
            continue
        name = re.split(r"[\s<>=!~;\[(]", req, maxsplit=1)[0]
        try:
            out[f"dep:{name}"] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[f"dep:{name}"] = "not installed"
    return out


def _valgrind_version(valgrind: str) -> str:
    try:
        proc = subprocess.run([valgrind, "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return "?"
    return proc.stdout.strip() or "?"


def _cpu_model() -> str:
    try:
        for line in (
            Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
        ):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _harness_digest() -> str:
    """Hash of the code that takes a count (child and shim): a change there starts afresh."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in (
        "child.py",
        "shim.py",
        "allocators.py",
        "threads.py",
        "environment.py",
        "harness.py",
        "typecache.py",
    ):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]
