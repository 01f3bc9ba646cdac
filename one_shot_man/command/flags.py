"""A flag parser that behaves like Go's `flag` package (ContinueOnError mode).

osm's users and scripts rely on Go flag semantics (`-x` and `--x` alike, `-x=v`, bool
flags that never take the next token, parsing that stops at the first non-flag), and
on the exact `PrintDefaults` layout in help text, so argparse (which is also slow to
import) does not fit. Imported on every `osm` start: keep it free of heavy imports.
"""

from __future__ import annotations

from one_shot_man.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import builtins
    from typing import TextIO

__all__ = ["Flag", "FlagSet", "HelpRequested", "parse_go_bool"]

_TRUE = frozenset(("1", "t", "T", "TRUE", "true", "True"))
_FALSE = frozenset(("0", "f", "F", "FALSE", "false", "False"))


class HelpRequested(UsageError):
    """`-h`/`-help` was given and the flag set does not define it (Go's `flag.ErrHelp`)."""

    def __init__(self) -> None:
        super().__init__("flag: help requested")


def parse_go_bool(text: str) -> bool:
    """Go `strconv.ParseBool`; ValueError for anything else."""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("parse error")


def _parse_go_int(text: str) -> int:
    """Go `strconv.ParseInt(s, 0, 64)`: sign, 0x/0o/0b/0 prefixes, `_` between digits."""
    body = text[1:] if text[:1] in "+-" else text
    if not body or body[0] == "_" or body[-1] == "_" or "__" in body:
        raise ValueError("parse error")
    lower = body.lower()
    base = 10
    digits = lower
    if lower.startswith(("0x", "0b", "0o")):
        base = {"x": 16, "b": 2, "o": 8}[lower[1]]
        digits = lower[2:].lstrip("_")
    elif len(lower) > 1 and lower[0] == "0":
        base, digits = 8, lower[1:]
    elif "_" in lower:
        raise ValueError("parse error")  # underscores need a base prefix in Go
    if not digits:
        raise ValueError("parse error")
    try:
        value = int(digits.replace("_", ""), base)
    except ValueError:
        raise ValueError("parse error") from None
    if text[:1] == "-":
        value = -value
    if not -(2**63) <= value < 2**63:
        raise ValueError("value out of range")
    return value


def _go_quote(text: str) -> str:
    """Go `%q` for the strings that appear as flag defaults."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ch < " " or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


class Flag:
    """One defined flag; `value` holds the parsed (or default) value, like a Go pointer."""

    __slots__ = ("default", "is_set", "kind", "name", "usage", "value")

    def __init__(self, name: str, kind: str, default: object, usage: str) -> None:
        self.name = name
        self.kind = kind  # "bool", "string", "int" or "list" (a repeatable string)
        self.default = default
        self.value = default
        self.usage = usage
        self.is_set = False

    @property
    def is_bool(self) -> bool:
        return self.kind == "bool"

    def default_text(self) -> str:
        """Go's `DefValue`: the default rendered as text."""
        if self.kind == "bool":
            return "true" if self.default else "false"
        if self.kind == "list" and isinstance(self.default, list):
            return ",".join(self.default)
        return str(self.default)

    def set(self, text: str) -> None:
        """Parse `text` into `value` (ValueError with Go's reason when it does not parse)."""
        if self.kind == "bool":
            self.value = parse_go_bool(text)
        elif self.kind == "int":
            self.value = _parse_go_int(text)
        elif self.kind == "list":
            self.value = [*self.value, text]  # type: ignore[misc]
        else:
            self.value = text
        self.is_set = True

    def __repr__(self) -> str:
        return f"Flag({self.name!r}, {self.kind}, value={self.value!r})"


