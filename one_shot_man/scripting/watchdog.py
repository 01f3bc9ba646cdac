"""The process-wide watchdog that stops scripts running past their runtime's `eval_timeout`.

A running script holds its thread inside QuickJS, so only another thread can notice it overran.
One helper thread serves every Runtime: it sleeps (parked, no wake-ups) while no runtime with a
time limit is open, and otherwise looks at the entries in progress every twentieth of the
tightest limit (between `PERIOD` and `MAX_PAUSE`: a script stops between 1x and 1.1x its
limit; a new runtime with a tighter limit wakes it). Like
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
import time
from _weakref import ref

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from one_shot_man.scripting.runtime import Runtime

__all__ = ["PERIOD", "register", "unregister"]

PERIOD = 0.02
#: The longest pause between two looks. The watchdog looks every `timeout / 20` of the tightest
#: limit it watches, between PERIOD and this: a 30 s limit is looked at once a second, so a
#: one-shot `osm script` ends before the first wake-up (each wake-up takes the GIL from the
#: owner; on a busy machine that hand-off cost `osm script` up to ~10 ms).
MAX_PAUSE = 1.0
# Plain `_thread` locks and weak references, not `threading` and `weakref`: those two imports
# are ~20% of `osm script`'s start-up. The watchdog thread is the only one that ever waits: it
# waits on `_wakeup` (locked while nobody waits), parked or between two looks, and `register`
# releases it when the new runtime needs a look sooner.
_lock = _thread.allocate_lock()
_wakeup = _thread.allocate_lock()
_wakeup.acquire()
#: Watched runtimes by id, held weakly (a runtime dropped without `close` just disappears).
_runtimes: dict[int, ref[Runtime]] = {}
_started = False
#: How long the watchdog thread is waiting for (inf: parked, no runtime); 0 while it looks.
_waiting = 0.0


def _pause(runtime: Runtime) -> float:
    """How often `runtime`'s limit needs a look: a twentieth of it, within PERIOD..MAX_PAUSE."""
    limit = runtime._eval_timeout or MAX_PAUSE * 20  # set on every watched runtime
    return min(max(limit / 20, PERIOD), MAX_PAUSE)


def register(runtime: Runtime) -> None:
    """Watch `runtime` (its `_entry_gen`, `_armed`, `_owner`, `_eval_timeout`, `_watchdog_fire`)."""
    global _started, _waiting
    with _lock:
        _runtimes[id(runtime)] = ref(runtime)
        if not _started:
            _started = True
            _thread.start_new_thread(_run, ())
        elif _waiting > _pause(runtime):
            _waiting = 0.0
            try:
                _wakeup.release()
            except RuntimeError:  # already released (the wait had just ended): it looks anyway
                pass


def unregister(runtime: Runtime) -> None:
    """Stop watching `runtime` (at close)."""
    with _lock:
        held = _runtimes.get(id(runtime))
        if held is not None and held() in (runtime, None):
            del _runtimes[id(runtime)]


def _live() -> list[Runtime]:
    """The watched runtimes still alive (dead references dropped); called holding `_lock`."""
    alive = []
    for key, held in list(_runtimes.items()):
        runtime = held()
        if runtime is None:
            del _runtimes[key]
        else:
            alive.append(runtime)
    return alive


def _thread_cpu(ident: int) -> float | None:
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(ident))
    except (AttributeError, OSError, ValueError):
        return None


def _run() -> None:
    global _waiting
    # per runtime id: (the runtime, weakly; entry generation; CPU or wall time when first seen)
    seen: dict[int, tuple[ref[Runtime], int, float]] = {}
    while True:
        while True:
            with _lock:
                watched = _live()
                if watched:
                    _waiting = 0.0
                    break
                _waiting = float("inf")
            seen.clear()
            _wakeup.acquire()  # until `register` releases it
        for rt in watched:
            if not rt._armed:
                continue
            gen = rt._entry_gen
            cpu = _thread_cpu(rt._owner)
            now = cpu if cpu is not None else time.monotonic()
            first = seen.get(id(rt))
            if first is None or first[0]() is not rt or first[1] != gen:
                seen[id(rt)] = (ref(rt), gen, now)
                continue
            timeout = rt._eval_timeout  # set whenever the runtime is armed
            if timeout is not None and now - first[2] >= timeout:
                rt._watchdog_fire(gen)
        if len(seen) > len(watched):
            ids = {id(rt) for rt in watched}
            for key in [key for key in seen if key not in ids]:
                del seen[key]
        del watched, rt
        with _lock:  # from the runtimes watched now: one registered since the look counts
            pause = min((_pause(rt) for rt in _live()), default=PERIOD)
            _waiting = pause
        _wakeup.acquire(True, pause)  # or until `register` needs a sooner look


def _after_fork() -> None:  # the thread does not survive fork(); start a new one on demand
    global _started, _lock, _wakeup, _waiting
    _started = False
    _waiting = 0.0
    _lock = _thread.allocate_lock()
    _wakeup = _thread.allocate_lock()
    _wakeup.acquire()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
