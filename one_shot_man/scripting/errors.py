"""Errors of the JavaScript runtime, all `ScriptError`s so the CLI prints them as one line.

`JavaScriptError` carries where the script failed (script name, line, column and the JS stack)
because a user fixing a script needs the place, not a Python traceback.
"""

from __future__ import annotations

from one_shot_man.errors import ScriptError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    import re

__all__ = [
    "JavaScriptError",
    "LoopTimeoutError",
    "MemoryLimitError",
    "ParsedJSError",
    "RuntimeClosedError",
    "ScriptSyntaxError",
    "TimeLimitError",
    "describe_js_error",
    "format_js_error",
    "js_where",
    "limit_error",
    "parse_js_exception",
]

#: One stack frame of QuickJS source (every evaluated source is named `<input>`): the
#: function name when there is one, then line and column. JS code passes its stacks here too
#: (the `error.where` host operation) so the rule exists once.
_FRAME = r"^(\s*at (?:(\S+) \()?)<input>:(\d+):(\d+)"
_LOCATION = r"<input>:(\d+):(\d+)"
#: Functions of osm's own JavaScript: `osm$...` API functions and the runtime's timer type
#: checks. A location inside them is not where the user's code went wrong.
_TIMER_FUNCTIONS = ("setTimeout", "setInterval", "setImmediate")
_MODULE_PREFIX = "module:"


class JavaScriptError(ScriptError):
    """A JavaScript exception escaped a script: `test.js:3:5: ReferenceError: foo is not defined`."""

    def __init__(
        self,
        message: str,
        *,
        script_name: str = "",
        line: int | None = None,
        column: int | None = None,
        js_stack: str = "",
        js_error: str = "",
        where: str = "",
    ) -> None:
        super().__init__(message)
        self.script_name = script_name
        self.line = line
        self.column = column
        self.js_stack = js_stack
        #: The JavaScript error's own first line, e.g. `TypeError: x is not a function`.
        self.js_error = js_error
        #: `file:line:column` of the user's code (a required module's own path), or "".
        self.where = where


class ScriptSyntaxError(JavaScriptError):
    """The script does not parse; nothing of it ran."""


class TimeLimitError(JavaScriptError):
    """The script ran longer than the runtime's `eval_timeout` and was interrupted."""


class MemoryLimitError(JavaScriptError):
    """The script allocated more than the runtime's `memory_limit_mb`."""


class LoopTimeoutError(ScriptError, TimeoutError):
    """Waiting for the event loop took too long (owner not pumping, or timers still pending)."""


class RuntimeClosedError(ScriptError):
    """The runtime was closed before (or while) the work could run."""


class ParsedJSError:
    """What a QuickJS exception text says: first line, the user's location, the stack."""

    __slots__ = ("column", "head", "line", "stack", "where")

    def __init__(
        self, head: str, line: int | None, column: int | None, where: str, stack: str
    ) -> None:
        #: The thrown value's text, e.g. `TypeError: x is not a function`.
        self.head = head
        self.line = line
        self.column = column
        #: `file:line:column` of the first frame in the user's code ("" when there is none).
        self.where = where
        #: The stack without osm's timer frames, every `<input>` named by its file.
        self.stack = stack


def _is_internal(function: str) -> bool:
    return function.startswith("osm$") or function in _TIMER_FUNCTIONS


def _head(first: str, rest: str) -> str:
    """The binding writes `String(value)`, a newline, then the stack (`undefined` if none)."""
    if first in ("undefined", "null") and not rest.strip():
        return f"uncaught {first}"  # `throw undefined`: say that nothing useful was thrown
    if not first:
        return 'uncaught ""' if rest.strip() else "unknown error"
    return first


