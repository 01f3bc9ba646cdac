"""The interactive shell the workflows run in (spec §9.3-9.4, §10.5-10.7, §10.11).

`run_terminal(engine, config)` reads lines, runs each through the line executor and, on
exit, saves the session. On a terminal it uses prompt_toolkit (completion, history seeded
from the session, coloured prompt; timers keep firing while the prompt waits); with piped
standard input it simply executes each line, so a session can be scripted and tested.

The line executor follows the spec with the §13.1 fix: a line is evaluated as JavaScript
only when no command of that name exists; a command that fails prints `Error: <message>`
and is not re-run as JavaScript.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TextIO

from one_shot_man.shell.completion import find_command
from one_shot_man.shell.shutdown import ShellShutdown

if TYPE_CHECKING:
    from types import FrameType
    from typing import Protocol

    from one_shot_man.config.model import Config
    from one_shot_man.jsvalue import JSObject
    from one_shot_man.scripting.engine import Engine
    from one_shot_man.scripting.state import StateManager

    class _RunPrompt(Protocol):
        """The prompt_toolkit front end's entry point (`frontend.run_prompt`)."""

        def __call__(self, shell: Shell, *, stdin: TextIO, stdout: TextIO) -> None: ...

    #: What `signal.signal` returns: a handler, SIG_DFL/SIG_IGN, or None (not set from Python).
    _Handler = Callable[[int, FrameType | None], object] | int | signal.Handlers | None

__all__ = ["Shell", "run_piped_session", "run_terminal"]

_SIGNAL_NAMES = {signal.SIGINT: "interrupt", signal.SIGTERM: "terminated", 1: "hangup"}


