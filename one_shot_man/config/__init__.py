"""osm configuration: the dnsmasq-style file, where it lives, its schema and editing.

Imported on every `osm` start, so only the model, the parser and the path logic load
eagerly; the schema, migration and file-editing helpers load on first use through
module `__getattr__`, with the same public names.
"""

from __future__ import annotations

from one_shot_man._lazy import lazy_exports
from one_shot_man.config.location import (
    CONFIG_ENV_VAR,
    ensure_config_dir,
    get_config_path,
    load,
    load_from_path,
)
from one_shot_man.config.model import Config, ConfigIssue, SessionsConfig
from one_shot_man.config.parser import MAX_LINE_BYTES, load_from_reader
from one_shot_man.config.values import (
    parse_bool,
    parse_duration,
    parse_go_bool,
    parse_int,
    parse_path_list,
)

_LAZY = {
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
    "MAX_LINE_BYTES",
    "Config",
    "ConfigIssue",
    "SessionsConfig",
    "ensure_config_dir",
    "get_config_path",
    "load",
    "load_from_path",
    "load_from_reader",
    "parse_bool",
    "parse_duration",
    "parse_go_bool",
    "parse_int",
    "parse_path_list",
    *_LAZY,
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals(), dir_lists_all_only=True)
