"""atomic_write_file: all-or-nothing replacement, no temp files left behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.storage.atomic import TEMP_PREFIX, AtomicWriteError, atomic_write_file


def _temps(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.startswith(TEMP_PREFIX)]


def test_write_reads_back(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write_file(target, b'{"a":1}')
    assert target.read_bytes() == b'{"a":1}'
    atomic_write_file(str(target), b"second")
    assert target.read_bytes() == b"second"
    assert _temps(tmp_path) == []


def test_large_and_empty_payloads(tmp_path: Path) -> None:
    target = tmp_path / "big"
    payload = os.urandom(3 * 1024 * 1024)
    atomic_write_file(target, payload)
    assert target.read_bytes() == payload
    atomic_write_file(target, b"")
    assert target.read_bytes() == b""


def test_nested_directories_are_created(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c" / "f"
    atomic_write_file(target, b"x")
    assert target.read_bytes() == b"x"
    assert (tmp_path / "a").stat().st_mode & 0o777 == 0o755 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o640, 0o666])
def test_requested_permissions_are_applied_exactly(tmp_path: Path, mode: int) -> None:
    old = os.umask(0o077)
    try:
        target = tmp_path / "p"
        atomic_write_file(target, b"x", mode)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == mode


def test_parent_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_bytes(b"i am a file")
    with pytest.raises(AtomicWriteError) as info:
        atomic_write_file(blocker / "sub" / "target", b"x")
    assert isinstance(info.value, StorageError)
    assert str(blocker / "sub" / "target") in str(info.value)
    assert blocker.read_bytes() == b"i am a file"


def test_overlong_path(tmp_path: Path) -> None:
    target = tmp_path / ("x" * 300)
    with pytest.raises(AtomicWriteError):
        atomic_write_file(target, b"x")
    assert os.listdir(tmp_path) == []


def test_target_is_directory_rename_fails_and_temp_removed(tmp_path: Path) -> None:
    target = tmp_path / "dir"
    target.mkdir()
    (target / "inside").write_bytes(b"keep")
    with pytest.raises(AtomicWriteError, match="rename"):
        atomic_write_file(target, b"x")
    assert _temps(tmp_path) == []
    assert (target / "inside").read_bytes() == b"keep"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory_fails(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "f").write_bytes(b"old")
    ro.chmod(0o555)
    try:
        with pytest.raises(AtomicWriteError, match="temp file"):
            atomic_write_file(ro / "f", b"new")
        assert (ro / "f").read_bytes() == b"old"
    finally:
        ro.chmod(0o755)


def test_unwritable_directory_fails_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a read-only directory does for a non-root user, simulated so root runs it too."""
    target = tmp_path / "f"
    target.write_bytes(b"old")
    real_open = os.open

    def deny(path: str, flags: int, mode: int = 0o777) -> int:
        if os.path.basename(path).startswith(TEMP_PREFIX):
            raise PermissionError(13, "Permission denied", path)
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(AtomicWriteError, match="failed to create temp file: Permission denied"):
        atomic_write_file(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize("failing", ["write", "fsync", "fchmod", "close", "replace"])
def test_injected_failures_leave_target_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "t"
    target.write_bytes(b"original")
    real = getattr(os, failing)
    calls = {"n": 0}

    def boom(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if failing == "close" and calls["n"] > 1:
            return real(*args, **kwargs)  # let cleanup close for real
        if failing == "close":
            real(*args, **kwargs)  # close, then report failure as the OS might
        raise OSError(5, f"injected {failing} failure")

    monkeypatch.setattr(os, failing, boom)
    old_umask = os.umask(0o077)  # so the mode must be fixed up with fchmod
    try:
        with pytest.raises(AtomicWriteError, match=f"injected {failing} failure"):
            atomic_write_file(target, b"new contents")
    finally:
        os.umask(old_umask)
    monkeypatch.undo()
    assert target.read_bytes() == b"original"
    assert _temps(tmp_path) == []


def test_temp_file_never_more_open_than_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    modes: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        if not os.path.isdir(f"/proc/self/fd/{fd}"):
            modes.append(os.fstat(fd).st_mode & 0o777)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    atomic_write_file(tmp_path / "secret", b"x", 0o600)
    assert modes == [0o600]


def test_directory_is_fsynced_after_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.path.isdir(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    atomic_write_file(tmp_path / "f", b"x")
    assert synced == [False, True]  # the temp file, then its directory


def test_importable_without_msgspec() -> None:
    code = (
        "import sys; import one_shot_man.storage.atomic as a; "
        "assert 'msgspec' not in sys.modules, 'msgspec imported'; print(a.atomic_write_file)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
