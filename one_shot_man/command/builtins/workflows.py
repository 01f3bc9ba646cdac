"""`osm code-review`, `osm prompt-flow`, `osm super-document` (spec §3.7-3.9, §3.11).

Each builds an Engine bound to the session, injects `config`, `args` and its prompt
template, runs its bundled script (which registers its mode and switches into it) and
then, when interactive and not in test mode, hands the engine to the shell.
"""

from __future__ import annotations

from one_shot_man.command.engine_support import (
    check_store,
    new_engine,
    reject_arguments,
    run_terminal,
)
from one_shot_man.errors import CommandError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.engine_support import TerminalRunner
    from one_shot_man.command.flags import Flag, FlagSet
    from one_shot_man.config.model import Config
    from one_shot_man.scripting.engine import Engine, EngineFactory


__all__ = ["CodeReviewCommand", "PromptFlowCommand", "SuperDocumentCommand", "theme_colors"]

_SESSION_USAGE = "Session ID for state persistence (overrides auto-discovery)"
_STORE_USAGE = "Storage backend to use: 'fs' (default) or 'memory'"

#: super-document's adaptive palette (light/dark pairs), overridable by `theme.<name>` keys.
_THEME = {
    "textPrimary": ("#24292f", "#e6edf3"),
    "textSecondary": ("#57606a", "#8b949e"),
    "textTertiary": ("#6e7781", "#6e7681"),
    "textInverted": ("#ffffff", "#0d1117"),
    "accentPrimary": ("#0969da", "#58a6ff"),
    "accentSubtle": ("#ddf4ff", "#0d419d"),
    "accentSuccess": ("#1a7f37", "#3fb950"),
    "accentError": ("#cf222e", "#f85149"),
    "accentWarning": ("#9a6700", "#d29922"),
    "uiBorder": ("#d0d7de", "#30363d"),
    "uiActiveBorder": ("#0969da", "#58a6ff"),
    "uiBg": ("#ffffff", "#0d1117"),
    "uiBgSubtle": ("#f6f8fa", "#161b22"),
}


def theme_colors(config: Config | None = None) -> dict[str, object]:
    """The theme map: defaults, then global `theme.<name>` keys, then `[super-document]` ones."""
    theme: dict[str, object] = {k: {"light": lt, "dark": dk} for k, (lt, dk) in _THEME.items()}
    if config is None:
        return theme
    sections = [getattr(config, "global_options", None) or {}]
    sections.append((getattr(config, "commands", None) or {}).get("super-document") or {})
    for options in sections:
        for key, value in options.items():
            if key.startswith("theme.") and len(key) > len("theme."):
                theme[key[len("theme.") :]] = value
    return theme


