"""osm's JavaScript scripting: the QuickJS runtime, the engine and the prompt-building helpers.

Importing this package is free: `osm version` must not pay for QuickJS (about 35 ms through
`import quickjs`). Names are resolved on first attribute access.
"""

from __future__ import annotations

from one_shot_man._lazy import lazy_exports

__all__ = [
    "CompiledScript",
    "Engine",
    "JavaScriptError",
    "LoopTimeoutError",
    "MemoryLimitError",
    "Runtime",
    "RuntimeClosedError",
    "ScriptPanicError",
    "ScriptSyntaxError",
    "TimeLimitError",
    "create_vm",
    "format_js_error",
]

TYPE_CHECKING = False  # the checker reads the lazy names' real types from here
if TYPE_CHECKING:
    from one_shot_man.scripting.engine import Engine, ScriptPanicError, format_js_error
    from one_shot_man.scripting.errors import (
        JavaScriptError,
        LoopTimeoutError,
        MemoryLimitError,
        RuntimeClosedError,
        ScriptSyntaxError,
        TimeLimitError,
    )
    from one_shot_man.scripting.runtime import CompiledScript, Runtime, create_vm

_LAZY = {
    "Engine": "engine",
    "ScriptPanicError": "engine",
    "format_js_error": "errors",
    "Runtime": "runtime",
    "CompiledScript": "runtime",
    "JavaScriptError": "errors",
    "LoopTimeoutError": "errors",
    "MemoryLimitError": "errors",
    "RuntimeClosedError": "errors",
    "ScriptSyntaxError": "errors",
    "TimeLimitError": "errors",
    "create_vm": "runtime",
}


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
