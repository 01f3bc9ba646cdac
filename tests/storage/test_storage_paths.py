"""Paths: the sessions directory, file names, and ID validation (path traversal)."""

from __future__ import annotations

import os
import random
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from one_shot_man.errors import SessionError, StorageError
from one_shot_man.storage import (
    FileSystemBackend,
    InvalidSessionIDError,
    archive_session_file_path,
    lock_file_path,
    sanitize_filename,
    session_directory,
    session_file_path,
    validate_session_id,
)
from one_shot_man.storage import paths as paths_module


def test_session_directory_uses_xdg_config_home(isolated_home: Path) -> None:
    assert session_directory() == isolated_home / ".config" / "osm" / "sessions"


def test_session_directory_falls_back_to_home(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert session_directory() == isolated_home / ".config" / "osm" / "sessions"


def test_session_directory_is_not_created(sessions_dir: Path) -> None:
    session_directory()
    session_file_path("abc")
    assert not sessions_dir.exists()


@pytest.mark.parametrize("xdg", ["relative/dir", None])
def test_unusable_config_dir_falls_back_to_cached_private_temp(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    monkeypatch.setattr(paths_module, "_fallback_dir", None)
    if xdg is None:
        monkeypatch.delenv("XDG_CONFIG_HOME")
        monkeypatch.delenv("HOME")
    else:
        monkeypatch.setenv("XDG_CONFIG_HOME", xdg)
    with pytest.raises(OSError):
        paths_module.user_config_dir()
    first = session_directory()
    try:
        assert first.name.startswith("osm-sessions-")
        assert first.is_dir()
        assert (first.stat().st_mode & 0o777) == 0o700
        assert session_directory() == first  # cached for the process
    finally:
        os.rmdir(first)


def test_relative_xdg_error_text(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "rel")
    with pytest.raises(OSError, match=r"path in \$XDG_CONFIG_HOME is relative"):
        paths_module.user_config_dir()


def test_file_names(sessions_dir: Path, tmp_path: Path) -> None:
    assert session_file_path("abc") == sessions_dir / "abc.session.json"
    assert lock_file_path("abc") == sessions_dir / "abc.session.lock"
    assert session_file_path("abc", sessions_dir=tmp_path) == tmp_path / "abc.session.json"
    assert lock_file_path("abc", sessions_dir=str(tmp_path)) == tmp_path / "abc.session.lock"
    # IDs are used verbatim (no underscore collapsing that could merge two sessions).
    assert session_file_path("a__b").name == "a__b.session.json"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        ".",
        "..",
        "../../../etc/passwd",
        "..\\..\\windows\\system32",
        "./;../../etc",
        ".../.../../root/.ssh",
        "./current",
        "session\x00evil",
        "a/b",
        "a\\b",
        ".hidden",
        ".tmp-session-123",
        "x" * 201,
        "é" * 101,  # 202 bytes
    ],
)
def test_invalid_ids_are_rejected_by_every_path_function(bad: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidSessionIDError) as info:
        validate_session_id(bad)
    assert isinstance(info.value, SessionError) and isinstance(info.value, StorageError)
    for fn in (session_file_path, lock_file_path):
        with pytest.raises(InvalidSessionIDError):
            fn(bad, sessions_dir=tmp_path)
    with pytest.raises(InvalidSessionIDError):
        archive_session_file_path(bad, datetime.now(UTC), 0, sessions_dir=tmp_path)
    with pytest.raises(InvalidSessionIDError):
        FileSystemBackend(bad, sessions_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing was created anywhere


def test_invalid_id_messages_are_clear() -> None:
    with pytest.raises(InvalidSessionIDError, match="sessionID cannot be empty"):
        validate_session_id("")
    with pytest.raises(InvalidSessionIDError, match=r'"\.\./x".*path separator'):
        validate_session_id("../x")
    with pytest.raises(InvalidSessionIDError, match="too long"):
        validate_session_id("x" * 201)


@pytest.mark.parametrize(
    "good", ["abc", "ex--my-session_ab", "tmux--1_2", "a..b", "x" * 200, "日本", "a b", "a:b"]
)
def test_valid_ids_pass_through(good: str) -> None:
    assert validate_session_id(good) == good


def test_archive_path_format_and_side_effect(tmp_path: Path) -> None:
    ts = datetime(2025, 11, 26, 14, 3, 0, tzinfo=UTC)
    path = archive_session_file_path("session-123", ts, 0, sessions_dir=tmp_path)
    assert (
        path == tmp_path / "archive" / "session-123--reset--2025-11-26T14-03-00Z--000.session.json"
    )
    assert (tmp_path / "archive").is_dir()
    assert archive_session_file_path("s", ts, 1, sessions_dir=tmp_path).name.endswith(
        "--001.session.json"
    )
    assert archive_session_file_path("s", ts, 1234, sessions_dir=tmp_path).name.endswith(
        "--1234.session.json"
    )
    # Times are converted to UTC.
    local = ts.astimezone(timezone(timedelta(hours=11)))
    assert archive_session_file_path("s", local, 0, sessions_dir=tmp_path).name == (
        "s--reset--2025-11-26T14-03-00Z--000.session.json"
    )
    # The archive name is sanitised (e.g. Windows-unsafe characters).
    assert archive_session_file_path("a:b", ts, 0, sessions_dir=tmp_path).name.startswith("a_b--")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("session/with/slashes", "session_with_slashes"),
        ("session*?with<>chars", "session_with_chars"),
        ("session___multiple___underscores", "session_multiple_underscores"),
        ("CON", "_CON"),
        ("con", "_con"),
        ("COM1", "_COM1"),
        ("lpt9", "_lpt9"),
        ("COM1.txt", "_COM1.txt"),
        ("Con.Txt", "_Con.Txt"),
        ("NUL.", "_NUL"),
        (".", "_"),
        ("..", "_"),
        ("", "_"),
        (".config", ".config"),
        ("/dev/ttys001", "_dev_ttys001"),
        ("trailing. . ", "trailing"),
    ],
)
def test_sanitize_filename_table(raw: str, expected: str) -> None:
    assert sanitize_filename(raw) == expected


