"""JavaScript's `String(value)` for the Python forms of JS values.

Values cross from QuickJS as str, int, float, bool, None, list and dict; wherever osm
shows such a value as text the way a script would see it (`formatArgv` of non-strings,
prompt labels and payloads), it is this conversion.
"""

from __future__ import annotations

import math

# What `collections.abc.Mapping` is; `_collections_abc` is loaded with `os`, and importing
# `collections.abc` costs ~7 M instructions of `osm prompt`.
from _collections_abc import Mapping

__all__ = ["js_string"]


def js_string(value: object) -> str:
    """JavaScript's `String(value)` for the Python forms of JS values (None → `null`)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return repr(value)
    if isinstance(value, (list, tuple)):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)
