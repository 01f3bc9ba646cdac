"""Helpers shared by the prompt tests, imported as `tests.prompt.support`.

Plain functions, not fixtures: conftest.py is not imported by tests, and `tests/prompt` has
no `__init__.py`, so the package path names this module.
"""

from __future__ import annotations

from pathlib import Path


def write(path: Path, text: str | bytes = "x\n") -> Path:
    """Create `path` (and its parents) holding `text`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def headers(txtar: str) -> list[str]:
    """The `-- name --` file marker lines of a txtar text."""
    return [line for line in txtar.splitlines() if line.startswith("-- ") and line.endswith(" --")]
