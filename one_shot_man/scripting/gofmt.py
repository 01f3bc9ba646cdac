"""Go `fmt`-style formatting (`Sprintf`, `Sprint`) for values that come from JavaScript.

osm's scripts call `ctx.logf`, `output.printf`, `log.printf` and template `printf`
with Go verbs (`%s %d %v %q %5.2f ...`); users' scripts written for the Go original
must print the same text here. Values are the Python forms of JS values: str, int,
float, bool, None, list and dict.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

_FLAGS = "+-# 0"


def go_type_name(value: object) -> str:
    """The Go type a JS value is exported as, for `%!verb(type=value)` messages."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    return type(value).__name__


def format_value(value: object, plus: bool = False) -> str:
    """Go's `%v` rendering."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _format_g(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(format_value(v, plus) for v in value) + "]"
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda kv: str(kv[0]))
        return (
            "map[" + " ".join(f"{format_value(k)}:{format_value(v, plus)}" for k, v in items) + "]"
        )
    return str(value)


def _format_g(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    if exponent < -4 or exponent >= 21:
        text = repr(value)
        if "e" not in text:
            text = f"{value:e}"
        mantissa, _, exp = text.partition("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        sign = "-" if exp.startswith("-") else "+"
        digits = exp.lstrip("+-").lstrip("0").rjust(2, "0")
        return f"{mantissa}e{sign}{digits}"
    text = repr(value)
    if "e" in text:
        text = f"{value:f}".rstrip("0").rstrip(".")
    if text.endswith(".0"):
        text = text[:-2]
    return text


def sprint(*args: object) -> str:
    """Go `fmt.Sprint`: a space only between two adjacent operands that are not strings."""
    out: list[str] = []
    prev_string = True
    for i, arg in enumerate(args):
        is_string = isinstance(arg, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(format_value(arg))
        prev_string = is_string
    return "".join(out)


def sprintf(fmt: str, *args: object) -> str:
    """Go `fmt.Sprintf` for the verbs scripts use, with Go's error markers."""
    return _Formatter(fmt, args).run()


class _Formatter:
    def __init__(self, fmt: str, args: Sequence[object]) -> None:
        self.fmt = fmt
        self.args = args
        self.arg_index = 0
        self.out: list[str] = []

    def run(self) -> str:
        fmt = self.fmt
        n = len(fmt)
        i = 0
        while i < n:
            pct = fmt.find("%", i)
            if pct < 0:
                self.out.append(fmt[i:])
                break
            self.out.append(fmt[i:pct])
            i = self._directive(pct + 1)
        if self.arg_index < len(self.args):
            extra = ", ".join(
                f"{go_type_name(a)}={format_value(a)}" for a in self.args[self.arg_index :]
            )
            self.out.append(f"%!(EXTRA {extra})")
        return "".join(self.out)

    def _directive(self, i: int) -> int:
        fmt = self.fmt
        n = len(fmt)
        flags = ""
        while i < n and fmt[i] in _FLAGS:
            flags += fmt[i]
            i += 1
        width, i = self._number(i)
        precision = None
        if i < n and fmt[i] == ".":
            precision, i = self._number(i + 1)
            if precision is None:
                precision = 0
        if i >= n:
            self.out.append("%!(NOVERB)")
            return i
        verb = fmt[i]
        i += 1
        if verb == "%":
            self.out.append("%")
            return i
        if self.arg_index >= len(self.args):
            self.out.append(f"%!{verb}(MISSING)")
            return i
        arg = self.args[self.arg_index]
        self.arg_index += 1
        text = self._convert(verb, arg, flags, precision)
        self.out.append(_pad(text, width, flags, numeric=_is_number(arg) and verb in "dfeEgGxXob"))
        return i

    def _number(self, i: int) -> tuple[int | None, int]:
        fmt = self.fmt
        start = i
        while i < len(fmt) and fmt[i].isdigit():
            i += 1
        if i == start:
            if i < len(fmt) and fmt[i] == "*" and self.arg_index < len(self.args):
                value = self.args[self.arg_index]
                self.arg_index += 1
                return (int(value) if isinstance(value, (int, float)) else None), i + 1
            return None, i
        return int(fmt[start:i]), i

    def _convert(self, verb: str, arg: object, flags: str, precision: int | None) -> str:
        if verb == "v":
            return format_value(arg, plus="+" in flags)
        if verb == "T":
            return go_type_name(arg)
        if arg is None:
            return f"%!{verb}(<nil>)"
        if verb == "s":
            if isinstance(arg, (str, list, tuple, dict, bool)):
                text = format_value(arg)
                if isinstance(arg, bool):
                    return f"%!s(bool={text})"
                return text if precision is None else text[:precision]
            return f"%!s({go_type_name(arg)}={format_value(arg)})"
        if verb == "q":
            if isinstance(arg, str):
                return json.dumps(arg, ensure_ascii=False)
            if isinstance(arg, int) and not isinstance(arg, bool):
                return "'" + chr(arg) + "'"
            return self._bad(verb, arg)
        if verb == "t":
            return ("true" if arg else "false") if isinstance(arg, bool) else self._bad(verb, arg)
        integral = _as_int(arg)
        if verb in "dboxXc":
            if isinstance(arg, str) and verb in "xX":
                text = arg.encode().hex()
                return text.upper() if verb == "X" else text
            if integral is None:
                return self._bad(verb, arg)
            if verb == "d":
                text = str(integral)
                return "+" + text if "+" in flags and integral >= 0 else text
            if verb == "c":
                return chr(integral)
            if verb == "b":
                return format(integral, "b")
            if verb == "o":
                return format(integral, "o")
            text = format(integral, "x" if verb == "x" else "X")
            return ("0x" if verb == "x" else "0X") + text if "#" in flags else text
        if verb in "feEgG":
            if not _is_number(arg):
                return self._bad(verb, arg)
            value = float(arg)  # type: ignore[arg-type]
            sign = "+" if "+" in flags and value >= 0 else ""
            if verb in "gG" and precision is None:
                return sign + _format_g(value)
            prec = 6 if precision is None else precision
            return sign + format(value, f".{prec}{verb}")
        return f"%!{verb}({go_type_name(arg)}={format_value(arg)})"

    @staticmethod
    def _bad(verb: str, arg: object) -> str:
        return f"%!{verb}({go_type_name(arg)}={format_value(arg)})"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _as_int(value: object) -> int | None:
    """JS numbers arrive as float; an integral float prints with %d like Go's int64."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _pad(text: str, width: int | None, flags: str, numeric: bool) -> str:
    if width is None or len(text) >= width:
        return text
    if "-" in flags:
        return text.ljust(width)
    if "0" in flags and numeric:
        sign = text[0] if text[:1] in "+-" else ""
        return sign + text[len(sign) :].rjust(width - len(sign), "0")
    return text.rjust(width)
