"""`osm:nextIntegerId`: the next free integer id of a list of `{id}` items (spec §5.3.2)."""

from __future__ import annotations

JS = r"""(function (module) {
'use strict';
module.exports = function nextIntegerId(list) {
  if (arguments.length === 0) return 1;
  if (list === undefined || list === null) {
    throw new TypeError('Cannot convert undefined or null to object');
  }
  const obj = Object(list), n = obj.length;
  if (n === undefined) return 1;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const el = obj[i];
    if (el === undefined || el === null) {
      throw new TypeError('Cannot convert undefined or null to object');
    }
    const id = Math.trunc(Number(Object(el).id));
    if (id > max) max = id;
  }
  return max + 1;
};
})
"""
