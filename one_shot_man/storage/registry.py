"""Backends by name, so config (`store`), `--store` and `OSM_STORE` can choose one."""

from __future__ import annotations

import os
from collections.abc import Callable
from types import TracebackType
from typing import Protocol, runtime_checkable

from one_shot_man.storage.errors import StorageError
from one_shot_man.storage.schema import Session

__all__ = [
    "DEFAULT_BACKEND",
    "StorageBackend",
    "get_backend",
    "register_backend",
    "registered_backends",
]

DEFAULT_BACKEND = "fs"


@runtime_checkable
class StorageBackend(Protocol):
    """What every backend offers; each instance is bound to one session ID."""

    def load_session(self, session_id: str) -> Session | None: ...

    def save_session(self, session: Session) -> None: ...

    def archive_session(self, session_id: str, dest: str | os.PathLike[str]) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> StorageBackend: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


BackendFactory = Callable[[str], StorageBackend]


def _fs_factory(session_id: str) -> StorageBackend:
    from one_shot_man.storage.fs import FileSystemBackend

    return FileSystemBackend(session_id)


def _memory_factory(session_id: str) -> StorageBackend:
    from one_shot_man.storage.memory import InMemoryBackend

    return InMemoryBackend(session_id)


_factories: dict[str, BackendFactory] = {"fs": _fs_factory, "memory": _memory_factory}


def register_backend(name: str, factory: BackendFactory) -> None:
    """Make `factory` available as `name` (tests and extensions; replaces an old one)."""
    _factories[name] = factory


def registered_backends() -> list[str]:
    """The known backend names, sorted."""
    return sorted(_factories)


def get_backend(name: str, session_id: str) -> StorageBackend:
    """A new backend of kind `name` (`fs` when empty) for `session_id`.

    Raises `StorageError("unknown storage backend: <name>")` for an unknown name, and
    whatever the backend raises when it cannot open (e.g. `SessionLockedError`).
    """
    factory = _factories.get(name or DEFAULT_BACKEND)
    if factory is None:
        raise StorageError(f"unknown storage backend: {name}")
    return factory(session_id)
