"""Hypothesis profiles for the property tests, and the per-target report `make fuzz` prints.

`short` (the default, what `make test` runs) is reproducible: derandomized, no example
database, a few hundred examples a target. `fuzz` (`HYPOTHESIS_PROFILE=fuzz`, `make fuzz`)
draws at least 10,000 fresh random examples a target and keeps failures in the database.
Every target calls `tally.count()` once per input, so the report is inputs actually run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.properties import tally

_COMMON = {
    "deadline": None,  # a shared, loaded machine: time bounds are asserted where they matter
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile(
    "short", max_examples=200, derandomize=True, database=None, print_blob=True, **_COMMON
)
settings.register_profile("fuzz", max_examples=10_000, print_blob=True, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "short"))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.failed:
        tally.failed(report.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not tally.COUNTS:
        return
    profile = settings._current_profile
    terminalreporter.section(f"property targets (hypothesis profile {profile!r})")
    for nodeid, inputs in sorted(tally.COUNTS.items()):
        failures = tally.FAILURES.get(nodeid, 0)
        terminalreporter.write_line(f"{inputs:>8} inputs  {failures} failures  {nodeid}")


_SCRATCH_ROOT = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory):
    """`scratch()` gives a new empty directory per generated input, in memory where possible:
    these targets test what is written and read, not durability, and an fsync per input
    would make the 10,000-input fuzz profile take hours."""
    import shutil
    import tempfile
    from pathlib import Path

    base = Path(tempfile.mkdtemp(prefix="osm-prop-", dir=_SCRATCH_ROOT))

    def make() -> Path:
        return Path(tempfile.mkdtemp(dir=base))

    yield make
    shutil.rmtree(base, ignore_errors=True)
