"""osm's command system: the `Command` protocol, a Go-compatible `FlagSet`, the `Registry`
of built-in and script commands and script discovery; the built-in commands themselves live
in `command/builtins/` (one module per command), which this framework never imports.

Imported on every `osm` start, so names load on first use (module `__getattr__`):
`osm version` imports the registry and the version command and nothing else.
"""

from one_shot_man._lazy import lazy_exports

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.command.base import BaseCommand, Command
    from one_shot_man.command.discovery import ScriptDiscoveryConfig, discover_script_paths
    from one_shot_man.command.flags import Flag, FlagSet, HelpRequested
    from one_shot_man.command.registry import BUILTIN_COMMANDS, BuiltinSpec, Registry
    from one_shot_man.command.script_command import ExecutableScriptCommand

_WHERE = {
    "BaseCommand": "base",
    "Command": "base",
    "Flag": "flags",
    "FlagSet": "flags",
    "HelpRequested": "flags",
    "BUILTIN_COMMANDS": "registry",
    "BuiltinSpec": "registry",
    "Registry": "registry",
    "ExecutableScriptCommand": "script_command",
    "ScriptDiscoveryConfig": "discovery",
    "discover_script_paths": "discovery",
}

__all__ = [
    "BUILTIN_COMMANDS",
    "BaseCommand",
    "BuiltinSpec",
    "Command",
    "ExecutableScriptCommand",
    "Flag",
    "FlagSet",
    "HelpRequested",
    "Registry",
    "ScriptDiscoveryConfig",
    "discover_script_paths",
]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, globals())
