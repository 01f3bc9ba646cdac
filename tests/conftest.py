"""Shared test fixtures.

Every test runs with HOME, XDG_CONFIG_HOME and the OSM_* variables pointed at a
private temporary directory, so no test can read or write a developer's real
configuration or sessions.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# The library owns the list of the variables that change what osm does (benchmarks use it too).
from one_shot_man.environ import ISOLATED_VARS as _ISOLATED_VARS


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--short",
        action="store_true",
        default=False,
        help="skip performance thresholds, leak checks and other slow tests",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--short"):
        return
    skip = pytest.mark.skip(reason="skipped in --short mode")
    for item in items:
        if "perf" in item.keywords or "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Give each test its own HOME and XDG_CONFIG_HOME and a clean OSM environment."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in _ISOLATED_VARS:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture(params=[0o000, 0o022], ids=["umask000", "umask022"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run the test under each umask a user may have (000 gives away every bit)."""
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@pytest.fixture
def sessions_dir(isolated_home: Path) -> Path:
    """The sessions directory osm uses under the isolated HOME."""
    return isolated_home / ".config" / "osm" / "sessions"


def pytest_report_header(config: pytest.Config) -> str:
    return (
        f"osm test isolation: HOME and XDG_CONFIG_HOME are per-test temp dirs (pid {os.getpid()})"
    )
