"""The in-memory configuration: global options, command sections, session retention.

`Config()` is built on every `osm` start and by every test, so it is a plain
`__slots__` class whose constructor only makes a few empty containers; the schema
and anything else costly is imported only by the methods that need it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing is not imported at start-up; checkers treat this as True
if TYPE_CHECKING:
    from pathlib import Path

    from one_shot_man.config.shared import ConfigIssue

__all__ = ["Config", "SessionsConfig"]


class SessionsConfig:
    """Retention policy from the `[sessions]` section; the session cleaner honours it."""

    __slots__ = (
        "auto_cleanup_enabled",
        "cleanup_interval_hours",
        "max_age_days",
        "max_count",
        "max_size_mb",
    )

    def __init__(
        self,
        max_age_days: int = 90,
        max_count: int = 100,
        max_size_mb: int = 500,
        auto_cleanup_enabled: bool = True,
        cleanup_interval_hours: int = 24,
    ) -> None:
        self.max_age_days = max_age_days
        self.max_count = max_count
        self.max_size_mb = max_size_mb
        self.auto_cleanup_enabled = auto_cleanup_enabled
        self.cleanup_interval_hours = cleanup_interval_hours

    def cleaner_kwargs(self) -> dict[str, int]:
        """The retention limits as keyword arguments for `storage.Cleaner`."""
        return {
            "max_age_days": self.max_age_days,
            "max_count": self.max_count,
            "max_size_mb": self.max_size_mb,
        }

    def _astuple(self) -> tuple[int, int, int, bool, int]:
        return (
            self.max_age_days,
            self.max_count,
            self.max_size_mb,
            self.auto_cleanup_enabled,
            self.cleanup_interval_hours,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SessionsConfig):
            return NotImplemented
        return self._astuple() == other._astuple()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return (
            f"SessionsConfig(max_age_days={self.max_age_days}, max_count={self.max_count}, "
            f"max_size_mb={self.max_size_mb}, auto_cleanup_enabled={self.auto_cleanup_enabled}, "
            f"cleanup_interval_hours={self.cleanup_interval_hours})"
        )


class Config:
    """Parsed configuration: `global_options`, `commands` (section -> options), `sessions`.

    `path` is the file it came from (None for a reader or a fresh config) and
    `issues` holds problems found while loading (bad `[sessions]` values, over-long
    lines). Use `validate()` for the full schema check.
    """

    __slots__ = (
        "_command_lines",
        "_global_lines",
        "_path",
        "commands",
        "global_options",
        "issues",
        "sessions",
        "source",
    )

    def __init__(self) -> None:
        self.global_options: dict[str, str] = {}
        self.commands: dict[str, dict[str, str]] = {}
        self.sessions = SessionsConfig()
        self._path: str | None = None
        self.source = "<memory>"
        self.issues: list[ConfigIssue] = []
        self._global_lines: dict[str, int] = {}
        self._command_lines: dict[str, dict[str, int]] = {}

    @property
    def path(self) -> Path | None:
        """The file this config was loaded from (None for a reader or a fresh config).

        Kept as a string and turned into a Path on demand: importing pathlib costs about
        8 ms (it pulls in re, fnmatch, urllib), more than the rest of `osm version`.
        """
        if self._path is None:
            return None
        from pathlib import Path

        return Path(self._path)

    @path.setter
    def path(self, value: str | os.PathLike[str] | None) -> None:
        self._path = None if value is None else os.fspath(value)

    def __repr__(self) -> str:
        return (
            f"Config(path={self._path!r}, global_options={self.global_options!r}, "
            f"commands={self.commands!r}, sessions={self.sessions!r})"
        )

    # -- accessors (spec 3.6) ------------------------------------------------

    def get_global_option(self, name: str) -> str | None:
        """The global value of `name`, or None when it is not set (set-but-empty is "")."""
        return self.global_options.get(name)

    def set_global_option(self, name: str, value: str) -> None:
        """Set a global option in memory; the file is untouched (see `set_key_in_file`)."""
        self.global_options[name] = value
        self._global_lines.pop(name, None)

    def get_command_option(self, command: str, name: str) -> str | None:
        """`name` from `[command]` if present there, else the global value, else None."""
        section = self.commands.get(command)
        if section is not None:
            value = section.get(name)
            if value is not None:
                return value
        return self.global_options.get(name)

    def set_command_option(self, command: str, name: str, value: str) -> None:
        """Set an option in `[command]` in memory, creating the section if needed."""
        section = self.commands.get(command)
        if section is None:
            section = self.commands[command] = {}
        section[name] = value
        lines = self._command_lines.get(command)
        if lines is not None:
            lines.pop(name, None)

    def line_of(self, key: str, section: str | None = None) -> int | None:
        """The 1-based line `key` was read from (global when `section` is None).

        None when the value was set in memory or never existed; `osm config` uses it
        to point at `file:line`.
        """
        if section is None:
            return self._global_lines.get(key)
        lines = self._command_lines.get(section)
        return None if lines is None else lines.get(key)

    def location_of(self, key: str, section: str | None = None) -> str | None:
        """`<source>:<line>` for a key read from a file, else None."""
        line = self.line_of(key, section)
        return None if line is None else f"{self.source}:{line}"

    # -- typed getters on global keys (HEAD) -----------------------------------

    def get_string(self, key: str) -> str:
        """The global value, or "" when unset."""
        return self.global_options.get(key, "")

    def get_string_default(self, key: str, default: str) -> str:
        """The global value, or `default` when unset (set-but-empty stays "")."""
        return self.global_options.get(key, default)

    def get_bool(self, key: str) -> bool:
        """The global value as a config bool; False when unset or invalid."""
        value = self.global_options.get(key)
        if value is None:
            return False
        # The value parsers load with the first typed read (no config file: never).
        from one_shot_man.config.values import parse_bool

        try:
            return parse_bool(value)
        except ValueError:
            return False

    def get_int(self, key: str) -> int:
        """The global value as a decimal int; 0 when unset or invalid."""
        value = self.global_options.get(key)
        if value is None:
            return 0
        from one_shot_man.config.values import parse_int

        try:
            return parse_int(value)
        except ValueError:
            return 0

    def get_duration(self, key: str) -> float:
        """The global value as Go duration syntax, in seconds; 0.0 when unset or invalid."""
        value = self.global_options.get(key)
        if value is None:
            return 0.0
        from one_shot_man.config.values import parse_duration

        try:
            return parse_duration(value) / 1e9
        except ValueError:
            return 0.0

    def get_with_env(self, key: str, env_var: str) -> str:
        """A *present* environment variable wins (even when empty), else the global value."""
        if env_var:
            value = os.environ.get(env_var)
            if value is not None:
                return value
        return self.global_options.get(key, "")

    def resolve(self, key: str) -> str:
        """Effective value of a global key: its schema env var, then the file, then the default.

        This is how commands read keys such as `script.eval-timeout` without repeating
        the defaults the schema already declares.
        """
        from one_shot_man.config.schema import default_schema

        return default_schema().resolve(self, key)

    # -- listings and validation ------------------------------------------------

    def sorted_global_options(self) -> list[tuple[str, str]]:
        """Global options sorted by key, the stable order `osm config --all` prints."""
        return sorted(self.global_options.items())

    def sorted_sections(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Named sections sorted by name, each with its options sorted by key.

        The unnamed section `[]` (which only switches back to the global scope) is left
        out: it can never hold options.
        """
        return [
            (name, sorted(options.items()))
            for name, options in sorted(self.commands.items())
            if name != ""
        ]

    def validate(self) -> list[ConfigIssue]:
        """Every problem in this config, sorted by line: load issues plus schema checks."""
        from one_shot_man.config.schema import validate_config

        return validate_config(self)
