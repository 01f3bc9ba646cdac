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
    "RuntimeClosedError",
    "ScriptSyntaxError",
    "TimeLimitError",
    "parse_js_exception",
]

_FRAME_LOCATION = r"<input>:(\d+):(\d+)"
#: Frames of the runtime's own JavaScript (timer type checks), hidden from users.
_INTERNAL_FRAME = r"^\s*at (?:setTimeout|setInterval|setImmediate) \(<input>"


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
    ) -> None:
        super().__init__(message)
        self.script_name = script_name
        self.line = line
        self.column = column
        self.js_stack = js_stack
        #: The JavaScript error's own first line, e.g. `TypeError: x is not a function`.
        self.js_error = js_error


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


def parse_js_exception(
    text: str, name: str, column_shift: int = 0, line_offset: int = 0
) -> tuple[str, int | None, int | None, str]:
    """Split the binding's exception text into (first line, line, column, stack).

    QuickJS names every source `<input>`; the stack is rewritten to the script's name.
    `column_shift` undoes the columns our same-line `"use strict";` prefix adds on line 1;
    `line_offset` the lines a wrapper (`new Function`) puts before the source.
    """
    import re  # only on an error: `re` costs ~2 ms of every `osm script` start

    frame_location, internal_frame = re.compile(_FRAME_LOCATION), re.compile(_INTERNAL_FRAME)
    stripped = text.strip("\n")
    lines = stripped.splitlines()
    head = lines[0] if lines else "Error"
    if head in ("undefined", "null") and len(lines) == 1:
        head = f"uncaught {head}"
    stack_lines = [
        ln
        for ln in lines[1:]
        if ln.strip() and ln.strip() != "undefined" and not internal_frame.match(ln)
    ]

    def fix(match: re.Match[str]) -> str:
        ln, col = int(match.group(1)) - line_offset, int(match.group(2))
        if ln == 1 and col > column_shift:
            col -= column_shift
        return f"{name}:{ln}:{col}"

    stack = "\n".join(frame_location.sub(fix, ln) for ln in stack_lines)
    line = column = None
    found = re.search(rf"{re.escape(name)}:(\d+):(\d+)", stack) if stack else None
    if found:
        line, column = int(found.group(1)), int(found.group(2))
    return head, line, column, stack