def test_sanitize_filename_normalises_unicode() -> None:
    assert sanitize_filename("e\u0301-session") == sanitize_filename("é-session")
    assert sanitize_filename("ﬁle") == "file"


@pytest.mark.parametrize(
    "raw",
    ["", " ", "...", "a/b\\c", "CON.txt", "x" * 300, "\x00\x00", "日本/語", "..  ", "com9.", ". ."],
)
def test_sanitize_filename_invariants(raw: str) -> None:
    out = sanitize_filename(raw)
    assert out
    assert not any(ch in out for ch in '/\\:*?"<>|\x00')
    assert not out.endswith((".", " "))
    assert out not in (".", "..")
    assert "__" not in out
    assert unicodedata.normalize("NFKC", out) == out
    stem = out.split(".", 1)[0].upper()
    reserved = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(1, 10)}
    reserved |= {f"LPT{i}" for i in range(1, 10)}
    assert stem not in reserved


def _random_text(rng: random.Random) -> str:
    alphabet = 'ab./\\:*?"<>|\x00 _-é日\u0301ﬁCONnulLPT1'
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 24)))


def test_sanitize_filename_fuzz_invariants() -> None:
    rng = random.Random(4242)
    for _ in range(3000):
        test_sanitize_filename_invariants(_random_text(rng))


def test_accepted_ids_always_stay_inside_the_sessions_dir(tmp_path: Path) -> None:
    rng = random.Random(777)
    accepted = 0
    for _ in range(3000):
        candidate = _random_text(rng)
        try:
            validate_session_id(candidate)
        except InvalidSessionIDError:
            continue
        accepted += 1
        for fn in (session_file_path, lock_file_path):
            path = fn(candidate, sessions_dir=tmp_path)
            assert path.parent == tmp_path
            assert os.path.realpath(path).startswith(str(tmp_path.resolve()) + os.sep)
    assert accepted > 100
