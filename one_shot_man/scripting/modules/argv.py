"""`osm:argv`: shell-like splitting and joining of argument lists (spec §5.3.1)."""

from __future__ import annotations

from collections.abc import Callable

from one_shot_man.argv import parse_argv

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm) {
'use strict';
exports.parseArgv = function parseArgv(s) {
  if (typeof s !== 'string') throw new TypeError('parseArgv: argument must be a string');
  return osm.call('argv.parse', s);
};
exports.formatArgv = function formatArgv(a) {
  if (a === undefined || a === null) return '';
  if (!Array.isArray(a)) return String(a);
  if (!a.every(function (x) { return typeof x === 'string'; })) {
    return a.map(function (x) { return String(x); }).join(' ');
  }
  return a.map(function (x) {
    return (x === '' || /\s/.test(x)) ? '"' + x.replace(/"/g, '\\"') + '"' : x;
  }).join(' ');
};
})
"""


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    return {"argv.parse": parse_argv}
