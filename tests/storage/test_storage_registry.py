"""Backend registry: `fs` (default) and `memory` by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from one_shot_man.errors import SessionLockedError, StorageError
from one_shot_man.storage import (
    FileSystemBackend,
    InMemoryBackend,
    Session,
    StorageBackend,
    clear_all_in_memory_sessions,
    get_backend,
    register_backend,
    registered_backends,
)
from one_shot_man.storage import registry as registry_module


def test_known_names() -> None:
    assert registered_backends() == ["fs", "memory"]


def test_fs_backend(sessions_dir: Path) -> None:
    backend = get_backend("fs", "reg")
    try:
        assert isinstance(backend, FileSystemBackend)
        assert isinstance(backend, StorageBackend)
        backend.save_session(Session(id="reg"))
        assert (sessions_dir / "reg.session.json").exists()
        with pytest.raises(SessionLockedError):
            get_backend("fs", "reg")
    finally:
        backend.close()


def test_empty_name_means_fs(sessions_dir: Path) -> None:
    with get_backend("", "reg") as backend:
        assert isinstance(backend, FileSystemBackend)


def test_memory_backend() -> None:
    clear_all_in_memory_sessions()
    with get_backend("memory", "reg") as backend:
        assert isinstance(backend, InMemoryBackend)
        assert isinstance(backend, StorageBackend)
        backend.save_session(Session(id="reg"))
    assert get_backend("memory", "reg").load_session("reg") is not None
    clear_all_in_memory_sessions()


def test_unknown_name() -> None:
    with pytest.raises(StorageError) as info:
        get_backend("sqlite", "x")
    assert str(info.value) == "unknown storage backend: sqlite"


def test_register_custom(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_module, "_factories", dict(registry_module._factories))
    register_backend("mine", InMemoryBackend)
    assert "mine" in registered_backends()
    assert isinstance(get_backend("mine", "x"), InMemoryBackend)
