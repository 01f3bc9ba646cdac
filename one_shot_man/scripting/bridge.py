"""Host-function marshalling between QuickJS and Python.

The `_quickjs` binding can hand a Python callable only primitives and opaque objects, can
return only primitives, and corrupts the call when the callable raises. So every host
function of the engine goes through ONE Python dispatcher that takes the operation name
and its arguments as a JSON string, never raises, and answers with a JSON string
(`{"v": value}` or `{"e": message, "t": "TypeError"}`). A tiny JavaScript prelude turns
that answer back into a value or a thrown JS error. JS functions that a host operation
must keep (template funcs) travel as extra "raw" arguments, untouched.

The prelude is deliberately small: engine creation pays for parsing it, and most scripts
never touch most globals, so each global (`tui`, `context`, `log`, ...) is a getter that
loads its own piece of JavaScript on first use.
"""

from __future__ import annotations

from one_shot_man.scripting import json_lite

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

    from _quickjs import Context as JSContext

    HostFunction = Callable[..., Any]

#: The global the prelude takes the dispatcher from (and deletes).
HOST_NAME = "__osm_host"

#: Globals that load their JavaScript on first access.
LAZY_GLOBALS = ("output", "log", "tui", "context", "require")

#: Evaluated at engine creation: only the lazy getters (QuickJS compiles ~40 bytes/us, and
#: engine creation has a 500 us budget). The getter's host call loads `core` and the piece.
PRELUDE_JS = r"""(function (g, h) {
'use strict';
delete g.__osm_host;
Object.defineProperty(g, '__osm_boot', {value: h, configurable: true});
for (const n of LAZY_GLOBALS) Object.defineProperty(g, n, {configurable: true,
  get: function osm$lazy() {
    const r = h('load', '["' + n + '"]');
    if (r) { const d = JSON.parse(r); throw new (g[d.t] || Error)(d.e); }
    return g[n];
  },
  set(v) { Object.defineProperty(g, n, {value: v, writable: true, configurable: true}); }});
})(globalThis, globalThis.__osm_host);
""".replace("LAZY_GLOBALS", json_lite.dumps(list(LAZY_GLOBALS)))

#: The `__osm` helper object every other piece uses; loaded before the first piece.
CORE_JS = r"""(function (g) {
'use strict';
const host = g.__osm_boot;
delete g.__osm_boot;
function osm$unpack(r) {
  if (r === '' || r === undefined || r === null) return undefined;
  const d = JSON.parse(r);
  if (d.e !== undefined) {
    const C = typeof g[d.t] === 'function' ? g[d.t] : Error;
    throw new C(d.e);
  }
  return d.v;
}
function osm$call(op, ...args) { return osm$unpack(host(op, JSON.stringify(args))); }
function osm$flat(v) { return typeof v === 'string' ? v.slice(0) : v; }
function osm$carried(v) { return typeof v !== 'string' || v.isWellFormed(); }
// Raw arguments cross without JSON (one copy of a big text, not four). The binding cannot
// convert a concatenated (rope) string nor a lone surrogate, and calls the host half-broken
// when such a string follows another argument. So ropes are flattened first (slice(0) is
// free for a flat string), and a lone surrogate sends the texts inside the JSON arguments
// instead, which the host reads the same way.
function osm$hostRaw(op, json, raw) {
  const flat = raw.map(osm$flat);
  if (flat.every(osm$carried)) return host(op, json, ...flat);
  return host(op, JSON.stringify(JSON.parse(json).concat(flat)));
}
function osm$callRaw(op, args, ...raw) {
  return osm$unpack(osm$hostRaw(op, JSON.stringify(args), raw));
}
// A host operation whose answer is one text: it arrives as the string itself; an error
// (or a text the binding cannot carry) is held on the host and fetched as JSON.
function osm$callText(op, args, ...raw) {
  const r = osm$hostRaw('text:' + op, JSON.stringify(args), raw);
  return typeof r === 'string' ? r : osm$unpack(host('held', '[]'));
}
function internal(obj, prefix) {
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (typeof v === 'function') {
      Object.defineProperty(v, 'name', {value: 'osm$' + prefix + k, configurable: true});
    }
  }
  return obj;
}
function define(name, value) {
  Object.defineProperty(g, name, {value: value, writable: true, configurable: true});
  return value;
}
function osm$load(piece) { osm$unpack(host('load', JSON.stringify([piece]))); }
const osm = {call: osm$call, callRaw: osm$callRaw, callText: osm$callText, define: define,
  load: osm$load,
  internal: internal, scriptDir: '.'};
Object.defineProperty(g, '__osm', {value: osm});
})(globalThis);
"""


