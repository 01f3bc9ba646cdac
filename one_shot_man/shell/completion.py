"""What the shell suggests on TAB: command names, mode names and file paths (spec §10.8).

Kept free of prompt_toolkit so the rules can be tested (and reused by other front ends)
as plain functions: each suggestion is `(text, description)` and replaces the token under
the cursor, whose start offset `complete` also returns.
"""

from __future__ import annotations

import os

from one_shot_man.argv import before_cursor

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.jsvalue import JSObject

__all__ = [
    "BUILTIN_NAMES",
    "GLOBAL_BUILTINS",
    "Suggestion",
    "complete",
    "file_path_suggestions",
    "global_commands",
]

Suggestion = tuple[str, str]

#: The words the line executor always knows, in the order they are suggested.
BUILTIN_NAMES = ("help", "exit", "quit", "mode", "modes", "state", "reset")

#: The built-in global commands (registered before any script runs), as listed by `help`.
GLOBAL_BUILTINS: tuple[JSObject, ...] = (
    {
        "name": "mode",
        "description": "Switch to a different mode",
        "usage": "mode <mode-name>",
        "argCompleters": [],
        "builtin": True,
    },
    {
        "name": "modes",
        "description": "List all available modes",
        "usage": "",
        "argCompleters": [],
        "builtin": True,
    },
    {
        "name": "state",
        "description": "Show current mode state",
        "usage": "",
        "argCompleters": [],
        "builtin": True,
    },
    {
        "name": "reset",
        "description": "Reset all shared and mode-specific state to default values",
        "usage": "reset",
        "argCompleters": [],
        "builtin": True,
    },
)


def global_commands(info: JSObject) -> list[JSObject]:
    """Global commands in registration order: the built-ins, then the script's.

    A script command with a built-in's name replaces it in place (as re-registration does).
    """
    ordered: dict[str, JSObject] = {c["name"]: c for c in GLOBAL_BUILTINS}
    for cmd in info.get("commands", ()):
        ordered[cmd["name"]] = cmd
    return list(ordered.values())


def mode_commands(info: JSObject) -> list[JSObject]:
    """The current mode's commands in mode order (none without a current mode)."""
    current = info.get("current")
    for mode in info.get("modes", ()):
        if mode["name"] == current:
            return list(mode.get("commands", ()))
    return []


def find_command(info: JSObject, name: str) -> JSObject | None:
    """The command a line runs: the current mode's first, then the global one."""
    for cmd in mode_commands(info):
        if cmd["name"] == name:
            return cmd
    for cmd in global_commands(info):
        if cmd["name"] == name:
            return cmd
    return None


def complete(
    text_before_cursor: str, info: JSObject, *, cwd: str | None = None
) -> tuple[list[Suggestion], int]:
    """Suggestions for the token under the cursor and where that token starts."""
    words, current, start = before_cursor(text_before_cursor)
    out: list[Suggestion] = []
    if not words:
        merged: dict[str, str] = {}
        for name in BUILTIN_NAMES:
            if name.startswith(current):
                merged[name] = "Built-in command"
        for cmd in global_commands(info) + mode_commands(info):
            if cmd["name"].startswith(current):
                merged[cmd["name"]] = cmd.get("description", "")
        return list(merged.items()), start
    command = find_command(info, words[0])
    if command is not None and "file" in command.get("argCompleters", ()):
        out.extend(file_path_suggestions(current, cwd=cwd))
        simple = len(words) == 1 and current != "" and "/" not in current
        avoid_fallback = simple and not text_before_cursor.endswith(" ")
        if not out and not avoid_fallback:
            out.extend(file_path_suggestions("", cwd=cwd))
    if len(words) == 1 and words[0] == "mode":
        for mode in info.get("modes", ()):
            if mode["name"].startswith(current):
                out.append((mode["name"], "Available mode"))
    return out, start


def _entries(directory: str) -> list[tuple[str, bool]]:
    try:
        with os.scandir(directory) as it:
            found = []
            for entry in it:
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                found.append((entry.name, is_dir))
    except OSError:
        return []
    found.sort()
    return found


def file_path_suggestions(path: str, *, cwd: str | None = None) -> list[Suggestion]:
    """Entries matching a partly typed path; the text keeps the directory part as typed."""
    base = cwd if cwd is not None else "."

    def resolve(p: str) -> str:
        return p if os.path.isabs(p) else os.path.join(base, p)

    if path == "~":
        return [("~/", "")]
    if path == "":
        return [(name + "/" if is_dir else name, "") for name, is_dir in _entries(base)]
    expanded = path
    if path.startswith("~/"):
        expanded = os.path.join(os.path.expanduser("~"), path[2:].lstrip("/"))
    scan = os.path.dirname(expanded) or "."
    prefix = os.path.basename(expanded)
    if expanded == "/":
        scan, prefix = "/", ""
    elif path.endswith("/") and os.path.isdir(resolve(expanded)):
        scan, prefix = expanded, ""
    out: list[Suggestion] = []
    for name, is_dir in _entries(resolve(scan)):
        if not name.startswith(prefix):
            continue
        if scan == ".":
            text = name
        elif path.endswith("/") or prefix == "":
            text = path + name if path.endswith("/") else path + "/" + name
        else:
            dir_part = os.path.dirname(path) or "."
            if dir_part == ".":
                text = name
            elif dir_part == "/":
                text = "/" + name
            elif dir_part == "~" and path.startswith("~//"):
                text = "~//" + name
            else:
                text = dir_part + "/" + name
        if is_dir:
            text += "/"
        out.append((text, ""))
    return out
