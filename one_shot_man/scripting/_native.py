"""Two things the `_quickjs` binding does not offer, reached through the QuickJS C API it exports.

1. Interrupting a running script. The binding's own `set_time_limit` forbids every call from
   JavaScript into Python while a limit is set, and the whole osm API is such calls. QuickJS polls
   an interrupt handler that is normally unset; the watchdog thread installs one (it returns
   "stop") only when a script has overrun, and the owner thread removes it afterwards.
2. Seeing unhandled promise rejections (QuickJS reports them to a host tracker callback).
3. Running osm's own JavaScript (the prelude pieces every Runtime and Engine evaluates) from
   bytecode: the binding can only parse source, and parsing is most of what a Runtime costs on
   top of the bare context (~400k instructions for the 700-character boot code, against ~30k
   to read its bytecode). A piece is parsed from source the first time it runs in a process
   (most processes run each piece once: writing its bytecode would be wasted), compiled and
   written as bytecode the second time, and read from bytecode from then on.

Everything here checks the binding's object layout first (`JS_GetRuntime(context) == runtime`)
and reports `AVAILABLE = False` instead of guessing when it does not match; the runtime then
falls back to no interrupt and no rejection reports (documented in docs/scripting.md).
"""

from __future__ import annotations

import _thread
import sys

import _quickjs

from one_shot_man.scripting import ctypes_lite as ctypes
from one_shot_man.scripting.prelude import TRACK_JS

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["AVAILABLE", "NativeHandle"]

_JS_TAG_EXCEPTION = 6
_JS_EVAL_FLAG_COMPILE_ONLY = 1 << 5
_JS_WRITE_OBJ_BYTECODE = 1
_JS_READ_OBJ_BYTECODE = 1
#: Thrown again through the binding when cached bytecode raises, so callers see the usual
#: `JSException` with QuickJS's own message and stack.
_RETHROW = "{const e = globalThis.__rt_exc; delete globalThis.__rt_exc; throw e;}"
#: A piece that may call Python is compiled as this function's body (same first line, so line
#: numbers stay), created from bytecode, and called through the binding by `_CALL_PIECE`.
_WRAP = "(function () {"
_CALL_PIECE = "{const f = globalThis.__rt_piece; delete globalThis.__rt_piece; f();}"

_PTR = ctypes.sizeof(ctypes.c_void_p)
_HEAD = 2 * _PTR  # PyObject_HEAD: ob_refcnt, ob_type
_JS_TAG_BOOL = 1
_JS_TAG_UNDEFINED = 3


class _JSValue(ctypes.Structure):
    # quickjs-ng on 64-bit hosts: a 16-byte struct {union u; int64 tag}, passed by value.
    _fields_ = (("u", ctypes.c_uint64), ("tag", ctypes.c_int64))


_TRACKER = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, _JSValue, _JSValue, ctypes.c_bool, ctypes.c_void_p
)


def _load() -> Any:  # the PyDLL, or None; Any because its C functions are looked up by name
    if _PTR != 8 or sys.byteorder != "little":
        return None
    try:
        lib = ctypes.PyDLL(_quickjs.__file__)
        lib.JS_GetRuntime.restype = ctypes.c_void_p
        lib.JS_GetRuntime.argtypes = [ctypes.c_void_p]
        lib.JS_SetInterruptHandler.restype = None
        lib.JS_SetInterruptHandler.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        lib.JS_SetHostPromiseRejectionTracker.restype = None
        lib.JS_SetHostPromiseRejectionTracker.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.JS_GetGlobalObject.restype = _JSValue
        lib.JS_GetGlobalObject.argtypes = [ctypes.c_void_p]
        lib.JS_GetPropertyStr.restype = _JSValue
        lib.JS_GetPropertyStr.argtypes = [ctypes.c_void_p, _JSValue, ctypes.c_char_p]
        lib.JS_Call.restype = _JSValue
        lib.JS_Call.argtypes = [
            ctypes.c_void_p,
            _JSValue,
            _JSValue,
            ctypes.c_int,
            ctypes.POINTER(_JSValue),
        ]
        lib.JS_FreeValue.restype = None
        lib.JS_FreeValue.argtypes = [ctypes.c_void_p, _JSValue]
        lib.JS_GetException.restype = _JSValue
        lib.JS_GetException.argtypes = [ctypes.c_void_p]
        lib.JS_Eval.restype = _JSValue
        lib.JS_Eval.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        lib.JS_WriteObject.restype = ctypes.c_void_p
        lib.JS_WriteObject.argtypes = [
            ctypes.c_void_p,
            ctypes.POINTER(ctypes.c_size_t),
            _JSValue,
            ctypes.c_int,
        ]
        lib.JS_ReadObject.restype = _JSValue
        lib.JS_ReadObject.argtypes = [
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_int,
        ]
        lib.JS_EvalFunction.restype = _JSValue
        lib.JS_EvalFunction.argtypes = [ctypes.c_void_p, _JSValue]
        lib.JS_SetPropertyStr.restype = ctypes.c_int
        lib.JS_SetPropertyStr.argtypes = [ctypes.c_void_p, _JSValue, ctypes.c_char_p, _JSValue]
        lib.js_free.restype = None
        lib.js_free.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        return lib
    except (OSError, AttributeError):
        return None


