"""What the built-in backends share: one bound session ID, its check, `with` support.

A backend serves exactly one session; asking it about another is a caller bug that
must fail loudly (`SessionIDMismatchError`) rather than read or write the wrong file.
"""

from __future__ import annotations

from one_shot_man.storage.errors import SessionIDMismatchError, quote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Self

__all__ = ["BoundBackend"]


class BoundBackend:
    """Base of `FileSystemBackend` and `InMemoryBackend`; subclasses set `_session_id`.

    `_bound` words the mismatch message (the filesystem backend says "locked for").
    """

    __slots__ = ()

    _session_id: str
    _bound = "for"

    @property
    def session_id(self) -> str:
        return self._session_id

    def _mismatch(self, session_id: str, what: str) -> SessionIDMismatchError:
        """The error for a call about `session_id` (callers compare inline: loads are hot)."""
        return SessionIDMismatchError(
            f"session ID mismatch: backend is {self._bound} {quote(self._session_id)}, "
            f"{what} {quote(session_id)}"
        )

    def close(self) -> None:
        """Release what the backend holds; later calls do nothing."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
