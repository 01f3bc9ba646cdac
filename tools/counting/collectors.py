"""Garbage collections inside the counted regions: they must come once per call or not at all.

Why: QuickJS collects when the bytes it has allocated pass a threshold (half as much again as
what was live after its last collection), and it sums those bytes with ``malloc_usable_size``,
which follows glibc's free lists, i.e. the heap's layout. An operation that leaves a little
garbage on a long-lived engine (rendering a goal: one collection every ~15 calls) then has a
collection in one of its regions or in the other depending on the layout, and one collection
is ~550-700k Ir against a call's 3.4-6.5 M: the goal's count moved by 1.6% between layouts.
Such a twin runs the collection between its calls, uncounted (``between_calls``, child.py);
this check makes the harness refuse any count whose regions still disagree, so a new twin
with the same trouble fails loudly instead of gating on the collector's phase.

Operations that collect once per call (freeing a runtime collects its heap) are deterministic
and stay counted: N calls have N collections, 2N calls 2N.
"""

from __future__ import annotations

from collections.abc import Mapping

from .allocators import base_name

#: QuickJS's collector (also what freeing a runtime calls) and CPython's (the child disables
#: automatic collections in the regions, so only an explicit gc.collect() gets here).
COLLECTORS = frozenset({"JS_RunGC", "gc_collect_main"})


def collection_calls(calls: Mapping[tuple[str, str], int]) -> int:
    """Calls into the collectors in one region (``(caller, callee) -> calls``)."""
    return sum(n for (_caller, callee), n in calls.items() if base_name(callee) in COLLECTORS)


def phase_dependent(once: int, twice: int) -> bool:
    """Whether N calls had ``once`` collections and 2N calls a number that is not twice that."""
    return twice != 2 * once
