"""A QuickJS context with an event loop, owned by the thread that created it.

QuickJS crashes when two threads touch one runtime, even one after the other, and a thread
hand-off costs 60-80 us against 2-3 us for an evaluation. So the creating thread owns the
context for its whole life and runs every piece of JavaScript inline; other threads queue work
(`run_on_loop`, `run_sync`, and every public method called from them) that the owner runs when it
pumps: in `run_until_idle`, `pump`, `wait_for`, and before anything it runs itself. Timers and
promise jobs follow the order JavaScript users know: a macrotask (script, timer callback, queued
call) runs, then every microtask it queued, then unhandled rejections are reported.
"""

from __future__ import annotations

import os
import sys
import time
from _heapq import heappop, heappush
from _thread import allocate_lock, get_ident

import _quickjs

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import json_lite, watchdog
from one_shot_man.scripting.errors import (
    JavaScriptError,
    LoopTimeoutError,
    MemoryLimitError,
    RuntimeClosedError,
    ScriptSyntaxError,
    TimeLimitError,
    limit_error,
    parse_js_exception,
)
from one_shot_man.scripting.prelude import BOOT_JS, CONSOLE_JS, DESCRIBE_JS

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from _thread import LockType
    from collections import deque
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any, TextIO, TypeVar

    from _quickjs import Context as JSContext

    from one_shot_man.scripting import _native

    _T = TypeVar("_T")
else:  # the same C type: `collections` itself costs ~7.8 M instructions at start-up
    from _collections import deque

__all__ = ["CompiledScript", "Runtime", "create_vm"]

_JSException = _quickjs.JSException
# `threading`, `collections`, `heapq` and `select` are not imported: with `functools` they
# cost ~17 M instructions (~30% of `osm script`'s start-up) for what their C halves give here
# (`_thread`, `_collections`, `_heapq`; `select` is imported by `wait_for` on a file).
_get_ident = get_ident
_monotonic = time.monotonic
_STRICT = '"use strict";'
_SHIFT = len(_STRICT)
_INT32 = 1 << 31
#: Node clamps every timeout to at least 1 ms; HTML adds 4 ms from the 5th nested level.
_MIN_DELAY = 0.001
_NESTED_MIN_DELAY = 0.004
_NESTING_CLAMP_LEVEL = 5
_MAX_DELAY_MS = 2**31 - 1
#: The tracker's map of unhandled rejections, or undefined when `__rt_track` is not osm's.
_REJECTED_JS = (
    "(() => { const m = (globalThis.__rt_track || {}).m;"
    " return m instanceof Map ? m : undefined; })()"
)
#: How often `wait_for` looks again at an Event or predicate it cannot block on.
_POLL_SLICE = 0.005


_NATIVE: ModuleType | None = None  # `scripting._native` once imported, if usable here
_NATIVE_TRIED = False


def _native_module() -> ModuleType | None:
    """`scripting._native` if its C API access works here, imported on the first Runtime only.

    (A `from package import module` statement costs a Python-level `_handle_fromlist` call on
    every execution, so the module is kept here after the first.)
    """
    global _NATIVE, _NATIVE_TRIED
    if not _NATIVE_TRIED:
        from one_shot_man.scripting import _native

        _NATIVE_TRIED = True
        _NATIVE = _native if _native.AVAILABLE else None
    return _NATIVE


#: The boot code followed by an embedder's prelude, by prelude (one string object per
#: prelude, so the bytecode cache finds it without hashing a new string per Runtime).
_BOOT_WITH: dict[str, str] = {}


def _boot_with(prelude: str) -> str:
    boot = _BOOT_WITH.get(prelude)
    if boot is None:
        if len(_BOOT_WITH) > 8:
            _BOOT_WITH.clear()
        boot = _BOOT_WITH[prelude] = BOOT_JS + ";\n" + prelude
    return boot


def create_vm() -> JSContext:
    """A bare QuickJS context: the standard built-ins only, no timers, console or osm API.

    Every Runtime starts from one; on its own it is the seed's "VM creation" (goja.New()
    in the original), the floor under everything else the scripting layer costs.
    """
    return _quickjs.Context()


