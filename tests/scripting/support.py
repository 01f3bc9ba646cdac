"""Helpers shared by the scripting tests, imported as `tests.scripting.support`.

They are plain functions, not fixtures: pytest's rule is that conftest.py is not imported by
tests, and `tests/scripting` has no `__init__.py`, so the package path names this module.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from one_shot_man.scripting import Engine
from one_shot_man.storage import clear_all_in_memory_sessions


@contextmanager
def js_engine(session_id: str, setup: str) -> Iterator[Engine]:
    """An engine on in-memory storage that has run `setup` and defines `show(v)`.

    `show` prints `v` as one JSON line; the in-memory sessions are cleared afterwards.
    """
    eng = Engine(io.StringIO(), io.StringIO(), session_id=session_id, store="memory")
    eng.execute_script("setup", f"{setup} function show(v) {{ output.print(JSON.stringify(v)); }}")
    try:
        yield eng
    finally:
        eng.close()
        clear_all_in_memory_sessions()


def printed(engine: Engine, source: str) -> list[str]:
    """Run `source` and return the lines it printed (and only those)."""
    engine.stdout.seek(0)
    engine.stdout.truncate()
    engine.execute_script("t", source)
    return engine.stdout.getvalue().splitlines()


def js(engine: Engine, expression: str) -> Any:
    """The value of a JavaScript `expression`, through the JSON line `show` prints last."""
    return json.loads(printed(engine, f"show({expression});")[-1])
