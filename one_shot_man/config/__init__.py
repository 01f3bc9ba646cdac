"""osm configuration: the dnsmasq-style file, where it lives, its schema and editing.

Imported on every `osm` start, so only the path logic loads eagerly; the model (`osm
version` without a config file never builds one), the parser and value parsers (needed only
when a config file exists), the schema, migration and file-editing helpers load on first use
through module `__getattr__`, same public names.
"""

from one_shot_man._lazy import lazy_exports
from one_shot_man.config.location import (
    CONFIG_ENV_VAR,
    config_absent,
    ensure_config_dir,
    get_config_path,
    load,
    load_from_path,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.config.model import Config, ConfigIssue, SessionsConfig

_LAZY = {
    "Config": "model",
    "ConfigIssue": "model",
    "SessionsConfig": "model",
    "MAX_LINE_BYTES": "parser",
    "load_from_reader": "parser",
    "parse_bool": "values",
    "parse_duration": "values",
    "parse_go_bool": "values",
    "parse_int": "values",
    "parse_path_list": "values",
    "set_key_in_file": "editing",
    "delete_key_in_file": "editing",
    "delete_all_global_keys_in_file": "editing",
    "set_command_key_in_file": "editing",
    "delete_command_key_in_file": "editing",
    "ConfigOption": "schema",
    "OptionType": "schema",
    "Schema": "schema",
    "default_schema": "schema",
    "validate_config": "schema",
    "validate_option_value": "schema",
    "SCHEMA_VERSION": "migration",
    "MigrationResult": "migration",
    "check_schema_version": "migration",
    "detect_schema_version": "migration",
    "migrate_config": "migration",
}

__all__ = [
    "CONFIG_ENV_VAR",
    "Config",
    "ConfigIssue",
    "SessionsConfig",
    "config_absent",
    "ensure_config_dir",
    "get_config_path",
    "load",
    "load_from_path",
    *(name for name in _LAZY if name not in ("Config", "ConfigIssue", "SessionsConfig")),
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals(), dir_lists_all_only=True)