class CompiledScript:
    """A syntax-checked script that any Runtime can run (`Runtime.run_compiled`).

    The `_quickjs` binding cannot hand out QuickJS bytecode, so "compiled" means: parsed once
    (syntax errors surface at compile time, with the script's name and line) and stored with
    its strict-mode prefix; running it parses again in the target runtime.
    """

    __slots__ = ("_code", "name", "source")

    def __init__(self, name: str, source: str) -> None:
        self.name = name
        self.source = source
        self._code = _STRICT + source

    def __repr__(self) -> str:
        return f"CompiledScript({self.name!r}, {len(self.source)} chars)"


class _Job:
    """Work queued by another thread; `lock` is released when it has run."""

    __slots__ = ("error", "fn", "lock", "result", "state")

    def __init__(self, fn: Callable[[], Any], wait: bool) -> None:
        self.fn = fn
        self.lock: LockType | None = None
        if wait:
            self.lock = allocate_lock()
            self.lock.acquire()
        self.result: Any = None
        self.error: BaseException | None = None
        self.state = 0  # 0 queued, 1 running, 2 done, 3 cancelled


class _Timer:
    __slots__ = ("args", "due", "fn", "id", "interval", "level", "script", "seq")

    def __init__(
        self,
        tid: int,
        due: float,
        seq: int,
        interval: float | None,
        level: int,
        script: str,
        fn: Any,
        args: tuple[Any, ...],
    ) -> None:
        self.fn = fn
        self.args = args
        self.id = tid
        self.due = due
        self.seq = seq
        self.interval = interval
        self.level = level
        self.script = script


