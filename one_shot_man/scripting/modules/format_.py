"""`osm:format`: the number and size figures of the copy summary, for scripts.

The Go original's later API: `formatNum(n)` (`1,234`, `50.0k`) and `formatBytes(n)`
(`512 B`, `2.0 kB`). Arguments go through JavaScript's ToInteger (undefined, null and
NaN read 0), and the figures come from `one_shot_man.sizeformat`, the same code that
prints the summary after every copy.
"""

from __future__ import annotations

from collections.abc import Callable

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm) {
'use strict';
const LIMIT = 9223372036854775807;  // Go's int64, where the original clamps
function int(args) {
  const n = Number(args.length ? args[0] : 0);
  if (Number.isNaN(n)) return 0;
  return Math.max(-LIMIT, Math.min(LIMIT, Math.trunc(n)));
}
exports.formatNum = function formatNum(...a) { return osm.call('format.num', int(a)); };
exports.formatBytes = function formatBytes(...a) { return osm.call('format.bytes', int(a)); };
})
"""


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    from one_shot_man.sizeformat import format_bytes, format_num

    return {"format.num": format_num, "format.bytes": format_bytes}
