"""The `osm:` native modules, one small Python module each: what `require("osm:<name>")` loads.

Only `require`-able modules live here; the globals every context gets (`ctx`, `output`,
`log`, `context`, `tui`) are in `scripting/globals/`.

Every module exposes `JS`, the source of a factory `(function (module, exports, osm,
require) {...})`, and optionally `ops(engine)`, the host operations its JavaScript calls
through `osm.call`. Nothing here is imported until a script first requires the module.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from one_shot_man.scripting.engine import Engine

#: `osm:<name>` -> Python module (under this package) implementing it.
NATIVE_MODULES: dict[str, str] = {
    "argv": "argv",
    "nextIntegerId": "next_integer_id",
    "exec": "exec_",
    "os": "os_",
    "time": "time_",
    "ctxutil": "ctxutil",
    "text/template": "text_template",
    "unicodetext": "unicodetext",
    "sharedStateSymbols": "shared_state_symbols",
    "tokenizer": "tokenizer",
    "format": "format_",
}


def load_native(name: str, engine: Engine) -> str:
    """Register the module's host operations and return its JS factory source."""
    from one_shot_man.scripting.bridge import HostError

    module_name = NATIVE_MODULES.get(name)
    if module_name is None:
        known = ", ".join(f"osm:{n}" for n in sorted(NATIVE_MODULES))
        raise HostError(f"Invalid module: osm:{name} (no such osm module; there are {known})")
    qualified = f"{__name__}.{module_name}"
    __import__(qualified)  # importlib.import_module without importing importlib (~0.3 ms)
    module = sys.modules[qualified]
    ops = getattr(module, "ops", None)
    if ops is not None:
        engine.bridge.register_many(ops(engine))
    source: str = module.JS
    return source
