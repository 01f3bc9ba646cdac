"""`osm script`: run JavaScript files and inline code with osm's scripting API (spec §3.5).

This is how users automate prompt building and try the API: `osm script -e
'output.print(1)'`, `osm script build.js`, `osm script -test checks.js`. The engine is
imported only when the command runs, so other commands never pay for QuickJS.
"""

from __future__ import annotations

import os

from one_shot_man.errors import CommandError, ScriptError, UsageError, os_reason

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.engine_support import TerminalRunner
    from one_shot_man.command.flags import Flag, FlagSet
    from one_shot_man.config.model import Config
    from one_shot_man.scripting.engine import Engine, EngineFactory


NAME = "script"
DESCRIPTION = "Execute JavaScript scripts with deferred/declarative API"
USAGE = "script [options] [script-file [args...]]"
NO_SCRIPT_HINT = (
    "No script file specified. Use -i for interactive mode, -e for direct execution, "
    "or provide a script file."
)


class ScriptOptions:
    """The parsed flags of `osm script` (long and short forms share one field).

    A plain class: `dataclasses` would cost every `osm` start ~5 ms of imports.
    """

    def __init__(self) -> None:
        self.interactive = False
        self.script = ""
        self.test = False
        self.session = ""
        self.store = ""
        self.log_file = ""
        self.log_buffer = 1000
        self.log_level = "info"


def find_script(arg: str, cwd: str | None = None) -> str:
    """`<arg>`, else `scripts/<arg>` (relative to cwd); absolute paths are not checked."""
    if os.path.isabs(arg):
        return arg
    base = cwd or os.getcwd()
    for candidate in (arg, os.path.join("scripts", arg)):
        if os.path.exists(os.path.join(base, candidate)):
            return candidate
    raise CommandError(f"script file not found: {arg}")


def load_script(arg: str) -> tuple[str, str]:
    """`(path, source)` of script file `arg`; CommandError/ScriptError naming the cause."""
    path = find_script(arg)
    try:
        with open(path, encoding="utf-8") as fh:
            return path, fh.read()
    except IsADirectoryError:
        reason = "it is a directory"
    except UnicodeDecodeError as exc:
        reason = f"it is not UTF-8 text (byte {exc.start})"
    except OSError as exc:
        reason = os_reason(exc)
    raise ScriptError(f"failed to load script {path}: {reason}")


_FLAGS = (
    ("bool", "interactive", "interactive", "Start interactive scripting terminal"),
    ("bool", "interactive", "i", "Start interactive scripting terminal (short form)"),
    ("string", "script", "script", "JavaScript code to execute directly"),
    ("string", "script", "e", "JavaScript code to execute directly (short form)"),
    ("bool", "test", "test", "Enable test mode with verbose output"),
    ("string", "session", "session", "Session ID for state persistence (overrides auto-discovery)"),
    (
        "string",
        "store",
        "store",
        "Storage backend to use: 'fs' (default) or 'memory' (overrides OSM_STORE)",
    ),
    ("string", "log_file", "log-file", "Path to log file (JSON output)"),
    ("int", "log_buffer", "log-buffer", "Size of in-memory log buffer"),
    ("string", "log_level", "log-level", "Log level (debug, info, warn, error)"),
)


class ScriptCommand:
    """The built-in `script` command."""

    name = NAME
    description = DESCRIPTION
    usage = USAGE

    def __init__(
        self,
        config: Config | None = None,
        engine_factory: EngineFactory | None = None,
        terminal_runner: TerminalRunner | None = None,
    ) -> None:
        self.config = config
        self.options = ScriptOptions()
        self._bound: list[tuple[str, Flag]] = []
        # Tests replace the factory to check error paths; it takes Engine's arguments.
        self._engine_factory = engine_factory
        #: `run_terminal(engine, config)` of the interactive shell (tests replace it).
        self._terminal_runner = terminal_runner

    def setup_flags(self, flags: FlagSet) -> None:
        """Define the flags (Go names and help texts; long and short forms share a field)."""
        self.options = ScriptOptions()
        self._bound = [
            (field, getattr(flags, kind)(name, getattr(self.options, field), usage))
            for kind, field, name, usage in _FLAGS
        ]

    def _read_flags(self) -> None:
        """Copy parsed flag values into `options` (a flag given later wins, as in Go)."""
        for field, flag in self._bound:
            if flag.is_set:
                setattr(self.options, field, flag.value)

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        """Run the script files in order, then `-e`; errors are raised as OsmError."""
        from one_shot_man.scripting.logger import parse_level

        self._read_flags()
        o = self.options
        try:
            level = parse_level(o.log_level)
        except UsageError as exc:
            raise UsageError(f"invalid log level: {o.log_level}") from exc
        log_handle: TextIO | None = None
        if o.log_file:
            try:
                log_handle = open(o.log_file, "a", encoding="utf-8")  # noqa: SIM115
                os.chmod(o.log_file, 0o644)
            except OSError as exc:
                raise CommandError(
                    f"failed to open log file {o.log_file}: {os_reason(exc)}"
                ) from exc
        try:
            return self._run(args, stdout, stderr, level, log_handle)
        finally:
            if log_handle is not None:
                log_handle.close()

    def _run(
        self,
        args: list[str],
        stdout: TextIO,
        stderr: TextIO,
        level: int,
        log_handle: TextIO | None,
    ) -> int:
        o = self.options
        # `osm script FILE ARGS...`: the file runs with `args` = ARGS (Go HEAD). It is found
        # and read before anything starts, so a typo costs no session and runs nothing.
        script = load_script(args[0]) if args else None
        script_args = list(args[1:])
        runner = self._terminal_runner
        if o.interactive and runner is None:
            try:
                from one_shot_man.shell.shell import run_terminal as shell_runner
            except ImportError as exc:
                # Say so before creating (and persisting) a session.
                raise CommandError("interactive mode is not available: " + str(exc)) from exc
            runner = shell_runner
        from one_shot_man.command.engine_support import check_store, new_engine

        check_store(o.store, self.config)
        try:
            engine = new_engine(
                self._engine_factory,
                stdout,
                stderr,
                session=o.session,
                store=o.store,
                config=self.config,
                test_mode=o.test,
                log_file=log_handle,
                log_buffer=o.log_buffer,
                log_level=level,
            )
        except Exception as exc:
            raise ScriptError(f"failed to create scripting engine: {exc}") from exc
        try:
            engine.set_global("args", script_args)
            if script is not None:
                path, source = script
                try:
                    engine.execute_script(os.path.basename(path), source, path=path)
                except ScriptError as exc:
                    raise ScriptError(f"failed to evaluate script {path}: {exc}") from exc
            if o.script:
                engine.execute_script("command-line", o.script)
            if o.interactive and runner is not None:  # set above whenever interactive
                runner(engine, self.config)
                return 0
            if script is None and not o.script:
                stderr.write(NO_SCRIPT_HINT + "\n")
                stderr.flush()
                raise UsageError("no script specified")
            engine.wait()
            _raise_async_errors(engine)
        finally:
            engine.close()
        return 0


def _raise_async_errors(engine: Engine) -> None:
    """Fail like Node does when a timer callback threw or a rejection went unhandled.

    Each error was already printed (with script, line and column) when it happened, so
    the command's own error only counts them instead of printing the first one again.
    """
    errors = getattr(engine.runtime, "async_errors", None)
    if errors:
        count = len(errors)
        what = (
            "uncaught error in a timer or promise"
            if count == 1
            else (f"{count} uncaught errors in timers or promises")
        )
        raise ScriptError(f"{what} (printed above)")
