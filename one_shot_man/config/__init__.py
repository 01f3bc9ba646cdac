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

TYPE_CHECKING = False  # the checker reads the lazy names' real types from here
if TYPE_CHECKING:
    from one_shot_man.config.editing import (
        delete_all_global_keys_in_file,
        delete_command_key_in_file,
        delete_key_in_file,
        set_command_key_in_file,
        set_key_in_file,
    )
    from one_shot_man.config.migration import (
        SCHEMA_VERSION,
        MigrationResult,
        check_schema_version,
        detect_schema_version,
        migrate_config,
    )
    from one_shot_man.config.model import Config, SessionsConfig
    from one_shot_man.config.parser import MAX_LINE_BYTES, load_from_reader
    from one_shot_man.config.schema import (
        ConfigOption,
        OptionType,
        Schema,
        default_schema,
        validate_config,
        validate_option_value,
    )
    from one_shot_man.config.shared import ConfigIssue
    from one_shot_man.config.values import (
        parse_bool,
        parse_duration,
        parse_go_bool,
        parse_int,
        parse_path_list,
    )

_LAZY = {
    "Config": "model",
    "ConfigIssue": "shared",
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
    "MAX_LINE_BYTES",
    "SCHEMA_VERSION",
    "Config",
    "ConfigIssue",
    "ConfigOption",
    "MigrationResult",
    "OptionType",
    "Schema",
    "SessionsConfig",
    "check_schema_version",
    "config_absent",
    "default_schema",
    "delete_all_global_keys_in_file",
    "delete_command_key_in_file",
    "delete_key_in_file",
    "detect_schema_version",
    "ensure_config_dir",
    "get_config_path",
    "load",
    "load_from_path",
    "load_from_reader",
    "migrate_config",
    "parse_bool",
    "parse_duration",
    "parse_go_bool",
    "parse_int",
    "parse_path_list",
    "set_command_key_in_file",
    "set_key_in_file",
    "validate_config",
    "validate_option_value",
]


__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals(), dir_lists_all_only=True)
