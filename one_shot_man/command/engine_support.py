"""What every engine-backed command (script, code-review, prompt-flow, super-document, goal)
shares.

Each one builds an Engine bound to the user's session through `new_engine` and, when
interactive, hands it to the shell; tests swap in an `EngineFactory` or a terminal runner
through the same two seams.
"""

from __future__ import annotations

from one_shot_man.errors import ArgumentError, CommandError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TextIO, TypedDict

    from one_shot_man.config.model import Config
    from one_shot_man.scripting.engine import Engine
    from one_shot_man.scripting.engine import EngineFactory as EngineFactory

    #: Runs the interactive shell on an engine (the shell's `run_terminal`, or a test's).
    TerminalRunner = Callable[[Engine, Config | None], None]

    class _LogOptions(TypedDict, total=False):
        log_file: TextIO
        log_buffer: int
        log_level: int


_BUILTIN_STORES = ("fs", "memory")


def check_store(flag_value: str | None, config: Config | None) -> None:
    """Refuse an unknown store before any work starts (ArgumentError, exit status 2).

    The store comes from `--store`, else `OSM_STORE`, else the config's `store`; a typo in
    any of them used to fall back to an unsaved in-memory session with only a warning.
    """
    import os

    if flag_value:
        name, source = flag_value, "--store"
    elif os.environ.get("OSM_STORE"):
        name, source = os.environ["OSM_STORE"], "OSM_STORE"
    else:
        options = getattr(config, "global_options", None) or {}
        name, source = options.get("store", ""), "the config's store key"
    if not name or name in _BUILTIN_STORES:
        return  # the common case decided without importing storage (start-up cost)
    from one_shot_man.storage import registered_backends

    valid = registered_backends()
    if name not in valid:
        raise ArgumentError(f'unknown store "{name}" in {source} (valid: {", ".join(valid)})')


def reject_arguments(command: str, extra: list[str]) -> None:
    """`osm <command>` takes no (more) positional arguments: name the first stray one."""
    if extra:
        words = " ".join(extra)
        raise ArgumentError(f"{command}: unexpected argument(s): {words}")


def new_engine(
    factory: EngineFactory | None,
    stdout: TextIO,
    stderr: TextIO,
    *,
    session: str | None,
    store: str | None,
    config: Config | None,
    test_mode: bool,
    log_file: TextIO | None = None,
    log_buffer: int | None = None,
    log_level: int | None = None,
) -> Engine:
    """An Engine (or the test's factory's product) for `--session`/`--store`.

    The log options are passed on only when given, so a factory need not take them.
    """
    if factory is None:
        from one_shot_man.scripting.engine import Engine

        factory = Engine
    logging: _LogOptions = {}
    if log_file is not None:
        logging["log_file"] = log_file
    if log_buffer is not None:
        logging["log_buffer"] = log_buffer
    if log_level is not None:
        logging["log_level"] = log_level
    return factory(
        stdout,
        stderr,
        session_id=session or None,
        store=store or None,
        config=config,
        test_mode=test_mode,
        **logging,
    )


def run_terminal(runner: TerminalRunner | None, engine: Engine, config: Config | None) -> None:
    """Run the interactive shell on `engine` until the user leaves it."""
    if runner is None:
        try:
            from one_shot_man.shell.shell import run_terminal as shell_runner
        except ImportError as exc:
            raise CommandError("interactive terminal is not available") from exc
        runner = shell_runner
    runner(engine, config)