class HostError(Exception):
    """Raised by a host function to throw a specific JS error type (default `Error`)."""

    def __init__(self, message: str, js_type: str = "Error") -> None:
        super().__init__(message)
        self.js_type = js_type


class JSTypeError(HostError):
    """A JS `TypeError` (wrong argument type), as Go's goja would throw it."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "TypeError")


def _has_no_surrogate(text: str) -> bool:
    """No lone surrogate in `text` (only those fail UTF-8), without importing `re` at start-up."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _encode(value: object) -> str:
    # ASCII-only JSON: a lone surrogate (an undecodable file name) must not break the call.
    return json_lite.dumps({"v": value}, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def error_text(exc: BaseException) -> str:
    """The message a JS caller sees for a Python failure (Go's error text, no class name)."""
    if isinstance(exc, OSError) and exc.strerror:
        from one_shot_man.errors import os_error_text

        return os_error_text(exc)  # not Python's `[Errno 2] ...`
    text = str(exc)
    if text:
        return text
    return type(exc).__name__


#: Reports that only follow from a closed stdout (a `ctx.run` step failing because its
#: output could not be written): `osm ... | head` must end without a word.
_QUIET_AFTER_BROKEN_PIPE = frozenset({"ctx.emit"})


class HostBridge:
    """The table of host operations and the one callable QuickJS sees."""

    def __init__(self) -> None:
        self._ops: dict[str, HostFunction] = {}
        self._pieces: dict[str, Callable[[], str]] = {}
        #: Host operations a piece's JavaScript calls, registered when the piece loads (or
        #: when any unknown operation is called): an engine pays only for what runs.
        self._piece_ops: dict[str, Callable[[], dict[str, HostFunction]]] = {}
        self._loaded: set[str] = set()
        self.js: JSContext | None = None  # set by `attach` on the owner thread
        #: Evaluates one of osm's own pieces (`Runtime.run_static`: cached bytecode).
        self._run: Callable[..., object] | None = None
        #: Set when Ctrl-C interrupted a host function; the engine turns it back into
        #: KeyboardInterrupt after the script.
        self.interrupted = False
        self._held = ""  # the JSON answer of the last `text:` call that could not be text
        #: Set when a host function found standard output closed (`osm ... | head`); the
        #: engine turns it back into BrokenPipeError after the script.
        self.broken_pipe = False
        #: Called once on that first broken pipe (the engine stops the running script).
        self.on_broken_pipe: Callable[[], None] | None = None

    def register(self, name: str, fn: HostFunction) -> None:
        self._ops[name] = fn

    def register_many(
        self, ops: dict[str, HostFunction] | Iterable[tuple[str, HostFunction]]
    ) -> None:
        items = ops.items() if isinstance(ops, dict) else ops
        for name, fn in items:
            self._ops[name] = fn

    def has(self, name: str) -> bool:
        if name not in self._ops:
            self._register_piece_ops()
        return name in self._ops

    def add_piece(
        self,
        name: str,
        source: Callable[[], str],
        ops: Callable[[], dict[str, HostFunction]] | None = None,
    ) -> None:
        """A lazily evaluated chunk of JavaScript, loaded by `__osm.load(name)`.

        `ops()` gives the host operations it calls; they are registered when it loads and
        never replace an operation registered by name before then (`register` wins, as if
        these had been registered first).
        """
        self._pieces[name] = source
        if ops is not None:
            self._piece_ops[name] = ops

    def add_pieces(
        self,
        sources: dict[str, Callable[[], str]],
        ops: dict[str, Callable[[], dict[str, HostFunction]]],
    ) -> None:
        """`add_piece` for many pieces at once: `ops` by piece name, for those that have any."""
        self._pieces.update(sources)
        self._piece_ops.update(ops)

    def _register_piece_ops(self, name: str | None = None) -> None:
        """Register the deferred operations of piece `name` (None: of every piece)."""
        pending = self._piece_ops
        if not pending:
            return
        names = list(pending) if name is None else [name] if name in pending else []
        table = self._ops
        for piece in names:
            for op, fn in pending.pop(piece)().items():
                table.setdefault(op, fn)

    def attach(
        self, js: JSContext, run: Callable[..., object] | None = None
    ) -> Callable[..., object]:
        """Use `js`, where `host()`'s dispatcher and prelude ran with the Runtime's boot code.

        `run(source)` evaluates osm's own pieces (the Runtime's `run_static`, which reads them
        from bytecode; `run(source, True)` for code that calls no Python); without it they are
        parsed with `js.eval`. On the owner thread. Returns the piece runner.
        """
        self.js = js
        self._run = run = run or (lambda source, pure=False: js.eval(source))
        return run

    def host(self) -> tuple[str, Callable[..., Any], str]:
        """The dispatcher's global name, the dispatcher and the prelude, for `Runtime(host=)`."""
        return (HOST_NAME, self.dispatch, PRELUDE_JS)

    def load_piece(self, name: str) -> None:
        """Evaluate piece `name` once (after `core`); on the owner thread."""
        if name in self._loaded:
            return
        run = self._run
        if run is None:
            raise HostError(f"engine piece {name} asked for before attach (or after close)")
        if name != "core" and "core" not in self._loaded:
            run(CORE_JS, True)  # defines `__osm` only
            self._loaded.add("core")
        if name == "core":
            return
        source = self._pieces.get(name)
        if source is None:
            raise HostError(f"unknown engine piece: {name}")
        self._register_piece_ops(name)
        run(source())
        self._loaded.add(name)

    def dispatch(self, op: str, payload: str = "[]", *raw: Any) -> str | None:
        """Run host operation `op`; NEVER raises (the binding cannot carry a Python error).

        `text:<op>` (JS `osm.callText`) answers with the operation's string itself, not
        JSON, so a big text crosses once; otherwise it answers None and keeps the JSON
        answer for the `held` call that follows.
        """
        if op.startswith("text:"):
            return self._dispatch(op[5:], payload, raw, text=True)
        if op == "held":
            held, self._held = self._held, ""
            return held
        return self._dispatch(op, payload, raw, text=False)

    def _dispatch(self, op: str, payload: str, raw: tuple[Any, ...], *, text: bool) -> str | None:
        try:
            if op == "load":
                self.load_piece(json_lite.loads(payload)[0])
                return ""
            if self.broken_pipe and op in _QUIET_AFTER_BROKEN_PIPE:
                return ""
            fn = self._ops.get(op)
            if fn is None:
                self._register_piece_ops()
                fn = self._ops[op]
            args = json_lite.loads(payload) if payload else []
            result = fn(*args, *raw)
            if text:
                if not isinstance(result, str):
                    raise HostError(f"host operation {op} returned no text")
                if result.isascii() or _has_no_surrogate(result):
                    return result
                self._held = _encode(result)  # the binding cannot carry a lone surrogate
                return None
            if result is None:
                return ""
            return _encode(result)
        except HostError as exc:
            return self._fail(json_lite.dumps({"e": error_text(exc), "t": exc.js_type}), text)
        except KeyError as exc:
            if op not in self._ops and op != "load":
                message = f"unknown host operation: {op}"
            else:
                message = f"key error: {exc}"
            return self._fail(json_lite.dumps({"e": message, "t": "Error"}), text)
        except KeyboardInterrupt:
            # Ctrl-C while a host function ran (e.g. `sleep`): the JS call fails, and the
            # engine re-raises KeyboardInterrupt once the script has unwound.
            self.interrupted = True
            return self._fail(json_lite.dumps({"e": "interrupted", "t": "Error"}), text)
        except BrokenPipeError:
            self.stdout_closed()
            return self._fail(
                json_lite.dumps({"e": "standard output is closed", "t": "Error"}), text
            )
        except BaseException as exc:
            return self._fail(json_lite.dumps({"e": error_text(exc), "t": "Error"}), text)

    def _fail(self, error: str, text: bool) -> str | None:
        if text:
            self._held = error
            return None
        return error

    def stdout_closed(self) -> None:
        """Standard output is gone: silence it and stop the running script (once)."""
        if self.broken_pipe:
            return
        from one_shot_man.brokenpipe import silence_stdout

        self.broken_pipe = True
        silence_stdout()
        if self.on_broken_pipe is not None:
            self.on_broken_pipe()

    def clear(self) -> None:
        """Drop references to JS objects and host closures (engine close)."""
        self._ops.clear()
        self._pieces.clear()
        self._piece_ops.clear()
        self._loaded.clear()
        self.js = self._run = None
