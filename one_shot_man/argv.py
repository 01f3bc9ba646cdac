"""Shell-like argument splitting and joining for REPL lines and `osm:argv`.

Users type `add 'My Folder/file.txt'` or `diff "feature/my feature"` in the shell; this
splits such lines the way a POSIX shell would for quoting, without expansion, globbing
or comments, so a path with spaces survives a round trip through `format_argv`.
"""

from __future__ import annotations

_SEPARATORS = frozenset(" \t\n")
# Inside double quotes a backslash escapes only these; elsewhere it stays literal.
_DQUOTE_ESCAPABLE = frozenset('$`"\\\n')
# JavaScript's notion of whitespace (\s), which decides when format_argv quotes.
_JS_WHITESPACE = frozenset(
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


def parse_argv(text: str) -> list[str]:
    """Split `text` into arguments (spec §5.3.1)."""
    return _tokenize(text)[0]


def before_cursor(text: str) -> tuple[list[str], str, int]:
    """Completed tokens, the token under the cursor and its start offset (code points).

    When `text` ends in whitespace the current token is empty and starts at the end.
    """
    tokens, current, start, in_token = _tokenize(text, keep_open=True)
    if not in_token:
        return tokens, "", len(text)
    return tokens, current, start


def _tokenize(text: str, keep_open: bool = False) -> tuple[list[str], str, int, bool]:
    tokens: list[str] = []
    buf: list[str] = []
    in_token = False
    quoted = False
    start = 0
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in _SEPARATORS:
            if in_token and (buf or quoted):
                tokens.append("".join(buf))
            buf = []
            in_token = False
            i += 1
            continue
        if not in_token:
            in_token = True
            start = i
            if ch == "'" or ch == '"':
                # A quote opens quoting only at the start of a token; `""` is an argument.
                quoted = True
                i = _read_quoted(text, i, buf)
                continue
            quoted = False
        if ch == "\\":
            if i + 1 >= n:
                i += 1  # a trailing lone backslash is dropped
                continue
            nxt = text[i + 1]
            if nxt == "\n":
                i = _line_continuation(text, i + 2, buf)
                continue
            buf.append(nxt)
            i += 2
            continue
        buf.append(ch)
        i += 1
    if keep_open:
        return tokens, "".join(buf), start, in_token
    if in_token and (buf or quoted):
        tokens.append("".join(buf))
    return tokens, "", start, False


def _read_quoted(text: str, i: int, buf: list[str]) -> int:
    quote = text[i]
    i += 1
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == quote:
            return i + 1
        if quote == '"' and ch == "\\" and i + 1 < n and text[i + 1] in _DQUOTE_ESCAPABLE:
            if text[i + 1] != "\n":
                buf.append(text[i + 1])
            i += 2
            continue
        buf.append(ch)
        i += 1
    return i  # an unterminated quote runs to the end of input


def _line_continuation(text: str, i: int, buf: list[str]) -> int:
    """Backslash-newline: following whitespace folds to one space if the token has content."""
    n = len(text)
    j = i
    while j < n and text[j] in " \t":
        j += 1
    if buf and j > i:
        buf.append(" ")
    return j


def format_argv(args: object) -> str:
    """Join arguments so that `parse_argv` gives them back (spec §5.3.1)."""
    if args is None:
        return ""
    if not isinstance(args, (list, tuple)):
        return str(args)
    if not all(isinstance(a, str) for a in args):
        from one_shot_man.jsstring import js_string

        return " ".join(js_string(a) for a in args)
    return " ".join(_quote(a) for a in args)


def _quote(arg: str) -> str:
    # Go quotes only for whitespace; a backslash or a leading quote must be quoted too, or
    # `parse_argv` reads them as escapes and quoting (`\\` alone would vanish).
    plain = arg and arg[0] not in "'\"" and "\\" not in arg
    if plain and not any(ch in _JS_WHITESPACE for ch in arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
