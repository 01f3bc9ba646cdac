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

import json
from collections.abc import Callable, Iterable

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    HostFunction = Callable[..., Any]

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
""".replace("LAZY_GLOBALS", json.dumps(list(LAZY_GLOBALS)))

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
function osm$callRaw(op, args, ...raw) {
  return osm$unpack(host(op, JSON.stringify(args), ...raw));
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
const osm = {call: osm$call, callRaw: osm$callRaw, define: define, load: osm$load,
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


def _encode(value: Any) -> str:
    # ASCII-only JSON: a lone surrogate (an undecodable file name) must not break the call.
    return json.dumps({"v": value}, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def error_text(exc: BaseException) -> str:
    """The message a JS caller sees for a Python failure (Go's error text, no class name)."""
    text = str(exc)
    if text:
        return text
    return type(exc).__name__


class HostBridge:
    """The table of host operations and the one callable QuickJS sees."""

    def __init__(self) -> None:
        self._ops: dict[str, HostFunction] = {}
        self._pieces: dict[str, Callable[[], str]] = {}
        self._loaded: set[str] = set()
        self.js: Any = None  # the `_quickjs.Context`, set by `install` on the owner thread
        #: Set when Ctrl-C interrupted a host function; the engine turns it back into
        #: KeyboardInterrupt after the script.
        self.interrupted = False

    def register(self, name: str, fn: HostFunction) -> None:
        self._ops[name] = fn

    def register_many(
        self, ops: dict[str, HostFunction] | Iterable[tuple[str, HostFunction]]
    ) -> None:
        items = ops.items() if isinstance(ops, dict) else ops
        for name, fn in items:
            self._ops[name] = fn

    def has(self, name: str) -> bool:
        return name in self._ops

    def add_piece(self, name: str, source: Callable[[], str]) -> None:
        """A lazily evaluated chunk of JavaScript, loaded by `__osm.load(name)`."""
        self._pieces[name] = source

    def install(self, js: Any) -> None:
        """Add the dispatcher and evaluate the prelude. Must run on the owner thread."""
        self.js = js
        js.add_callable("__osm_host", self.dispatch)
        js.eval(PRELUDE_JS)

    def load_piece(self, name: str) -> None:
        """Evaluate piece `name` once (after `core`); on the owner thread."""
        if name in self._loaded:
            return
        if name != "core" and "core" not in self._loaded:
            self.js.eval(CORE_JS)
            self._loaded.add("core")
        if name == "core":
            return
        source = self._pieces.get(name)
        if source is None:
            raise HostError(f"unknown engine piece: {name}")
        self.js.eval(source())
        self._loaded.add(name)

    def dispatch(self, op: str, payload: str = "[]", *raw: Any) -> str:
        """Run host operation `op`; NEVER raises (the binding cannot carry a Python error)."""
        try:
            if op == "load":
                self.load_piece(json.loads(payload)[0])
                return ""
            fn = self._ops[op]
            args = json.loads(payload) if payload else []
            result = fn(*args, *raw)
            if result is None:
                return ""
            return _encode(result)
        except HostError as exc:
            return json.dumps({"e": error_text(exc), "t": exc.js_type})
        except KeyError as exc:
            if op not in self._ops and op != "load":
                message = f"unknown host operation: {op}"
            else:
                message = f"key error: {exc}"
            return json.dumps({"e": message, "t": "Error"})
        except KeyboardInterrupt:
            # Ctrl-C while a host function ran (e.g. `sleep`): the JS call fails, and the
            # engine re-raises KeyboardInterrupt once the script has unwound.
            self.interrupted = True
            return json.dumps({"e": "interrupted", "t": "Error"})
        except BaseException as exc:
            return json.dumps({"e": error_text(exc), "t": "Error"})

    def clear(self) -> None:
        """Drop references to JS objects and host closures (engine close)."""
        self._ops.clear()
        self._pieces.clear()
        self._loaded.clear()
        self.js = None
