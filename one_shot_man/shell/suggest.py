"""Tell a mistyped shell command from a JavaScript line, and suggest the command meant.

In the shell a line that is no command runs as JavaScript, so `lis` used to print
`ReferenceError: lis is not defined` and `ad calc.py` a SyntaxError. The rule (also in
docs/compat.md): a line is reported as `Command not found: lis (did you mean 'list'?)`
only when its JavaScript evaluation failed *and*

* the line starts like a command: a bare word (letters, digits, `_`, `$`, `-`, not a
  JavaScript keyword) that is the whole line or is followed by a space and then an
  argument-like character (not an operator, so `a + 1` and `x = 2` stay JavaScript), and
* the failure is a SyntaxError, or a ReferenceError naming that very word.

Every other failing line shows its JavaScript error as before, and a line that runs
(`let a = 1`, `a + 1`, `output.print("x")`) is never touched.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["is_mistyped_command", "not_found_message", "suggestions"]

_WORD = re.compile(r"[A-Za-z_$][\w$-]*")
# After `word `, these begin JavaScript (an operator, a call, a member access), not an argument.
_OPERATOR_START = set("=+*/%<>&|^?:.,;([{!}])`")
_KEYWORDS = frozenset(
    [
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "false",
        "finally",
        "for",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "let",
        "new",
        "null",
        "of",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "true",
        "try",
        "typeof",
        "undefined",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "async",
        "get",
        "set",
    ]
)


def starts_like_command(line: str) -> str | None:
    """The command word `line` starts with, or None when it reads as JavaScript."""
    text = line.strip()
    match = _WORD.match(text)
    if match is None or match.group() in _KEYWORDS:
        return None
    word, rest = match.group(), text[match.end() :]
    if not rest:
        return word
    if not rest[0].isspace():
        return None
    after = rest.lstrip()
    if after[0] in _OPERATOR_START:
        return None
    if after[0] == "-" and (len(after) == 1 or after[1].isspace()):
        return None  # `a - 1` is arithmetic; `-x`/`--all` is a flag
    return word


def is_mistyped_command(line: str, error: str) -> bool:
    """Whether `line`, whose evaluation failed with `error`, was most likely a command."""
    word = starts_like_command(line)
    if word is None:
        return False
    if "SyntaxError" in error:
        return True
    return f"ReferenceError: {word} is not defined" in error or (
        f"ReferenceError: '{word}' is not defined" in error
    )


def suggestions(name: str, commands: list[str], limit: int = 3) -> list[str]:
    """The known commands closest to `name`, best first (a prefix match counts too)."""
    close = difflib.get_close_matches(name, commands, n=limit, cutoff=0.6)
    for command in commands:
        if len(close) >= limit:
            break
        if command not in close and len(name) >= 2 and command.startswith(name):
            close.append(command)
    return close


def not_found_message(name: str, commands: list[str]) -> str:
    """`Command not found: lis (did you mean 'list'?)`, or a pointer to `help`."""
    close = suggestions(name, commands)
    if not close:
        return (
            f"Command not found: {name}\n"
            "Type 'help' for available commands; other lines run as JavaScript"
        )
    quoted = [f"'{c}'" for c in close]
    meant = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f"Command not found: {name} (did you mean {meant}?)"
