"""Session identity: which logical terminal is osm running in?

`get_session_id()` answers with a stable, filesystem-safe ID that names the
session's storage file, so reopening osm in the same terminal resumes its
session. Importing this package is cheap: hashlib, uuid, the detectors and the
/proc walker load only when an ID actually needs them, and the names below that
are not needed to compute an ID are resolved on first access.
"""

from __future__ import annotations

from one_shot_man._lazy import lazy_exports
from one_shot_man.session.discovery import SOURCES, get_session_id
from one_shot_man.session.formatting import (
    MAX_SESSION_ID_LENGTH,
    format_explicit_id,
    format_session_id,
    format_uuid_id,
    sanitize_payload,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.session.context import SessionContext
    from one_shot_man.session.errors import (
        AnchorError,
        AnchorUnsupportedError,
        ProcStatError,
        TmuxError,
    )

__all__ = [
    "MAX_SESSION_ID_LENGTH",
    "SOURCES",
    "AnchorError",
    "AnchorUnsupportedError",
    "ProcStatError",
    "SessionContext",
    "TmuxError",
    "format_explicit_id",
    "format_session_id",
    "format_uuid_id",
    "get_session_id",
    "sanitize_payload",
]

_LAZY = {
    "SessionContext": "context",
    "AnchorError": "errors",
    "AnchorUnsupportedError": "errors",
    "ProcStatError": "errors",
    "TmuxError": "errors",
}


# Rarely needed public names import on first access (keeps `import` cheap).
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())