_LIB = _load()
AVAILABLE = _LIB is not None


def _stop_now(_rt: int | None, _opaque: int | None) -> int:
    return 1


#: `_stop_now` as a C function, made on the first interrupt (a callback type and its thunk cost
#: ~0.1 M instructions at every start-up, and most processes never interrupt a script).
_STOP_ADDRESS = 0
_STOP_LOCK = _thread.allocate_lock()
_STOP_KEEP: list[object] = []  # keeps the C thunk alive for the life of the process


def _stop_address() -> int:
    global _STOP_ADDRESS
    with _STOP_LOCK:
        if not _STOP_ADDRESS:
            interrupt_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
            thunk = interrupt_type(_stop_now)
            _STOP_KEEP.append(thunk)
            _STOP_ADDRESS = ctypes.cast(thunk, ctypes.c_void_p).value or 0
        return _STOP_ADDRESS


#: Whether `JS_GetRuntime(context) == runtime` held once (the binding's layout is per build).
_LAYOUT_CHECKED = False
#: Rejection callbacks by opaque key (the key is passed through QuickJS as `opaque`).
_TRACKERS: dict[int, Callable[[], None]] = {}
_next_key = 0
#: Bytecode of osm's own pieces of JavaScript, by source text (compiled once per process).
_BYTECODE: dict[tuple[str, bool], bytes] = {}
#: Pieces run once so far (parsed from source; the second run compiles and caches them).
_SEEN: set[tuple[str, bool]] = set()
#: osm has about a dozen such pieces; a bound keeps a caller with changing sources from growing it.
_BYTECODE_LIMIT = 64


def _track_rejection(
    ctx: int, promise: _JSValue, reason: _JSValue, handled: bool, opaque: int
) -> None:
    # Runs inside QuickJS (GIL re-taken by ctypes). Hand the pair to the prelude's pure-JS
    # `__rt_track`, which never calls into Python (a Python call here would deadlock).
    try:
        notify = _TRACKERS.get(opaque or 0)
        if notify is None:
            return
        lib = _LIB
        glob = lib.JS_GetGlobalObject(ctx)
        fn = _tracker_function(lib, ctx, glob)
        args = (_JSValue * 3)(promise, reason, _JSValue(1 if handled else 0, _JS_TAG_BOOL))
        result = lib.JS_Call(ctx, fn, _JSValue(0, _JS_TAG_UNDEFINED), 3, args)
        if result.tag == 6:  # JS_TAG_EXCEPTION: never leave an exception pending
            lib.JS_FreeValue(ctx, lib.JS_GetException(ctx))
        else:
            lib.JS_FreeValue(ctx, result)
        lib.JS_FreeValue(ctx, fn)
        lib.JS_FreeValue(ctx, glob)
        if not handled:
            notify()
    except Exception:  # pragma: no cover - a callback must never raise into C
        pass


def _tracker_function(lib: Any, ctx: int, glob: _JSValue) -> _JSValue:
    """The runtime's `__rt_track`, defined (pure JS, no Python) at its first rejection."""
    fn: _JSValue = lib.JS_GetPropertyStr(ctx, glob, b"__rt_track")
    if fn.tag != _JS_TAG_UNDEFINED:
        return fn
    done = lib.JS_Eval(ctx, _TRACK_SOURCE, len(_TRACK_SOURCE), b"<input>", 0)
    lib.JS_FreeValue(ctx, lib.JS_GetException(ctx) if done.tag == _JS_TAG_EXCEPTION else done)
    fn = lib.JS_GetPropertyStr(ctx, glob, b"__rt_track")
    return fn


_TRACK_SOURCE = TRACK_JS.encode()
_track = _TRACKER(_track_rejection)
_TRACK_ADDRESS = ctypes.cast(_track, ctypes.c_void_p).value


