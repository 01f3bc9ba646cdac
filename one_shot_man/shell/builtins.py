"""The shell's own commands: `help`, `mode`, `modes`, `state`, `reset` (spec §9.5, §10.5-10.6).

They are Python because they manage the shell rather than a workflow; each returns the
text to print, or raises `BuiltinError` (printed as `Error: <message>`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from one_shot_man.errors import CommandError
from one_shot_man.shell.completion import global_commands, mode_commands

if TYPE_CHECKING:
    from one_shot_man.jsvalue import JSObject
    from one_shot_man.scripting.engine import Engine

__all__ = ["BuiltinError", "help_text", "run_builtin"]

_HELP_HEAD = (
    "Available commands:\n"
    "  help                 - Show this help message\n"
    "  exit, quit           - Exit the terminal\n"
    "  mode <name>          - Switch to a mode\n"
    "  modes                - List available modes\n"
    "  state                - Show current mode state\n"
    "\n"
)


class BuiltinError(CommandError):
    """A built-in shell command was used wrongly (e.g. `mode` without a name)."""


def help_text(info: JSObject, scripts_loaded: int) -> str:
    """The general help (spec §10.6), ending without a newline."""
    lines = [_HELP_HEAD.rstrip("\n"), ""]
    # A workflow's own `help` only adds to this text (it runs after it), and the head
    # already lists `help`: listing it again gave an empty `help -` row.
    commands = [c for c in global_commands(info) + mode_commands(info) if c["name"] != "help"]
    if commands:
        lines.append("Registered commands:")
        for cmd in commands:
            lines.append(f"  {cmd['name']:<20} - {cmd.get('description', '')}")
            if cmd.get("usage"):
                lines.append(f"    Usage: {cmd['usage']}")
        lines.append("")
    if scripts_loaded > 0:
        lines.append(f"Loaded scripts: {scripts_loaded}")
    current = info.get("current")
    if current:
        lines.append(f"Current mode: {current}")
        lines.append("Note: You can execute JavaScript code directly!")
    else:
        names = ", ".join(m["name"] for m in info.get("modes", ()))
        lines.append(f"Available modes: {names}")
        lines.append("Lines that are not commands run as JavaScript.")
    return "\n".join(lines)


def run_builtin(engine: Engine, info: JSObject, name: str, args: list[str]) -> str | None:
    """Run built-in `name`; the text to print (None: nothing)."""
    if name == "mode":
        if len(args) != 1:
            raise BuiltinError("usage: mode <mode-name>")
        try:
            engine.switch_mode(args[0])
        except Exception:
            return f"mode {args[0]} not found"
        return None
    if name == "modes":
        names = [m["name"] for m in info.get("modes", ())]
        if not names:
            return "No modes registered"
        text = f"Available modes: {', '.join(names)}"
        if info.get("current"):
            text += f"\nCurrent mode: {info['current']}"
        return text
    if name == "state":
        if not info.get("current"):
            return "No active mode"
        return _state_text(engine, info["current"])
    if name == "reset":
        if args:
            raise BuiltinError("usage: reset (takes no arguments)")
        try:
            path = engine.open_state().archive_and_reset()
        except Exception as exc:
            return f"WARNING: Failed to archive session: {exc}\nState preserved; reset aborted."
        engine.clear_context()
        if path:
            return f"Session archived to: {path}"
        return "All shared and mode-specific state has been reset to default values."
    raise BuiltinError(f"command {name} not found")


def _state_text(engine: Engine, mode: str) -> str:
    """`state`: the mode, the session it is kept in, and what that session holds."""
    lines = [f"Mode: {mode}"]
    sm = getattr(engine, "state_manager", None)
    if sm is None:
        return lines[0]
    items, _found = sm.get_state("contextItems")  # the shared key of every workflow
    count = len(items) if isinstance(items, list) else 0
    lines.append(f"Session: {sm.session_id}")
    lines.append(f"Context: {count} context item{'' if count == 1 else 's'} ('list' shows them)")
    if getattr(sm, "unsaved_reason", ""):
        lines.append(f"Not saved to the session: {sm.unsaved_reason}")
    return "\n".join(lines)
