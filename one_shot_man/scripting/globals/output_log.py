"""The small host globals: `output` and `log` (spec §5.1, §11); `console` is the Runtime's.

`output` is what a user reads (it goes through the logger's user channel, which the
interactive shell redirects); `log` is the searchable application log.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

OUTPUT_JS = r"""(function (osm) {
'use strict';
// A big text goes out in raw slices of CHUNK characters (never splitting a surrogate
// pair), so printing a 50 MB prompt holds no second copy of it on the host.
const CHUNK = 1 << 20;
function printBig(s) {
  for (let i = 0; i < s.length;) {
    let end = Math.min(i + CHUNK, s.length);
    const c = s.charCodeAt(end - 1);
    if (end < s.length && c >= 0xD800 && c <= 0xDBFF) end -= 1;
    osm.callRaw('output.printPart', [end === s.length], s.substring(i, end));
    i = end;
  }
}
osm.define('output', osm.internal({
  print(text) {
    const s = text === undefined ? '' : String(text);
    if (s.length > CHUNK) printBig(s); else osm.call('output.print', s);
  },
  printf(format, ...args) { osm.call('output.printf', String(format), args); },
}, 'output.'));
})(globalThis.__osm);
"""

LOG_JS = r"""(function (osm) {
'use strict';
function attrs(list) {
  const out = [];
  for (const a of list) if (a !== null && typeof a === 'object') out.push(a);
  return out;
}
function level(n) {
  return function (msg, ...rest) {
    osm.call('log.log', n, msg === undefined ? '' : String(msg), attrs(rest));
  };
}
osm.define('log', osm.internal({
  debug: level(-4), info: level(0), warn: level(4), error: level(8),
  printf(format, ...args) { osm.call('log.printf', String(format), args); },
  getLogs(n) { return osm.call('log.get', typeof n === 'number' ? Math.trunc(n) : 0); },
  clearLogs() { osm.call('log.clear'); },
  searchLogs(query) { return osm.call('log.search', String(query)); },
}, 'log.'));
})(globalThis.__osm);
"""


def _sprintf(fmt: str, args: list[Any]) -> str:
    # Go formatting lives with the template engine; loaded on the first printf call.
    from one_shot_man.gotemplate.formatting import sprintf

    return sprintf(fmt, *args)


def output_ops(
    print_to_user: Callable[[str], None], write_to_user: Callable[[bool, str], None]
) -> dict[str, Callable[..., Any]]:
    def printf(fmt: str, args: list[Any]) -> None:
        print_to_user(_sprintf(fmt, args))

    return {
        "output.print": print_to_user,
        "output.printf": printf,
        "output.printPart": write_to_user,
    }


def log_ops(logger: Any) -> dict[str, Callable[..., Any]]:
    def log(level: int, message: str, attrs: list[dict[str, Any]]) -> None:
        merged: dict[str, Any] = {}
        for item in attrs:
            if isinstance(item, dict):
                merged.update(item)
        logger.log(level, message, merged)

    def printf(fmt: str, args: list[Any]) -> None:
        logger.info(_sprintf(fmt, args))

    return {
        "log.log": log,
        "log.printf": printf,
        "log.get": lambda n=0: [e.to_js() for e in logger.get_logs(int(n or 0))],
        "log.clear": logger.clear_logs,
        "log.search": lambda q: [e.to_js() for e in logger.search_logs(q)],
    }
