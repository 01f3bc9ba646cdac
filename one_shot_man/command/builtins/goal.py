"""`osm goal`: list the pre-written goals, or run one as an interactive mode (spec §3.10).

Goals come from the GoalRegistry (built-ins merged with goal files found on disk); a
goal runs as `var GOAL_CONFIG = <goal JSON>;` followed by the goal interpreter, in an
Engine bound to the session, exactly like the other workflow commands.
"""

from __future__ import annotations

from one_shot_man.command.engine_support import (
    check_store,
    new_engine,
    reject_arguments,
    run_terminal,
)
from one_shot_man.errors import CommandError
from one_shot_man.trust.project import trust_hint

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.engine_support import TerminalRunner
    from one_shot_man.command.flags import Flag, FlagSet
    from one_shot_man.config.model import Config
    from one_shot_man.scripting.engine import Engine, EngineFactory
    from one_shot_man.workflows.goals import Goal, GoalRegistry


__all__ = ["GoalCommand", "GoalOptions", "format_goal_list", "format_ignored_goals"]

NAME = "goal"
DESCRIPTION = "Access pre-written goals for common development tasks"
USAGE = "goal [options] [goal-name]"

UNCATEGORIZED = "Uncategorized"

# (kind, name, default, usage) in the order the Go original defines them.
_FLAGS = (
    ("bool", "i", False, "Run goal in interactive mode"),
    ("bool", "l", False, "List available goals"),
    ("string", "c", "", "Filter goals by category"),
    ("string", "r", "", "Run specific goal directly"),
    ("string", "session", "", "Session ID for state persistence (overrides auto-discovery)"),
    ("string", "store", "", "Storage backend to use: 'fs' (default) or 'memory'"),
)


class GoalOptions:
    """The parsed flags of `osm goal` (a plain class: `dataclasses` is slow to import)."""

    def __init__(
        self,
        interactive: bool = False,
        list: bool = False,
        category: str = "",
        run: str = "",
        session: str = "",
        store: str = "",
    ) -> None:
        self.interactive = interactive
        self.list = list
        self.category = category
        self.run = run
        self.session = session
        self.store = store


_ATTR = {
    "i": "interactive",
    "l": "list",
    "c": "category",
    "r": "run",
    "session": "session",
    "store": "store",
}


def _category_heading(category: str) -> str:
    """`code-refactoring` -> `Code Refactoring` (Go: cases.Title of the lower-cased words)."""
    words = category.replace("-", " ").lower()
    out = []
    start = True
    for ch in words:
        if ch.isalpha() or ch.isdigit() or ch in "'’":
            out.append(ch.upper() if start else ch)
            start = False
        else:
            out.append(ch)
            start = True
    return "".join(out)


def _origin_note(goal: Goal) -> str:
    """` [project /repo]` after a project goal (plus why it will not run, if it will not)."""
    root = getattr(goal, "project_root", None)
    if root is None:
        return ""
    trust = getattr(goal, "trust", "trusted")
    if trust == "trusted":
        return f"  [project {root}]"
    state = "changed since trusted" if trust == "changed" else "not trusted"
    return f"  [project {root}, {state}]"


def format_ignored_goals(ignored: dict[str, Goal], category: str = "") -> str:
    """The note under a listing for untrusted project goals that a built-in or user goal hides."""
    if category:
        wanted = category.casefold()
        ignored = {n: g for n, g in ignored.items() if g.category.casefold() == wanted}
    if not ignored:
        return ""
    lines = ["", "Ignored project goals (their folder is not trusted; the goal listed runs):"]
    for name in sorted(ignored):
        goal = ignored[name]
        lines.append(f"  {name:<20} {goal.source}  (to use it: {trust_hint(_root(goal))})")
    return "\n".join(lines) + "\n"


def format_goal_list(goals: list[Goal], category: str = "") -> str:
    """The `osm goal -l` listing, with the optional case-insensitive category filter."""
    if category:
        wanted = category.casefold()
        goals = [g for g in goals if g.category.casefold() == wanted]
    if not goals:
        if category:
            return f"No goals found for category: {category}\n"
        return "No goals available\n"
    groups: dict[str, list[Goal]] = {}
    for goal in goals:
        groups.setdefault(goal.category, []).append(goal)
    lines = ["Available Goals:", ""]
    # Goals without a category come last, under a heading of their own (Go printed `:`).
    for cat in sorted(groups, key=lambda c: (not c.strip(), c)):
        lines.append(f"{_category_heading(cat) if cat.strip() else UNCATEGORIZED}:")
        for goal in sorted(groups[cat], key=lambda g: g.name):
            lines.append(f"  {goal.name:<20} {goal.description}{_origin_note(goal)}")
        lines.append("")
    lines += [
        "Usage:",
        "  osm goal <goal-name>           Run a goal interactively",
        "  osm goal -r <goal-name>        Run a goal directly",
        "  osm goal -c <category>         List goals by category",
    ]
    return "\n".join(lines) + "\n"


def _read_flag(ref: object) -> object:
    """A flag's value from whatever the FlagSet handed back when it was defined."""
    if hasattr(ref, "value"):
        return ref.value
    if callable(ref):
        return ref()
    return ref


def _write_list(registry: GoalRegistry, category: str, stdout: TextIO) -> int:
    stdout.write(format_goal_list(registry.get_all_goals(), category))
    stdout.write(format_ignored_goals(getattr(registry, "ignored", {}), category))
    return 0


def _root(goal: Goal) -> str:
    """The project folder of an untrusted or ignored goal: only project goals are either."""
    assert goal.project_root is not None
    return goal.project_root


