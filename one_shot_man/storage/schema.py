"""The on-disk session schema (version 0.2.0), shared with the Go original.

`Session` and `HistoryEntry` are `msgspec.Struct`s so one declaration gives the
attribute names (snake_case), the JSON names (camelCase, in schema order), fast
encoding and a typed decoder that reports the exact field at fault.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import msgspec

# At run time, not only for the checker: msgspec reads these field annotations when it builds
# the decoder. Script state is whatever JSON the scripts stored.
from one_shot_man.jsvalue import JSValue

__all__ = [
    "CURRENT_SCHEMA_VERSION",
    "ZERO_TIME",
    "HistoryEntry",
    "Session",
    "is_newer_version",
    "utc_now",
]

CURRENT_SCHEMA_VERSION = "0.2.0"

#: Go's zero `time.Time`, which is what a missing timestamp decodes to.
ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)

_UTC = UTC


def utc_now() -> datetime:
    """Now, timezone-aware in UTC, so it is written with a `Z` suffix."""
    return datetime.now(_UTC)


class HistoryEntry(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=False):
    """One recorded command: what ran, in which mode, and the state it left."""

    entry_id: str = ""
    mode_id: str = ""
    command: str = ""
    read_time: datetime = ZERO_TIME
    final_state: JSValue = None


class Session(msgspec.Struct, kw_only=True, rename="camel", omit_defaults=False):
    """A persisted osm session; `Session(id="x")` is a fresh, empty one.

    `history` and the state maps may be `None` in a Go-written file; the decoder turns
    them into an empty list/dict so callers never see `None`.
    """

    version: str = CURRENT_SCHEMA_VERSION
    id: str = ""
    create_time: datetime = msgspec.field(default_factory=utc_now)
    update_time: datetime = msgspec.field(default_factory=utc_now)
    history: list[HistoryEntry] | None = msgspec.field(default_factory=list)
    script_state: dict[str, dict[str, JSValue] | None] | None = msgspec.field(default_factory=dict)
    shared_state: dict[str, JSValue] | None = msgspec.field(default_factory=dict)


_CURRENT_TUPLE = (0, 2, 0)
_VERSION_RE = re.compile(r"\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def is_newer_version(version: str) -> bool:
    """True when `version` is a schema version later than the one this code writes.

    Such a file may hold data this code would drop, so it must be neither loaded nor
    overwritten. Versions that do not parse (including "") are not "newer": they load
    as-is, like the Go original, and the caller decides what to do with them.
    """
    if version == CURRENT_SCHEMA_VERSION:
        return False
    match = _VERSION_RE.match(version)
    if match is None:
        return False
    parsed = tuple(int(part) if part else 0 for part in match.groups())
    return parsed > _CURRENT_TUPLE
