"""The JavaScript half of the runtime, kept tiny because every Runtime parses it.

Parsing JavaScript costs about 2 us per line here, against a 150 us budget for a whole Runtime,
so the timers are Python functions behind a one-line type check (`BOOT_JS`), and `console` and
the rejection formatter are parsed only on first use (`CONSOLE_JS`, `DESCRIBE_JS`).
"""

from __future__ import annotations

__all__ = ["BOOT_JS", "CONSOLE_JS", "DESCRIBE_JS", "TIMER_FUNCTIONS", "TRACK_JS"]

#: Python-backed globals the runtime installs with `add_callable`.
TIMER_FUNCTIONS = (
    "setTimeout",
    "setInterval",
    "setImmediate",
    "clearTimeout",
    "clearInterval",
    "clearImmediate",
)

# Timers: each wrapper replaces the Python function of its name in place (a plain
# assignment keeps the property's attributes and its place in the global object; a
# `defineProperty` per wrapper cost ~5k instructions more each).
BOOT_JS = r"""(() => {
const g = globalThis;
for (const n of ['setTimeout', 'setInterval', 'setImmediate']) {
  const h = g[n];
  g[n] = {[n](f, ...a) {
    if (typeof f !== 'function') {
      throw new TypeError('The "callback" argument must be of type function');
    }
    return h(f, ...a);
  }}[n];
}
Object.defineProperty(g, 'console', {configurable: true, get: g.__rt_console,
  set(v) { Object.defineProperty(g, 'console', {value: v, writable: true, configurable: true}); }});
delete g.__rt_console;
})()"""

# `__rt_track.m` is the Map of unhandled rejections (promise -> reason) that `__rt_track`
# maintains. QuickJS's rejection tracker calls it from C (`_native`), so it must never call
# into Python; the tracker defines it at the first rejection of a runtime (most runtimes
# never see one: defining it at creation was ~22k instructions of every Runtime).
TRACK_JS = r"""(() => {
const g = globalThis, m = new Map;
Object.defineProperty(g, '__rt_track', {value(p, r, h) { h ? m.delete(p) : m.set(p, r); }});
Object.defineProperty(g.__rt_track, 'm', {value: m});
})()"""

# Node-like `inspect(value, depth, seen)`, shared by `console` and the rejection formatter.
_INSPECT_JS = r"""function inspect(v, depth, seen) {
  switch (typeof v) {
    case 'string': return depth === 0 ? v : "'" + v.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
    case 'function': return '[Function: ' + (v.name || 'anonymous') + ']';
    case 'symbol': case 'bigint': case 'number': case 'boolean': case 'undefined':
      return String(v);
  }
  if (v === null) return 'null';
  if (v instanceof Error) return v.stack ? String(v) + '\n' + v.stack.replace(/\n$/, '') : String(v);
  if (seen.indexOf(v) >= 0) return '[Circular]';
  if (depth > 2) return Array.isArray(v) ? '[Array]' : '[Object]';
  seen.push(v);
  let out;
  if (Array.isArray(v)) {
    out = v.length ? '[ ' + v.map(x => inspect(x, depth + 1, seen)).join(', ') + ' ]' : '[]';
  } else {
    const keys = Object.keys(v);
    out = keys.length ? '{ ' + keys.map(k => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k))
        + ': ' + inspect(v[k], depth + 1, seen)).join(', ') + ' }' : '{}';
  }
  seen.pop();
  return out;
}
"""

# Defines the real `console` (Node-like formatting) and returns it; `__rt_write(stream, text)`
# is the host writer, removed from the global scope here.
CONSOLE_JS = (
    r"""(() => {
'use strict';
const g = globalThis, host = g.__rt_write;
delete g.__rt_write;
"""
    + _INSPECT_JS
    + r"""function format(args) {
  let first = 0, text = '';
  if (typeof args[0] === 'string' && args.length > 1 && args[0].indexOf('%') >= 0) {
    let i = 1;
    text = args[0].replace(/%[sdifjoOc%]/g, function (m) {
      if (m === '%%') return '%';
      if (i >= args.length) return m;
      const a = args[i++];
      switch (m) {
        case '%s': return typeof a === 'string' ? a : inspect(a, 1, []);
        case '%d': case '%i': return String(m === '%i' ? parseInt(a) : Number(a));
        case '%f': return String(parseFloat(a));
        case '%j': try { return JSON.stringify(a); } catch (e) { return '[Circular]'; }
        case '%c': return '';
        default: return inspect(a, 1, []);
      }
    });
    first = i;
    for (; first < args.length; first++) text += ' ' + inspect(args[first], 0, []);
    return text;
  }
  return args.map(a => inspect(a, 0, [])).join(' ');
}
const out = function (stream) { return function () { host(stream, format([...arguments])); }; };
const c = {log: out(1), info: out(1), debug: out(1), warn: out(2), error: out(2)};
Object.defineProperty(g, 'console', {value: c, writable: true, configurable: true});
return c;
})()"""
)

# (rejections Map) -> JSON list of "first line\nstack" texts, emptying the map.
DESCRIBE_JS = (
    r"""(() => {
'use strict';
"""
    + _INSPECT_JS
    + r"""function describe(r) {
  let head, stack = '';
  try {
    // A value that is not an Error carries no stack: say what it was and how to get one.
    head = r instanceof Error ? String(r) : 'the promise was rejected with ' + inspect(r, 1, []) +
      ', not an Error, so there is no location (reject with new Error(...) to get one)';
    if (r instanceof Error && typeof r.stack === 'string') stack = r.stack;
  } catch (e) { head = 'Uncaught (unprintable value)'; }
  return head + '\n' + stack;
}
return function (m) {
  const list = [];
  for (const r of m.values()) list.push(describe(r));
  m.clear();
  return JSON.stringify(list);
};
})()"""
)
