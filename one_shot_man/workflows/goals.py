"""Goals: pre-written prompt workflows described as data (spec §12.3).

A goal is a JSON object (user files) or a built-in entry. It names a REPL mode, the
state it keeps, the commands it offers and the templates that turn its context into a
prompt; one JavaScript interpreter (`js/goal.js`) runs every goal. This module holds
the model, the file loader with its validation, and the registry that merges built-in
and discovered goals. Discovery of goal directories lives in `goal_discovery`.
"""

from __future__ import annotations

import os

from one_shot_man.errors import CommandError, ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import builtins
    from collections.abc import Callable, Iterable
    from typing import Unpack

    from one_shot_man.config.model import Config
    from one_shot_man.jsvalue import JSObject, JSValue
    from one_shot_man.trust.project import CodeDir
    from one_shot_man.trust.store import TrustStore
    from one_shot_man.workflows.goal_discovery import GoalDirOptions

__all__ = [
    "COMMAND_TYPES",
    "CommandConfig",
    "Goal",
    "GoalFileError",
    "GoalNotFoundError",
    "GoalRegistry",
    "builtin_goals",
    "discover_goal_paths",
    "find_goal_files",
    "goal_from_dict",
    "goal_script",
    "is_valid_goal_name",
    "load_goal_file",
    "read_goal_file",
]

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")

#: Command types the interpreter understands; others are accepted and ignored (as in Go).
COMMAND_TYPES = ("contextManager", "custom", "help")


