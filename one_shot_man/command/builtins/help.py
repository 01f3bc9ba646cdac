"""`osm help [command]`: the command list, or one command's description, usage and flags."""

from __future__ import annotations

from one_shot_man.command.base import BaseCommand
from one_shot_man.command.flags import FlagSet
from one_shot_man.errors import CommandNotFoundError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.registry import Registry

__all__ = ["HelpCommand", "create", "format_columns"]

UNKNOWN_COMMAND_HINT = (
    "Use 'osm help' to see available commands; use 'osm help <command>' for details "
    "(includes flags)."
)


def format_columns(rows: list[tuple[str, str]]) -> str:
    """Two-space indented rows, descriptions aligned 2 columns after the longest name.

    Same layout as Go's tabwriter with padding 2 for one block of rows.
    """
    if not rows:
        return ""
    width = max(len(name) for name, _ in rows) + 2
    return "".join(f"  {name.ljust(width)}{desc}\n" for name, desc in rows)


def _script_description(registry: Registry, name: str) -> str:
    """`Script command`, plus the project folder it comes from (such scripts need trust)."""
    root = registry.script_origin(name)
    if root is None:
        return "Script command"
    import os

    return f"Script command (project {os.path.realpath(root)})"


class HelpCommand(BaseCommand):
    """Lists commands (metadata from the registry's table: no command is imported)."""

    name = "help"
    description = "Display help information for commands"
    usage = "help [command]"

    def __init__(self, registry: Registry) -> None:
        super().__init__()
        self.registry = registry

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        if not args:
            self._general(stdout)
            return 0
        return self._one(args[0], stdout, stderr)

    def _general(self, out: TextIO) -> None:
        registry = self.registry
        parts = [
            "one-shot-man - refine reproducible one-shot prompts from your terminal\n",
            "\n",
            "Usage: osm <command> [options] [args...]\n",
            "\n",
            "Available commands:\n",
        ]
        builtins = registry.list_builtin()
        if builtins:
            parts.append("\nBuilt-in commands:\n")
            parts.append(format_columns([(n, registry.description_of(n)) for n in builtins]))
        scripts = registry.list_script()
        if scripts:
            parts.append("\nScript commands:\n")
            parts.append(format_columns([(n, _script_description(registry, n)) for n in scripts]))
        parts.append(
            "\nUse 'osm help <command>' for more information about a specific command "
            "(includes flags).\n"
        )
        out.write("".join(parts))

    def _one(self, name: str, out: TextIO, err: TextIO) -> int:
        try:
            cmd = self.registry.get(name)
        except CommandNotFoundError:
            err.write(f"Unknown command: {name}\n")
            raise
        flags = FlagSet(cmd.name)
        cmd.setup_flags(flags)
        text = [
            f"Command: {cmd.name}\n",
            f"Description: {cmd.description}\n",
            f"Usage: {cmd.usage}\n",
        ]
        details = getattr(cmd, "details", "")  # a command's longer help, when it has one
        if details:
            text.append("\n" + details)
        defaults = flags.defaults_text()
        if defaults:
            text.append("\nFlags:\n")
            text.append(defaults)
        else:
            from one_shot_man.command.script_command import ExecutableScriptCommand

            if isinstance(cmd, ExecutableScriptCommand):
                text.append(
                    f"\nNote: this is a script command; run 'osm {cmd.name} -h' "
                    "for its help (if supported).\n"
                )
        out.write("".join(text))
        return 0


def create(registry: Registry) -> HelpCommand:
    """Registry factory."""
    return HelpCommand(registry)
