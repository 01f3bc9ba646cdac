"""The `osm` command line: global flags, config, registry, dispatch, exit status.

Start-up cost is a feature: `osm version` imports this module, the config model and
parser, the flag parser, the registry and the version command, nothing more (no
storage, msgspec, QuickJS, argparse, re, json, subprocess or datetime). Every user
error is one `Error: <message>` line on stderr with exit status 1, never a traceback.
"""

from __future__ import annotations

import sys

from one_shot_man.brokenpipe import EXIT_BROKEN_PIPE, silence_stdout
from one_shot_man.command.flags import FlagSet, HelpRequested
from one_shot_man.errors import CommandNotFoundError, OsmError, UsageError, os_error_text

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.base import Command
    from one_shot_man.command.registry import Registry
    from one_shot_man.config import Config

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_INTERRUPTED", "load_config", "main", "run", "usage_block"]

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C

_UNKNOWN_HINT = (
    "Use 'osm help' to see available commands; use 'osm help <command>' for details "
    "(includes flags)."
)


def load_config(stderr: TextIO) -> Config:
    """Load the config file; on failure warn on one line and use an empty config.

    Problems the loader recovered from (a bad `[sessions]` value, an over-long line)
    are printed as warnings so they do not go unnoticed.
    """
    from one_shot_man.config import Config, load

    try:
        config = load()
    except OsmError as exc:
        stderr.write(f"Warning: failed to load config: {exc}\n")
        return Config()
    except OSError as exc:  # defensive: the loader wraps these, but never crash here
        stderr.write(f"Warning: failed to load config: {exc}\n")
        return Config()
    for issue in config.issues:
        stderr.write(f"Warning: {issue}\n")
    return config


def usage_block(cmd: Command, flags: FlagSet) -> str:
    """The per-command usage text printed on `-h` and on flag errors (spec 1.3)."""
    details = getattr(cmd, "details", "")  # a command's longer help, when it has one
    about = f"{cmd.description}\n\n{details}" if details else cmd.description
    return f"Usage: {cmd.usage}\n\n{about}\n\nOptions:\n{flags.defaults_text()}"


def run(
    argv: list[str],
    stdout: TextIO,
    stderr: TextIO,
    *,
    registry: Registry | None = None,
) -> int:
    """Run one `osm` invocation (without the program name) and return its exit status."""
    global_flags = FlagSet("osm")
    want_help = global_flags.bool("h", False, "Show help")
    want_help_long = global_flags.bool("help", False, "Show help")
    try:
        rest = global_flags.parse(argv)
    except HelpRequested:
        rest, want_help.value = [], True
    except UsageError as exc:
        stderr.write(f"Error: {exc}\n")
        return 1

    if registry is None:
        from one_shot_man.command.registry import Registry

        registry = Registry(load_config(stderr), warn=lambda line: stderr.write(line + "\n"))

    if want_help.value or want_help_long.value or not rest:
        return _execute(registry.get("help"), [], stdout, stderr)

    name, args = rest[0], rest[1:]
    try:
        cmd = registry.get(name)
    except CommandNotFoundError:
        stderr.write(f"Unknown command: {name}\n{_UNKNOWN_HINT}\n")
        return 1
    except OsmError as exc:
        stderr.write(f"Error: {exc}\n")
        return 1

    flags = FlagSet(cmd.name)
    cmd.setup_flags(flags)
    try:
        remaining = flags.parse(args, interspersed=getattr(cmd, "interspersed_flags", False))
    except HelpRequested:  # asked for: stdout, like `osm help <command>` (Go: stderr)
        stdout.write(usage_block(cmd, flags))
        return 0
    except UsageError as exc:
        stderr.write(usage_block(cmd, flags))
        stderr.write(f"Error: {exc}\n")
        return 1
    return _execute(cmd, remaining, stdout, stderr)


def _execute(cmd: Command, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
    try:
        status = cmd.execute(args, stdout, stderr)
    except OsmError as exc:
        stderr.write(f"Error: {exc}\n")
        return getattr(exc, "exit_status", 1)
    except BrokenPipeError:
        raise
    except OSError as exc:
        # The environment failed (disk full, permission denied): not a bug to trace.
        stderr.write(f"Error: {os_error_text(exc)}\n")
        return 1
    if status is None:  # tolerate commands that forget to return a status
        return 0
    return int(status)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `osm` console script and `python -m one_shot_man`."""
    if argv is None:
        argv = sys.argv[1:]
    stdout, stderr = sys.stdout, sys.stderr
    try:
        status = run(argv, stdout, stderr)
        stdout.flush()
    except KeyboardInterrupt:
        try:
            stderr.flush()
        except (OSError, ValueError):
            pass
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        silence_stdout()
        return EXIT_BROKEN_PIPE
    return status
