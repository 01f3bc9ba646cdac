"""`dumps`/`loads` that give exactly `json.dumps(obj)`/`json.loads(text)`, without importing `re`.

The scripting layer speaks JSON on every host call, and `import json` costs ~6 ms at start-up
here because its pure-Python halves compile regular expressions (`re` pulls in `enum`,
`functools` and `collections`): more than a third of `osm script`'s own start-up. Both
directions are done by CPython's C accelerator `_json` anyway; this module drives it directly
with json's default settings (ASCII output, `", "`/`": "` separators, NaN allowed, strict
strings). Errors and anything unusual (a BOM, trailing data, an unsupported type) are handed
to the real `json`, so messages and exception types stay json's own.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["dumps", "loads"]

try:
    from _json import encode_basestring_ascii as _encode_str
    from _json import make_encoder as _make_encoder
    from _json import make_scanner as _make_scanner
except ImportError:  # pragma: no cover - an interpreter without the accelerator
    # Both are classes in typeshed; None marks an interpreter that has no accelerator.
    _make_encoder = _make_scanner = None  # type: ignore[misc, assignment]

_WHITESPACE = " \t\n\r"


def _no_default(value: Any) -> Any:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


def dumps(value: object, default: Callable[[object], object] | None = None) -> str:
    """`json.dumps(value, default=default)` with json's other defaults."""
    if isinstance(value, str):
        return _encode_str(value)
    encoder = _make_encoder(
        {}, default or _no_default, _encode_str, None, ": ", ", ", False, False, True
    )
    return "".join(encoder(value, 0))


class _Settings:
    """The attributes `_json.make_scanner` reads (json.JSONDecoder's defaults)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]


# typeshed types the argument as another scanner; the C code reads only these attributes.
_scan = _make_scanner(_Settings) if _make_scanner is not None else None  # type: ignore[arg-type]


def loads(text: str) -> Any:
    """`json.loads(text)` for a str."""
    if _scan is not None and isinstance(text, str) and not text.startswith("\ufeff"):
        start = len(text) - len(text.lstrip(_WHITESPACE))
        try:
            value, end = _scan(text, start)
        except StopIteration:
            pass
        else:
            if not text[end:].strip(_WHITESPACE):
                return value
    import json

    return json.loads(text)


if _make_encoder is None:  # pragma: no cover
    from json import dumps as _json_dumps

    # json.loads accepts bytes as well; callers here pass str only.
    from json import loads as loads  # type: ignore[assignment]

    def dumps(value: object, default: Callable[[object], object] | None = None) -> str:
        return _json_dumps(value, default=default)
