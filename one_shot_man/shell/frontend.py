"""The shell's terminal front end on prompt_toolkit (spec §10.7-10.11).

The prompt runs on the thread that owns the JavaScript runtime; while it waits for a key
its input hook keeps the runtime's timers and queued calls running. Output that scripts
print while the prompt is on screen is queued and printed above it, so it never mangles
the line being typed. prompt_toolkit is imported only here, on first interactive use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol, TextIO

from one_shot_man.shell.completion import complete
from one_shot_man.shell.shutdown import ShellShutdown

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from prompt_toolkit.application import Application
    from prompt_toolkit.completion import CompleteEvent, Completer, Completion
    from prompt_toolkit.document import Document
    from prompt_toolkit.eventloop.inputhook import InputHookContext
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.styles import Style

    from one_shot_man.config.model import Config
    from one_shot_man.jsvalue import JSObject
    from one_shot_man.scripting.engine import Engine


class PromptShell(Protocol):
    """What the prompt_toolkit front end uses of the shell (`shell.Shell` is one)."""

    engine: Engine
    config: Config | None
    signal_hook: Callable[[str], bool] | None

    @property
    def info(self) -> JSObject: ...

    def history_commands(self) -> list[str]: ...

    def prompt_text(self) -> str: ...

    def start(self) -> bool: ...

    def execute_line(self, line: str) -> bool: ...


__all__ = ["DEFAULT_COLORS", "parse_color", "prompt_colors", "run_prompt"]

#: Colour roles and their defaults (spec §10.10).
DEFAULT_COLORS: dict[str, str] = {
    "input": "green",
    "prefix": "cyan",
    "suggestionText": "yellow",
    "suggestionBackground": "black",
    "selectedSuggestionText": "black",
    "selectedSuggestionBackground": "cyan",
    "descriptionText": "white",
    "descriptionBackground": "black",
    "selectedDescriptionText": "white",
    "selectedDescriptionBackground": "blue",
    "scrollbarThumb": "darkgray",
    "scrollbarBackground": "black",
}

# go-prompt's sixteen colour names -> prompt_toolkit's ANSI names.
_ANSI = {
    "black": "ansiblack",
    "darkred": "ansired",
    "darkgreen": "ansigreen",
    "brown": "ansiyellow",
    "darkblue": "ansiblue",
    "purple": "ansimagenta",
    "cyan": "ansicyan",
    "lightgray": "ansigray",
    "darkgray": "ansibrightblack",
    "red": "ansibrightred",
    "green": "ansibrightgreen",
    "yellow": "ansibrightyellow",
    "blue": "ansibrightblue",
    "fuchsia": "ansibrightmagenta",
    "turquoise": "ansibrightcyan",
    "white": "ansiwhite",
}


def parse_color(name: str) -> str:
    """A colour name (case-insensitive) as a prompt_toolkit colour; unknown names are white."""
    return _ANSI.get(name.strip().lower(), "ansiwhite")


def prompt_colors(config: Config | None = None) -> dict[str, str]:
    """The twelve roles with `prompt.color.<role>` overrides from the global config applied."""
    colors = dict(DEFAULT_COLORS)
    options = getattr(config, "global_options", None) or {}
    lowered = {role.lower(): role for role in colors}
    for key, value in options.items():
        if not key.startswith("prompt.color.") or not value:
            continue
        role = key[len("prompt.color.") :]
        colors[lowered.get(role.lower(), role)] = value
    return colors


def _style(colors: dict[str, str]) -> Style:
    from prompt_toolkit.styles import Style

    c = {role: parse_color(value) for role, value in colors.items()}
    return Style.from_dict(
        {
            "prefix": f"fg:{c['prefix']}",
            "input": f"fg:{c['input']}",
            "completion-menu.completion": (
                f"fg:{c['suggestionText']} bg:{c['suggestionBackground']}"
            ),
            "completion-menu.completion.current": (
                f"fg:{c['selectedSuggestionText']} bg:{c['selectedSuggestionBackground']}"
            ),
            "completion-menu.meta.completion": (
                f"fg:{c['descriptionText']} bg:{c['descriptionBackground']}"
            ),
            "completion-menu.meta.completion.current": (
                f"fg:{c['selectedDescriptionText']} bg:{c['selectedDescriptionBackground']}"
            ),
            "scrollbar.button": f"bg:{c['scrollbarThumb']}",
            "scrollbar.background": f"bg:{c['scrollbarBackground']}",
        }
    )


def _quote_if_needed(text: str) -> str:
    if text and not any(ch.isspace() or ch in "\"'\\" for ch in text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _completer(shell: PromptShell) -> Completer:
    from prompt_toolkit.completion import Completer, Completion

    class ShellCompleter(Completer):
        """Default completion (commands, modes, files) over the shell's cached tables."""

        def get_completions(
            self, document: Document, complete_event: CompleteEvent
        ) -> Iterator[Completion]:
            before = document.text_before_cursor
            try:
                suggestions, start = complete(before, shell.info, cwd=os.getcwd())
            except Exception:  # completion must never break typing
                return
            for text, description in suggestions[:200]:
                yield Completion(
                    _quote_if_needed(text),
                    start_position=start - len(before),
                    display=text,
                    display_meta=description,
                )

    return ShellCompleter()