class _WorkflowCommand:
    """The shared pattern of the engine-backed workflow commands (spec §3.7)."""

    name = ""
    description = ""
    usage = ""
    #: Bundled script / template names (see `one_shot_man.workflows`) and the template global.
    script = ""
    template = ""
    template_global = ""
    interactive_help = ""
    #: `--session`/`--store` count wherever they appear on the command line.
    interspersed_flags = True

    def __init__(
        self,
        config: Config | None = None,
        *,
        engine_factory: EngineFactory | None = None,
        terminal_runner: TerminalRunner | None = None,
    ) -> None:
        self.config = config
        self._engine_factory = engine_factory
        self._terminal_runner = terminal_runner
        self.interactive = True
        self.test_mode = False
        self.session = ""
        self.store = ""
        self._flags: dict[str, Flag] = {}

    # -- flags -------------------------------------------------------------------------------

    def setup_flags(self, flags: FlagSet) -> None:
        """`-interactive`/`-i` (default true), `-test`, `-session`, `-store`."""
        self._flags = {
            "interactive": flags.bool("interactive", True, self.interactive_help + " (default)"),
            "i": flags.bool("i", True, self.interactive_help + " (short form, default)"),
        }
        self._extra_flags(flags)
        self._flags["test"] = flags.bool("test", False, "Enable test mode with verbose output")
        self._flags["session"] = flags.string("session", "", _SESSION_USAGE)
        self._flags["store"] = flags.string("store", "", _STORE_USAGE)

    def _extra_flags(self, flags: FlagSet) -> None:
        """Command-specific flags, defined between `-i` and `-test` (Go's order)."""

    def _read_flags(self) -> None:
        f = self._flags
        if not f:
            return
        # Both spellings write one option in Go; the one given on the command line wins.
        if f["i"].is_set:
            self.interactive = bool(f["i"].value)
        elif f["interactive"].is_set:
            self.interactive = bool(f["interactive"].value)
        self.test_mode = bool(f["test"].value)
        self.session = str(f["session"].value or "")
        self.store = str(f["store"].value or "")
        self._read_extra_flags(f)

    def _read_extra_flags(self, flags: dict[str, Flag]) -> None:
        """Read what `_extra_flags` defined."""

    # -- execution ---------------------------------------------------------------------------

    def script_config(self) -> dict[str, object]:
        """The `config` global the script sees."""
        return {"name": self.name}

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        """Run the workflow script, then the shell when interactive (not in test mode)."""
        from one_shot_man.workflows import script_source, template_text

        self._read_flags()
        reject_arguments(self.name, args)
        check_store(self.store, self.config)
        engine = self._new_engine(stdout, stderr)
        try:
            if self.test_mode:
                setter = getattr(engine, "set_test_mode", None)
                if setter is not None:
                    setter(True)
            engine.set_global("config", self.script_config())
            engine.set_global("args", list(args))
            engine.set_global(self.template_global, template_text(self.template))
            try:
                engine.execute_script(self.name, script_source(self.script))
            except BrokenPipeError:
                raise
            except Exception as exc:
                raise CommandError(f"failed to execute {self.name} script: {exc}") from exc
            if self.interactive and not self.test_mode:
                self._run_terminal(engine)
        finally:
            engine.close()
        return 0

    def _new_engine(self, stdout: TextIO, stderr: TextIO) -> Engine:
        return new_engine(
            self._engine_factory,
            stdout,
            stderr,
            session=self.session,
            store=self.store,
            config=self.config,
            test_mode=self.test_mode,
        )

    def _run_terminal(self, engine: Engine) -> None:
        run_terminal(self._terminal_runner, engine, self.config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


class CodeReviewCommand(_WorkflowCommand):
    """`osm code-review`: gather files, diffs and notes into one review prompt."""

    name = "code-review"
    description = "Single-prompt code review with context"
    usage = "code-review [options]"
    script = "code_review"
    template = "code_review"
    template_global = "codeReviewTemplate"
    interactive_help = "Start interactive code review mode"


class PromptFlowCommand(_WorkflowCommand):
    """`osm prompt-flow`: goal -> context -> meta-prompt -> task prompt -> final prompt."""

    name = "prompt-flow"
    description = "Interactive prompt builder: goal/context/template -> generate -> assemble"
    usage = "prompt-flow [options]"
    script = "prompt_flow"
    template = "prompt_flow"
    template_global = "promptFlowTemplate"
    interactive_help = "Start interactive prompt flow mode"


class SuperDocumentCommand(_WorkflowCommand):
    """`osm super-document`: merge documents into one consistent document (shell mode)."""

    name = "super-document"
    description = "Merge documents into a single internally consistent super-document"
    usage = "super-document [options]"
    script = "super_document"
    template = "super_document"
    template_global = "superDocumentTemplate"
    interactive_help = "Start the interactive shell"
    #: `--shell` as given (set when the flags are read; the shell is the only interface).
    shell_mode = False

    def _extra_flags(self, flags: FlagSet) -> None:
        self._flags["shell"] = flags.bool(
            "shell", False, "Accepted for compatibility: the shell is the only interface"
        )

    def _read_extra_flags(self, flags: dict[str, Flag]) -> None:
        self.shell_mode = bool(flags["shell"].value)

    def script_config(self) -> dict[str, object]:
        return {"name": self.name, "shellMode": self.shell_mode, "theme": theme_colors(self.config)}
