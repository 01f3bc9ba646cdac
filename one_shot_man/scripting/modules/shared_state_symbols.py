"""`osm:sharedStateSymbols`: the symbols of state shared across commands (spec §5.3.9).

Requiring it registers each symbol with the `tui.createState` shim, so a workflow's
`contextItems` land under the canonical shared key that every workflow reads.
"""

from __future__ import annotations

#: Shared state keys and their symbol descriptions.
SHARED_KEYS = {"contextItems": "osm:shared/contextItems"}

JS = r"""(function (module, exports, osm) {
'use strict';
if (!osm.registerSharedSymbol) void globalThis.tui;
const keys = %s;
for (const key of Object.keys(keys)) {
  const sym = Symbol(keys[key]);
  osm.registerSharedSymbol(sym, key);
  exports[key] = sym;
}
})
""".replace("%s", '{"contextItems": "osm:shared/contextItems"}')