def parse_js_exception(
    text: str, name: str, column_shift: int = 0, line_offset: int = 0
) -> ParsedJSError:
    """Split the binding's exception text for the script `name`.

    QuickJS names every source `<input>`: frames become `name:line:col`, or the module's
    path for the top-level code of a required file (a frame named `module:<path>`). The
    location is the first frame outside osm's own functions (`osm$...`, the timer type
    checks), so it is the user's call site. `column_shift` undoes the columns a same-line
    prefix adds on line 1 of the script (the runtime's `"use strict";`); `line_offset` the
    lines a wrapper (`new Function`) puts before it.
    """
    import re  # only on an error: `re` costs ~2 ms of every `osm script` start

    first, _newline, rest = text.partition("\n")
    head = _head(first, rest)
    located: tuple[str, int, int] | None = None
    fallback: tuple[str, int, int] | None = None

    def rewrite(match: re.Match[str]) -> str:
        nonlocal located, fallback
        prefix, function = match.group(1), match.group(2) or ""
        ln, col = int(match.group(3)), int(match.group(4))
        if function.startswith(_MODULE_PREFIX):
            source = function[len(_MODULE_PREFIX) :]
        else:
            source, ln = name, ln - line_offset
            if ln == 1 and col > column_shift:
                col -= column_shift
        if located is None and not _is_internal(function):
            located = (source, ln, col)
        if fallback is None:
            fallback = (source, ln, col)
        return f"{prefix}{source}:{ln}:{col}"

    frame = re.compile(_FRAME)
    stack_lines = []
    for ln in rest.splitlines():
        stripped = ln.strip()
        if not stripped or stripped == "undefined":
            continue
        match = frame.match(ln)
        if match is None:
            stack_lines.append(ln)
        elif match.group(2) in _TIMER_FUNCTIONS:
            rewrite(match)  # the runtime's own timer type check: not shown, a last resort
        else:
            stack_lines.append(rewrite(match) + ln[match.end() :])
    stack = "\n".join(stack_lines)
    in_head = re.search(_LOCATION, head)
    if in_head:  # a message that names its own place (QuickJS syntax errors in some forms)
        head = re.sub(_LOCATION, lambda m: f"{name}:{m.group(1)}:{m.group(2)}", head)
        return ParsedJSError(head, int(in_head.group(1)), int(in_head.group(2)), "", stack)
    spot = located or fallback
    if spot is None:
        return ParsedJSError(head, None, None, "", stack)
    source, line, column = spot
    return ParsedJSError(head, line, column, f"{source}:{line}:{column}", stack)


def limit_error(
    head: str, name: str, eval_timeout: float | None, memory_limit_mb: int | None
) -> tuple[str, type[JavaScriptError]] | None:
    """(message, class) when QuickJS's error `head` is one of the runtime's limits, else None.

    QuickJS reports a stopped script as "interrupted" and an allocation over the limit as "out of
    memory"; only a runtime that set that limit turns them into the limit's own error.
    """
    if head.startswith("InternalError: interrupted") and eval_timeout:
        return f"script {name} exceeded the time limit of {eval_timeout:g} s", TimeLimitError
    if head.startswith("InternalError: out of memory") and memory_limit_mb:
        return (
            f"script {name} exceeded the memory limit of {memory_limit_mb} MB",
            MemoryLimitError,
        )
    return None


def describe_js_error(text: str, name: str) -> tuple[str, int | None, int | None, str]:
    """(first line, line, column, `file:line:col`) of a JS exception, at the user's code."""
    parsed = parse_js_exception(text, name)
    return parsed.head, parsed.line, parsed.column, parsed.where


def format_js_error(text: str, name: str) -> str:
    """One line for a JS exception: `Error: boom at <script>:<line>:<col>`."""
    parsed = parse_js_exception(text, name)
    return f"{parsed.head} at {parsed.where}" if parsed.where else parsed.head


def js_where(stack: str, name: str, column_shift: int = 0) -> str:
    """`file:line:col` of the user's code in a JS `error.stack` ("" when none is known)."""
    return parse_js_exception("\n" + stack, name, column_shift).where
