"""What every engine-backed command (code-review, prompt-flow, super-document, goal) shares.

Each one builds an Engine bound to the user's session and, when interactive, hands it
to the shell; tests swap in an engine factory or a terminal runner through the same
two seams.
"""

from __future__ import annotations

from one_shot_man.errors import CommandError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TextIO


def new_engine(
    factory: Callable[..., Any] | None,
    stdout: TextIO,
    stderr: TextIO,
    *,
    session: str | None,
    store: str | None,
    config: Any,
    test_mode: bool,
) -> Any:
    """An Engine (or the test's factory's product) for `--session`/`--store`."""
    if factory is None:
        from one_shot_man.scripting.engine import Engine

        factory = Engine
    return factory(
        stdout,
        stderr,
        session_id=session or None,
        store=store or None,
        config=config,
        test_mode=test_mode,
    )


def run_terminal(runner: Callable[..., Any] | None, engine: Any, config: Any) -> None:
    """Run the interactive shell on `engine` until the user leaves it."""
    if runner is None:
        try:
            from one_shot_man.scripting.terminal import run_terminal as runner
        except ImportError as exc:
            raise CommandError("interactive terminal is not available") from exc
    runner(engine, config)
