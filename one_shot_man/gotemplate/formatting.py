"""Go `fmt` formatting for the template engine: `%v` printing, `Sprint`, `Sprintln`, `Sprintf`.

Templates print values exactly as Go's `fmt` would print the values osm (Go) received from
JavaScript, so prompts render byte-for-byte alike. Python values map to Go kinds: None ->
nil, bool, int, float -> float64 (an integral float prints as an integer, because goja
exports integral JS numbers as int64), str -> string, list/tuple -> slice, dict -> map
(sorted keys, as Go prints maps).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from one_shot_man.gotemplate.lexer import go_quote, is_printable

_INT64 = 2**63


def go_type_name(value: object) -> str:
    """The Go type name used by `%T` and by `%!verb(type=value)` markers."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, complex):
        return "complex128"
    if isinstance(value, (list, tuple)):
        return "[]interface {}"
    if isinstance(value, dict):
        return "map[string]interface {}"
    if callable(value):
        return "func"
    return type(value).__name__


def as_int(value: object) -> int | None:
    """An int, or an integral float within int64 (how goja exports JS numbers); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer() and -_INT64 <= value < _INT64:
        return int(value)
    return None


def _sorted_items(d: dict) -> list:  # type: ignore[type-arg]
    try:
        return sorted(d.items())
    except TypeError:
        return sorted(d.items(), key=lambda kv: (type(kv[0]).__name__, str(kv[0])))


def format_float_g(f: float, prec: int = -1, upper: bool = False) -> str:
    """`strconv.FormatFloat(f, 'g', prec, 64)`: shortest digits when prec < 0."""
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if math.isnan(f):
        return "NaN"
    text = format(f, f".{max(prec, 1)}g") if prec >= 0 else _shortest_g(f)
    return text.upper() if upper else text


def _shortest_g(f: float) -> str:
    if f == 0:
        return "-0" if math.copysign(1.0, f) < 0 else "0"
    r = repr(abs(f))
    mant, _, exp_s = r.partition("e")
    exp10 = int(exp_s) if exp_s else 0
    int_part, _, frac = mant.partition(".")
    if frac == "0":
        frac = ""
    digits = (int_part + frac).lstrip("0")
    # decimal point position relative to the start of `digits`
    lead_zeros = len(int_part + frac) - len((int_part + frac).lstrip("0"))
    dp = len(int_part) - lead_zeros + exp10
    digits = digits.rstrip("0") or "0"
    sign = "-" if f < 0 else ""
    exp = dp - 1
    if exp < -4 or exp >= 6:  # Go: shortest 'g' switches to %e at the same bounds as %g
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        es = "-" if exp < 0 else "+"
        return f"{sign}{body}e{es}{abs(exp):02d}"
    if dp <= 0:
        return sign + "0." + "0" * (-dp) + digits
    if dp >= len(digits):
        return sign + digits + "0" * (dp - len(digits))
    return sign + digits[:dp] + "." + digits[dp:]


def format_value(value: object) -> str:
    """Go's `%v` of a value (what an action prints, except that nil prints `<no value>`)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "<nil>"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        i = as_int(value)
        if i is not None and not (value == 0 and math.copysign(1.0, value) < 0):
            return str(i)
        return format_float_g(value)
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "map["
            + " ".join(f"{format_value(k)}:{format_value(v)}" for k, v in _sorted_items(value))
            + "]"
        )
    if isinstance(value, complex):
        return _format_complex(value, lambda x: format_float_g(x))
    return str(value)


def _format_complex(c: complex, fmt_part) -> str:  # type: ignore[no-untyped-def]
    imag = fmt_part(c.imag)
    if not imag.startswith(("-", "+")):
        imag = "+" + imag
    return f"({fmt_part(c.real)}{imag}i)"


def sprint(*args: object) -> str:
    """`fmt.Sprint`: a space between operands when neither is a string."""
    out: list[str] = []
    prev_string = True
    for i, arg in enumerate(args):
        is_string = isinstance(arg, str)
        if i > 0 and not is_string and not prev_string:
            out.append(" ")
        out.append(format_value(arg))
        prev_string = is_string
    return "".join(out)


def sprintln(*args: object) -> str:
    """`fmt.Sprintln`: operands always separated by spaces, newline appended."""
    return " ".join(format_value(a) for a in args) + "\n"


def sprintf(fmt: str, *args: object) -> str:
    """`fmt.Sprintf` with Go verbs, flags, width, precision, `*` and `[n]` argument indexes."""
    return _Printf(fmt, args).run()


class _Spec:
    __slots__ = ("minus", "plus", "precision", "sharp", "space", "width", "zero")

    def __init__(self) -> None:
        self.plus = self.minus = self.sharp = self.space = self.zero = False
        self.width: int | None = None
        self.precision: int | None = None


