"""The process-wide watchdog that stops scripts running past their runtime's `eval_timeout`.

A running script holds its thread inside QuickJS, so only another thread can notice it overran.
One helper thread serves every Runtime: it sleeps (parked, no wake-ups) while no runtime with a
time limit is open, and otherwise looks every `PERIOD` seconds at the entries in progress. Like
faulthandler's watchdog it is a process service, not a per-runtime resource: it is started once
with `_thread` (so it is not a `threading.Thread`, never blocks interpreter exit and does not
show up in `threading.enumerate()` next to the threads a caller owns) and is never stopped. The
limit counts the CPU time of the owner thread during one entry (a script, a timer callback, a
queued call), so time a host call spends waiting (an editor, a subprocess) does not count. An
entry that ends before the next look costs the owner two attribute writes and nothing else.
"""

from __future__ import annotations

import _thread
import os
import threading
import time
import weakref

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from one_shot_man.scripting.runtime import Runtime

__all__ = ["PERIOD", "register", "unregister"]

PERIOD = 0.02
_cond = threading.Condition(threading.Lock())
_runtimes: weakref.WeakSet[Runtime] = weakref.WeakSet()
_started = False
_parked = False


def register(runtime: Runtime) -> None:
    """Watch `runtime` (its `_entry_gen`, `_armed`, `_owner`, `_watchdog_fire(gen)`)."""
    global _started
    with _cond:
        _runtimes.add(runtime)
        if not _started:
            _started = True
            _thread.start_new_thread(_run, ())
        elif _parked:
            _cond.notify()


def unregister(runtime: Runtime) -> None:
    """Stop watching `runtime` (at close)."""
    with _cond:
        _runtimes.discard(runtime)


def _thread_cpu(ident: int) -> float | None:
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(ident))
    except (AttributeError, OSError, ValueError):
        return None


def _run() -> None:
    global _parked
    # per runtime: (entry generation, CPU or wall time when first seen)
    seen: weakref.WeakKeyDictionary[Runtime, tuple[int, float, bool]] = weakref.WeakKeyDictionary()
    while True:
        with _cond:
            while not _runtimes:
                _parked = True
                _cond.wait()
            _parked = False
            watched = list(_runtimes)
        for rt in watched:
            if not rt._armed:
                continue
            gen = rt._entry_gen
            cpu = _thread_cpu(rt._owner)
            now = cpu if cpu is not None else time.monotonic()
            first = seen.get(rt)
            if first is None or first[0] != gen:
                seen[rt] = (gen, now, cpu is not None)
                continue
            timeout = rt._eval_timeout  # set whenever the runtime is armed
            if timeout is not None and now - first[1] >= timeout:
                rt._watchdog_fire(gen)
        del watched
        time.sleep(PERIOD)


def _after_fork() -> None:  # the thread does not survive fork(); start a new one on demand
    global _started, _cond, _parked
    _started = False
    _parked = False
    _cond = threading.Condition(threading.Lock())


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
