"""Showing a 50 MB file: the whole `osm code-review` process peaks below 3x the file's size.

Issue 15 item 10: `add big.txt` then `show` peaked at 416 MB for a 50 MB file (the text was
copied a dozen times on its way through JSON, the template and the output). The peak is the
child's own maximum resident set size (see `_LAUNCHER` for why it needs a launcher).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.perf

MiB = 1024 * 1024
FILE_SIZE = 50 * MiB
PEAK_FACTOR = 3

_LINE = "abcdefghij" * 7 + "\n"


def _environ(home: Path) -> dict[str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("OSM_", "TMUX", "STY", "SSH_", "TERM_SESSION"))
    }
    environ.update(
        HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), OSM_STORE="memory", OSM_SESSION="big"
    )
    return environ


# The peak must be osm's own. A child's ru_maxrss also counts the pages it shared with its
# parent between fork and exec, so measured straight from pytest (a few hundred MB by the
# end of the suite) it would report pytest's size. A tiny launcher runs osm and reports
# RUSAGE_CHILDREN: its only child is osm, forked from a ~10 MB process.
_LAUNCHER = """
import resource, subprocess, sys
status = subprocess.run(sys.argv[1:], stdin=sys.stdin, stdout=sys.stdout).returncode
sys.stderr.write(f"{status} {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
"""


def _peak_rss_of_show(home: Path, out: Path) -> tuple[int, int]:
    """Run `add big.txt` + `show` in osm; return (exit status, osm's peak RSS in bytes)."""
    with open(out, "wb") as sink:
        launched = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "one_shot_man", "code-review"],
            input=b"add big.txt\nshow\n",
            stdout=sink,
            stderr=subprocess.PIPE,
            env=_environ(home),
            cwd=home,
            timeout=300,
            check=True,
        )
    status, peak_kib = launched.stderr.decode().split()[-2:]
    return int(status), int(peak_kib) * 1024  # Linux reports KiB


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is KiB on Linux")
def test_showing_a_50mb_file_peaks_below_3x_its_size(tmp_path, report_line):
    big = tmp_path / "big.txt"
    with open(big, "w", encoding="ascii") as f:
        f.write(_LINE * (FILE_SIZE // len(_LINE) + 1))
    size = big.stat().st_size
    out = tmp_path / "out.txt"
    status, peak = _peak_rss_of_show(tmp_path, out)
    line = (
        f"show of a {size / MiB:.0f} MiB file: peak RSS {peak / MiB:.0f} MiB ({peak / size:.2f}x)"
    )
    report_line(line + f" (bound {PEAK_FACTOR}x)")
    assert status == 0
    assert out.stat().st_size > size  # the whole file really was in the prompt
    assert peak < PEAK_FACTOR * size, line