class _Printf:
    def __init__(self, fmt: str, args: Sequence[object]) -> None:
        self.fmt = fmt
        self.args = args
        self.argnum = 0
        self.reordered = False
        self.good_argnum = True
        self.out: list[str] = []

    def run(self) -> str:
        """Format everything; leftover arguments become `%!(EXTRA ...)`."""
        fmt, n, i = self.fmt, len(self.fmt), 0
        while i < n:
            pct = fmt.find("%", i)
            if pct < 0:
                self.out.append(fmt[i:])
                break
            self.out.append(fmt[i:pct])
            i = self._directive(pct + 1)
        if not self.reordered and self.argnum < len(self.args):
            extra = ", ".join(
                "<nil>" if a is None else f"{go_type_name(a)}={format_value(a)}"
                for a in self.args[self.argnum :]
            )
            self.out.append(f"%!(EXTRA {extra})")
        return "".join(self.out)

    def _arg_index(self, i: int) -> int:
        """Parse an optional `[n]` at i; sets argnum; returns the new position."""
        fmt = self.fmt
        if i >= len(fmt) or fmt[i] != "[":
            return i
        self.reordered = True
        end = fmt.find("]", i)
        if end < 0 or not fmt[i + 1 : end].isdigit():
            self.good_argnum = False
            return end + 1 if end >= 0 else len(fmt)
        idx = int(fmt[i + 1 : end]) - 1
        if 0 <= idx < len(self.args):
            self.argnum = idx
        else:
            self.good_argnum = False
        return end + 1

    def _star(self) -> tuple[int | None, bool]:
        if self.argnum >= len(self.args):
            return None, False
        value = self.args[self.argnum]
        self.argnum += 1
        num = as_int(value)
        if num is None or abs(num) > 1_000_000:
            return None, False
        return num, True

    def _directive(self, i: int) -> int:
        """One `%...` directive starting after the `%` at i - 1; returns the position after it.

        In Go's order: flags, `[n]`, width (digits or `*`), `.precision`, `[n]`, the verb.
        """
        fmt, n = self.fmt, len(self.fmt)
        spec = _Spec()
        self.good_argnum = True
        while i < n:  # flags
            c = fmt[i]
            if c == "+":
                spec.plus = True
            elif c == "-":
                spec.minus = True
                spec.zero = False
            elif c == "#":
                spec.sharp = True
            elif c == " ":
                spec.space = True
            elif c == "0":
                spec.zero = not spec.minus
            else:
                break
            i += 1
        i = self._width(self._arg_index(i), spec)
        if i < n and fmt[i] == ".":
            i = self._precision(self._arg_index(i + 1), spec)
        return self._verb(self._arg_index(i), spec)

    def _width(self, i: int, spec: _Spec) -> int:
        if i < len(self.fmt) and self.fmt[i] == "*":
            spec.width, ok = self._star()
            if not ok:
                self.out.append("%!(BADWIDTH)")
            elif spec.width is not None and spec.width < 0:
                spec.minus, spec.zero, spec.width = True, False, -spec.width
            return i + 1
        fmt, n, start = self.fmt, len(self.fmt), i
        while i < n and fmt[i].isdigit():
            i += 1
        if i > start:
            spec.width = int(fmt[start:i])
        return i

    def _precision(self, i: int, spec: _Spec) -> int:
        if i < len(self.fmt) and self.fmt[i] == "*":
            spec.precision, ok = self._star()
            if spec.precision is not None and spec.precision < 0:
                spec.precision = None
            if not ok:
                self.out.append("%!(BADPREC)")
            return i + 1
        fmt, n, start = self.fmt, len(self.fmt), i
        while i < n and fmt[i].isdigit():
            i += 1
        spec.precision = int(fmt[start:i]) if i > start else 0  # Go: "%.f" is precision 0
        return i

    def _verb(self, i: int, spec: _Spec) -> int:
        fmt = self.fmt
        if i >= len(fmt):
            self.out.append("%!(NOVERB)")
            return i
        verb = fmt[i]
        i += 1
        if verb == "%":
            self.out.append("%")
            return i
        if not self.good_argnum:
            self.out.append(f"%!{verb}(BADINDEX)")
            return i
        if self.argnum >= len(self.args):
            self.out.append(f"%!{verb}(MISSING)")
            return i
        arg = self.args[self.argnum]
        self.argnum += 1
        if verb == "v":
            spec.plus = False  # Go: %+v means "field names", never a sign
        self.out.append(format_arg(arg, verb, spec))
        return i


def _bad_verb(verb: str, arg: object) -> str:
    if arg is None:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({go_type_name(arg)}={format_value(arg)})"