def _key_bindings() -> KeyBindings:
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @kb.add("escape", eager=False)
    def _toggle(event: KeyPressEvent) -> None:
        """Escape shows or hides the completion menu."""
        buf = event.current_buffer
        if buf.complete_state:
            buf.cancel_completion()
        else:
            buf.start_completion(select_first=False)

    return kb


# C901 counts the closures below as one function: prompt_toolkit's callbacks share the
# live application and the pending output, and each is 1-3 branches.
def run_prompt(shell: PromptShell, *, stdin: TextIO, stdout: TextIO) -> None:  # noqa: C901
    """Prompt, execute, repeat until exit/quit, Ctrl-D on an empty line or `tui.requestExit()`."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.application import run_in_terminal
    from prompt_toolkit.application.current import set_app
    from prompt_toolkit.history import InMemoryHistory
    from prompt_toolkit.input import create_input
    from prompt_toolkit.lexers import SimpleLexer
    from prompt_toolkit.output import create_output

    engine = shell.engine
    runtime = engine.runtime
    pending: list[str] = []
    live: dict[str, Application[str] | None] = {"app": None}

    def flush() -> None:
        while pending:
            text = pending.pop(0)
            stdout.write(text)
        stdout.flush()

    def flush_above_prompt(app: Application[str]) -> None:
        with set_app(app):
            run_in_terminal(flush)

    def sink(text: str) -> None:
        app = live["app"]
        loop = getattr(app, "loop", None) if app is not None else None
        if loop is None:
            pending.append(text)
            flush()
            return
        pending.append(text)
        if len(pending) == 1:
            loop.call_soon_threadsafe(flush_above_prompt, app)

    def inputhook(context: InputHookContext) -> None:
        try:
            runtime.wait_for(context.fileno())
        except Exception:  # a closed runtime: just wait for the key
            import select

            select.select([context.fileno()], [], [])

    session: PromptSession[str] = PromptSession(
        history=InMemoryHistory(shell.history_commands()),
        completer=_completer(shell),
        complete_while_typing=True,
        style=_style(prompt_colors(shell.config)),
        lexer=SimpleLexer("class:input"),
        key_bindings=_key_bindings(),
        input=create_input(stdin),
        output=create_output(stdout),
        reserve_space_for_menu=10,
    )

    def stop_prompt(signame: str) -> bool:
        app = live["app"]
        loop = getattr(app, "loop", None) if app is not None else None
        if app is None or loop is None:
            return False
        loop.call_soon_threadsafe(lambda: app.exit(exception=ShellShutdown(signame)))
        return True

    def message() -> StyleAndTextTuples:
        return [("class:prefix", shell.prompt_text())]

    engine.logger.set_sink(sink)
    shell.signal_hook = stop_prompt
    try:
        if not shell.start():
            return
        while True:
            live["app"] = session.app
            try:
                line = session.prompt(message, inputhook=inputhook)
            except KeyboardInterrupt:
                continue  # Ctrl-C clears the line
            except EOFError:
                break  # Ctrl-D on an empty line
            finally:
                live["app"] = None
                flush()
            if not shell.execute_line(line):
                break
    finally:
        shell.signal_hook = None
        engine.logger.set_sink(None)
        flush()
