"""Every config key osm knows, with its type and default, and validation against it.

A typo in a config file otherwise fails silently (the key is just never read), so
`validate()` reports unknown keys and values of the wrong type with their line
numbers. The schema is built once per process, on first use, never at import of
`one_shot_man.config`.
"""

from __future__ import annotations

import os

from one_shot_man.config.shared import SESSIONS_SECTION, ConfigIssue
from one_shot_man.config.values import (
    SCRIPT_EVAL_TIMEOUT_DEFAULT,
    SCRIPT_MEMORY_LIMIT_MB_DEFAULT,
    parse_bool,
    parse_duration,
    parse_int,
    quote,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.config.shared import ConfigView

__all__ = [
    "KNOWN_SECTIONS",
    "PREFIX_FAMILIES",
    "WORKFLOW_SECTIONS",
    "ConfigOption",
    "OptionType",
    "Schema",
    "default_schema",
    "validate_config",
    "validate_option_value",
]


class OptionType:
    """The value types a key can declare (plain strings, as in the Go schema)."""

    STRING = "string"
    BOOL = "bool"
    INT = "int"
    DURATION = "duration"
    PATH_LIST = "path-list"

    ALL = frozenset((STRING, BOOL, INT, DURATION, PATH_LIST))


class ConfigOption:
    """One declared key: where it may appear, its type, default, env override and purpose."""

    __slots__ = ("default", "description", "env_var", "key", "section", "type")

    def __init__(
        self,
        key: str,
        type: str = OptionType.STRING,
        default: str = "",
        description: str = "",
        section: str = "",
        env_var: str = "",
    ) -> None:
        self.key = key
        self.type = type
        self.default = default
        self.description = description
        self.section = section
        self.env_var = env_var

    def __repr__(self) -> str:
        where = f"[{self.section}] " if self.section else ""
        return f"ConfigOption({where}{self.key}: {self.type} = {self.default!r})"


def validate_option_value(option_type: str, value: str) -> str | None:
    """None when `value` is valid for `option_type`, else `expected <type>, got "<v>"`."""
    try:
        if option_type == OptionType.BOOL:
            parse_bool(value)
        elif option_type == OptionType.INT:
            parse_int(value)
        elif option_type == OptionType.DURATION:
            parse_duration(value)
        elif option_type not in OptionType.ALL and option_type != "":
            return f"unknown option type {quote(option_type)}"
    except ValueError:
        return f"expected {option_type}, got {quote(value)}"
    return None


class Schema:
    """Declared keys, global and per section, plus prefix families like `theme.<name>`."""

    def __init__(self) -> None:
        self._options: list[ConfigOption] = []
        self._global: dict[str, ConfigOption] = {}
        self._sections: dict[str, dict[str, ConfigOption]] = {}
        self._prefixes: list[tuple[str, ConfigOption]] = []

    def register(self, option: ConfigOption) -> None:
        """Add a key (a later registration of the same key in the same section wins)."""
        self._options.append(option)
        if option.section:
            self._sections.setdefault(option.section, {})[option.key] = option
        else:
            self._global[option.key] = option

    def register_section(self, name: str) -> None:
        """Declare a section that takes only global keys (a workflow's command section)."""
        self._sections.setdefault(name, {})

    def register_prefix(self, prefix: str, option: ConfigOption) -> None:
        """Declare a key family: any global key `<prefix><something>` has this type."""
        self._options.append(option)
        self._prefixes.append((prefix, option))

    def lookup(self, section: str | None, key: str) -> ConfigOption | None:
        """The declaration of `key` in `section` (None/"" = global), without global fallback."""
        if section:
            declared = self._sections.get(section)
            return None if declared is None else declared.get(key)
        option = self._global.get(key)
        if option is None:
            for prefix, family in self._prefixes:
                if key.startswith(prefix) and len(key) > len(prefix):
                    return family
        return option

    def lookup_effective(self, section: str | None, key: str) -> ConfigOption | None:
        """The declaration that applies: the section's own, else the global one."""
        if section:
            option = self.lookup(section, key)
            if option is not None:
                return option
        return self.lookup(None, key)

    def is_known_section(self, section: str) -> bool:
        """True for sections the schema declares (only their keys are checked)."""
        return section in self._sections

    def is_known(self, section: str | None, key: str) -> bool:
        """True if `key` is declared for `section`; global keys are valid in every section."""
        return self.lookup_effective(section, key) is not None

    def global_options(self) -> list[ConfigOption]:
        """Global declarations (including prefix families) in registration order."""
        return [o for o in self._options if not o.section]

    def section_options(self, section: str) -> list[ConfigOption]:
        """The keys declared for one section, in registration order."""
        return [o for o in self._options if o.section == section]

    def sections(self) -> list[str]:
        """Declared section names, sorted."""
        return sorted(self._sections)

    def resolve(self, cfg: ConfigView, key: str) -> str:
        """A present env var declared for `key`, else the config value, else the default."""
        option = self.lookup(None, key)
        if option is not None and option.env_var:
            value = os.environ.get(option.env_var)
            if value is not None:
                return value
        value = cfg.global_options.get(key)
        if value is not None:
            return value
        return option.default if option is not None else ""

    def format_help(self) -> str:
        """A plain-text reference of every key, grouped by section (for `osm config`)."""
        out: list[str] = ["Global options:"]
        out.extend(_help_line(o) for o in self.global_options())
        for section in self.sections():
            options = self.section_options(section)
            out.append("")
            out.append(f"[{section}]")
            if options:
                out.extend(_help_line(o) for o in options)
            else:
                out.append("  (accepts global options)")
        return "\n".join(out) + "\n"

    def validate(self, cfg: ConfigView) -> list[ConfigIssue]:
        """Unknown keys and type mismatches in `cfg`, with the load issues, sorted by line."""
        source = cfg.source
        issues = list(cfg.issues)
        for key, value in cfg.global_options.items():
            line = cfg.line_of(key)
            option = self.lookup(None, key)
            if option is None:
                message = f"unknown global option: {quote(key)} (value: {quote(value)})"
                issues.append(ConfigIssue(source, line, None, key, message))
                continue
            problem = validate_option_value(option.type, value)
            if problem is not None:
                message = f"global option {quote(key)}: {problem}"
                issues.append(ConfigIssue(source, line, None, key, message))
        for section, options in cfg.commands.items():
            # [sessions] is checked strictly while parsing; unknown sections belong to
            # script commands, whose keys osm cannot know.
            if section == SESSIONS_SECTION or not self.is_known_section(section):
                continue
            for key, value in options.items():
                line = cfg.line_of(key, section)
                option = self.lookup_effective(section, key)
                if option is None:
                    message = (
                        f"unknown option for command {quote(section)}: {quote(key)} "
                        f"(value: {quote(value)})"
                    )
                    issues.append(ConfigIssue(source, line, section, key, message))
                    continue
                problem = validate_option_value(option.type, value)
                if problem is not None:
                    message = f"option {quote(key)} in [{section}]: {problem}"
                    issues.append(ConfigIssue(source, line, section, key, message))
        issues.sort(key=ConfigIssue.sort_key)
        return issues


def _help_line(option: ConfigOption) -> str:
    text = f"  {option.key} ({option.type}"
    if option.default:
        text += f", default {option.default}"
    if option.env_var:
        text += f", env {option.env_var}"
    text += ")"
    if option.description:
        text += f": {option.description}"
    return text


_B, _I, _D, _S, _P = (
    OptionType.BOOL,
    OptionType.INT,
    OptionType.DURATION,
    OptionType.STRING,
    OptionType.PATH_LIST,
)

# (key, type, default, env var, description)
_GLOBAL_KEYS: tuple[tuple[str, str, str, str, str], ...] = (
    ("config.schema-version", _I, "1", "", "Configuration schema version (do not edit)"),
    ("verbose", _B, "false", "", "Enable verbose output"),
    ("color", _S, "auto", "", "Colour mode: auto, always, never"),
    ("pager", _S, "", "", "Pager program for long output"),
    ("format", _S, "", "", "Default output format"),
    ("output", _S, "", "", "Default output destination"),
    ("timeout", _D, "", "", "Default command timeout"),
    ("editor", _S, "", "EDITOR", "Editor for interactive editing"),
    ("debug", _B, "false", "", "Enable debug mode"),
    ("quiet", _B, "false", "", "Suppress non-essential output"),
    ("session.id", _S, "", "OSM_SESSION_ID", "Declared for compatibility; not read"),
    ("store", _S, "fs", "OSM_STORE", "Session storage backend: fs or memory"),
    ("clipboard", _S, "", "OSM_CLIPBOARD", "Command that receives copied text on stdin"),
    (
        "tokenizer",
        _S,
        "",
        "OSM_TOKENIZER",
        "Hugging Face tokenizer.json that counts copied tokens (else an estimate)",
    ),
    ("script.autodiscovery", _B, "false", "", "Search parent directories for scripts"),
    ("script.git-traversal", _B, "false", "", "Search git repositories for scripts"),
    ("script.disable-standard-paths", _B, "false", "", "Skip the standard script paths"),
    ("script.debug-discovery", _B, "false", "", "Log how scripts are discovered"),
    ("script.max-traversal-depth", _I, "10", "", "Max directories walked up for scripts"),
    ("script.paths", _P, "", "", "Extra script directories"),
    ("script.path-patterns", _P, "scripts", "", "Directory names that hold scripts"),
    ("script.module-paths", _P, "", "", "Directories searched by require()"),
    (
        "script.eval-timeout",
        _D,
        SCRIPT_EVAL_TIMEOUT_DEFAULT,
        "",
        "Time limit for one script evaluation",
    ),
    (
        "script.memory-limit-mb",
        _I,
        SCRIPT_MEMORY_LIMIT_MB_DEFAULT,
        "",
        "Memory limit of the script engine, in MiB",
    ),
    ("goal.autodiscovery", _B, "true", "", "Search parent directories for goals"),
    ("goal.disable-standard-paths", _B, "false", "", "Skip the standard goal paths"),
    ("goal.debug-discovery", _B, "false", "", "Log how goals are discovered"),
    ("goal.max-traversal-depth", _I, "10", "", "Max directories walked up for goals"),
    ("goal.paths", _P, "", "", "Extra goal directories"),
    ("goal.path-patterns", _P, "osm-goals,goals", "", "Directory names that hold goals"),
    ("prompt.file-paths", _P, "", "", "Files added to every prompt's context"),
    ("prompt.recursive", _B, "true", "", "Add directories recursively"),
    ("log.file", _S, "", "OSM_LOG_FILE", "JSON log file (appended)"),
    ("log.level", _S, "info", "OSM_LOG_LEVEL", "Log level: debug, info, warn, error"),
    ("log.max-size-mb", _I, "10", "", "Rotate the log file at this size"),
    ("log.max-files", _I, "5", "", "Rotated log files kept"),
    ("log.buffer-size", _I, "1000", "", "Log entries kept in memory"),
)

_PREFIX_KEYS: tuple[tuple[str, str], ...] = (
    ("prompt.color.", "Colour of one prompt role, e.g. prompt.color.input"),
    ("theme.", "Colour of one super-document theme entry, e.g. theme.primary"),
)
PREFIX_FAMILIES = tuple(prefix for prefix, _ in _PREFIX_KEYS)

# (section, key, type, default, description)
_SECTION_KEYS: tuple[tuple[str, str, str, str, str], ...] = (
    ("help", "pager", _S, "", "Pager for help output"),
    ("help", "format", _S, "", "Help output format"),
    ("help", "output", _S, "", "Help output destination"),
    ("version", "format", _S, "", "Version output format"),
    ("version", "output", _S, "", "Version output destination"),
    ("prompt", "template", _S, "", "Prompt template"),
    ("prompt", "output", _S, "", "Prompt output destination"),
    ("prompt", "editor", _S, "", "Editor for prompts"),
    ("prompt", "add-context", _S, "", "Context added to prompts"),
    ("session", "list", _S, "", "Documentation only; not read"),
    ("session", "delete", _S, "", "Documentation only; not read"),
    ("session", "export", _S, "", "Documentation only; not read"),
    ("session", "import", _S, "", "Documentation only; not read"),
    ("sessions", "maxAgeDays", _I, "90", "Remove sessions older than this many days (0 = off)"),
    ("sessions", "maxCount", _I, "100", "Keep at most this many sessions (0 = off)"),
    ("sessions", "maxSizeMB", _I, "500", "Keep sessions under this total size (0 = off)"),
    ("sessions", "autoCleanupEnabled", _B, "true", "Clean up sessions automatically"),
    ("sessions", "cleanupIntervalHours", _I, "24", "Hours between automatic clean-ups"),
)

WORKFLOW_SECTIONS = ("code-review", "prompt-flow", "goal", "super-document", "script")
KNOWN_SECTIONS = tuple(
    sorted({s for s, *_ in _SECTION_KEYS} | set(WORKFLOW_SECTIONS)),
)

_DEFAULT: Schema | None = None


def default_schema() -> Schema:
    """The schema of every key this port knows (built once, then shared: do not mutate)."""
    global _DEFAULT
    if _DEFAULT is None:
        schema = Schema()
        for key, kind, default, env, text in _GLOBAL_KEYS:
            schema.register(ConfigOption(key, kind, default, text, "", env))
        for prefix, text in _PREFIX_KEYS:
            schema.register_prefix(prefix, ConfigOption(prefix + "<name>", _S, "", text))
        for section, key, kind, default, text in _SECTION_KEYS:
            schema.register(ConfigOption(key, kind, default, text, section))
        for section in WORKFLOW_SECTIONS:
            schema.register_section(section)
        _DEFAULT = schema
    return _DEFAULT


def validate_config(cfg: ConfigView, schema: Schema | None = None) -> list[ConfigIssue]:
    """Every problem in `cfg` (load issues, unknown keys, bad types), sorted by line."""
    return (schema or default_schema()).validate(cfg)