def _pad(text: str, spec: _Spec, numeric: bool = False) -> str:
    width = spec.width
    if width is None or len(text) >= width:
        return text
    if spec.minus:
        return text + " " * (width - len(text))
    if spec.zero and numeric:
        sign = text[0] if text[:1] in ("+", "-", " ") else ""
        return sign + "0" * (width - len(text)) + text[len(sign) :]
    if spec.zero:
        return "0" * (width - len(text)) + text
    return " " * (width - len(text)) + text


def format_arg(arg: object, verb: str, spec: _Spec | None = None) -> str:
    """Format one argument for one verb, Go style (including `%!x(type=value)` on mismatch)."""
    spec = spec or _Spec()
    if verb == "T":
        return _pad(go_type_name(arg), spec)
    if arg is None:
        if verb == "v":
            return _pad("<nil>", spec)
        return _bad_verb(verb, arg)
    if isinstance(arg, bool):
        if verb in "tv":
            return _pad("true" if arg else "false", spec)
        return _bad_verb(verb, arg)
    if isinstance(arg, str):
        return _format_string(arg, verb, spec)
    if isinstance(arg, (list, tuple, dict)):
        return _format_container(arg, verb, spec)
    integer = as_int(arg)
    if integer is not None and (isinstance(arg, int) or verb not in "eEfFgG"):
        return _format_int(integer, verb, spec, arg)
    if isinstance(arg, (int, float)):
        return _format_float(float(arg), verb, spec, arg)
    if isinstance(arg, complex):
        return _format_complex_arg(arg, verb, spec)
    if verb in "vs":
        return _pad(str(arg), spec)
    return _bad_verb(verb, arg)


def _format_container(
    arg: list[object] | tuple[object, ...] | dict[object, object], verb: str, spec: _Spec
) -> str:
    """A slice or map: Go applies the verb, width and flags to each element, not the whole."""
    if verb == "v" and spec.sharp:
        return _pad(go_syntax(arg), spec)
    if isinstance(arg, dict):
        body = " ".join(
            f"{format_arg(k, verb, spec)}:{format_arg(v, verb, spec)}"
            for k, v in _sorted_items(arg)
        )
        return "map[" + body + "]"
    return "[" + " ".join(format_arg(v, verb, spec) for v in arg) + "]"


def _format_complex_arg(arg: complex, verb: str, spec: _Spec) -> str:
    if verb not in "veEfFgG":
        return _bad_verb(verb, arg)
    part = _Spec()
    part.precision, part.plus = spec.precision, True

    def fmt_part(x: float) -> str:
        """Format one part of a complex number."""
        return _format_float(x, verb, part, x)

    return _pad(_format_complex(arg, fmt_part), spec)


def _format_string(s: str, verb: str, spec: _Spec) -> str:
    if verb in "vs":
        if verb == "v" and spec.sharp:
            return _pad(go_quote(s), spec)
        if spec.precision is not None:
            s = s[: spec.precision]
        return _pad(s, spec)
    if verb == "q":
        if spec.precision is not None:
            s = s[: spec.precision]
        if spec.sharp and "`" not in s and all(c == "\t" or is_printable(c) for c in s):
            return _pad("`" + s + "`", spec)
        quoted = go_quote(s)
        if spec.plus:
            quoted = _ascii_only(quoted)
        return _pad(quoted, spec)
    if verb in "xX":
        data = s.encode("utf-8", "surrogatepass")
        if spec.precision is not None:
            data = data[: spec.precision]
        return _pad(_hex_bytes(data, verb, spec), spec)
    return _bad_verb(verb, s)


def _ascii_only(quoted: str) -> str:
    out = []
    for ch in quoted:
        o = ord(ch)
        if o < 0x80:
            out.append(ch)
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    return "".join(out)


def _hex_bytes(data: bytes, verb: str, spec: _Spec) -> str:
    digits = "0123456789abcdef" if verb == "x" else "0123456789ABCDEF"
    prefix = ("0x" if verb == "x" else "0X") if spec.sharp else ""
    parts = []
    for i, b in enumerate(data):
        if spec.space:
            if i > 0:
                parts.append(" ")
            parts.append(prefix)
        elif i == 0:
            parts.append(prefix)
        parts.append(digits[b >> 4] + digits[b & 15])
    return "".join(parts)


def _char_quote(i: int) -> str:
    if not 0 <= i <= 0x10FFFF or 0xD800 <= i < 0xE000:
        i = 0xFFFD
    ch = chr(i)
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    inner = go_quote(ch)[1:-1]
    return "'" + inner + "'"