def _why_untrusted(goal: Goal) -> str:
    if goal.trust == "changed":
        return "its file changed since you trusted that folder"
    return "you have not trusted that folder"


def _check_trust(goal: Goal, ignored: Goal | None, stderr: TextIO) -> None:
    """Refuse an untrusted project goal; say once that a shadowed one was ignored."""
    from one_shot_man.trust.project import UntrustedProjectError

    if not getattr(goal, "trusted", True):
        root = _root(goal)
        raise UntrustedProjectError(
            f"goal '{goal.name}' comes from {goal.source} in the project folder {root}, and "
            f"{_why_untrusted(goal)}; its JavaScript does not run until you review it and run "
            f"'{trust_hint(root)}'",
            root,
        )
    if ignored is not None:
        kind = "built-in" if goal.builtin else "your"
        stderr.write(
            f"osm: ignored the project goal '{goal.name}' from {ignored.source} "
            f"({_why_untrusted(ignored)}, {ignored.project_root}); {kind} goal "
            f"'{goal.name}' runs instead. "
            f"To use the project's goal, review it and run '{trust_hint(_root(ignored))}'\n"
        )


class GoalCommand:
    """The `goal` built-in command."""

    name = NAME
    description = DESCRIPTION
    usage = USAGE
    #: `osm goal NAME --session x`: flags count after the goal name too.
    interspersed_flags = True

    def __init__(
        self,
        config: Config | None = None,
        registry: GoalRegistry | None = None,
        *,
        test_mode: bool = False,
        engine_factory: EngineFactory | None = None,
        terminal_runner: TerminalRunner | None = None,
    ) -> None:
        self.config = config
        self._registry = registry
        #: Run the goal's JavaScript but never start the interactive terminal.
        self.test_mode = test_mode
        self._engine_factory = engine_factory
        self._terminal_runner = terminal_runner
        self.options = GoalOptions()
        self._flags: FlagSet | None = None
        self._refs: dict[str, Flag] = {}

    @property
    def registry(self) -> GoalRegistry:
        """The goal registry, built (lazily, cheaply) from the config on first use."""
        return self._goal_registry(None)

    def _goal_registry(self, stderr: TextIO | None) -> GoalRegistry:
        if self._registry is None:
            from one_shot_man.workflows.goals import GoalRegistry

            warn = None if stderr is None else (lambda message: stderr.write(message + "\n"))
            self._registry = GoalRegistry(self.config, warn=warn)
        return self._registry

    # -- flags -------------------------------------------------------------------------------

    def setup_flags(self, flags: FlagSet) -> None:
        """Define `-i -l -c -r -session -store` on the command's FlagSet."""
        self._flags = flags
        self._refs = {
            name: getattr(flags, kind)(name, default, usage)
            for kind, name, default, usage in _FLAGS
        }

    def _collect_options(self) -> GoalOptions:
        if self._flags is None:
            return self.options
        opts = GoalOptions()
        for name, ref in self._refs.items():
            setattr(opts, _ATTR[name], _read_flag(ref))
        return opts

    # -- execution ---------------------------------------------------------------------------

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        """List goals or run one; raises CommandError for an unknown goal or a failed script."""
        return self.run(self._collect_options(), args, stdout, stderr)

    def run(self, opts: GoalOptions, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        """`execute` with explicit options (what tests and other callers use)."""
        registry = self._goal_registry(stderr)
        if opts.list or opts.run:
            reject_arguments(NAME, args)  # the goal is named by -r, or nothing runs
        else:
            reject_arguments(NAME, args[1:])
        if opts.list:
            return _write_list(registry, opts.category, stdout)
        if opts.run:
            goal_name, interactive = opts.run, opts.interactive
        elif args:
            goal_name, interactive = args[0], True
        else:
            return _write_list(registry, opts.category, stdout)

        from one_shot_man.workflows.goals import GoalNotFoundError

        try:
            goal = registry.get(goal_name)
        except GoalNotFoundError:
            stderr.write(
                f"Goal '{goal_name}' not found. Use 'osm goal -l' to list available goals.\n"
            )
            raise
        _check_trust(goal, getattr(registry, "ignored", {}).get(goal_name), stderr)
        if "script" in goal.ignored_fields:
            stderr.write(
                f'warning: {goal.source}: the "script" field is not supported and was '
                "ignored; goals always run the standard interpreter\n"
            )

        check_store(opts.store, self.config)
        engine = self._new_engine(opts, stdout, stderr)
        try:
            try:
                # A goal file's handlers `require` from the file's own folder, never from
                # the working directory, so a project cannot supply modules to them.
                path = None if goal.builtin else goal.source
                engine.execute_script(goal.name, goal.script(), path=path)
            except BrokenPipeError:
                raise
            except Exception as exc:
                raise CommandError(f"failed to execute goal '{goal_name}': {exc}") from exc
            if interactive:
                try:
                    engine.switch_mode(goal.name)
                except Exception:  # as in Go: a failed switch is not fatal
                    pass
                if not self.test_mode:
                    self._run_terminal(engine)
        finally:
            engine.close()
        return 0

    def _new_engine(self, opts: GoalOptions, stdout: TextIO, stderr: TextIO) -> Engine:
        return new_engine(
            self._engine_factory,
            stdout,
            stderr,
            session=opts.session,
            store=opts.store,
            config=self.config,
            test_mode=self.test_mode,
        )

    def _run_terminal(self, engine: Engine) -> None:
        run_terminal(self._terminal_runner, engine, self.config)