class GoalFileError(ConfigError):
    """A goal file cannot be read, parsed or validated.

    `path` is the file, `field` the JSON field at fault (None when the whole file is),
    and `reason` the message without the path, as the registry's warning shows it.
    """

    def __init__(self, path: str, reason: str, field: str | None = None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.field = field


class GoalNotFoundError(CommandError):
    """No built-in or discovered goal has the requested name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"goal not found: {name}")
        self.name = name


class CommandConfig:
    """One REPL command of a goal (`commands[i]` in the JSON).

    Plain classes, not dataclasses: `osm` imports this module on start-up paths where
    the `dataclasses` import alone costs several milliseconds.
    """

    __slots__ = ("arg_completers", "description", "handler", "name", "type", "usage")

    def __init__(
        self,
        name: str,
        type: str,
        description: str = "",
        usage: str = "",
        arg_completers: list[str] | None = None,
        handler: str = "",
    ) -> None:
        self.name = name
        self.type = type
        self.description = description
        self.usage = usage
        self.arg_completers = list(arg_completers or [])
        self.handler = handler

    def __repr__(self) -> str:
        return f"CommandConfig(name={self.name!r}, type={self.type!r})"

    def to_config(self) -> JSObject:
        """The JSON shape the interpreter reads (empty optional fields omitted)."""
        out: JSObject = {"name": self.name, "type": self.type}
        if self.description:
            out["description"] = self.description
        if self.usage:
            out["usage"] = self.usage
        if self.arg_completers:
            out["argCompleters"] = list(self.arg_completers)
        if self.handler:
            out["handler"] = self.handler
        return out


class Goal:
    """A goal definition; attribute names follow the JSON keys in snake case.

    `source` is where the goal came from (a file path, or `<built-in>`);
    `ignored_fields` lists the file's JSON keys the loader ignored.
    """

    def __init__(
        self,
        name: str,
        description: str,
        category: str = "",
        usage: str = "",
        tui_title: str = "",
        tui_prompt: str = "",
        state_vars: JSObject | None = None,
        prompt_instructions: str = "",
        prompt_template: str = "",
        prompt_options: JSObject | None = None,
        context_header: str = "",
        banner_template: str = "",
        usage_template: str = "",
        notable_variables: list[str] | None = None,
        commands: list[CommandConfig] | None = None,
        source: str = "<built-in>",
        ignored_fields: list[str] | None = None,
    ) -> None:
        self.name = name
        self.description = description
        self.category = category
        self.usage = usage
        self.tui_title = tui_title
        self.tui_prompt = tui_prompt
        self.state_vars = state_vars
        self.prompt_instructions = prompt_instructions
        self.prompt_template = prompt_template
        self.prompt_options = prompt_options
        self.context_header = context_header
        self.banner_template = banner_template
        self.usage_template = usage_template
        self.notable_variables = notable_variables
        self.commands = commands
        self.source = source
        self.ignored_fields = list(ignored_fields or [])
        #: The project folder this goal's file was found in (None: built-in or the user's own).
        self.project_root: str | None = None
        #: For a project goal: a `Verdict` (trusted, untrusted, changed); else "trusted".
        self.trust = "trusted"

    def __repr__(self) -> str:
        return f"Goal(name={self.name!r}, source={self.source!r})"

    @property
    def trusted(self) -> bool:
        """May this goal's JavaScript run? Always for built-in and user goals."""
        return self.trust == "trusted"

    @property
    def builtin(self) -> bool:
        return self.source == "<built-in>"

    def to_config(self) -> JSObject:
        """`GOAL_CONFIG` for the interpreter: every key present, absent values as null."""
        return {
            "name": self.name,
            "description": self.description,
            "category": self.category,
            "usage": self.usage,
            "tuiTitle": self.tui_title,
            "tuiPrompt": self.tui_prompt,
            "stateVars": self.state_vars,
            "promptInstructions": self.prompt_instructions,
            "promptTemplate": self.prompt_template,
            "promptOptions": self.prompt_options,
            "contextHeader": self.context_header,
            "bannerTemplate": self.banner_template,
            "usageTemplate": self.usage_template,
            "notableVariables": self.notable_variables,
            "commands": None if self.commands is None else [c.to_config() for c in self.commands],
        }

    def to_json(self) -> str:
        import json

        return json.dumps(self.to_config(), ensure_ascii=False)

    def script(self) -> str:
        """The JavaScript `osm goal` runs: the config prologue, then the interpreter."""
        return f"var GOAL_CONFIG = {self.to_json()};\n{goal_script()}"


def is_valid_goal_name(name: str) -> bool:
    """A goal name is a mode name, a state namespace and a CLI word: `[A-Za-z0-9][A-Za-z0-9-]*`."""
    return bool(name) and name[0] != "-" and name.isascii() and _NAME_CHARS.issuperset(name)


# -- decoding -------------------------------------------------------------------------------

_STRING_FIELDS = {
    "name": "name",
    "description": "description",
    "category": "category",
    "usage": "usage",
    "tuiTitle": "tui_title",
    "tuiPrompt": "tui_prompt",
    "promptInstructions": "prompt_instructions",
    "promptTemplate": "prompt_template",
    "contextHeader": "context_header",
    "bannerTemplate": "banner_template",
    "usageTemplate": "usage_template",
}
_COMMAND_STRING_FIELDS = {
    "name": "name",
    "type": "type",
    "description": "description",
    "usage": "usage",
    "handler": "handler",
}
_KNOWN_FIELDS = frozenset(_STRING_FIELDS) | {
    "stateVars",
    "promptOptions",
    "notableVariables",
    "commands",
}


def _json_type(value: JSValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _Decoder:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field_path: str, reason: str) -> GoalFileError:
        return GoalFileError(
            self.source, f"failed to parse goal JSON: field {field_path!r}: {reason}", field_path
        )

    def string(self, value: JSValue, field_path: str) -> str:
        # JSON null leaves a Go string field empty; anything else must be a string.
        if value is None:
            return ""
        if not isinstance(value, str):
            raise self.fail(field_path, f"expected a string, got {_json_type(value)}")
        return value

    def object(self, value: JSValue, field_path: str) -> JSObject | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self.fail(field_path, f"expected an object, got {_json_type(value)}")
        return value

    def string_list(self, value: JSValue, field_path: str) -> list[str] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(field_path, f"expected an array of strings, got {_json_type(value)}")
        return [self.string(v, f"{field_path}[{i}]") for i, v in enumerate(value)]

    def command(self, value: JSValue, field_path: str) -> CommandConfig:
        obj = self.object(value, field_path)
        obj = obj if obj is not None else {}
        kwargs: JSObject = {}
        for key, attr in _COMMAND_STRING_FIELDS.items():
            kwargs[attr] = self.string(obj.get(key), f"{field_path}.{key}")
        completers = self.string_list(obj.get("argCompleters"), f"{field_path}.argCompleters")
        return CommandConfig(arg_completers=completers or [], **kwargs)

    def commands(self, value: JSValue) -> list[CommandConfig] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail("commands", f"expected an array of objects, got {_json_type(value)}")
        return [self.command(v, f"commands[{i}]") for i, v in enumerate(value)]


def goal_from_dict(data: JSValue, *, source: str = "<memory>") -> Goal:
    """Build and validate a Goal from decoded JSON.

    Types are checked field by field (a wrong type names the field); unknown fields are
    ignored, as by the Go original, and listed in `Goal.ignored_fields`. Raises
    GoalFileError.
    """
    dec = _Decoder(source)
    if not isinstance(data, dict):
        raise GoalFileError(
            source,
            f"failed to parse goal JSON: expected a JSON object, got {_json_type(data)}",
        )
    kwargs: JSObject = {}
    for key, attr in _STRING_FIELDS.items():
        kwargs[attr] = dec.string(data.get(key), key)
    kwargs["state_vars"] = dec.object(data.get("stateVars"), "stateVars")
    kwargs["prompt_options"] = dec.object(data.get("promptOptions"), "promptOptions")
    kwargs["notable_variables"] = dec.string_list(data.get("notableVariables"), "notableVariables")
    kwargs["commands"] = dec.commands(data.get("commands"))
    _apply_user_defaults(data, kwargs)
    goal = Goal(source=source, **kwargs)
    goal.ignored_fields = sorted(k for k in data if k not in _KNOWN_FIELDS)
    validate_goal(goal)
    return goal


def _apply_user_defaults(data: JSObject, kwargs: JSObject) -> None:
    """Fill what a user's goal file usually leaves out with what the built-ins use.

    In the Go original a goal without `promptTemplate` rendered an empty prompt and one
    without `commands` had only `help`; a user writing a small goal file expects the
    standard prompt layout and the usual context commands (add, diff, note, ...).
    """
    from one_shot_man.workflows.builtin_goals import CONTEXT_COMMANDS, STANDARD_TEMPLATE

    if not kwargs["prompt_template"]:
        kwargs["prompt_template"] = STANDARD_TEMPLATE
    if "commands" not in data:
        kwargs["commands"] = [
            CommandConfig(name=name, type="contextManager") for name in CONTEXT_COMMANDS
        ]


def validate_goal(goal: Goal) -> None:
    """The Go loader's checks: a valid name and a description (raises GoalFileError)."""
    import json

    prefix = "invalid goal definition: "
    if not goal.name:
        raise GoalFileError(goal.source, prefix + "Name is required", "name")
    if not is_valid_goal_name(goal.name):
        raise GoalFileError(
            goal.source,
            prefix
            + f"Name must be alphanumeric with hyphens only (no spaces): {json.dumps(goal.name)}",
            "name",
        )
    if not goal.description:
        raise GoalFileError(goal.source, prefix + "Description is required", "description")
    if goal.state_vars is not None and "contextItems" in goal.state_vars:
        # The interpreter would throw on every run; say so when the file is loaded.
        raise GoalFileError(
            goal.source,
            prefix + "stateVars: State key collision: contextItems (reserved shared key)",
            "stateVars",
        )


def load_goal_file(path: str | os.PathLike[str]) -> Goal:
    """Read, parse and validate one goal file; errors name the file and the field."""
    return read_goal_file(path)[0]


def read_goal_file(path: str | os.PathLike[str]) -> tuple[Goal, bytes]:
    """`load_goal_file` plus the exact bytes parsed (what trust is checked against)."""
    import json

    source = os.fspath(path)
    try:
        with open(source, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise GoalFileError(source, f"failed to read goal file: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GoalFileError(source, f"failed to parse goal JSON: {exc}") from exc
    except RecursionError:  # json recurses per nesting level
        raise GoalFileError(source, "failed to parse goal JSON: nested too deeply") from None
    return goal_from_dict(data, source=source), raw


def find_goal_files(directory: str) -> list[str]:
    """The `*.json` files (any case) directly in `directory`, by name; [] if it is missing.

    Raises OSError when the directory exists but cannot be read.
    """
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except FileNotFoundError:
        return []
    except NotADirectoryError:
        return []
    out = []
    for entry in entries:
        try:
            if entry.is_dir():
                continue
        except OSError:
            continue
        if entry.name.lower().endswith(".json"):
            out.append(os.path.join(directory, entry.name))
    return out


_SCRIPT_CACHE: list[str] = []


def goal_script() -> str:
    """The bundled goal interpreter (`js/goal.js`), read once."""
    if not _SCRIPT_CACHE:
        from one_shot_man.workflows import script_source

        _SCRIPT_CACHE.append(script_source("goal"))
    return _SCRIPT_CACHE[0]


def builtin_goals() -> list[Goal]:
    """Fresh copies of the six built-in goals (spec §12.3.5), in definition order."""
    import copy

    from one_shot_man.workflows.builtin_goals import BUILTIN_GOALS

    return [goal_from_dict(copy.deepcopy(g), source="<built-in>") for g in BUILTIN_GOALS]


def discover_goal_paths(
    config: Config | None = None,
    *,
    warn: Callable[[str], object] | None = None,
    **kwargs: Unpack[GoalDirOptions],
) -> list[str]:
    """Goal directories in priority order (see `goal_discovery.discover_goal_paths`)."""
    from one_shot_man.workflows.goal_discovery import discover_goal_paths as discover

    return discover(config, warn=warn, **kwargs)


# -- registry -------------------------------------------------------------------------------


def _stderr_warn(message: str) -> None:
    import sys

    sys.stderr.write(message + "\n")


class GoalRegistry:
    """Built-in goals merged with goals found in the goal directories (spec §12.3.3).

    Loading is lazy: nothing is read until a goal is asked for, so only the commands
    that use goals (`goal`, `completion`) pay for discovery and show load warnings.
    A discovered goal overrides a built-in of the same name; among directories, the
    first in priority order wins. A goal from a project folder the user has not trusted
    (see `one_shot_man.trust`) never overrides anything: it is listed when its name is
    free (and refuses to run), else it is set aside in `ignored`. Folders passed as
    `paths` are the caller's own (no trust check), like `goal.paths` in the config.
    """

    def __init__(
        self,
        config: Config | None = None,
        *,
        builtins: Iterable[Goal] | None = None,
        paths: Iterable[str] | None = None,
        warn: Callable[[str], object] | None = None,
        discovery: GoalDirOptions | None = None,
        trust_store: TrustStore | None = None,
    ) -> None:
        self._config = config
        self._builtins = list(builtins) if builtins is not None else None
        self._fixed_paths = list(paths) if paths is not None else None
        self._warn = warn or _stderr_warn
        self._discovery: GoalDirOptions = {**(discovery or {})}
        self._trust_store = trust_store
        self._goals: dict[str, Goal] | None = None
        self.paths: list[str] = []
        self.warnings: list[str] = []
        #: Untrusted project goals whose name a built-in or user goal already has.
        self.ignored: dict[str, Goal] = {}

    def _warning(self, message: str) -> None:
        self.warnings.append(message)
        self._warn(message)

    def _code_dirs(self) -> list[CodeDir]:
        from one_shot_man.trust.project import CodeDir

        if self._fixed_paths is not None:
            return [CodeDir(p) for p in self._fixed_paths]
        from one_shot_man.workflows.goal_discovery import discover_goal_dirs

        return discover_goal_dirs(self._config, warn=self._warning, **self._discovery)

    def _store(self) -> TrustStore:
        if self._trust_store is None:
            from one_shot_man.trust.store import default_store

            self._trust_store = default_store(self._warn)
        return self._trust_store

    def _judge(self, goal: Goal, directory: CodeDir, path: str, raw: bytes) -> None:
        from one_shot_man.trust.project import digest

        assert directory.root is not None  # only a project folder's goals are judged

        goal.project_root = self._store().real_root(directory.root)
        key = directory.key(os.path.basename(path))
        goal.trust = self._store().verdict(directory.root, key, digest(raw))

    def reload(self) -> None:
        """Re-discover directories and re-read every goal file."""
        self.warnings = []
        directories = self._code_dirs()
        self.paths = [d.path for d in directories]
        discovered: dict[str, Goal] = {}
        untrusted: dict[str, Goal] = {}
        for directory in directories:
            try:
                files = find_goal_files(directory.path)
            except OSError as exc:
                self._warning(f"warning: failed to scan goal directory {directory.path}: {exc}")
                continue
            for path in files:
                try:
                    goal, raw = read_goal_file(path)
                except GoalFileError as exc:
                    self._warning(f"warning: failed to load goal from {path}: {exc.reason}")
                    continue
                if directory.is_project:
                    self._judge(goal, directory, path, raw)
                    if not goal.trusted:
                        untrusted.setdefault(goal.name, goal)
                        continue
                discovered.setdefault(goal.name, goal)
        builtins = self._builtins if self._builtins is not None else builtin_goals()
        merged = {g.name: g for g in builtins}
        merged.update(discovered)
        self.ignored = {}
        for name, goal in untrusted.items():
            if name in merged:
                self.ignored[name] = goal
            else:
                merged[name] = goal
        self._goals = dict(sorted(merged.items()))

    def _all(self) -> dict[str, Goal]:
        if self._goals is None:
            self.reload()
        assert self._goals is not None
        return self._goals

    def list(self) -> list[str]:
        """Goal names, sorted."""
        return list(self._all())

    def get(self, name: str) -> Goal:
        """The goal called `name`; raises GoalNotFoundError."""
        goal = self._all().get(name)
        if goal is None:
            raise GoalNotFoundError(name)
        return goal

    def get_all_goals(self) -> builtins.list[Goal]:  # `list` here is the method above
        """Every goal, sorted by name."""
        return list(self._all().values())
