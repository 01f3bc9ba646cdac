"""Name -> command lookup: built-ins first, then executables in the script directories.

Built-ins are registered lazily from a table of name -> (module, factory, description,
usage): `osm version` imports only the version module, and `osm help` lists every
built-in from the table's metadata without importing any of them. Script discovery
(stat calls, maybe `git`) runs only when a name is not a built-in or when commands are
listed, so `Registry(Config())` is a few attribute stores.
"""

from __future__ import annotations

import os
import sys

from one_shot_man.errors import CommandError, CommandNotFoundError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from one_shot_man.command.base import Command
    from one_shot_man.command.script_trust import ScriptGate
    from one_shot_man.config import Config
    from one_shot_man.trust.project import CodeDir
    from one_shot_man.trust.store import TrustStore

__all__ = ["BUILTIN_COMMANDS", "BuiltinSpec", "Registry", "is_valid_script_name"]


def _stderr_line(message: str) -> None:
    sys.stderr.write(message + "\n")


class BuiltinSpec:
    """Where a built-in lives and what `help` says about it, without importing it.

    `factory` names a callable in `module`: a `create...` function is called with the
    registry (which carries the config), anything else (a command class) with the config. `optional` entries belong to modules that may not
    be installed; they are listed only when their module file exists.
    """

    __slots__ = ("description", "factory", "module", "name", "optional", "usage")

    def __init__(
        self,
        name: str,
        module: str,
        factory: str,
        description: str,
        usage: str,
        optional: bool = False,
    ) -> None:
        self.name = name
        self.module = module
        self.factory = factory
        self.description = description
        self.usage = usage
        self.optional = optional

    def available(self) -> bool:
        """True unless this optional command's module is absent from the installation."""
        if not self.optional:
            return True
        from importlib.util import find_spec

        try:
            return find_spec(self.module) is not None
        except (ImportError, ValueError):
            return False

    def create(self, registry: Registry) -> Command:
        """Import the module and build the command."""
        # `__import__` + sys.modules is `importlib.import_module` for an absolute name,
        # without importing importlib (and warnings): ~0.35 ms of every `osm` start.
        try:
            __import__(self.module)
            module = sys.modules[self.module]
        except ImportError as exc:
            raise CommandError(f"command {self.name} is not available: {exc}") from exc
        factory = getattr(module, self.factory)
        command: Command
        if self.factory.startswith("create"):
            command = factory(registry)
        else:
            command = factory(registry.config)
        return command

    def __repr__(self) -> str:
        return f"BuiltinSpec({self.name!r}, {self.module}:{self.factory})"


_P = "one_shot_man.command.builtins."

#: The built-in commands (spec 1.1 step 4). Descriptions and usage are the spec's exact
#: strings; each module's factory returns a command with the same metadata.
BUILTIN_COMMANDS: dict[str, BuiltinSpec] = {
    spec.name: spec
    for spec in (
        BuiltinSpec(
            "help",
            _P + "help",
            "create",
            "Display help information for commands",
            "help [command]",
        ),
        BuiltinSpec("version", _P + "version", "create", "Display version information", "version"),
        BuiltinSpec(
            "config",
            _P + "config",
            "create",
            "Manage configuration settings",
            "config [options] [key] [value]",
        ),
        BuiltinSpec(
            "init",
            _P + "init",
            "create",
            "Initialize one-shot-man environment",
            "init [options]",
        ),
        BuiltinSpec(
            "script",
            _P + "script",
            "ScriptCommand",
            "Execute JavaScript scripts with deferred/declarative API",
            "script [options] [script-file]",
        ),
        BuiltinSpec(
            "session",
            _P + "session",
            "create",
            "Manage persisted sessions",
            "session [list|clean|purge|delete|info|path|id]",
        ),
        BuiltinSpec(
            "prompt-flow",
            _P + "workflows",
            "PromptFlowCommand",
            "Interactive prompt builder: goal/context/template -> generate -> assemble",
            "prompt-flow [options]",
        ),
        BuiltinSpec(
            "code-review",
            _P + "workflows",
            "CodeReviewCommand",
            "Single-prompt code review with context",
            "code-review [options]",
        ),
        BuiltinSpec(
            "super-document",
            _P + "workflows",
            "SuperDocumentCommand",
            "TUI for merging documents into a single internally consistent super-document",
            "super-document [options]",
        ),
        BuiltinSpec(
            "completion",
            _P + "completion",
            "create",
            "Generate shell completion scripts",
            "completion [shell]",
        ),
        BuiltinSpec(
            "tokenize",
            _P + "tokenize",
            "create",
            "Count the tokens, lines and bytes of files (or standard input)",
            "tokenize [options] [file ...]",
        ),
        BuiltinSpec(
            "prompt",
            _P + "prompt",
            "create",
            "Print the prompt for files, directories, diffs and notes (no interactive shell)",
            "prompt [options] [path ...]",
        ),
        BuiltinSpec(
            "goal",
            _P + "goal",
            "GoalCommand",
            "Access pre-written goals for common development tasks",
            "goal [options] [goal-name]",
        ),
        BuiltinSpec(
            "trust",
            _P + "trust",
            "create",
            "Allow a project folder's goals and scripts to run (or list/revoke trust)",
            "trust [options] [dir]",
        ),
    )
}


