"""Count many operations, two children at a time (one per core), each in its own run slot.

Why slots: a child's paths are hashed into the library's dicts, so a benchmark must always run
in the same directory (environment.run_dir). ``slot_of`` fixes one slot per benchmark from its
name, whatever else is counted with it; a pair (one operation of each slot) runs inside one
holding of the box lock, which is let go between pairs so other counts on the machine get in.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from . import environment, harness
from .errors import CountingFailed

#: Seconds between two holdings of the box lock (> environment.py's 50 ms poll): taking it
#: straight back starved an asv compare on the same box for minutes.
LOCK_GAP = 0.2

Outcome = harness.CountResult | Exception


def slot_of(op: harness.Operation, layout: int = 0) -> int:
    """The run slot of ``op`` (in its ``layout``): the same in every run, on every machine.

    Layout i of a twin counted in several runs in the slot after its first one's, i % 2 on:
    fixed like the rest of the layout, and both cores share the extra children.
    """
    first = zlib.crc32(op.label.encode()) % len(environment.SLOTS)
    return (first + layout) % len(environment.SLOTS)


def count_all(
    ops: Sequence[harness.Operation],
    perturb: int = 0,
    jobs: int = 2,
    *,
    timeout: float = 600.0,
    on_result: Callable[[harness.Operation, Outcome], None] | None = None,
) -> list[harness.CountResult]:
    """Count every operation once, in order of ``ops``; raise the first failure at the end.

    ``on_result`` sees each outcome (a result, or the CountingFailed / NotImplementedError of
    that operation) as it comes; with it, failures are handed over and not raised.
    """
    # one job per (operation, layout), each in its own fixed slot (slot_of)
    queues: list[list[tuple[int, int]]] = [[] for _ in environment.SLOTS]
    for i, op in enumerate(ops):
        for layout in range(op.layouts):
            queues[slot_of(op, layout) if jobs > 1 else 0].append((i, layout))
    layouts: dict[int, list[harness.CountResult]] = {i: [] for i in range(len(ops))}
    outcomes: dict[int, Outcome] = {}

    def one(i: int, layout: int) -> None:
        if i in outcomes:  # an earlier layout of it failed
            return
        try:
            result = harness.count(
                ops[i],
                timeout=timeout,
                perturb=perturb,
                slot=slot_of(ops[i], layout),
                locked=True,
                layout=layout,
            )
        except (CountingFailed, NotImplementedError) as exc:
            outcomes[i] = exc
        else:
            layouts[i].append(result)
            if len(layouts[i]) < ops[i].layouts:
                return
            outcomes[i] = harness.combine(layouts[i])
        if on_result is not None:
            on_result(ops[i], outcomes[i])

    with ThreadPoolExecutor(max_workers=len(queues)) as pool:
        while any(queues):
            pair = [q.pop(0) for q in queues if q]
            with environment.box_lock():
                for future in [pool.submit(one, i, layout) for i, layout in pair]:
                    future.result()
            time.sleep(LOCK_GAP)
    ordered = [outcomes[i] for i in range(len(ops))]
    if on_result is None:
        for outcome in ordered:
            if isinstance(outcome, Exception):
                raise outcome
    return [o for o in ordered if isinstance(o, harness.CountResult)]
