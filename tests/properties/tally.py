"""How many generated inputs each property target ran, and which targets failed."""

from __future__ import annotations

import os

from hypothesis import settings

COUNTS: dict[str, int] = {}
FAILURES: dict[str, int] = {}


def _current() -> str:
    return os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]


def count() -> None:
    """Record one input for the running test (call first thing in a property body)."""
    key = _current()
    COUNTS[key] = COUNTS.get(key, 0) + 1


def failed(nodeid: str) -> None:
    FAILURES[nodeid] = FAILURES.get(nodeid, 0) + 1


def examples(fraction: float = 1.0, *, at_least: int = 10) -> settings:
    """The profile's example budget scaled for a costly target (fuzz keeps >= 10,000)."""
    budget = settings.default.max_examples
    if budget >= 10_000:
        return settings(max_examples=budget)
    return settings(max_examples=max(at_least, int(budget * fraction)))
