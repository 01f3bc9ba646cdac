"""Collects the threshold tests' result lines and prints them in pytest's summary.

The seed's Go tests log `Session ID generation: avg 45 µs (threshold: 100 µs)` on
every run; these lines are the Python equivalent, visible without `-s`.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.perf.timing import Timing, measure, perf_scale

_LINES: list[str] = []


@pytest.fixture
def assert_fast() -> Callable[..., Timing]:
    """Measure an operation and fail if its best per-call average exceeds the threshold."""

    def check(what: str, op: Callable[[], object], threshold_us: float, **kwargs: object) -> Timing:
        timing = measure(what, op, **kwargs)
        scale = perf_scale()
        limit = threshold_us * scale
        line = timing.line(threshold_us)
        if scale != 1.0:
            line += f" (scale {scale:g}: limit {limit:g} µs)"
        _LINES.append(line)
        assert timing.best_us <= limit, f"FAIL: {what} too slow: {line}"
        return timing

    return check


@pytest.fixture
def report_line() -> Callable[[str], None]:
    """Add a free-form result line (memory tests) to the summary."""
    return _LINES.append


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _LINES:
        return
    terminalreporter.section("osm performance thresholds")
    for line in _LINES:
        terminalreporter.write_line(line)
