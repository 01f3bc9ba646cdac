"""The `osm` command line: global flags, config, registry, dispatch, exit status.

Start-up cost is a feature. `osm version` is answered before the command framework
loads: this module, the config path check (`config.location`), and the version command's
module, nothing more (no flag parser, registry, error classes, config model or parser,
storage, msgspec, QuickJS, argparse, re, json, subprocess or datetime). Every other
command goes through the flag parser and the registry. Every user error is one
`Error: <message>` line on stderr with exit status 1, never a traceback.

The modules on `osm version`'s path leave out `from __future__ import annotations`
(importing `__future__` is ~0.67 M instructions, 1.8% of the interpreter's own start-up)
and quote the annotations that name type-checking-only imports instead.
"""

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.brokenpipe import EXIT_BROKEN_PIPE
    from one_shot_man.command.base import Command
    from one_shot_man.command.flags import FlagSet
    from one_shot_man.command.registry import Registry
    from one_shot_man.config import Config

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_INTERRUPTED", "load_config", "main", "run", "usage_block"]

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for Ctrl-C

_UNKNOWN_HINT = (
    "Use 'osm help' to see available commands; use 'osm help <command>' for details "
    "(includes flags)."
)


def load_config(stderr: "TextIO") -> "Config":
    """Load the config file; on failure warn on one line and use an empty config.

    Problems the loader recovered from (a bad `[sessions]` value, an over-long line)
    are printed as warnings so they do not go unnoticed.
    """
    from one_shot_man.config import Config, load
    from one_shot_man.errors import OsmError

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


def usage_block(cmd: "Command", flags: "FlagSet") -> str:
    """The per-command usage text printed on `-h` and on flag errors (spec 1.3)."""
    details = getattr(cmd, "details", "")  # a command's longer help, when it has one
    about = f"{cmd.description}\n\n{details}" if details else cmd.description
    return f"Usage: {cmd.usage}\n\n{about}\n\nOptions:\n{flags.defaults_text()}"


#: The module and class of the built-in `version` (the registry's table says the same;
#: a test holds the two together).
VERSION_MODULE = "one_shot_man.command.builtins.version"
VERSION_CLASS = "VersionCommand"


def run(
    argv: list[str],
    stdout: "TextIO",
    stderr: "TextIO",
    *,
    registry: "Registry | None" = None,
) -> int:
    """Run one `osm` invocation (without the program name) and return its exit status."""
    if registry is None and _is_plain_version(argv):
        return _run_version(argv[1:], stdout, stderr)
    return _dispatch(argv, stdout, stderr, registry)


def _is_plain_version(argv: list[str]) -> bool:
    """`osm version [args]` where no argument is a flag: the flag parser would change nothing.

    Go's parsing stops at the first non-flag, and `version` defines no flags, so with
    no flag-like word first (`-x`, `--x`) both parses leave the arguments as they are.
    """
    if not argv or argv[0] != "version":
        return False
    return len(argv) == 1 or len(argv[1]) < 2 or argv[1][0] != "-"


def _run_version(args: list[str], stdout: "TextIO", stderr: "TextIO") -> int:
    """What `_dispatch` does for `version`, without the flag parser or the registry.

    The config is still checked, so its warnings appear as for every command; without
    a config file there is nothing to read or warn about, and no `Config` is built.
    """
    from one_shot_man.config.location import config_absent

    if not config_absent():
        load_config(stderr)
    __import__(VERSION_MODULE)
    cmd = getattr(sys.modules[VERSION_MODULE], VERSION_CLASS)()
    return _execute(cmd, args, stdout, stderr)


def _dispatch(
    argv: list[str], stdout: "TextIO", stderr: "TextIO", registry: "Registry | None"
) -> int:
    """Global flags, the config, the registry, the command's flags, the command."""
    from one_shot_man.command.flags import FlagSet, HelpRequested
    from one_shot_man.errors import CommandNotFoundError, OsmError, UsageError

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


def _execute(cmd: "Command", args: list[str], stdout: "TextIO", stderr: "TextIO") -> int:
    try:
        # Typed `int`, but a script command may still return None: tolerated below.
        status: int | None = cmd.execute(args, stdout, stderr)
    except Exception as exc:
        reported = _report(exc, stderr)
        if reported is None:
            raise
        return reported
    if status is None:  # tolerate commands that forget to return a status
        return 0
    return int(status)


def _report(exc: Exception, stderr: "TextIO") -> int | None:
    """Print a command's failure on one line and return the exit status; None: not ours.

    Ours are `OsmError`s and the environment failing (disk full, permission denied: an
    `OSError`, not a bug to trace); a broken pipe goes up to `main` as it is.
    """
    from one_shot_man.errors import OsmError, os_error_text

    if isinstance(exc, OsmError):
        stderr.write(f"Error: {exc}\n")
        return getattr(exc, "exit_status", 1)
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
        stderr.write(f"Error: {os_error_text(exc)}\n")
        return 1
    return None


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
        from one_shot_man.brokenpipe import EXIT_BROKEN_PIPE, silence_stdout

        silence_stdout()
        return EXIT_BROKEN_PIPE
    return status


def __getattr__(name: str) -> object:
    # `EXIT_BROKEN_PIPE` is exported from here too; its module loads only on a broken pipe.
    if name == "EXIT_BROKEN_PIPE":
        from one_shot_man.brokenpipe import EXIT_BROKEN_PIPE

        return EXIT_BROKEN_PIPE
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