class Shell:
    """The line executor and shell state over one Engine (front-end independent)."""

    def __init__(self, engine: Engine, config: Config | None = None) -> None:
        self.engine = engine
        self.config = config
        self._info: JSObject | None = None
        self.exit_requested = False
        #: Set by a front end while it waits for input: takes a signal name and returns True
        #: when it will stop the wait itself (an exception raised inside an event loop
        #: would be caught there instead of ending the shell).
        self.signal_hook: Callable[[str], bool] | None = None

    # -- what the engine knows ---------------------------------------------------------------

    @property
    def info(self) -> JSObject:
        """Modes and commands (cached; refreshed after every executed line)."""
        if self._info is None:
            self._info = self.engine.tui_info()
        return self._info

    def refresh(self) -> None:
        """Forget the cached mode/command table (a line may have registered more)."""
        self._info = None

    @property
    def current_mode(self) -> str | None:
        return self.info.get("current") or None

    def _mode(self) -> JSObject | None:
        current = self.current_mode
        modes: list[JSObject] = self.info.get("modes", [])
        for mode in modes:
            if mode["name"] == current:
                return mode
        return None

    def prompt_text(self) -> str:
        """The mode's prompt, else `[<mode>]> `, else `>>> ` (spec §10.7)."""
        mode = self._mode()
        if mode is None:
            return ">>> "
        return mode.get("prompt") or f"[{mode['name']}]> "

    def initial_command(self) -> str:
        mode = self._mode()
        return (mode or {}).get("initialCommand") or ""

    def history_commands(self) -> list[str]:
        """Commands of the session's history, oldest first (seeds the up-arrow history)."""
        sm = getattr(self.engine, "state_manager", None)
        if sm is None:
            return []
        return [command for command in sm.history_commands() if command]

    def say(self, text: str) -> None:
        """Print through the engine's user output (the shell's queue while a prompt shows)."""
        self.engine.print_to_user(text)

    # -- the line executor -------------------------------------------------------------------

    def execute_line(self, line: str) -> bool:
        """Run one input line; False when the shell should stop (exit, quit, requestExit)."""
        from one_shot_man.argv import parse_argv

        text = line.strip()
        if not text:
            return not self.exit_requested
        try:
            words = parse_argv(text)
        except Exception as exc:  # the tokenizer is lenient, but never let a line kill the shell
            self.say(f"Error: {exc}")
            return True
        if not words:
            return True
        name, args = words[0], words[1:]
        try:
            if name in ("exit", "quit"):
                self._leave_mode()
                self.say("Goodbye!")
                return False
            if name == "help":
                self._help()
            else:
                self._dispatch(text, name, args, _rest_of_line(text))
        finally:
            self.refresh()
        if self.info.get("exitRequested"):
            self.exit_requested = True
        return not self.exit_requested

    def _leave_mode(self) -> None:
        """Run the current mode's `onExit` when the engine offers a way to (spec §10.6 step 3)."""
        leave = getattr(self.engine, "exit_current_mode", None)
        if leave is None:
            return
        try:
            leave()
        except BrokenPipeError:
            raise
        except Exception as exc:
            self.say(_error_line(exc))

    def _help(self) -> None:
        from one_shot_man.shell.builtins import help_text

        self.say(help_text(self.info, len(getattr(self.engine, "scripts", ()))))
        if find_command(self.info, "help") is not None:
            try:
                self.engine.execute_command("help", [])
            except BrokenPipeError:
                raise
            except Exception:  # as in Go: a workflow's help addition never fails `help`
                pass

    def _dispatch(self, text: str, name: str, args: list[str], raw: str) -> None:
        cmd = find_command(self.info, name)
        if cmd is not None and cmd.get("builtin"):
            self._builtin(name, args)
            return
        if cmd is not None:
            try:
                ran = self.engine.execute_command(name, args, raw=raw)
            except BrokenPipeError:
                raise
            except Exception as exc:
                self.say(_error_line(exc))
                return
            if ran:
                return
        self._unknown(text, name)

    def _builtin(self, name: str, args: list[str]) -> None:
        from one_shot_man.shell.builtins import run_builtin

        try:
            out = run_builtin(self.engine, self.info, name, args)
        except BrokenPipeError:
            raise
        except Exception as exc:
            self.say(f"Error: {_one_line(exc)}")
            return
        if out:
            self.say(out)

    def _unknown(self, text: str, name: str) -> None:
        """A line that is no command runs as JavaScript, in a mode or not (`osm script -i`).

        A line that fails as JavaScript and reads like a command (see `shell.suggest`)
        is reported as the mistyped command it most likely is, with the nearest commands.
        """
        from one_shot_man.shell.suggest import is_mistyped_command

        mode = self.current_mode
        try:
            self.engine.execute_script(f"{mode}-repl" if mode else "repl", text)
        except BrokenPipeError:
            raise
        except Exception as exc:
            if is_mistyped_command(text, str(exc)):
                from one_shot_man.shell.suggest import not_found_message

                self.say(not_found_message(name, self._command_names()))
                return
            self.say(_error_line(exc))

    def _command_names(self) -> list[str]:
        """Every command a line may start with here: the mode's, global ones, built-ins."""
        from one_shot_man.shell.completion import BUILTIN_NAMES

        mode = self._mode() or {}
        names = [c["name"] for c in mode.get("commands", ())]
        names += [c["name"] for c in self.info.get("commands", ())]
        names += BUILTIN_NAMES
        return list(dict.fromkeys(names))

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> bool:
        """Run the mode's initial command, if any; False when it asked to exit."""
        initial = self.initial_command()
        if initial:
            return self.execute_line(initial)
        return True

    def save_session(self) -> None:
        """`Saving session...` then persist (spec §9.4); never "saved" when it was not.

        A session opened in memory (the real one was locked) or a write that failed is
        reported as NOT saved, and the context is written to a new session instead.
        """
        self.say("Saving session...")
        sm = getattr(self.engine, "state_manager", None)
        if sm is None:
            self.say("Session saved successfully.")
            return
        reason = getattr(sm, "unsaved_reason", "")
        if not reason:
            try:
                sm.persist_session()
            except BrokenPipeError:
                raise
            except Exception as exc:
                reason = _one_line(exc)
        if not reason:
            self.say("Session saved successfully.")
            return
        self.say(f"Session NOT saved: {reason}")
        if not getattr(sm, "unsaved_reason", ""):
            try:  # reported here: the engine's closing save must not report it again
                sm.unsaved_reason = reason
            except AttributeError:
                pass
        self._keep_elsewhere(sm)

    def _keep_elsewhere(self, sm: StateManager | None) -> None:
        from one_shot_man.scripting.unsaved import keep_in_new_session, resume_hint

        if sm is None or getattr(sm, "session", None) is None:
            self.say("Your context was only in memory and is lost when osm exits.")
            return
        try:
            name = keep_in_new_session(sm)
        except Exception as exc:
            self.say(
                f"Your context could not be written elsewhere either ({_one_line(exc)}); "
                "it was only in memory and is lost when osm exits."
            )
            return
        self.say(
            f'Your context was written to the new session "{name}" instead.\n'
            f"Continue it with: {resume_hint(self.current_mode, name)}"
        )


def _rest_of_line(text: str) -> str:
    """What follows the command word, exactly as typed (leading blanks dropped)."""
    parts = text.split(None, 1)
    return parts[1] if len(parts) > 1 else ""


def _error_line(exc: BaseException) -> str:
    """`Error: <message>` without doubling a JS error's own `Error: ` prefix."""
    text = _one_line(exc)
    return text if text.startswith("Error: ") else f"Error: {text}"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    first = text.splitlines()[0]
    return first.removeprefix("script execution failed: ")


