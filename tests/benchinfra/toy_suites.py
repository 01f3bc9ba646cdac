"""A throwaway asv-style `benchmarks` package for the counting harness's end-to-end tests."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_toy_suite(parent: Path, source: str) -> Path:
    """``parent/benchmarks/toy.py`` holding ``source``; returns ``parent`` (the suite's parent)."""
    (parent / "benchmarks").mkdir()
    (parent / "benchmarks" / "__init__.py").write_text("")
    (parent / "benchmarks" / "toy.py").write_text(textwrap.dedent(source))
    return parent
