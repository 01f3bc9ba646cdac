"""Lexer of the Go `text/template` port: template text -> list of items.

The whole input is tokenised up front (templates are small and parsed once). A lexical
error becomes a final ERROR item instead of an exception, so the parser reports it at the
moment Go's parser would see it: an earlier syntax error still wins over a later bad token.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from typing import Protocol

    class _State(Protocol):
        """One state of the lexer's state machine: it lexes a bit and names the next state."""

        def __call__(self) -> _State | None: ...


# Item types. Everything after KEYWORD prints as `<word>` in parse errors, as in Go.
ERROR = 0
BOOL = 1
CHAR = 2
CHAR_CONSTANT = 3
COMPLEX = 4
ASSIGN = 5
DECLARE = 6
EOF = 7
FIELD = 8
IDENTIFIER = 9
LEFT_DELIM = 10
LEFT_PAREN = 11
NUMBER = 12
PIPE = 13
RAW_STRING = 14
RIGHT_DELIM = 15
RIGHT_PAREN = 16
SPACE = 17
STRING = 18
TEXT = 19
VARIABLE = 20
KEYWORD = 30
BLOCK = 31
BREAK = 32
CONTINUE = 33
DOT = 34
DEFINE = 35
ELSE = 36
END = 37
IF = 38
NIL = 39
RANGE = 40
TEMPLATE = 41
WITH = 42

KEYWORDS = {
    ".": DOT,
    "block": BLOCK,
    "break": BREAK,
    "continue": CONTINUE,
    "define": DEFINE,
    "else": ELSE,
    "end": END,
    "if": IF,
    "range": RANGE,
    "nil": NIL,
    "template": TEMPLATE,
    "with": WITH,
}

SPACE_CHARS = " \t\r\n"
_LEFT_COMMENT = "/*"
_RIGHT_COMMENT = "*/"


class Item(NamedTuple):
    """One token: type, character offset, source text, 1-based line of its start."""

    typ: int
    pos: int
    val: str
    line: int

    def __str__(self) -> str:
        """Go's `item.String()`, used verbatim in parse error messages."""
        if self.typ == EOF:
            return "EOF"
        if self.typ == ERROR:
            return self.val
        if self.typ > KEYWORD:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return go_quote(self.val[:10]) + "..."
        return go_quote(self.val)


def go_quote(s: str) -> str:
    """`strconv.Quote`: double quotes, Go escapes, printable Unicode kept as is."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif ch in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[ch])
        elif o >= 0x80 and is_printable(ch):
            out.append(ch)
        elif o < 0x80:
            out.append(f"\\x{o:02x}")
        elif o < 0x10000:
            out.append(f"\\u{o:04x}")
        else:
            out.append(f"\\U{o:08x}")
    out.append('"')
    return "".join(out)


_SIMPLE_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def is_printable(ch: str) -> bool:
    """Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space."""
    if ch == " ":
        return True
    return unicodedata.category(ch)[0] in "LMNPS"


def format_rune(ch: str) -> str:
    """Go's `%#U`: `U+0021 '!'` (the character only when printable)."""
    o = ord(ch)
    text = f"U+{o:04X}"
    if is_printable(ch):
        text += f" '{ch}'"
    return text


_WORD = re.compile(r"\w*")  # runs of identifier characters (Unicode letters, digits, `_`)


def is_alnum(ch: str) -> bool:
    """Go's identifier characters: `_`, Unicode letters and decimal digits."""
    return ch == "_" or ch.isalpha() or ch.isdecimal()


