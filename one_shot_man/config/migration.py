"""Config schema versioning: `config.schema-version`, and upgrades between versions.

Version 1 is the first; 0 (the key absent or unparsable) upgrades to 1 without any
change but the version key. A file from a newer osm is refused rather than
misread.
"""

from __future__ import annotations

from one_shot_man.config.model import Config
from one_shot_man.errors import ConfigError

__all__ = [
    "SCHEMA_VERSION",
    "VERSION_KEY",
    "MigrationResult",
    "check_schema_version",
    "detect_schema_version",
    "migrate_config",
]

SCHEMA_VERSION = 1
VERSION_KEY = "config.schema-version"


class MigrationResult:
    """What `migrate_config` did: the version range and a line per change."""

    __slots__ = ("changes", "from_version", "to_version")

    def __init__(self, from_version: int, to_version: int, changes: list[str]) -> None:
        self.from_version = from_version
        self.to_version = to_version
        self.changes = changes

    def __repr__(self) -> str:
        return (
            f"MigrationResult(from_version={self.from_version}, "
            f"to_version={self.to_version}, changes={self.changes!r})"
        )


def detect_schema_version(cfg: Config) -> int:
    """The declared schema version; 0 when absent or not an integer."""
    return cfg.get_int(VERSION_KEY)


def _v0_to_v1(cfg: Config) -> list[str]:
    return ["established schema versioning (v0 -> v1)"]


_MIGRATIONS = {0: _v0_to_v1}


def migrate_config(cfg: Config) -> MigrationResult | None:
    """Upgrade `cfg` in memory to SCHEMA_VERSION; None when it is already current.

    Raises ConfigError for a version newer than this osm understands.
    """
    start = detect_schema_version(cfg)
    if start == SCHEMA_VERSION:
        return None
    if start > SCHEMA_VERSION:
        raise ConfigError(
            f"config schema version {start} is newer than supported version {SCHEMA_VERSION}"
        )
    changes: list[str] = []
    for version in range(start, SCHEMA_VERSION):
        step = _MIGRATIONS.get(version)
        if step is None:
            raise ConfigError(f"no migration registered for version {version} -> {version + 1}")
        changes.extend(step(cfg))
    cfg.set_global_option(VERSION_KEY, str(SCHEMA_VERSION))
    changes.append(f"set {VERSION_KEY} to {SCHEMA_VERSION}")
    return MigrationResult(start, SCHEMA_VERSION, changes)


def check_schema_version(cfg: Config) -> list[str]:
    """Warnings about the schema version, without changing `cfg`."""
    probe = Config()
    probe.global_options.update(cfg.global_options)
    try:
        result = migrate_config(probe)
    except ConfigError as exc:
        return [str(exc)]
    if result is None:
        return []
    return [
        f"schema version {result.from_version} is outdated, current is {result.to_version} "
        "(run migration to update)"
    ]