class NativeHandle:
    """The QuickJS runtime pointer of one context, for interrupting it and tracking rejections."""

    __slots__ = ("_cx", "_key", "_rt")

    def __init__(self, context: _quickjs.Context) -> None:
        global _LAYOUT_CHECKED
        base = id(context)
        rt = ctypes.c_void_p.from_address(base + _HEAD).value
        cx = ctypes.c_void_p.from_address(base + _HEAD + _PTR).value
        if not rt or not cx:
            raise OSError("unexpected _quickjs.Context layout")
        if not _LAYOUT_CHECKED:  # one struct layout per loaded binding: checked on the first
            if _LIB.JS_GetRuntime(cx) != rt:
                raise OSError("unexpected _quickjs.Context layout")
            _LAYOUT_CHECKED = True
        self._rt = rt
        self._cx = cx
        self._key = 0

    def run_static(self, context: _quickjs.Context, source: str, pure: bool = False) -> None:
        """Evaluate osm's own `source` (for its effects) from bytecode cached per process.

        Same semantics as `context.eval(source)` with the result dropped: QuickJS names the
        source `<input>` either way, and an exception is raised as the binding's JSException.
        JavaScript run from here holds the GIL without the binding's bookkeeping, and the
        binding aborts the process when such code calls a Python function. So only `pure`
        code (audited: it never calls a host function, nor a getter that does) is run here
        directly; any other piece is compiled as the body of a function, only that function is
        created here, and the binding's own eval calls it. Its top-level declarations are
        therefore local: pieces are self-contained (IIFEs); line numbers are unchanged.
        """
        key = (source, pure)
        code = _BYTECODE.get(key)
        if code is None and key not in _SEEN and len(_SEEN) < _BYTECODE_LIMIT:
            # First sighting: parse it like any script. Most processes (`osm script`, a
            # workflow) run each piece once, and for them writing bytecode is pure cost.
            _SEEN.add(key)
            context.eval(source)
            return
        lib = _LIB
        cx = self._cx
        if code is None:
            data = (source if pure else _WRAP + source + "\n})").encode()
            fn = lib.JS_Eval(cx, data, len(data), b"<input>", _JS_EVAL_FLAG_COMPILE_ONLY)
            if fn.tag != _JS_TAG_EXCEPTION and len(_BYTECODE) < _BYTECODE_LIMIT:
                size = ctypes.c_size_t()
                buf = lib.JS_WriteObject(cx, ctypes.byref(size), fn, _JS_WRITE_OBJ_BYTECODE)
                if buf:
                    _BYTECODE[key] = ctypes.string_at(buf, size.value)
                    lib.js_free(cx, buf)
        else:
            fn = lib.JS_ReadObject(cx, code, len(code), _JS_READ_OBJ_BYTECODE)
        result = fn if fn.tag == _JS_TAG_EXCEPTION else lib.JS_EvalFunction(cx, fn)
        if result.tag == _JS_TAG_EXCEPTION:
            glob = lib.JS_GetGlobalObject(cx)
            lib.JS_SetPropertyStr(cx, glob, b"__rt_exc", lib.JS_GetException(cx))
            lib.JS_FreeValue(cx, glob)
            context.eval(_RETHROW)
            return
        if pure:  # (each ctypes call costs ~5k instructions: only the one that is needed)
            if result.tag < 0:  # a reference-counted value (pure pieces end in undefined)
                lib.JS_FreeValue(cx, result)
            return
        glob = lib.JS_GetGlobalObject(cx)
        lib.JS_SetPropertyStr(cx, glob, b"__rt_piece", result)  # takes the function over
        lib.JS_FreeValue(cx, glob)
        context.eval(_CALL_PIECE)

    def interrupt(self) -> None:
        """Make the running script stop at its next interrupt poll (any thread may call this)."""
        _LIB.JS_SetInterruptHandler(self._rt, _STOP_ADDRESS or _stop_address(), None)

    def clear_interrupt(self) -> None:
        """Remove the stop handler (owner thread, after the script returned)."""
        _LIB.JS_SetInterruptHandler(self._rt, None, None)

    def track_rejections(self, notify: Callable[[], None]) -> None:
        """Call `notify()` after each rejection without a handler (owner thread only)."""
        global _next_key
        _next_key += 1
        self._key = _next_key
        _TRACKERS[self._key] = notify
        _LIB.JS_SetHostPromiseRejectionTracker(self._rt, _TRACK_ADDRESS, self._key)

    def release(self) -> None:
        """Detach the tracker before the context is freed.

        Forgetting the key is enough: `_track` ignores a key it does not know, so the C hook
        (freed with the runtime) is left in place instead of paying a second ctypes call.
        """
        if self._key:
            _TRACKERS.pop(self._key, None)
            self._key = 0
