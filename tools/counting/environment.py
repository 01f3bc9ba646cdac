"""What the counted child sees, fixed; and the fingerprint of everything else that moves a count.

Fixed (measured on these machines to move counts otherwise, shared/counting-guide.md): the hash
seed (a random one spread dict-heavy counts by 0.23%), the environment (`env -i` plus the few
variables below, so its size does not depend on the caller's shell), the working directory and
temp dir (one fresh directory whose path always has the same length), glibc's choice of string
functions (`GLIBC_TUNABLES`: a different memcpy moved a sort workload by 1.55%), ASLR off.

Not fixable, so recorded: the interpreter build, Valgrind, glibc, the library's dependencies,
the CPU and the counting method. Counts whose fingerprints differ are never compared.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
import tempfile
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
METHOD = "callgrind client requests; (2N - N calls) / N; calling thread; allocators excluded; v1"


def glibc_tunables() -> str | None:
    return X86_64_TUNABLES if platform.machine() in ("x86_64", "AMD64") else None


def make_run_dir() -> Path:
    """A fresh directory for one counted child; its path has the same length on every run."""
    run_dir = Path(tempfile.mkdtemp(prefix="osm-count-", dir=_tmp_root()))
    for sub in ("home", "tmp", "out"):
        (run_dir / sub).mkdir()
    return run_dir


def _tmp_root() -> str:
    return "/tmp" if os.access("/tmp", os.W_OK) else tempfile.gettempdir()


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
    for name in ("child.py", "shim.py", "allocators.py", "environment.py", "harness.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:12]
