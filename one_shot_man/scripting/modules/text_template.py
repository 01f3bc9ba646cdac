"""`osm:text/template`: Go text/template for scripts (spec §5.3.6).

Workflows render their prompts with Go templates; users' templates written for the Go
original must render the same text here. Template objects live on the host (a handle
table freed when the JS object is garbage-collected); template functions written in JS
are called back through one JS trampoline, with JSON-encoded arguments and result.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

from one_shot_man.scripting.bridge import HostError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.gotemplate.template import Template
    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm) {
'use strict';
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry(function (id) { try { osm.call('tmpl.free', id); } catch (_) {} })
  : null;
function trampoline(fns) {
  return function (name, argsJson) {
    const fn = fns[name];
    const result = typeof fn === 'function' ? fn.apply(null, JSON.parse(argsJson)) : fn;
    return result === undefined ? 'null' : JSON.stringify(result);
  };
}
// Top-level string values of at least BIG characters (a prompt's txtar) cross to the host
// raw, and come back as references in the list of output pieces: one copy, not four.
const BIG = 1 << 20;
function bigValues(data) {
  if (data === null || typeof data !== 'object' || Object.getPrototypeOf(data) !== Object.prototype
      || typeof data.toJSON === 'function') return null;
  let names = null;
  for (const k of Object.keys(data)) {
    if (typeof data[k] === 'string' && data[k].length >= BIG) (names || (names = [])).push(k);
  }
  if (names === null) return null;
  const small = Object.assign({}, data), raw = [];
  for (const k of names) { raw.push(small[k]); delete small[k]; }
  return {small: small, names: names, raw: raw};
}
function run(op, first, data) {
  const big = bigValues(data);
  if (big === null) return osm.call(op, first, data === undefined ? null : data);
  const pieces = osm.callRaw(op + 'Pieces', [first, big.small, big.names], ...big.raw);
  return pieces.map(function (p) { return typeof p === 'number' ? big.raw[p] : p; }).join('');
}
function Template(id) {
  const self = this;
  const fns = Object.create(null);
  const tramp = trampoline(fns);
  this.name = function () { return osm.call('tmpl.name', id); };
  this.parse = function (text) { osm.call('tmpl.parse', id, String(text)); return self; };
  this.funcs = function (map) {
    if (map === null || typeof map !== 'object') throw new TypeError('funcs requires an object');
    const names = Object.keys(map);
    for (const n of names) fns[n] = map[n];
    osm.callRaw('tmpl.funcs', [id, names], tramp);
    return self;
  };
  this.delims = function (left, right) {
    osm.call('tmpl.delims', id, String(left), String(right));
    return self;
  };
  this.option = function (...opts) { osm.call('tmpl.option', id, opts.map(String)); return self; };
  this.execute = function (data) { return run('tmpl.execute', id, data); };
  if (registry !== null) registry.register(this, id);
}
exports.new = function (name) { return new Template(osm.call('tmpl.new', name === undefined ? '' : String(name))); };
exports.execute = function (text, data) {
  if (arguments.length < 1) throw new Error('execute requires at least 1 argument (template text)');
  return run('tmpl.once', String(text), data);
};
})
"""


def _js_function(trampoline: Any, name: str) -> Callable[..., Any]:
    def call(*args: Any) -> Any:
        return json.loads(trampoline(name, json.dumps(list(args), default=str)))

    call.__name__ = name
    return call


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    from one_shot_man.gotemplate import template as tmpl_mod

    templates: dict[int, Template] = {}
    counter = itertools.count(1)
    engine.on_close(templates.clear)
    engine.module_state["text/template"] = templates

    def get(tid: int) -> Template:
        try:
            return templates[tid]
        except KeyError:
            raise HostError("template has been released") from None

    def new(name: str) -> int:
        tid = next(counter)
        templates[tid] = tmpl_mod.Template(name)
        return tid

    def funcs(tid: int, names: list[str], trampoline: Any) -> None:
        get(tid).funcs({n: _js_function(trampoline, n) for n in names})

    def parse(tid: int, text: str) -> None:
        get(tid).parse(text)

    def delims(tid: int, left: str, right: str) -> None:
        template = get(tid)
        method = getattr(template, "delims", None)
        if method is None:
            raise HostError("delims is not supported by this template engine")
        method(left, right)

    def option(tid: int, opts: list[str]) -> None:
        get(tid).option(*opts)

    def execute(tid: int, data: object) -> str:
        return get(tid).execute(data)

    def once(text: str, data: object) -> str:
        return tmpl_mod.Template("template").parse(text).execute(data)

    def execute_pieces(
        tid: int, small: dict[str, Any], names: list[str], *big: str
    ) -> list[str | int]:
        return _by_reference(get(tid).execute_pieces(_with(small, names, big)), big)

    def once_pieces(
        text: str, small: dict[str, Any], names: list[str], *big: str
    ) -> list[str | int]:
        template = tmpl_mod.Template("template").parse(text)
        return _by_reference(template.execute_pieces(_with(small, names, big)), big)

    return {
        "tmpl.new": new,
        "tmpl.free": lambda tid: templates.pop(tid, None) and None,
        "tmpl.name": lambda tid: get(tid).name(),
        "tmpl.funcs": funcs,
        "tmpl.parse": parse,
        "tmpl.delims": delims,
        "tmpl.option": option,
        "tmpl.execute": execute,
        "tmpl.once": once,
        "tmpl.executePieces": execute_pieces,
        "tmpl.oncePieces": once_pieces,
    }


def _with(small: dict[str, Any], names: list[str], big: tuple[str, ...]) -> dict[str, Any]:
    data = dict(small)
    data.update(zip(names, big, strict=True))
    return data


def _by_reference(pieces: list[str], big: tuple[str, ...]) -> list[str | int]:
    """The output pieces with each big value replaced by its index, the text between joined."""
    index = {id(value): i for i, value in enumerate(big)}
    out: list[str | int] = []
    run: list[str] = []
    for piece in pieces:
        at = index.get(id(piece))
        if at is None:
            run.append(piece)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(at)
    if run:
        out.append("".join(run))
    return out