def _is_tty(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def run_lines(
    shell: Shell, lines: Iterable[str], *, pump: Callable[[], object] | None = None
) -> None:
    """Execute `lines` in order until one asks to exit (no prompt, no echo)."""
    if not shell.start():
        return
    for line in lines:
        if pump is not None:
            pump()
        if not shell.execute_line(line.rstrip("\r\n")):
            return


def run_piped_session(
    engine: Engine,
    lines: Iterable[str],
    stdout: TextIO | None = None,
    *,
    config: Config | None = None,
    save: bool = True,
) -> None:
    """Drive a whole shell session from `lines` (for scripts, tests and benchmarks).

    Output goes to the engine's stdout, or to `stdout` when given. `save` ends the session
    the way an interactive exit does (`Saving session...`).
    """
    shell = Shell(engine, config)
    logger = engine.logger
    if stdout is not None:
        logger.set_sink(stdout.write)
    try:
        run_lines(shell, lines, pump=_pump_for(engine))
        if save:
            shell.save_session()
    finally:
        if stdout is not None:
            logger.set_sink(None)


def _pump_for(engine: Engine) -> Callable[[], None] | None:
    runtime = getattr(engine, "runtime", None)
    pump = getattr(runtime, "pump", None)
    if pump is None:
        return None

    def run_timers() -> None:
        try:
            pump()
        except Exception:  # a broken timer must not end the session
            pass

    return run_timers


def _stdin_lines(stdin: TextIO, engine: Engine) -> Iterable[str]:
    """Lines of `stdin`; while waiting for a pipe, the runtime's timers keep firing."""
    fd = _raw_fd(stdin)
    wait_for = getattr(getattr(engine, "runtime", None), "wait_for", None)
    if fd is None or wait_for is None:
        while True:
            line = stdin.readline()
            if not line:
                return
            yield line
    buf = b""
    while True:
        cut = buf.find(b"\n")
        if cut >= 0:
            raw, buf = buf[: cut + 1], buf[cut + 1 :]
            yield raw.decode("utf-8", "replace")
            continue
        try:
            wait_for(fd)
        except Exception:  # a closed runtime: plain blocking reads
            pass
        try:
            chunk = os.read(fd, 65536)
        except InterruptedError:
            continue
        if not chunk:
            if buf:
                yield buf.decode("utf-8", "replace")
            return
        buf += chunk


def _raw_fd(stream: TextIO) -> int | None:
    """The descriptor under a text stream (osm reads nothing from stdin before the shell)."""
    if getattr(stream, "buffer", None) is None:
        return None
    try:
        return int(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return None


def run_terminal(
    engine: Engine,
    config: Config | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Run the shell until exit, EOF or a signal, then save the session (spec §10.11).

    A terminal gets the prompt_toolkit line editor; anything else (a pipe, a file) is read
    line by line and executed without a prompt.
    """
    stdin = sys.stdin if stdin is None else stdin
    stdout = engine.stdout if stdout is None else stdout
    shell = Shell(engine, config)
    restore = _install_signal_handlers(shell)
    try:
        try:
            run_prompt = _prompt_front_end() if _is_tty(stdin) and _is_tty(stdout) else None
            if run_prompt is not None:
                run_prompt(shell, stdin=stdin, stdout=stdout)
            elif _is_tty(stdin) and _is_tty(stdout):
                run_lines(shell, _basic_prompt_lines(shell, stdin, stdout))
            else:
                run_lines(shell, _stdin_lines(stdin, engine), pump=_pump_for(engine))
        except ShellShutdown as stop:
            _write(stdout, f"\n\nReceived signal {stop.signame}, shutting down...\n")
        except KeyboardInterrupt:
            _write(stdout, "\n\nReceived signal interrupt, shutting down...\n")
        except BrokenPipeError:  # the reader went away: keep the work, end quietly
            shell.save_session()
            raise
        shell.save_session()
    finally:
        restore()


def _prompt_front_end() -> _RunPrompt | None:
    """prompt_toolkit's front end, or None when prompt_toolkit is not installed."""
    try:
        from one_shot_man.shell.frontend import run_prompt
    except ImportError:
        return None
    try:
        import prompt_toolkit  # noqa: F401
    except ImportError:
        return None
    return run_prompt


def _basic_prompt_lines(shell: Shell, stdin: TextIO, stdout: TextIO) -> Iterable[str]:
    """A plain `prompt + readline` loop for terminals without prompt_toolkit."""
    while True:
        _write(stdout, shell.prompt_text())
        line = stdin.readline()
        if not line:
            _write(stdout, "\n")
            return
        yield line


def _write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


def _install_signal_handlers(shell: Shell) -> Callable[[], None]:
    """SIGTERM (and SIGHUP) end the shell gracefully; returns a function that undoes it."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous: dict[int, _Handler] = {}

    def handler(signum: int, _frame: FrameType | None) -> None:
        name = _SIGNAL_NAMES.get(signum) or signal.Signals(signum).name
        hook = shell.signal_hook
        if hook is not None and hook(name):
            return
        raise ShellShutdown(name)

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is None:
            continue
        try:
            previous[sig] = signal.signal(sig, handler)
        except (OSError, ValueError):
            pass

    def restore() -> None:
        for sig, old in previous.items():
            try:
                signal.signal(sig, old)
            except (OSError, ValueError):
                pass

    return restore
