"""Fixtures shared by the prompt tests (plain helpers live in `tests/prompt/support.py`)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh `base` directory that is also the working directory (context manager tests)."""
    root = tmp_path / "base"
    root.mkdir()
    monkeypatch.chdir(root)
    return root
