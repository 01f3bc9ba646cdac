"""Thread hand-off functions: their own (self) cost is left out of the gated figure too.

Why: the library's QuickJS binding releases the GIL around JavaScript calls, and the runtime's
watchdog thread wakes every 20 ms of wall time. Each time it takes the GIL in between, the
calling thread runs the hand-off code once more (take_gil, pthread_cond_signal, mutex unlock),
so the count followed the clock and the load: script compilation moved by 0.12% between two
identical runs while the box was busy, all of it in these functions. They are scheduling, not
the operation's work; raw Ir (reported beside the gated figure) still includes them.

Names as Callgrind prints them for CPython 3.11 (ceval_gil.h, thread_pthread.h) and glibc 2.36
(nptl); symbol versions (``@@GLIBC_2.3.2``) are dropped by callgrind.function_name.
"""

from __future__ import annotations

from collections.abc import Mapping

SYNCHRONISATION = frozenset(
    {
        # CPython's GIL and locks
        "take_gil",
        "drop_gil",
        "PyEval_SaveThread",
        "PyEval_RestoreThread",
        "PyEval_AcquireThread",
        "PyEval_ReleaseThread",
        "_PyEval_ReInitThreads",
        "PyThread_acquire_lock_timed",
        "PyThread_acquire_lock",
        "PyThread_release_lock",
        "_PyThread_cond_after",
        "_PyThread_cond_init",
        # glibc's pthread primitives and futex waits
        "pthread_cond_signal",
        "pthread_cond_broadcast",
        "pthread_cond_wait",
        "pthread_cond_timedwait",
        "pthread_cond_clockwait",
        "__pthread_cond_signal",
        "__pthread_cond_broadcast",
        "__pthread_cond_wait",
        "__pthread_cond_timedwait",
        "__pthread_cond_clockwait",
        "__pthread_cond_wait_common",
        "__condvar_dec_grefs",
        "__condvar_confirm_wakeup",
        "__condvar_cancel_waiting",
        "__condvar_quiesce_and_switch_g1",
        "pthread_mutex_lock",
        "pthread_mutex_unlock",
        "pthread_mutex_trylock",
        "pthread_mutex_timedlock",
        "__pthread_mutex_lock",
        "__pthread_mutex_unlock",
        "__pthread_mutex_unlock_usercnt",
        "__pthread_mutex_cond_lock",
        "__pthread_mutex_lock_full",
        "lll_lock_wait",
        "__lll_lock_wait",
        "__lll_lock_wake",
        "__futex_abstimed_wait_common",
        "__futex_abstimed_wait_common64",
        "__futex_abstimed_wait64",
        "__futex_abstimed_wait_cancelable64",
        "futex_wake",
        "sem_wait",
        "sem_timedwait",
        "sem_clockwait",
        "sem_post",
        "__new_sem_wait_slow64",
        "__new_sem_post",
    }
)


def synchronisation_self_cost(self_cost: Mapping[str, int]) -> int:
    """Instructions executed inside the thread hand-off functions themselves."""
    return sum(cost for name, cost in self_cost.items() if name in SYNCHRONISATION)
