"""`osm:unicodetext`: monospace display width and truncation (spec §5.3.7).

Terminal layouts need the number of columns a string takes: East-Asian wide characters
and emoji take two, combining marks none, and an emoji sequence joined by ZWJ counts once.
Grapheme clusters are approximated (base + combining marks, variation selectors, ZWJ
sequences, regional-indicator pairs), which is what terminals render in practice.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from one_shot_man.scripting.bridge import HostError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm) {
'use strict';
exports.width = function width(s) { return osm.call('unicodetext.width', String(s)); };
exports.truncate = function truncate(s, max, tail) {
  if (arguments.length < 2) throw new TypeError('truncate requires at least 2 arguments');
  return osm.call('unicodetext.truncate', String(s), Math.trunc(Number(max)),
    tail === undefined ? '...' : String(tail));
};
})
"""

_ZWJ = "\u200d"


def _is_extender(ch: str) -> bool:
    if ch == _ZWJ or "\ufe00" <= ch <= "\ufe0f" or "\U0001f3fb" <= ch <= "\U0001f3ff":
        return True
    return unicodedata.category(ch) in ("Mn", "Me", "Mc")


def _is_regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def graphemes(text: str) -> list[str]:
    """Approximate extended grapheme clusters of `text`."""
    clusters: list[str] = []
    for ch in text:
        if clusters:
            last = clusters[-1]
            if _is_extender(ch) or last.endswith(_ZWJ):
                clusters[-1] = last + ch
                continue
            if _is_regional(ch) and len(last) == 1 and _is_regional(last):
                clusters[-1] = last + ch
                continue
        clusters.append(ch)
    return clusters


def _cluster_width(cluster: str) -> int:
    first = cluster[0]
    if unicodedata.category(first) in ("Cc", "Cf", "Mn", "Me"):
        return 0
    if _is_regional(first) or "\ufe0f" in cluster:
        return 2
    if unicodedata.east_asian_width(first) in ("W", "F"):
        return 2
    return 1


def width(text: str) -> int:
    return sum(_cluster_width(c) for c in graphemes(text))


def truncate(text: str, max_width: int, tail: str = "...") -> str:
    if width(text) <= max_width:
        return text
    tail_width = width(tail)
    if tail_width > max_width:
        return tail
    budget = max_width - tail_width
    out: list[str] = []
    used = 0
    for cluster in graphemes(text):
        w = _cluster_width(cluster)
        if used + w > budget:
            break
        out.append(cluster)
        used += w
    return "".join(out) + tail


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    def _truncate(text: str, max_width: Any, tail: str) -> str:
        if not isinstance(max_width, int):
            raise HostError("truncate: maxWidth must be a number", "TypeError")
        return truncate(text, max_width, tail)

    return {"unicodetext.width": width, "unicodetext.truncate": _truncate}
