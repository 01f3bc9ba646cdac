"""The measuring helpers must fail on a real slowdown or leak, not only pass.

These run the same helpers the threshold and leak tests use, on operations that are
deliberately too slow or that leak, and expect the verdict to be "fail".
"""

from __future__ import annotations

import ctypes
import time

import pytest

from tests.perf.timing import measure, measure_growth

pytestmark = pytest.mark.perf


def test_timing_catches_a_2ms_sleep():
    timing = measure("sleepy op", lambda: time.sleep(0.002), batches=3, min_batch_s=0.01)
    assert timing.best_us > 1000, timing.line(1000)


def test_timing_passes_a_fast_op():
    timing = measure("fast op", lambda: None)
    assert timing.best_us < 5, timing.line(5)


def test_growth_catches_a_c_level_leak():
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    kept: list[int] = []

    def leak_64k() -> None:
        block = libc.malloc(64 * 1024)
        ctypes.memset(block, 1, 64 * 1024)  # touch the pages so they count in RSS
        kept.append(block)

    growth = measure_growth("C leak", leak_64k, iterations=100, warmup=5)
    # 3 batches × 100 × 64 KiB = 18.75 MiB retained; RSS must see most of it.
    assert growth.rss_total > 15 * 1024 * 1024, growth.line(0, 0)
    assert all(batch > 0 for batch in growth.rss_growth), growth.line(0, 0)
    for block in kept:
        libc.free(ctypes.c_void_p(block))


def test_growth_catches_a_python_level_leak():
    kept: list[bytearray] = []
    growth = measure_growth("Python leak", lambda: kept.append(bytearray(10_000)), iterations=200)
    assert growth.traced_total > 3 * 200 * 10_000 * 0.9, growth.line(0, 0)