def is_valid_script_name(name: str) -> bool:
    """Whether `name` may be looked up in a script directory.

    Rejects empty names, `.`/`..` parts and path separators, so `osm ../../usr/bin/env`
    cannot run a program outside the script directories (spec 13.20).
    """
    if not name or name in (".", "..") or ".." in name or "\x00" in name:
        return False
    if "/" in name or os.sep in name or (os.altsep is not None and os.altsep in name):
        return False
    return not (sys.platform == "win32" and ":" in name)


#: `Registry._project_dirs` before discovery: most registries never look for scripts, and an
#: empty dict per registry is a tenth of what creating one costs.
_NO_PROJECT_DIRS: dict[str, CodeDir] = {}


class Registry:
    """The commands `osm` can run: registered ones, lazy built-ins, script commands."""

    __slots__ = (
        "_builtins",
        "_commands",
        "_extra_script_paths",
        "_project_dirs",
        "_script_paths",
        "_trust_store",
        "_warn",
        "config",
    )

    def __init__(
        self,
        config: Config | None = None,
        builtins: bool = True,
        warn: Callable[[str], object] | None = None,
        trust_store: TrustStore | None = None,
    ) -> None:
        # Not keyword-only (callers name them anyway): CPython 3.11 looks each keyword-only
        # default up in a dict on every call, ~120 instructions apiece, 4% of a registry.
        if config is None:
            from one_shot_man.config import Config

            config = Config()
        self.config = config
        self._commands: dict[str, Command] = {}
        self._builtins: dict[str, BuiltinSpec] = BUILTIN_COMMANDS if builtins else {}
        self._script_paths: list[str] | None = None
        self._extra_script_paths: list[str] = []
        #: Script folder -> its entry, for the folders that belong to a project (filled by
        #: `script_paths()`; until then the shared empty table, never written to).
        self._project_dirs: dict[str, CodeDir] = _NO_PROJECT_DIRS
        self._warn = warn
        self._trust_store = trust_store

    # -- registration -------------------------------------------------------

    def register(self, cmd: Command) -> None:
        """Add (or replace: last wins) a built-in command under `cmd.name`."""
        self._commands[cmd.name] = cmd

    def register_lazy(self, spec: BuiltinSpec) -> None:
        """Add a built-in that is imported only when it is first looked up."""
        if self._builtins is BUILTIN_COMMANDS:
            self._builtins = dict(BUILTIN_COMMANDS)
        self._builtins[spec.name] = spec
        self._commands.pop(spec.name, None)

    def add_script_path(self, directory: str) -> None:
        """Append a script directory (ignored when already present)."""
        if self._script_paths is not None:
            if directory not in self._script_paths:
                self._script_paths.append(directory)
        elif directory not in self._extra_script_paths:
            self._extra_script_paths.append(directory)

    # -- lookup -----------------------------------------------------------------

    def builtin_spec(self, name: str) -> BuiltinSpec | None:
        """Table metadata of a lazily registered built-in, if `name` is one."""
        spec = self._builtins.get(name)
        if spec is None or name in self._commands or not spec.available():
            return None
        return spec

    def description_of(self, name: str) -> str:
        """A built-in's description without importing it (falls back to `get`)."""
        cmd = self._commands.get(name)
        if cmd is not None:
            return cmd.description
        spec = self._builtins.get(name)
        if spec is not None:
            return spec.description
        return self.get(name).description

    def get(self, name: str) -> Command:
        """The command called `name`; built-ins shadow scripts.

        Raises `CommandNotFoundError` (`command not found: <name>`).
        """
        cmd = self._commands.get(name)
        if cmd is not None:
            return cmd
        spec = self._builtins.get(name)
        if spec is not None and spec.available():
            cmd = spec.create(self)
            self._commands[name] = cmd
            return cmd
        script = self._find_script(name)
        if script is not None:
            return script
        raise CommandNotFoundError(f"command not found: {name}")

    def is_builtin(self, name: str) -> bool:
        """True when `name` is a registered or available built-in."""
        return name in self._commands or self.builtin_spec(name) is not None

    # -- scripts ------------------------------------------------------------------

    def script_paths(self) -> list[str]:
        """The script directories in discovery order (computed on first use)."""
        if self._script_paths is None:
            from one_shot_man.command.discovery import discover_script_dirs

            dirs = discover_script_dirs(self.config)
            paths = [d.path for d in dirs]
            self._project_dirs = {d.path: d for d in dirs if d.is_project}
            for extra in self._extra_script_paths:
                if extra not in paths:
                    paths.append(extra)
            self._script_paths = paths
        return self._script_paths

    def _find_script(self, name: str) -> Command | None:
        """The first runnable `name` in the script folders, skipping untrusted project ones.

        An untrusted project script never takes the place of the user's own script of
        that name (that one runs, with a note); when it is the only one, the error
        says how to trust its folder.
        """
        if not is_valid_script_name(name):
            return None
        gate: ScriptGate | None = None
        for directory, candidate in self._runnable(name):
            project = self._project_dirs.get(directory)
            if project is not None:
                if gate is None:
                    from one_shot_man.command.script_trust import ScriptGate

                    gate = ScriptGate(self._trust_store, self._warn)
                if not gate.allows(project, name, candidate):
                    continue
            note = gate.note_instead(candidate) if gate is not None else None
            if note is not None:
                (self._warn or _stderr_line)(note)
            from one_shot_man.command.script_command import ExecutableScriptCommand

            return ExecutableScriptCommand(name, candidate)
        if gate is not None:
            gate.refuse(name)
        return None

    def _runnable(self, name: str) -> Iterator[tuple[str, str]]:
        """(folder, file) for each script folder holding an executable non-directory `name`."""
        from one_shot_man.command.discovery import is_executable

        for directory in self.script_paths():
            candidate = os.path.join(directory, name)
            try:
                st = os.stat(candidate)
            except (OSError, ValueError):
                continue
            if (st.st_mode & 0o170000) == 0o040000:  # a directory
                continue
            if is_executable(candidate, st.st_mode):
                yield directory, candidate

    def script_origin(self, name: str) -> str | None:
        """The project folder a listed script comes from (None: the user's own)."""
        for directory, _ in self._runnable(name):
            project = self._project_dirs.get(directory)
            return None if project is None else project.root
        return None

    # -- listings -----------------------------------------------------------------

    def list_builtin(self) -> list[str]:
        """Built-in names, sorted."""
        names = set(self._commands)
        names.update(n for n, spec in self._builtins.items() if spec.available())
        return sorted(names)

    def list_script(self) -> list[str]:
        """Runnable script names, sorted and de-duplicated; built-ins' names left out.

        A name is listed when `get(name)` would run that script: the entry stats as a
        non-directory (following symlinks) and is executable.
        """
        from one_shot_man.command.discovery import is_executable

        builtin = set(self.list_builtin())
        names: set[str] = set()
        for directory in self.script_paths():
            try:
                with os.scandir(directory) as it:
                    entries = list(it)
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                if name in names or name in builtin or not is_valid_script_name(name):
                    continue
                try:
                    if entry.is_dir():
                        continue
                    mode = entry.stat().st_mode
                except OSError:
                    continue
                if is_executable(entry.path, mode):
                    names.add(name)
        return sorted(names)

    def list(self) -> list[str]:
        """Built-in and script names, sorted, without duplicates."""
        return sorted(set(self.list_builtin()) | set(self.list_script()))