def _format_int(i: int, verb: str, spec: _Spec, original: object) -> str:
    if verb in "vd":
        if verb == "v" and spec.sharp:
            return _pad(str(i), spec)
        return _int_digits(i, 10, "", spec)
    if verb == "b":
        return _int_digits(i, 2, "0b" if spec.sharp else "", spec)
    if verb == "o":
        return _int_digits(i, 8, "0" if spec.sharp else "", spec)
    if verb == "O":
        return _int_digits(i, 8, "0o", spec)
    if verb == "x":
        return _int_digits(i, 16, "0x" if spec.sharp else "", spec)
    if verb == "X":
        return _int_digits(i, 16, "0X" if spec.sharp else "", spec, upper=True)
    if verb == "c":
        code = i if 0 <= i <= 0x10FFFF and not 0xD800 <= i < 0xE000 else 0xFFFD
        return _pad(chr(code), spec)
    if verb == "q":
        return _pad(_char_quote(i), spec)
    if verb == "U":
        text = f"U+{i:04X}" if i >= 0 else f"U+{i & 0xFFFFFFFFFFFFFFFF:04X}"
        if spec.sharp and 0 <= i <= 0x10FFFF and is_printable(chr(i)):
            text += f" '{chr(i)}'"
        return _pad(text, spec)
    if verb in "eEfFgG":
        return _format_float(float(i), verb, spec, original)
    return _bad_verb(verb, original)


def _int_digits(i: int, base: int, prefix: str, spec: _Spec, upper: bool = False) -> str:
    neg = i < 0
    digits = {2: "b", 8: "o", 10: "d", 16: "X" if upper else "x"}[base]
    body = format(abs(i), digits)
    if spec.precision is not None:
        if spec.precision == 0 and i == 0:
            body = ""
        body = body.rjust(spec.precision, "0")
        zero_ok = False
    else:
        zero_ok = spec.zero and not spec.minus
    if prefix == "0" and body.startswith("0"):
        prefix = ""
    sign = "-" if neg else ("+" if spec.plus else (" " if spec.space else ""))
    text = sign + prefix + body
    if zero_ok and spec.width is not None and len(text) < spec.width:
        return sign + prefix + "0" * (spec.width - len(text)) + body
    return _pad(text, spec) if not zero_ok else text


def _format_float(f: float, verb: str, spec: _Spec, original: object) -> str:
    if verb not in "veEfFgG":
        if verb in "dxXobcqU" and as_int(f) is not None:
            return _format_int(as_int(f), verb, spec, original)  # type: ignore[arg-type]
        return _bad_verb(verb, original)
    if math.isinf(f) or math.isnan(f):
        # Go keeps "+Inf" signed and drops the sign of NaN unless a flag asks for it.
        text = "NaN" if math.isnan(f) else ("+Inf" if f > 0 else "-Inf")
        if text[0] != "-" and (spec.plus or spec.space):
            text = ("+" if spec.plus else " ") + text.lstrip("+")
        return _pad(text, _no_zero(spec))
    if verb == "v" and spec.precision is not None:
        verb = "g"
    if verb == "v":
        integer = as_int(f)
        body = str(abs(integer)) if integer is not None else format_float_g(abs(f))
        if f == 0 and math.copysign(1.0, f) < 0:
            body, neg = "0", True
        else:
            neg = f < 0
    elif verb in "gG":
        prec = -1 if spec.precision is None else spec.precision
        body = format_float_g(abs(f), prec, verb == "G")
        neg = math.copysign(1.0, f) < 0
        if spec.sharp and "." not in body:
            # %#g keeps a decimal point
            mant, e, exp = body.partition("e" if verb == "g" else "E")
            body = mant + "." + e + exp if e else mant + "."
    else:
        prec = 6 if spec.precision is None else spec.precision
        body = format(abs(f), f".{prec}{'f' if verb in 'fF' else verb}")
        neg = math.copysign(1.0, f) < 0
    sign = "-" if neg else ("+" if spec.plus else (" " if spec.space else ""))
    text = sign + body
    if spec.zero and not spec.minus and spec.width is not None and len(text) < spec.width:
        return sign + "0" * (spec.width - len(text)) + body
    return _pad(text, spec)


def _no_zero(spec: _Spec) -> _Spec:
    copy = _Spec()
    copy.minus, copy.width = spec.minus, spec.width
    return copy


def go_syntax(value: object) -> str:
    """An approximation of Go's `%#v` for JS-shaped values."""
    if value is None:
        return "<nil>"
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, (list, tuple)):
        return "[]interface {}{" + ", ".join(go_syntax(v) for v in value) + "}"
    if isinstance(value, dict):
        body = ", ".join(f"{go_syntax(k)}:{go_syntax(v)}" for k, v in _sorted_items(value))
        return "map[string]interface {}{" + body + "}"
    return format_value(value)
