"""Why a count could not be taken: missing tools (skip) or a broken run (fail)."""

from __future__ import annotations


class CountingUnavailable(RuntimeError):
    """This machine cannot count (no valgrind, no C compiler): count benchmarks skip."""


class CountingFailed(RuntimeError):
    """The counted operation or Callgrind itself failed: the benchmark fails, loudly."""
