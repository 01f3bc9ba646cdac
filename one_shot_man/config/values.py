"""Parsers for the value types a config file can hold: bool, int, duration, path list.

The Go original parses with `strconv.Atoi`, `time.ParseDuration` and two different
boolean grammars; users move config files between the two programs, so these parsers
accept exactly what Go accepts. They are pure functions with no imports beyond `os`,
because `one_shot_man.config` is imported on every `osm` start.
"""

from __future__ import annotations

import os

__all__ = [
    "parse_bool",
    "parse_duration",
    "parse_go_bool",
    "parse_int",
    "parse_path_list",
    "quote",
]

_TRUE = frozenset(("true", "1", "yes", "on"))
_FALSE = frozenset(("false", "0", "no", "off"))
_GO_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_GO_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))

_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1

# Nanoseconds per unit, as Go's time.ParseDuration knows them (both micro signs).
_UNITS = {
    "ns": 1,
    "us": 1_000,
    "\u00b5s": 1_000,
    "\u03bcs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DIGITS = "0123456789"


#: Defaults of the scripting keys, read on every engine start. The schema declares them
#: from here, so the engine need not build the whole schema to know them.
SCRIPT_EVAL_TIMEOUT_DEFAULT = "30s"
SCRIPT_MEMORY_LIMIT_MB_DEFAULT = "512"


def parse_bool(value: str) -> bool:
    """Parse the config file's bool (`true 1 yes on` / `false 0 no off`, any case).

    Raises ValueError for anything else, including the empty string, so a typo is
    reported instead of silently meaning false.
    """
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"invalid boolean value: {value!r}")


def parse_go_bool(value: str) -> bool:
    """Parse with Go's `strconv.ParseBool` grammar, used by the discovery keys."""
    if value in _GO_TRUE:
        return True
    if value in _GO_FALSE:
        return False
    raise ValueError(f"invalid syntax: {value!r}")


def parse_int(value: str) -> int:
    """Parse a decimal int64 like Go's `strconv.Atoi` (optional sign, ASCII digits only).

    Python's `int()` also accepts spaces, underscores and non-ASCII digits; Go does not,
    and a value Go rejects must be rejected here too.
    """
    digits = value[1:] if value[:1] in ("+", "-") else value
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"invalid integer value: {value!r}")
    result = int(value)
    if result < _INT64_MIN or result > _INT64_MAX:
        raise ValueError(f"integer value out of range: {value!r}")
    return result


def parse_duration(value: str) -> int:
    """Parse Go duration syntax (`300ms`, `1.5h`, `2h45m`, `-1s`) into nanoseconds.

    Units are ns, us/µs, ms, s, m, h; a bare number is an error except `0`. Raises
    ValueError naming the value for anything Go's `time.ParseDuration` rejects.
    """
    s = value
    negative = False
    if s and s[0] in "+-":
        negative = s[0] == "-"
        s = s[1:]
    if s == "0":
        return 0
    if not s:
        raise ValueError(f"invalid duration: {value!r}")
    total = 0
    i = 0
    while i < len(s):  # one `<number><unit>` component per round
        whole, frac, scale, i = _duration_number(s, i, value)
        unit, i = _duration_unit(s, i, value)
        total += whole * unit
        if frac:
            total += int(frac * (unit / scale))
        if total > 1 << 63:
            raise ValueError(f"invalid duration: {value!r}")
    if negative:
        return -total
    if total > _INT64_MAX:
        raise ValueError(f"invalid duration: {value!r}")
    return total


def _digits_end(s: str, i: int) -> int:
    while i < len(s) and s[i] in _DIGITS:
        i += 1
    return i


def _duration_number(s: str, i: int, value: str) -> tuple[int, int, int, int]:
    """`(whole, fraction, 10**fraction digits, end)` of the number at i (`1`, `1.5`, `.5`)."""
    if s[i] != "." and s[i] not in _DIGITS:
        raise ValueError(f"invalid duration: {value!r}")
    end = _digits_end(s, i)
    whole = int(s[i:end]) if end > i else 0
    has_whole = end > i
    frac, scale = 0, 1
    if end < len(s) and s[end] == ".":
        start = end + 1
        end = _digits_end(s, start)
        if end > start:
            frac, scale = int(s[start:end]), 10 ** (end - start)
        elif not has_whole:  # a lone "."
            raise ValueError(f"invalid duration: {value!r}")
    return whole, frac, scale, end


def _duration_unit(s: str, i: int, value: str) -> tuple[int, int]:
    """Nanoseconds per unit of the unit name at i, and the position after it."""
    end = i
    while end < len(s) and s[end] != "." and s[end] not in _DIGITS:
        end += 1
    if end == i:
        raise ValueError(f"missing unit in duration: {value!r}")
    unit = _UNITS.get(s[i:end])
    if unit is None:
        raise ValueError(f"unknown unit {s[i:end]!r} in duration: {value!r}")
    return unit, end


def parse_path_list(value: str) -> list[str]:
    """Split a path list on `,` and the OS list separator; trim parts, drop empty ones."""
    if os.pathsep != ",":
        value = value.replace(os.pathsep, ",")
    return [part for part in (p.strip() for p in value.split(",")) if part]


def quote(value: str) -> str:
    """Double-quote a value for a message, as Go's %q does for printable text."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    return f'"{escaped}"'
