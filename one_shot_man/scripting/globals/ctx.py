"""The `ctx` global: a testing-style execution context for each script and REPL command.

Scripts (and the built-in workflows) wrap their set-up in `ctx.run("register-mode", ...)`
and clean up with `ctx.defer(...)`, so a failure anywhere is reported with the name of
the step that failed and makes the command fail (spec §4.4). Everything but the text
formatting and the writing lives in JavaScript: it only juggles JS closures.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO

#: Message of the error returned when any context step failed.
CONTEXT_FAILED = "test context failed"

CTX_JS = r"""(function (osm) {
'use strict';
const g = globalThis;
class OsmFatal extends Error {
  constructor() { super('test failed'); this.name = 'OsmFatal'; }
}
function errText(e) {
  if (e instanceof Error) {
    const loc = osm.errorLocation(e);
    return String(e) + (loc ? ' at ' + loc : '');
  }
  try { return String(e); } catch (_) { return 'unknown error'; }
}
function emit(st, kind, f, args) { osm.call('ctx.emit', st.name, kind, f, args); }
function fail(st, text) { st.failed = true; emit(st, 'error', '%s', [text]); }
function runDeferred(st) {
  const defers = st.defers;
  st.defers = [];
  for (let i = defers.length - 1; i >= 0; i--) {
    try { defers[i](); } catch (e) {
      if (e instanceof OsmFatal) fail(st, 'Deferred function panicked: test failed');
      else fail(st, 'Deferred function failed: ' + errText(e));
    }
  }
}
function makeCtx(name) {
  const st = {name: name, failed: false, defers: []};
  const c = {
    run(subName, fn) {
      subName = String(subName);
      if (typeof fn !== 'function') throw new TypeError('ctx.run: second argument must be a function');
      const sub = makeCtx(st.name + '/' + subName), sst = osm.ctxState(sub);
      const parent = g.ctx;
      osm.define('ctx', sub);
      try {
        try { fn(); } catch (e) {
          if (e instanceof OsmFatal) fail(sst, 'Test panicked: test failed');
          else fail(sst, 'Test failed: ' + errText(e));
        }
        runDeferred(sst);
      } finally { osm.define('ctx', parent); }
      if (sst.failed) { fail(st, 'Sub-test ' + subName + ' failed'); return false; }
      emit(st, 'log', 'Sub-test %s passed', [subName]);
      return true;
    },
    defer(fn) {
      if (typeof fn !== 'function') throw new TypeError('ctx.defer: argument must be a function');
      st.defers.push(fn);
    },
    log(...args) { emit(st, 'log', null, args); },
    logf(f, ...args) { emit(st, 'log', String(f), args); },
    error(...args) { st.failed = true; emit(st, 'error', null, args); },
    errorf(f, ...args) { st.failed = true; emit(st, 'error', String(f), args); },
    fatal(...args) { c.error(...args); throw new OsmFatal(); },
    fatalf(f, ...args) { c.errorf(f, ...args); throw new OsmFatal(); },
    failed() { return st.failed; },
    name() { return st.name; },
  };
  osm.internal(c, 'ctx.');
  states.set(c, st);
  return c;
}
const states = new WeakMap();
osm.errorLocation = function (e) {
  const stack = typeof e.stack === 'string' ? e.stack : '';
  return stack ? osm.call('error.where', stack, osm.scriptName || '<input>', 0) : '';
};
osm.ctxState = function (c) { return states.get(c); };
osm.Ctx = makeCtx;
osm.OsmFatal = OsmFatal;
osm.errText = errText;
osm.runDeferred = runDeferred;
// The script's root context, made by SCRIPT_JS's `beginScript` or on the script's first use
// of `ctx`, and finished by its `endScript`.
osm.startRoot = function () {
  osm.rootCtx = makeCtx(osm.scriptName);
  return osm.define('ctx', osm.rootCtx);
};
osm.endRoot = function (root) {
  const st = states.get(root);
  runDeferred(st);
  return st.failed ? 'failed' : 'ok';
};
osm.isFatal = function (e) { return e instanceof OsmFatal; };
})(globalThis.__osm);
"""

#: Starts and ends each script. `ctx` is made eagerly once the (3 KB) `ctx` piece is loaded;
#: before that it is a getter that loads the piece on first use, so a script that never
#: touches `ctx` does not parse it (~2 M instructions, a tenth of `osm script`'s start-up).
#: An untouched root context has no deferred functions and cannot have failed: 'ok'.
SCRIPT_JS = r"""(function (osm) {
'use strict';
const g = globalThis;
osm.beginScript = function (name, dir) {
  osm.scriptDir = dir;
  osm.scriptName = name;
  osm.rootCtx = null;
  if (osm.startRoot) { osm.startRoot(); return; }
  Object.defineProperty(g, 'ctx', {configurable: true,
    get: function osm$ctx() {
      if (!osm.startRoot) osm.load('ctx');
      return osm.startRoot();
    },
    set(v) { osm.define('ctx', v); }});
};
osm.endScript = function () {
  const root = osm.rootCtx;
  osm.rootCtx = null;
  return root ? osm.endRoot(root) : 'ok';
};
})(globalThis.__osm);
"""


def where(stack: str, name: str, column_shift: int) -> str:
    """`error.where`: the user's `file:line:col` in a JS stack (one parser, in Python)."""
    from one_shot_man.scripting.errors import js_where

    return js_where(stack, name, column_shift)


def ctx_ops(
    stdout: Callable[[], TextIO], stderr: Callable[[], TextIO], test_mode: Callable[[], bool]
) -> dict[str, Callable[..., Any]]:
    """Host operations behind `ctx.log*`/`ctx.error*` (Go formatting and the writing) and
    `error.where` (locations in JS stacks, for `ctx` and `require`)."""

    def emit(name: str, kind: str, fmt: str | None, args: list[Any]) -> None:
        # Go formatting lives with the template engine; loaded on the first ctx.log call.
        from one_shot_man.gotemplate.formatting import sprint, sprintf

        message = sprintf(fmt, *args) if fmt is not None else sprint(*args)
        if kind == "error":
            stream = stderr()
            stream.write(f"[{name}] ERROR: {message}\n")
            stream.flush()
        elif test_mode():
            stream = stdout()
            stream.write(f"[{name}] {message}\n")
            stream.flush()

    return {"ctx.emit": emit, "error.where": where}