class FlagSet:
    """A named set of flags; `parse(args)` fills them and leaves the rest in `args`.

    Errors raise `UsageError` with Go's messages (`flag provided but not defined: -x`,
    `flag needs an argument: -e`, ...); `-h`/`-help` without such a flag raises
    `HelpRequested`. Nothing is printed: callers decide where usage text goes.
    """

    __slots__ = ("_flags", "args", "name", "parsed")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self._flags: dict[str, Flag] = {}
        self.args: list[str] = []
        self.parsed = False

    # -- definition ---------------------------------------------------------

    def _define(self, name: str, kind: str, default: object, usage: str) -> Flag:
        if name in self._flags:
            raise ValueError(f"{self.name} flag redefined: {name}")
        if not name or name[0] == "-" or "=" in name:
            raise ValueError(f"flag {name!r} begins with - or contains =")
        flag = Flag(name, kind, default, usage)
        self._flags[name] = flag
        return flag

    def bool(self, name: str, default: bool = False, usage: str = "") -> Flag:
        """Define a boolean flag (`-x`, `-x=false`; never consumes the next token)."""
        return self._define(name, "bool", bool(default), usage)

    def string(self, name: str, default: str = "", usage: str = "") -> Flag:
        """Define a string flag (`-x v`, `-x=v`, `--x v`)."""
        return self._define(name, "string", str(default), usage)

    def int(self, name: str, default: int = 0, usage: str = "") -> Flag:
        """Define an integer flag (Go syntax: `0x1f`, `0o17`, `1_000` with a prefix)."""
        return self._define(name, "int", int(default), usage)

    def strings(self, name: str, usage: str = "") -> Flag:
        """Define a repeatable string flag: every `-x v` appends `v` (Go's `flag.Var` idiom)."""
        return self._define(name, "list", [], usage)

    # -- access ---------------------------------------------------------------

    def lookup(self, name: str) -> Flag | None:
        """The flag called `name`, or None."""
        return self._flags.get(name)

    def get(self, name: str) -> object:
        """The current value of flag `name` (KeyError if undefined)."""
        return self._flags[name].value

    def flags(self) -> list[Flag]:
        """Every defined flag, sorted by name (Go `VisitAll` order)."""
        return [self._flags[k] for k in sorted(self._flags)]

    def has_flags(self) -> builtins.bool:  # `bool` here is the method below
        return bool(self._flags)

    def set(self, name: str, text: str) -> None:
        """Set a flag as if it were given on the command line."""
        flag = self._flags.get(name)
        if flag is None:
            raise UsageError(f"no such flag -{name}")
        flag.set(text)

    # -- parsing --------------------------------------------------------------

    def parse(self, arguments: list[str], *, interspersed: builtins.bool = False) -> list[str]:
        """Parse flags from `arguments`; returns (and stores in `.args`) what is left.

        Go stops at the first positional argument. `interspersed` keeps parsing after it
        (`osm goal NAME --session x`), so a flag is honoured wherever it appears; `--`
        still ends the flags.
        """
        self.parsed = True
        args = list(arguments)
        positional: list[str] = []
        i, n = 0, len(args)
        while i < n:
            s = args[i]
            if len(s) < 2 or s[0] != "-":
                if not interspersed:
                    break
                positional.append(s)
                i += 1
                continue
            minuses = 1
            if s[1] == "-":
                minuses = 2
                if len(s) == 2:  # "--" ends the flags and is consumed
                    i += 1
                    break
            i = self._parse_one(s[minuses:], s, args, i + 1)
        self.args = positional + args[i:]
        return self.args

    def _parse_one(
        self, name: str, token: str, args: list[str], i: builtins.int
    ) -> builtins.int:  # `int` here is the method above
        """Set the flag `name` (`token` without its dashes); a value may take args[i].

        Returns the position of the next argument (Go's `parseOne`).
        """
        if not name or name[0] in "-=":
            raise UsageError(f"bad flag syntax: {token}")
        value: str | None = None
        eq = name.find("=", 1)
        if eq > 0:
            name, value = name[:eq], name[eq + 1 :]
        flag = self._flags.get(name)
        if flag is None:
            if name in ("help", "h"):
                raise HelpRequested()
            raise UsageError(f"flag provided but not defined: -{name}")
        if flag.kind == "bool":
            if value is None:
                flag.value = True
                flag.is_set = True
                return i
            try:
                flag.set(value)
            except ValueError as exc:
                raise UsageError(
                    f"invalid boolean value {_go_quote(value)} for -{name}: {exc}"
                ) from None
            return i
        if value is None:
            if i >= len(args):
                raise UsageError(f"flag needs an argument: -{name}")
            value = args[i]
            i += 1
        try:
            flag.set(value)
        except ValueError as exc:
            raise UsageError(f"invalid value {_go_quote(value)} for flag -{name}: {exc}") from None
        return i

    # -- help text ------------------------------------------------------------

    def defaults_text(self) -> str:
        """Go `PrintDefaults` output: one block per flag, sorted by name."""
        parts: list[str] = []
        for flag in self.flags():
            line = "  -" + flag.name
            type_name, usage = _unquote_usage(flag)
            if type_name:
                line += " " + type_name
            line += "\t" if len(line) <= 4 else "\n    \t"
            line += usage.replace("\n", "\n    \t")
            default = flag.default_text()
            if default != {"bool": "false", "int": "0"}.get(flag.kind, ""):
                if flag.kind == "string":
                    line += f" (default {_go_quote(default)})"
                else:
                    line += f" (default {default})"
            parts.append(line + "\n")
        return "".join(parts)

    def print_defaults(self, out: TextIO | None = None) -> None:
        """Write `defaults_text()` to `out` (stderr when None, as Go does)."""
        if out is None:
            import sys

            out = sys.stderr
        out.write(self.defaults_text())


def _unquote_usage(flag: Flag) -> tuple[str, str]:
    """Go `UnquoteUsage`: a back-quoted word in the usage names the value."""
    usage = flag.usage
    start = usage.find("`")
    if start >= 0:
        end = usage.find("`", start + 1)
        if end >= 0:
            name = usage[start + 1 : end]
            return name, usage[:start] + name + usage[end + 1 :]
    if flag.kind == "bool":
        return "", usage
    return ("value" if flag.kind == "list" else flag.kind), usage