class Runtime:
    """One QuickJS context with timers, `console` and limits, owned by its creating thread.

    `eval_timeout` (seconds of CPU time of the owner thread per entry into JavaScript) and
    `memory_limit_mb` stop runaway scripts with `TimeLimitError`/`MemoryLimitError`; the runtime
    stays usable afterwards. `sync_timeout` is how long a call from another thread waits for
    the owner to pump before `LoopTimeoutError` (0 or None: wait forever).
    """

    # The state every new runtime starts in, kept on the class: an instance dict of more than
    # 30 keys stops sharing its keys with the class's other instances, and filling such a
    # dict (with its resizes) cost ~30k instructions per Runtime. Every one is immutable and
    # is assigned on the instance when it changes.
    _closed = False
    _freed = False
    _depth = 0
    _script = "<runtime>"
    _waiter: Any = None
    _wake_r = -1
    _wake_w = -1
    _selecting = False
    _seq = 0
    _firing_level = -1
    _host_error: BaseException | None = None
    _rejections = False
    # watchdog protocol: the owner bumps _entry_gen and sets _armed around each entry
    _entry_gen = 0
    _armed = False
    _irq_gen = -1
    _aborting = False
    _native: _native.NativeHandle | None = None
    _rejected: Any = None
    _describe: Any = None
    _next_timer_id = 0
    #: Registered with the watchdog at the first timed entry into JavaScript, not at creation:
    #: waking the watchdog thread costs a GIL hand-off, and many runtimes never run a script.
    _watched = False

    def __init__(
        self,
        *,
        eval_timeout: float | None = 30.0,
        memory_limit_mb: int | None = 512,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        sync_timeout: float | None = 5.0,
        host: tuple[str, Callable[..., Any], str] | None = None,
    ) -> None:
        """`host` is an embedder's `(global name, Python function, pure JS)`: the function is
        added as that global and the JS runs right after the boot code, in the same piece
        (the Engine's dispatcher and prelude; one piece fewer per Runtime, ~15k instructions).
        """
        self._owner = _get_ident()
        self._stdout = stdout
        self._stderr = stderr
        self.sync_timeout = sync_timeout
        self._eval_timeout = eval_timeout if eval_timeout and eval_timeout > 0 else None
        self._memory_limit_mb = memory_limit_mb if memory_limit_mb and memory_limit_mb > 0 else None
        # Guards the job queue. Only the owner ever waits for work (`_block`): it parks on a
        # lock of its own (`_waiter`) that queueing a job or closing releases; a Condition
        # would do the same for ~14k more instructions per Runtime.
        self._lock = allocate_lock()
        self._jobs: deque[_Job] = deque()
        self._heap: list[tuple[float, int, int]] = []
        self._timers: dict[int, _Timer] = {}
        #: Errors from timer callbacks, microtasks and unhandled rejections, oldest first.
        self.async_errors: list[JavaScriptError] = []
        self._irq_lock = allocate_lock()
        ctx = self._ctx = create_vm()
        if self._memory_limit_mb:
            ctx.set_memory_limit(self._memory_limit_mb << 20)
        ctx.add_callable("setTimeout", self._set_timeout)
        ctx.add_callable("setInterval", self._set_interval)
        ctx.add_callable("setImmediate", self._set_immediate)
        ctx.add_callable("clearTimeout", self._clear_timer)
        ctx.add_callable("clearInterval", self._clear_timer)
        ctx.add_callable("clearImmediate", self._clear_timer)
        ctx.add_callable("__rt_console", self._load_console)
        boot = BOOT_JS
        if host is not None:
            ctx.add_callable(host[0], host[1])
            boot = _boot_with(host[2])
        native = _native_module()
        if native is not None:
            try:
                self._native = native.NativeHandle(ctx)
            except OSError:
                self._native = None
        self.run_static(boot, pure=True)  # defines globals only
        if self._native is not None:
            self._native.track_rejections(self._on_rejection)

    # -- properties --------------------------------------------------------------------------

    @property
    def context(self) -> JSContext:
        """The raw `_quickjs.Context`; touch it only on the owner thread (inside `run_sync`)."""
        if self._closed:
            raise RuntimeClosedError("runtime is closed")
        return self._ctx

    @property
    def owner_thread_id(self) -> int:
        """`threading.get_ident()` of the thread that owns and runs this runtime."""
        return self._owner

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def eval_timeout(self) -> float | None:
        return self._eval_timeout

    @property
    def memory_limit_mb(self) -> int | None:
        return self._memory_limit_mb

    def is_owner(self) -> bool:
        """True on the thread that runs this runtime's JavaScript."""
        return _get_ident() == self._owner

    def pending_timers(self) -> int:
        """How many timers (timeouts, intervals, immediates) are still scheduled."""
        return len(self._timers)

    # -- globals and scripts -----------------------------------------------------------------

    def run_static(self, source: str, pure: bool = False) -> None:
        """Evaluate a piece of osm's own JavaScript for its effects (owner thread only).

        For code that is the same in every runtime (preludes, the engine's globals): it is
        compiled once per process and read from bytecode afterwards when the binding's C API
        is reachable, else parsed like `context.eval`. Raises the binding's JSException.
        `pure` promises that the code calls no Python (not even through a lazy getter): it
        then runs without a trip through the binding (see `_native.NativeHandle.run_static`).
        """
        if self._native is not None:
            self._native.run_static(self._ctx, source, pure)
        else:
            self._ctx.eval(source)

    def set_global(self, name: str, value: object) -> None:
        """Set global `name` to a str/int/float/bool/None or JSON-like list/dict value."""
        if _get_ident() != self._owner:
            return self._cross(lambda: self.set_global(name, value), self.sync_timeout)
        if self._closed:
            raise RuntimeClosedError("runtime is closed")
        if self._jobs and not self._depth:
            self._run_jobs()
        ctx = self._ctx
        if value is None or isinstance(value, (str, bool, float, _quickjs.Object)):
            ctx.set(name, value)
        elif isinstance(value, int):
            ctx.set(name, value if -_INT32 <= value < _INT32 else float(value))
        elif isinstance(value, (list, tuple, dict)):
            ctx.set(name, ctx.parse_json(json_lite.dumps(value)))
        else:
            raise TypeError(f"cannot set global {name!r}: unsupported type {type(value).__name__}")

    def get_global(self, name: str) -> Any:
        """A global's value: primitives as-is, objects and arrays as Python data, else None."""
        if _get_ident() != self._owner:
            return self._cross(lambda: self.get_global(name), self.sync_timeout)
        if self._closed:
            raise RuntimeClosedError("runtime is closed")
        if self._jobs and not self._depth:
            self._run_jobs()
        try:
            value = self._ctx.get(name)
            if isinstance(value, _quickjs.Object):
                text = value.json()
                return None if text is None else json_lite.loads(text)
        except (_JSException, TypeError) as exc:  # BigInt, cycles: not representable as data
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScriptError(f"cannot read global {name}: {reason}") from None
        return value

    def get_callable(self, name: str) -> Callable[..., Any]:
        """A Python function calling the global JavaScript function `name` (from any thread).

        Arguments must be str/int/float/bool/None or JSON-like lists/dicts; the result comes back
        like `get_global`. Raises ScriptError when `name` is missing or not a function.
        """
        if _get_ident() != self._owner:
            return self._cross(lambda: self.get_callable(name), self.sync_timeout)
        kind = self.run_sync(lambda ctx: ctx.eval(f"typeof globalThis[{json_lite.dumps(name)}]"))
        if kind == "undefined":
            raise ScriptError(f"function '{name}' not found")
        if kind != "function":
            raise ScriptError(f"'{name}' is not a callable function")
        key = json_lite.dumps(name)

        def call(*args: Any) -> Any:
            payload = json_lite.dumps(list(args))

            def job(ctx: Any) -> Any:
                fn = ctx.eval(f"(a) => JSON.stringify(globalThis[{key}](...JSON.parse(a)))")
                try:
                    text = fn(payload)
                except _JSException as exc:
                    raise self._error(exc, self._script) from None
                return None if text is None else json_lite.loads(text)

            return self.run_sync(job, timeout=self.sync_timeout)

        call.__name__ = name
        return call

    def load_script(self, name: str, source: str) -> None:
        """Run `source` as a strict-mode classic script named `name`, then its microtasks.

        Raises `ScriptSyntaxError`, `JavaScriptError`, `TimeLimitError` or `MemoryLimitError`
        naming the script, line and column. `var`/function declarations stay global.
        """
        if _get_ident() != self._owner:
            return self._cross(lambda: self.load_script(name, source), self.sync_timeout)
        self._evaluate(name, _STRICT + source)

    def compile_script(self, name: str, source: str) -> CompiledScript:
        """Syntax-check `source` (without running it) into a program any Runtime can run."""
        if _get_ident() != self._owner:
            return self._cross(lambda: self.compile_script(name, source), self.sync_timeout)
        if self._closed:
            raise RuntimeClosedError("runtime is closed")
        program = CompiledScript(name, source)
        ctx = self._ctx
        ctx.set("__rt_src", program._code)
        try:
            ctx.eval("new Function(__rt_src), undefined")
        except _JSException as exc:
            raise self._error(exc, name, function_body=True) from None
        finally:
            ctx.eval("delete globalThis.__rt_src")
        return program

    def run_compiled(self, program: CompiledScript) -> None:
        """Run a program from `compile_script` (of this or any other Runtime)."""
        if _get_ident() != self._owner:
            return self._cross(lambda: self.run_compiled(program), self.sync_timeout)
        self._evaluate(program.name, program._code)

    def _evaluate(self, name: str, code: str) -> None:
        if self._closed:
            raise RuntimeClosedError("runtime is closed")
        if self._jobs and not self._depth:
            self._run_jobs()
        if self._depth:
            prev = self._script
            self._script = name
            try:
                self._ctx.eval(code)
            except _JSException as exc:
                raise self._error(exc, name) from None
            finally:
                self._script = prev
            return
        self._script = name
        self._depth = 1
        if self._eval_timeout:
            self._arm()
        try:
            self._ctx.eval(code)
            self._drain()
        except _JSException as exc:
            raise self._error(exc, name) from None
        finally:
            self._exit()

    # -- running work on the owner -----------------------------------------------------------

    def run_sync(self, fn: Callable[[JSContext], _T], timeout: float | None = 5.0) -> _T:
        """Run `fn(context)` on the owner and return its result (exceptions propagate).

        On the owner it runs inline (re-entrant calls from inside JavaScript too); from another
        thread it is queued and waited for, up to `timeout` seconds (0/None: no limit), then
        `LoopTimeoutError`; a job that has not started by then is cancelled.
        """
        if _get_ident() != self._owner:
            return self._cross(lambda: self._macro(fn), timeout)
        if self._closed:
            raise RuntimeClosedError("runtime is closed")
        if self._depth:
            return fn(self._ctx)
        if self._jobs:
            self._run_jobs()
        return self._macro(fn)

    def run_on_loop(self, fn: Callable[[JSContext], object]) -> bool:
        """Queue `fn(context)` to run on the owner (FIFO); False if the runtime is closed.

        An exception it raises is reported like an uncaught timer error.
        """
        job = _Job(lambda: self._macro(fn), wait=False)
        with self._lock:
            if self._closed:
                return False
            self._jobs.append(job)
            self._notify()
        if self._selecting:
            self._wake()
        return True

    def _macro(self, fn: Callable[[JSContext], _T]) -> _T:
        """Run one macrotask on the owner: `fn(context)` then the microtasks it queued."""
        if self._closed:
            raise RuntimeClosedError("runtime is closed")
        if self._depth:
            return fn(self._ctx)
        self._depth = 1
        if self._eval_timeout:
            self._arm()
        try:
            result = fn(self._ctx)
            self._drain()
            return result
        except _JSException as exc:
            err = self._error(exc, self._script)
            if isinstance(err, (TimeLimitError, MemoryLimitError)):
                raise err from None
            raise
        finally:
            self._exit()

    def _arm(self) -> None:
        """Start a timed entry: the watchdog may interrupt it once `eval_timeout` has passed."""
        if not self._watched and self._native is not None:
            self._watched = True
            watchdog.register(self)
        self._entry_gen += 1
        self._armed = True

    def _exit(self) -> None:
        self._depth = 0
        if self._eval_timeout or self._aborting:
            with self._irq_lock:
                self._armed = False
                if self._irq_gen >= 0 or self._aborting:
                    self._irq_gen = -1
                    self._aborting = False
                    if self._native is not None:
                        self._native.clear_interrupt()
        if self._closed and not self._freed:
            self._free()

    def _cross(self, fn: Callable[[], _T], timeout: float | None) -> _T:
        job = _Job(fn, wait=True)
        lock = job.lock
        assert lock is not None  # wait=True: the job carries its lock
        with self._lock:
            if self._closed:
                raise RuntimeClosedError("runtime is closed")
            self._jobs.append(job)
            self._notify()
        if self._selecting:
            self._wake()
        done = lock.acquire(timeout=timeout) if timeout else lock.acquire()
        if not done:
            with self._lock:
                if job.state == 0:
                    job.state = 3
                    try:
                        self._jobs.remove(job)
                    except ValueError:
                        pass
            raise LoopTimeoutError(
                f"operation timed out after {timeout:g}s: the thread owning this Runtime did not "
                "run queued work (it must call run_until_idle, pump or wait_for)"
            )
        if job.error is not None:
            raise job.error
        result: _T = job.result
        return result

    def _run_jobs(self) -> None:
        """Run every queued job (FIFO); called on the owner at depth 0."""
        jobs = self._jobs
        while jobs:
            with self._lock:
                if not jobs:
                    return
                job = jobs.popleft()
                if job.state != 0:
                    continue
                job.state = 1
            try:
                job.result = job.fn()
            except BaseException as exc:  # delivered to the waiting thread
                if job.lock is None:
                    self._report_python(exc, "queued call")
                job.error = exc
            finally:
                job.state = 2
                if job.lock is not None:
                    job.lock.release()
            if self._closed:
                return

    # -- the loop ----------------------------------------------------------------------------

    def pump(self) -> int:
        """Run queued calls and due timers once without blocking; returns how many ran."""
        self._check_owner("pump")
        if self._closed:
            self._free_if_needed()
            return 0
        count = len(self._jobs)
        if count:
            self._run_jobs()
        return count + self._run_due_timers()

    def run_until_idle(self, timeout: float | None = None) -> None:
        """Run queued calls, timers and promise jobs until none is left (Node's exit rule).

        Raises `LoopTimeoutError` when work is still pending after `timeout` seconds. Errors in
        timer callbacks and unhandled rejections do not stop the loop: each is written to the
        runtime's stderr and appended to `async_errors`.
        """
        self._check_owner("run_until_idle")
        deadline = None if timeout is None else _monotonic() + timeout
        while True:
            if self._closed:
                self._free_if_needed()
                return
            if self._jobs:
                self._run_jobs()
            self._run_due_timers()
            if self._closed:
                continue
            if not self._timers and not self._jobs:
                return
            now = _monotonic()
            if deadline is not None and now >= deadline:
                raise LoopTimeoutError(
                    f"event loop still busy after {timeout:g}s: "
                    f"{len(self._timers)} timer(s) pending"
                )
            self._block(self._wait_time(now, deadline))

    def wait_for(self, target: Any, timeout: float | None = None) -> bool:
        """Keep timers and queued calls running until `target` is ready; False on timeout.

        `target` is a file descriptor or object with `fileno()` (readable), a
        `threading.Event`, or a callable predicate. For an interactive prompt waiting on stdin.
        """
        self._check_owner("wait_for")
        deadline = None if timeout is None else _monotonic() + timeout
        fd = _as_fd(target)
        is_set = None
        if fd is None:
            is_set = target.is_set if hasattr(target, "is_set") else target
        while True:
            if not self._closed:
                if self._jobs:
                    self._run_jobs()
                self._run_due_timers()
            else:
                self._free_if_needed()
            if is_set is not None and is_set():
                return True
            now = _monotonic()
            if deadline is not None and now >= deadline:
                return False
            wait = self._wait_time(now, deadline)
            if fd is None:
                self._block(_POLL_SLICE if wait is None else min(wait, _POLL_SLICE))
                continue
            if self._wake_r < 0:
                self._wake_r, self._wake_w = os.pipe()
                os.set_blocking(self._wake_r, False)
            self._selecting = True
            try:
                if self._jobs:
                    continue
                from select import select

                ready, _, _ = select([fd, self._wake_r], [], [], wait)
            finally:
                self._selecting = False
            if self._wake_r in ready:
                try:
                    os.read(self._wake_r, 512)
                except BlockingIOError:
                    pass
            if fd in ready:
                return True

    def _wait_time(self, now: float, deadline: float | None) -> float | None:
        wait = None
        if self._heap:
            wait = max(0.0, self._heap[0][0] - now)
        if deadline is not None:
            left = max(0.0, deadline - now)
            wait = left if wait is None else min(wait, left)
        return wait

    def _block(self, wait: float | None) -> None:
        """Sleep until a job is queued, the runtime is closed, or `wait` seconds (owner only)."""
        with self._lock:
            if self._jobs or self._closed:
                return
            waiter = self._waiter = allocate_lock()
            waiter.acquire()
        try:
            if wait is None:
                waiter.acquire()
            elif wait > 0:
                waiter.acquire(True, wait)
        finally:
            with self._lock:
                if self._waiter is waiter:
                    self._waiter = None

    def _notify(self) -> None:
        """Wake the owner if it sleeps in `_block` (called holding `_lock`)."""
        waiter = self._waiter
        if waiter is not None:
            self._waiter = None
            waiter.release()

    def _wake(self) -> None:
        if self._wake_w >= 0:
            try:
                os.write(self._wake_w, b"\0")
            except OSError:
                pass

    def _check_owner(self, what: str) -> None:
        if _get_ident() != self._owner:
            raise ScriptError(f"{what}() must be called on the thread that created the Runtime")

    # -- timers ------------------------------------------------------------------------------

    def _set_timeout(self, fn: Any, delay: Any = None, *args: Any) -> int:
        return self._add_timer(fn, delay, args, 0)

    def _set_interval(self, fn: Any, delay: Any = None, *args: Any) -> int:
        return self._add_timer(fn, delay, args, 1)

    def _set_immediate(self, fn: Any, *args: Any) -> int:
        return self._add_timer(fn, 0, args, 2)

    def _add_timer(self, fn: Any, delay: Any, args: tuple[Any, ...], kind: int) -> int:
        """Host side of setTimeout/setInterval/setImmediate. Never raises (see bridge notes)."""
        try:
            if kind == 2:
                delay_s = 0.0
            else:
                try:
                    ms = 0.0 if isinstance(delay, _quickjs.Object) else float(delay or 0)
                except (TypeError, ValueError):
                    ms = 0.0
                if not ms >= 1 or ms > _MAX_DELAY_MS:  # NaN, negative, 0, huge -> 1 ms (Node)
                    ms = 1.0
                delay_s = ms / 1000.0
                if self._firing_level >= _NESTING_CLAMP_LEVEL and delay_s < _NESTED_MIN_DELAY:
                    delay_s = _NESTED_MIN_DELAY
            self._seq += 1
            self._next_timer_id += 1
            tid = self._next_timer_id
            timer = _Timer(
                tid,
                _monotonic() + delay_s,
                self._seq,
                delay_s if kind == 1 else None,
                self._firing_level + 1,
                self._script,
                fn,
                args,
            )
            self._timers[tid] = timer
            heappush(self._heap, (timer.due, timer.seq, tid))
            return tid
        except BaseException as exc:  # pragma: no cover - kept for the next report
            self._host_error = exc
            return 0

    def _clear_timer(self, tid: Any = None) -> None:
        try:
            if isinstance(tid, (int, float)) and not isinstance(tid, bool) and tid == tid:
                self._timers.pop(int(tid), None)
        except BaseException as exc:  # pragma: no cover
            self._host_error = exc

    def _load_console(self) -> Any:
        """First read of `console`: parse the console code (most scripts never log)."""
        try:
            ctx = self._ctx
            ctx.add_callable("__rt_write", self._write)
            return ctx.eval(CONSOLE_JS)
        except BaseException as exc:  # pragma: no cover
            self._host_error = exc
            return None

    def _write(self, stream_no: int, text: str) -> None:
        try:
            stream = self._stdout if stream_no == 1 else self._stderr
            if stream is None:
                stream = sys.stdout if stream_no == 1 else sys.stderr
            stream.write(f"{text}\n")
            stream.flush()
        except BaseException as exc:  # pragma: no cover
            self._host_error = exc

    def _run_due_timers(self) -> int:
        """Fire every timer due now, by due time then creation order; returns how many."""
        heap = self._heap
        if not heap:
            return 0
        now = _monotonic()
        if heap[0][0] > now:
            return 0
        limit = self._seq
        fired = 0
        timers = self._timers
        while heap and heap[0][0] <= now and not self._closed:
            _due, seq, tid = heap[0]
            if seq > limit:
                break
            heappop(heap)
            timer = timers.get(tid)
            if timer is None or timer.seq != seq:
                continue
            repeat = timer.interval is not None
            if not repeat:
                del timers[tid]
            fired += 1
            self._fire(timer, repeat)
            if repeat and timers.get(tid) is timer and not self._closed:
                self._seq += 1
                timer.seq = self._seq
                timer.due = _monotonic() + max(timer.interval or 0.0, _MIN_DELAY)
                heappush(heap, (timer.due, timer.seq, tid))
        return fired

    def _fire(self, timer: _Timer, repeat: bool) -> None:
        self._script = timer.script
        self._firing_level = timer.level
        self._depth = 1
        if self._eval_timeout:
            self._arm()
        try:
            timer.fn(*timer.args)
        except _JSException as exc:
            self._report(exc, timer.script, "uncaught exception in timer callback")
        finally:
            self._firing_level = -1
        try:
            self._drain()
        except _JSException as exc:
            self._report(exc, timer.script, "uncaught exception")
        finally:
            self._exit()

    # -- microtasks, rejections, error reports -------------------------------------------------

    def _drain(self) -> None:
        """Run every pending promise job; report (not raise) exceptions of individual jobs."""
        ctx = self._ctx
        while True:
            try:
                if not ctx.execute_pending_job():
                    break
            except _JSException as exc:
                err = self._error(exc, self._script)
                if isinstance(err, (TimeLimitError, MemoryLimitError)):
                    raise
                self._report(exc, self._script, "uncaught exception in microtask")
        if self._host_error is not None:
            host_exc, self._host_error = self._host_error, None
            self._report_python(host_exc, "host function")
        if self._rejections:
            self._rejections = False
            if self._rejected is None:
                # The map of the tracker defined at the first rejection (`prelude.TRACK_JS`),
                # through `globalThis` (a script's top-level `let` cannot hide it); not a Map
                # when a script took the name first: then there is nothing to report.
                rejected = ctx.eval(_REJECTED_JS)
                if not isinstance(rejected, _quickjs.Object):
                    return
                self._rejected = rejected
                self._describe = ctx.eval(DESCRIBE_JS)
            for text in json_lite.loads(self._describe(self._rejected) or "[]"):
                self._report_text(text, self._script, "unhandled promise rejection")

    def _on_rejection(self) -> None:
        self._rejections = True

    def _error(self, exc: BaseException, name: str, function_body: bool = False) -> JavaScriptError:
        # `new Function` puts two wrapper lines before the body
        parsed = parse_js_exception(str(exc), name, _SHIFT, 2 if function_body else 0)
        head, line, column, where = parsed.head, parsed.line, parsed.column, parsed.where
        cls: type[JavaScriptError]
        limit = limit_error(head, name, self._eval_timeout, self._memory_limit_mb)
        if limit is not None:
            message, cls = limit
        else:
            message = f"{where or name}: {head}"
            cls = ScriptSyntaxError if head.startswith("SyntaxError") else JavaScriptError
        return cls(
            message,
            script_name=name,
            line=line,
            column=column,
            js_stack=parsed.stack,
            js_error=head,
            where=where,
        )

    def _report(self, exc: BaseException, name: str, what: str) -> None:
        self._record(self._error(exc, name), what)

    def _report_text(self, text: str, name: str, what: str) -> None:
        self._record(self._error(Exception(text), name), what)

    def _record(self, err: JavaScriptError, what: str) -> None:
        if not isinstance(err, (TimeLimitError, MemoryLimitError)):
            err.args = (f"{err.where or err.script_name}: {what}: {err.js_error}",)
        self._keep_and_report(err)

    def _report_python(self, exc: BaseException, what: str) -> None:
        err = JavaScriptError(f"{self._script}: {what} failed: {exc}", script_name=self._script)
        err.js_error = str(exc)
        self._keep_and_report(err)

    def _keep_and_report(self, err: JavaScriptError) -> None:
        """Keep the newest 100 asynchronous errors and write each one to stderr."""
        self.async_errors.append(err)
        if len(self.async_errors) > 100:
            del self.async_errors[0]
        stream = self._stderr if self._stderr is not None else sys.stderr
        try:
            stream.write(f"{err}\n")
            stream.flush()
        except (OSError, ValueError):
            pass

    def abort(self) -> None:
        """Stop the running script at its next interrupt poll, uncatchably (owner thread).

        For when carrying on is pointless, e.g. standard output is gone: the script's
        entry fails with `InternalError: interrupted` and the next entry runs normally.
        """
        with self._irq_lock:
            if self._native is None or self._freed or not self._depth:
                return  # no script is running: nothing to stop
            self._aborting = True
            self._native.interrupt()

    def _watchdog_fire(self, gen: int) -> None:
        """Watchdog thread: interrupt entry `gen` if it is still running."""
        with self._irq_lock:
            native = self._native  # set whenever the watchdog watches this runtime
            if native is None:
                return
            if self._armed and self._entry_gen == gen and self._irq_gen < 0 and not self._freed:
                self._irq_gen = gen
                native.interrupt()

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the runtime: drop timers and queued work, free the context. Idempotent.

        Called on the owner it frees everything at once (after the running script returns, if
        called from inside JavaScript); called from another thread it fails queued work now and
        leaves freeing the context to the owner's next pump (QuickJS must stay on one thread).
        """
        with self._lock:
            if self._closed and self._freed:
                return
            self._closed = True
            jobs = list(self._jobs) if self._jobs else ()
            if jobs:
                self._jobs.clear()
            self._notify()
        for job in jobs:
            if job.state == 0:
                job.state = 3
                job.error = RuntimeClosedError("runtime stopped before completion")
                if job.lock is not None:
                    job.lock.release()
        if self._watched:
            watchdog.unregister(self)
        self._timers.clear()
        self._heap.clear()
        self._wake()
        if _get_ident() == self._owner and not self._depth:
            self._free()

    def _free_if_needed(self) -> None:
        if self._closed and not self._freed and not self._depth:
            self._free()

    def _free(self) -> None:
        if self._freed:
            return
        with self._irq_lock:
            self._freed = True
            self._armed = False
        native, self._native = self._native, None
        if native is not None:
            native.release()
        self._timers.clear()
        if self._rejected is not None:  # (set with the first rejection report)
            self._rejected = self._describe = None
        self._ctx = None  # type: ignore[assignment]  # freed: nothing reads it once closed
        if self._wake_r >= 0:
            os.close(self._wake_r)
            os.close(self._wake_w)
            self._wake_r = self._wake_w = -1

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_fd(target: Any) -> int | None:
    if isinstance(target, int):
        return target
    fileno = getattr(target, "fileno", None)
    if fileno is not None and not hasattr(target, "is_set"):
        return int(fileno())
    return None
