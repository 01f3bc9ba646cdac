"""`osm config [--global|--all] [key] [value]`: show, get and set configuration.

Unlike the Go baseline (which only changed the in-memory copy, so `osm config k v`
silently did nothing), a set is written to the config file atomically with every
comment and unrelated line kept. Listings are sorted so output is stable, and schema
problems (unknown keys, values of the wrong type) are reported as warnings on stderr.
"""

from __future__ import annotations

from one_shot_man.command.base import BaseCommand
from one_shot_man.errors import CommandError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.flags import Flag, FlagSet
    from one_shot_man.command.registry import Registry
    from one_shot_man.config import Config

__all__ = ["ConfigCommand", "create"]

USAGE_TEXT = (
    "Configuration management:\n"
    "  config <key>          - Get configuration value\n"
    "  config <key> <value>  - Set configuration value\n"
    "  config --global       - Show global configuration\n"
    "  config --all          - Show all configuration\n"
)


class ConfigCommand(BaseCommand):
    """Reads and writes global options of the loaded config (and its file)."""

    name = "config"
    description = "Manage configuration settings"
    usage = "config [options] [key] [value]"

    def __init__(self, config: Config | None = None) -> None:
        super().__init__()
        if config is None:
            from one_shot_man.config import Config

            config = Config()
        self.config = config
        self._global: Flag | None = None
        self._all: Flag | None = None

    def setup_flags(self, flags: FlagSet) -> None:
        self._global = flags.bool("global", False, "Show only global configuration")
        self._all = flags.bool("all", False, "Show all configuration (global and command-specific)")

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        show_all = bool(self._all and self._all.value)
        show_global = bool(self._global and self._global.value)
        if not args:
            if show_all or show_global:
                stdout.write(self._listing(with_sections=show_all))
                self._warn_issues(stderr)
            else:
                stdout.write(USAGE_TEXT)
            return 0
        if len(args) == 1:
            key = args[0]
            value = self.config.get_global_option(key)
            if value is None:
                stdout.write(f"Configuration key '{key}' not found\n")
            else:
                stdout.write(f"{key}: {value}\n")
            return 0
        if len(args) == 2:
            self._set(args[0], args[1], stdout, stderr)
            return 0
        stderr.write("Invalid number of arguments\n")
        raise CommandError("invalid arguments")

    def _listing(self, *, with_sections: bool) -> str:
        lines = ["Global configuration:\n"]
        lines.extend(f"  {k}: {v}\n" for k, v in self.config.sorted_global_options())
        if with_sections:
            lines.append("\nCommand-specific configuration:\n")
            for section, options in self.config.sorted_sections():
                lines.append(f"  [{section}]\n")
                lines.extend(f"    {k}: {v}\n" for k, v in options)
        return "".join(lines)

    def _warn_issues(self, stderr: TextIO) -> None:
        """Schema problems in the loaded file (load issues were already shown at start-up)."""
        try:
            issues = self.config.validate()
        except Exception:  # validation is advisory: never fail a listing over it
            return
        already = set(self.config.issues)
        for issue in issues:
            if issue not in already:
                stderr.write(f"Warning: {issue}\n")

    def _set(self, key: str, value: str, stdout: TextIO, stderr: TextIO) -> None:
        from one_shot_man.config import get_config_path, set_key_in_file

        path = self.config.path if self.config.path is not None else get_config_path()
        set_key_in_file(path, key, value)
        self.config.set_global_option(key, value)
        stdout.write(f"Set configuration: {key} = {value}\n")
        problem = _schema_problem(key, value)
        if problem is not None:
            stderr.write(f"Warning: {path}: {problem}\n")


def _schema_problem(key: str, value: str) -> str | None:
    """Why the schema would flag `key value` (unknown key or wrong type), or None."""
    try:
        from one_shot_man.config import default_schema, validate_option_value
    except ImportError:  # pragma: no cover - schema is part of the config package
        return None
    option = default_schema().lookup(None, key)
    if option is None:
        return f'unknown global option: "{key}" (saved anyway)'
    problem = validate_option_value(option.type, value)
    if problem is not None:
        return f'global option "{key}": {problem} (saved anyway)'
    return None


def create(registry: Registry) -> ConfigCommand:
    """Registry factory."""
    return ConfigCommand(registry.config)
