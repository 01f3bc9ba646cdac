"""Choose the deep-anchor resolver for this operating system.

Only Linux has one here; macOS and Windows resolvers of the Go original are not
ported (see docs/compat.md), so they report "not supported" and the caller falls
back to a random UUID, exactly as the Go original does on other systems.
"""

from __future__ import annotations

import sys

from one_shot_man.session.errors import AnchorUnsupportedError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.session.context import SessionContext

__all__ = ["goos", "resolve_deep_anchor"]

_GOOS_NAMES = {"win32": "windows", "cygwin": "windows", "darwin": "darwin"}


def goos(platform: str | None = None) -> str:
    """The Go-style OS name (`linux`, `darwin`, `windows`, `freebsd`) used in messages."""
    p = sys.platform if platform is None else platform
    return _GOOS_NAMES.get(p) or p.rstrip("0123456789")


def resolve_deep_anchor() -> SessionContext:
    """The platform's deep-anchor context; raises `AnchorError` when there is none."""
    if sys.platform.startswith("linux"):
        from one_shot_man.session.linux import resolve_deep_anchor_linux

        return resolve_deep_anchor_linux()
    raise AnchorUnsupportedError(f"deep anchor detection not supported on {goos()}")