class Lexer:
    """Turns template text into items; see `lex`."""

    def __init__(self, name: str, text: str, left: str = "{{", right: str = "}}") -> None:
        self.name = name
        self.input = text
        self.left = left or "{{"
        self.right = right or "}}"
        self.items: list[Item] = []
        self.start = 0
        self.pos = 0
        self.paren_depth = 0
        self._newlines = [i for i, ch in enumerate(text) if ch == "\n"]

    def line_at(self, pos: int) -> int:
        """1-based line number of a character offset."""
        return 1 + bisect_right(self._newlines, pos - 1)

    # -- helpers ---------------------------------------------------------------------------

    def _peek(self) -> str:
        return self.input[self.pos] if self.pos < len(self.input) else ""

    def _next(self) -> str:
        if self.pos >= len(self.input):
            return ""
        ch = self.input[self.pos]
        self.pos += 1
        return ch

    def _backup(self) -> None:
        self.pos -= 1

    def _emit(self, typ: int) -> None:
        self.items.append(
            Item(typ, self.start, self.input[self.start : self.pos], self.line_at(self.start))
        )
        self.start = self.pos

    def _error(self, message: str) -> None:
        self.items.append(Item(ERROR, self.start, message, self.line_at(self.start)))

    def _accept(self, valid: str) -> bool:
        ch = self._peek()
        if ch and ch in valid:
            self.pos += 1
            return True
        return False

    def _accept_run(self, valid: str) -> None:
        while self._accept(valid):
            pass

    def _has_left_trim(self, at: int) -> bool:
        s = self.input
        return at + 1 < len(s) and s[at] == "-" and s[at + 1] in SPACE_CHARS

    def _at_right_delim(self) -> tuple[bool, bool]:
        s, p = self.input, self.pos
        if (
            p + 1 < len(s)
            and s[p] in SPACE_CHARS
            and s[p + 1] == "-"
            and s.startswith(self.right, p + 2)
        ):
            return True, True
        if s.startswith(self.right, p):
            return True, False
        return False, False

    def _at_terminator(self) -> bool:
        ch = self._peek()
        if ch == "" or ch in SPACE_CHARS or ch in ".,|:)(":
            return True
        return self.input.startswith(self.right, self.pos)

    def _skip_left_space(self) -> None:
        s = self.input
        while self.pos < len(s) and s[self.pos] in SPACE_CHARS:
            self.pos += 1

    # -- states ------------------------------------------------------------------------------

    def run(self) -> list[Item]:
        """Lex the whole input; the list ends with EOF or ERROR."""
        state: _State | None = self._lex_text
        while state is not None:
            state = state()
        return self.items

    def _lex_text(self) -> _State | None:
        s = self.input
        x = s.find(self.left, self.pos)
        if x < 0:
            self.pos = len(s)
            if self.pos > self.start:
                self._emit(TEXT)
            self.items.append(Item(EOF, self.pos, "", self.line_at(self.pos)))
            return None
        if x > self.start:
            end = x
            if self._has_left_trim(x + len(self.left)):
                while end > self.start and s[end - 1] in SPACE_CHARS:
                    end -= 1
            if end > self.start:
                self.items.append(
                    Item(TEXT, self.start, s[self.start : end], self.line_at(self.start))
                )
        self.pos = self.start = x
        return self._lex_left_delim

    def _lex_left_delim(self) -> _State | None:
        self.pos += len(self.left)
        after = 2 if self._has_left_trim(self.pos) else 0
        if self.input.startswith(_LEFT_COMMENT, self.pos + after):
            self.pos += after
            self.start = self.pos
            return self._lex_comment
        self._emit(LEFT_DELIM)
        self.pos += after
        self.start = self.pos
        self.paren_depth = 0
        return self._lex_inside_action

    def _lex_comment(self) -> _State | None:
        self.pos += len(_LEFT_COMMENT)
        x = self.input.find(_RIGHT_COMMENT, self.pos)
        if x < 0:
            self._error("unclosed comment")
            return None
        self.pos = x + len(_RIGHT_COMMENT)
        delim, trim = self._at_right_delim()
        if not delim:
            self._error("comment ends before closing delimiter")
            return None
        if trim:
            self.pos += 2
        self.pos += len(self.right)
        if trim:
            self._skip_left_space()
        self.start = self.pos
        return self._lex_text

    def _lex_right_delim(self) -> _State | None:
        _, trim = self._at_right_delim()
        if trim:
            self.pos += 2
            self.start = self.pos
        self.pos += len(self.right)
        self._emit(RIGHT_DELIM)
        if trim:
            self._skip_left_space()
            self.start = self.pos
        return self._lex_text

    def _lex_inside_action(self) -> _State | None:
        """Inside `{{ }}`: the state for the next token, operands first (the common case)."""
        delim, _ = self._at_right_delim()
        if delim:
            if self.paren_depth == 0:
                return self._lex_right_delim
            self._error("unclosed left paren")
            return None
        ch = self._next()
        if ch == "":
            self._error("unclosed action")
            return None
        if ch in SPACE_CHARS:
            self._backup()
            return self._lex_space
        if ch == '"':
            return self._lex_quote
        if ch == "`":
            return self._lex_raw_quote
        if ch == "$":
            return self._lex_variable
        if ch == "'":
            return self._lex_char
        if ch == "." and self.pos < len(self.input) and not "0" <= self.input[self.pos] <= "9":
            return self._lex_field
        if ch in "+-." or "0" <= ch <= "9":
            self._backup()
            return self._lex_number
        if is_alnum(ch):
            self._backup()
            return self._lex_identifier
        return self._lex_punctuation(ch)

    def _lex_punctuation(self, ch: str) -> _State | None:
        """`=`, `:=`, `|`, parentheses and other printable ASCII inside an action."""
        if ch == "=":
            self._emit(ASSIGN)
        elif ch == ":":
            if self._next() != "=":
                self._error("expected :=")
                return None
            self._emit(DECLARE)
        elif ch == "|":
            self._emit(PIPE)
        elif ch == "(":
            self.paren_depth += 1
            self._emit(LEFT_PAREN)
        elif ch == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                self._error("unexpected right paren")
                return None
            self._emit(RIGHT_PAREN)
        elif ord(ch) < 0x80 and is_printable(ch):
            self._emit(CHAR)
        else:
            self._error(f"unrecognized character in action: {format_rune(ch)}")
            return None
        return self._lex_inside_action

    def _lex_space(self) -> _State | None:
        s = self.input
        count = 0
        while self.pos < len(s) and s[self.pos] in SPACE_CHARS:
            self.pos += 1
            count += 1
        # A space directly before " -}}" belongs to the trim marker.
        p = self.pos - 1
        if p + 1 < len(s) and s[p + 1] == "-" and s.startswith(self.right, p + 2):
            self.pos -= 1
            if count == 1:
                return self._lex_right_delim
        self._emit(SPACE)
        return self._lex_inside_action

    def _scan_word(self) -> None:
        self.pos = _WORD.match(self.input, self.pos).end()  # type: ignore[union-attr]

    def _lex_identifier(self) -> _State | None:
        self._scan_word()
        word = self.input[self.start : self.pos]
        if not self._at_terminator():
            self._error(f"bad character {format_rune(self._peek())}")
            return None
        typ = KEYWORDS.get(word)
        if typ is not None:
            self._emit(typ)
        elif word in ("true", "false"):
            self._emit(BOOL)
        else:
            self._emit(IDENTIFIER)
        return self._lex_inside_action

    def _lex_field(self) -> _State | None:
        return self._lex_field_or_variable(FIELD)

    def _lex_variable(self) -> _State | None:
        return self._lex_field_or_variable(VARIABLE)

    def _lex_field_or_variable(self, typ: int) -> _State | None:
        if self._at_terminator():
            self._emit(VARIABLE if typ == VARIABLE else DOT)
            return self._lex_inside_action
        self._scan_word()
        if not self._at_terminator():
            self._error(f"bad character {format_rune(self._peek())}")
            return None
        self._emit(typ)
        return self._lex_inside_action

    def _lex_quote(self) -> _State | None:
        return self._lex_escaped('"', STRING, "unterminated quoted string")

    def _lex_raw_quote(self) -> _State | None:
        x = self.input.find("`", self.pos)
        if x < 0:
            self._error("unterminated raw quoted string")
            return None
        self.pos = x + 1
        self._emit(RAW_STRING)
        return self._lex_inside_action

    def _lex_char(self) -> _State | None:
        return self._lex_escaped("'", CHAR_CONSTANT, "unterminated character constant")

    def _lex_escaped(self, quote: str, typ: int, unterminated: str) -> _State | None:
        """Scan to the closing `quote` past backslash escapes; the literal may not span lines."""
        while True:
            ch = self._next()
            if ch == "\\":
                ch = self._next()
                if ch and ch != "\n":
                    continue
                self._error(unterminated)
                return None
            if ch in ("", "\n"):
                self._error(unterminated)
                return None
            if ch == quote:
                break
        self._emit(typ)
        return self._lex_inside_action

    def _lex_number(self) -> _State | None:
        if not self._scan_number():
            self._error(f"bad number syntax: {go_quote(self.input[self.start : self.pos])}")
            return None
        if self._peek() in ("+", "-"):
            if not self._scan_number() or self.input[self.pos - 1] != "i":
                self._error(f"bad number syntax: {go_quote(self.input[self.start : self.pos])}")
                return None
            self._emit(COMPLEX)
            return self._lex_inside_action
        self._emit(NUMBER)
        return self._lex_inside_action

    def _scan_number(self) -> bool:
        self._accept("+-")
        digits = "0123456789_"
        if self._accept("0"):
            if self._accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self._accept("oO"):
                digits = "01234567_"
            elif self._accept("bB"):
                digits = "01_"
        self._accept_run(digits)
        if self._accept("."):
            self._accept_run(digits)
        if len(digits) == 11 and self._accept("eE"):
            self._accept("+-")
            self._accept_run("0123456789_")
        if len(digits) == 23 and self._accept("pP"):
            self._accept("+-")
            self._accept_run("0123456789_")
        self._accept("i")
        ch = self._peek()
        if ch and is_alnum(ch):
            self.pos += 1
            return False
        return True


def lex(name: str, text: str, left: str = "{{", right: str = "}}") -> tuple[list[Item], Lexer]:
    """Tokenise `text`; returns the items and the lexer (for line lookups)."""
    lexer = Lexer(name, text, left, right)
    return lexer.run(), lexer
