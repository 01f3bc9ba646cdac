"""osm's JavaScript scripting: the QuickJS runtime, the engine and the prompt-building helpers.

Importing this package is free: `osm version` must not pay for QuickJS (about 35 ms through
`import quickjs`). Names are resolved on first attribute access.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CompiledScript",
    "JavaScriptError",
    "LoopTimeoutError",
    "MemoryLimitError",
    "Runtime",
    "RuntimeClosedError",
    "ScriptSyntaxError",
    "TimeLimitError",
    "create_vm",
]

_LAZY = {
    "Runtime": "one_shot_man.scripting.runtime",
    "CompiledScript": "one_shot_man.scripting.runtime",
    "JavaScriptError": "one_shot_man.scripting.errors",
    "LoopTimeoutError": "one_shot_man.scripting.errors",
    "MemoryLimitError": "one_shot_man.scripting.errors",
    "RuntimeClosedError": "one_shot_man.scripting.errors",
    "ScriptSyntaxError": "one_shot_man.scripting.errors",
    "TimeLimitError": "one_shot_man.scripting.errors",
    "create_vm": "one_shot_man.scripting.runtime",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'one_shot_man.scripting' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
