"""Cold start of the `osm` command in a child process, against a bare interpreter.

Start-up is measured on purpose in a child (numpy's bench_import, pandas' package
benchmarks): `osm version` must not pay for the scripting engine, and `osm script`
pays for QuickJS but nothing heavier. The `track_` methods time the command and
`python -c pass` alternately in one process and report the ratio of their minimums,
which is what the targets are written in (≤ 2.0x and ≤ 3x).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from benchmarks.common import TempDirBenchmark

ROUNDS = 15


def _osm_argv(*args: str) -> list[str]:
    """The installed console script next to the benchmarked interpreter, as users run it."""
    script = os.path.join(os.path.dirname(sys.executable), "osm")
    if os.path.exists(script):
        return [script, *args]
    return [sys.executable, "-m", "one_shot_man", *args]


def _run(argv: list[str]) -> None:
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def _best_ratio(command: list[str]) -> float:
    baseline = [sys.executable, "-c", "pass"]
    best_cmd = best_base = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        _run(baseline)
        best_base = min(best_base, time.perf_counter() - start)
        start = time.perf_counter()
        _run(command)
        best_cmd = min(best_cmd, time.perf_counter() - start)
    return best_cmd / best_base


class ColdStart(TempDirBenchmark):
    version = "1"
    repeat = (5, 15, 20.0)
    number = 1
    timeout = 120.0

    def setup(self) -> None:
        super().setup()
        self.python_pass = [sys.executable, "-c", "pass"]
        self.osm_version = _osm_argv("version")
        self.osm_script = _osm_argv("script", "--store", "memory", "-e", "output.print(1)")
        try:
            _run(self.osm_version)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise NotImplementedError(f"this commit has no working osm CLI: {exc}") from exc

    def time_python_pass(self) -> None:
        _run(self.python_pass)

    def time_osm_version(self) -> None:
        _run(self.osm_version)

    def time_osm_script_print(self) -> None:
        _run(self.osm_script)

    def track_osm_version_vs_python(self) -> float:
        return _best_ratio(self.osm_version)

    track_osm_version_vs_python.unit = "ratio"

    def track_osm_script_vs_python(self) -> float:
        try:
            return _best_ratio(self.osm_script)
        except subprocess.CalledProcessError as exc:
            raise NotImplementedError("this commit has no `osm script`") from exc

    track_osm_script_vs_python.unit = "ratio"
