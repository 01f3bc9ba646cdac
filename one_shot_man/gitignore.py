"""`.gitignore` patterns, so `osm prompt DIR` leaves out what git leaves out.

A prompt built from a checkout should hold the sources, not `node_modules/` or build output.
This reads the patterns git documents (gitignore(5)): `#` comments, `!` to re-include, a
trailing `/` for directories only, a `/` at the start or in the middle to anchor a pattern to
its file's folder, `*`, `?`, `[...]` and `**`. The rules of a deeper `.gitignore` win over a
shallower one's, and the last matching line wins within a file. Not read: `.git/info/exclude`
and git's global excludes file (docs/compat.md). `re` is imported only once a pattern exists.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from re import Pattern

__all__ = ["IgnoreRules", "translate"]


class _Rule:
    __slots__ = ("base", "dir_only", "negate", "regex")

    def __init__(self, base: str, regex: Pattern[str], negate: bool, dir_only: bool) -> None:
        self.base = base  # folder of the file that holds the rule ("" or "a/b/")
        self.regex = regex
        self.negate = negate
        self.dir_only = dir_only


class IgnoreRules:
    """Ignore rules of one walk; paths are relative to the walk's root, `/`-separated."""

    __slots__ = ("_rules",)

    def __init__(self) -> None:
        self._rules: list[_Rule] = []

    def __bool__(self) -> bool:
        return bool(self._rules)

    def add_lines(self, lines: Iterable[str], base: str = "") -> None:
        """Add the patterns of a `.gitignore` in folder `base` (`""` = the root, else `a/b`)."""
        import re

        prefix = base.strip("/") + "/" if base.strip("/") else ""
        for raw in lines:
            parsed = _parse_line(raw)
            if parsed is None:
                continue
            pattern, negate, dir_only = parsed
            regex = re.compile(translate(pattern), re.DOTALL)
            self._rules.append(_Rule(prefix, regex, negate, dir_only))

    def add_file(self, path: str, base: str = "") -> None:
        """Add a `.gitignore` file's patterns; an unreadable file adds none (as in git)."""
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                lines = handle.read().splitlines()
        except OSError:
            return
        self.add_lines(lines, base)

    def ignored(self, rel_path: str, is_dir: bool) -> bool:
        """Whether the last rule that matches `rel_path` excludes it."""
        result = False
        for rule in self._rules:
            if rule.dir_only and not is_dir:
                continue
            if rule.base:
                if not rel_path.startswith(rule.base):
                    continue
                subject = rel_path[len(rule.base) :]
            else:
                subject = rel_path
            if rule.regex.fullmatch(subject):
                result = not rule.negate
        return result


def _parse_line(raw: str) -> tuple[str, bool, bool] | None:
    """(pattern, negated, directories only) of one line; None for blanks and comments."""
    line = raw.rstrip("\r")
    while line.endswith(" ") and not line.endswith("\\ "):
        line = line[:-1]
    if not line or line.startswith("#"):
        return None
    negate = line.startswith("!")
    if negate or line.startswith("\\!") or line.startswith("\\#"):
        line = line[1:]
    dir_only = line.endswith("/")
    line = line.rstrip("/")
    if not line:
        return None
    if "/" not in line:
        line = "**/" + line  # no slash: the name matches at any depth
    elif line.startswith("/"):
        line = line[1:]
    return line, negate, dir_only


def translate(pattern: str) -> str:
    """A regular expression for an anchored gitignore pattern (relative to its folder)."""
    import re

    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            if pattern.startswith("**", i) and (i == 0 or pattern[i - 1] == "/"):
                end = i + 2
                if end == n:  # `a/**`: everything inside
                    out.append(".*")
                    i = end
                    continue
                if pattern[end] == "/":  # `**/`: zero or more folders
                    out.append("(?:.*/)?")
                    i = end + 1
                    continue
            while i < n and pattern[i] == "*":
                i += 1
            out.append("[^/]*")
            continue
        if c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "^", "]") else i + 1)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end]
                if body[:1] in ("!", "^"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)
