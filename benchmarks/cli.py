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


def _run(argv: list[str], cwd: str | None = None) -> None:
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)


def _best_ratio(command: list[str], cwd: str | None = None) -> float:
    baseline = [sys.executable, "-c", "pass"]
    best_cmd = best_base = float("inf")
    for _ in range(ROUNDS):
        start = time.perf_counter()
        _run(baseline)
        best_base = min(best_base, time.perf_counter() - start)
        start = time.perf_counter()
        _run(command, cwd)
        best_cmd = min(best_cmd, time.perf_counter() - start)
    return best_cmd / best_base


class _ChildProcess(TempDirBenchmark):
    """One child process per sample: a cold start is only cold once."""

    repeat = (5, 15, 20.0)
    number = 1
    timeout = 120.0


class ColdStart(_ChildProcess):
    version = "1"

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


def _write_tree(root: str, files: int, size: int) -> None:
    """`files` text files of `size` bytes in folders of ten (tools/bench_peers.py's trees)."""
    for i in range(files):
        folder = os.path.join(root, f"pkg{i // 10:03d}")
        os.makedirs(folder, exist_ok=True)
        line = f"# marker-{i:05d} line of a source file\n"
        with open(os.path.join(folder, f"mod{i:05d}.py"), "w") as handle:
            handle.write((line * (size // len(line) + 1))[:size])


class PromptColdStart(_ChildProcess):
    """`osm prompt .` over 100 files of 4 KB, a whole process (issue 12: ≤ 0.5x files-to-prompt).

    The one-shot command never starts the script engine, so this is start-up plus reading
    and formatting the files; the ratio to `python -c pass` shows how much is osm's own.
    """

    version = "1"

    def setup(self) -> None:
        super().setup()
        self.tree = os.path.join(str(self.tmpdir), "tree")
        _write_tree(self.tree, 100, 4096)
        self.osm_prompt = _osm_argv("prompt", ".")
        try:
            _run(self.osm_prompt, self.tree)
        except (OSError, subprocess.CalledProcessError) as exc:
            raise NotImplementedError(f"this commit has no `osm prompt`: {exc}") from exc

    def time_osm_prompt_100_files_4kb(self) -> None:
        _run(self.osm_prompt, self.tree)

    def track_osm_prompt_vs_python(self) -> float:
        return _best_ratio(self.osm_prompt, self.tree)

    track_osm_prompt_vs_python.unit = "ratio"
