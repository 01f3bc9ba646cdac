"""tmux, screen, SSH and macOS-terminal detectors (spec §1.6.2-1.6.3, §1.10)."""

from __future__ import annotations

import hashlib
import os
import re
import time

import pytest

from one_shot_man.session import TmuxError, get_session_id
from one_shot_man.session.detectors import (
    extract_tmux_server_pid,
    go_fields,
    screen_session_id,
    ssh_session_id,
    terminal_session_id,
    tmux_session_id,
)


def _h16(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


# --- tmux ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tmux", "expected"),
    [
        ("/tmp/tmux-1000/default,12345,0", "12345"),
        ("/tmp/tmux-1000/default,12345,", "12345"),
        ("/tmp/tmux-1000/default,12345", ""),
        ("/tmp/tmux-1000/default,abc,0", ""),
        ("/tmp/tmux-1000/default,4294967295,0", "4294967295"),
        ("/tmp/tmux,with,commas/default,777,3", "777"),
        ("/tmp/tmux-1000/default,,0", ""),
        ("/tmp/tmux-1000/default,12 3,0", ""),
        (",12345", ""),
        (",", ""),
        ("", ""),
        ("no-commas-at-all", ""),
    ],
)
def test_extract_tmux_server_pid(tmux: str, expected: str) -> None:
    assert extract_tmux_server_pid(tmux) == expected


def test_tmux_id_format() -> None:
    assert tmux_session_id("%5", "/tmp/tmux-1000/default,12345,0") == "tmux--5_12345"
    assert tmux_session_id("5", "/tmp/tmux-1000/default,12345,0") == "tmux--5_12345"


@pytest.mark.parametrize("pane", ["%", "%abc", "% 1", "%%5", "%5a", "%٣"])
def test_tmux_invalid_pane(pane: str) -> None:
    with pytest.raises(TmuxError, match="invalid TMUX_PANE format"):
        tmux_session_id(pane, "/tmp/tmux-1000/default,12345,0")


def test_tmux_missing_env_is_an_error() -> None:
    with pytest.raises(TmuxError, match="TMUX_PANE not set"):
        tmux_session_id("", "/tmp/tmux-1000/default,12345,0")
    with pytest.raises(TmuxError, match="could not extract server PID"):
        tmux_session_id("%5", "")


def test_tmux_detected_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX_PANE", "%5")
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,12345,0")
    session_id, source = get_session_id()
    assert (session_id, source) == ("tmux--5_12345", "tmux")
    assert not set(session_id) & set('/\\:*?"<>| ')


def test_tmux_is_quick_and_never_shells_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Go "timeout" test: a stale tmux env must not hang (nothing is executed)."""
    monkeypatch.setenv("TMUX_PANE", "%1")
    monkeypatch.setenv("TMUX", "/nonexistent/socket,99999999,0")
    start = time.monotonic()
    assert get_session_id()[1] == "tmux"
    assert time.monotonic() - start < 2.0


# --- screen -------------------------------------------------------------------------------------


def test_screen_golden_vector() -> None:
    assert screen_session_id("12345.pts-0.host") == "screen--9aa7d78252d3f14c"


def test_screen_format_and_determinism() -> None:
    a = screen_session_id("12345.pts-0.host")
    assert re.fullmatch(r"screen--[0-9a-f]{16}", a) and len(a) == 24
    assert screen_session_id("12345.pts-0.host") == a
    assert screen_session_id("12346.pts-0.host") != a
    assert screen_session_id(b"12345.pts-0.host") == a


# --- SSH ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.168.1.100 12345 192.168.1.1 22", "ssh--1cd58b06e1436e7e"),
        ("192.168.1.100 12345 192.168.1.1", "ssh--03b73b6d4277f42d"),
    ],
)
def test_ssh_golden_vectors(value: str, expected: str) -> None:
    assert ssh_session_id(value) == expected


def test_ssh_each_part_changes_the_id() -> None:
    base = ssh_session_id("10.0.0.1 5000 10.0.0.2 22")
    assert len(base) == 21
    assert ssh_session_id("10.0.0.1 5001 10.0.0.2 22") != base  # client port
    assert ssh_session_id("10.0.0.1 5000 10.0.0.3 22") != base  # server IP
    assert ssh_session_id("10.0.0.1 5000 10.0.0.2 2222") != base  # server port


def test_ssh_whitespace_runs_are_one_separator() -> None:
    assert ssh_session_id("10.0.0.1  5000\t10.0.0.2 22\n") == ssh_session_id(
        "10.0.0.1 5000 10.0.0.2 22"
    )


def test_ssh_malformed_and_ipv6(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSH_CONNECTION", "192.168.1.100 12345 192.168.1.1")
    session_id, source = get_session_id()
    assert source == "ssh-env" and len(session_id) == 21
    monkeypatch.setenv("SSH_CONNECTION", "::1 12345 ::1 22")
    session_id, source = get_session_id()
    assert source == "ssh-env"
    assert session_id == "ssh--" + _h16(b"ssh:::1:12345:::1:22")


def test_ssh_thousand_distinct_tuples() -> None:
    ids = {
        ssh_session_id(f"10.0.{i // 250}.{i % 250} {40000 + i} 10.1.1.1 22") for i in range(1000)
    }
    assert len(ids) == 1000


def test_ssh_splits_like_go_fields() -> None:
    # Python's str.split() also splits on U+001C..U+001F; Go's strings.Fields does not.
    value = "a\x1cb c d e"
    assert go_fields(value) == ["a\x1cb", "c", "d", "e"]
    assert ssh_session_id(value) == "ssh--" + _h16(b"ssh:a\x1cb:c:d:e")
    # Unicode whitespace (NBSP, ideographic space) separates fields in both.
    assert go_fields("a\xa0b\u3000c d") == ["a", "b", "c", "d"]
    assert ssh_session_id("á\xa0b\u3000c d") == "ssh--" + _h16("ssh:á:b:c:d".encode())


def test_ssh_hashes_undecodable_env_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = b"10.0.0.1 5000 host\xff 22"
    monkeypatch.setenv("SSH_CONNECTION", os.fsdecode(raw))
    session_id, source = get_session_id()
    assert source == "ssh-env"
    assert session_id == "ssh--" + _h16(b"ssh:10.0.0.1:5000:host\xff:22")


# --- macOS terminal -----------------------------------------------------------------------------


def test_terminal_golden_vector() -> None:
    value = terminal_session_id("terminal-session-12345")
    assert value == "terminal--a6914f418ed616c6"
    assert len(value) == 26


def test_terminal_ignored_off_darwin(monkeypatch: pytest.MonkeyPatch) -> None:
    from one_shot_man.session import discovery

    monkeypatch.setattr(discovery, "_IS_DARWIN", False)
    monkeypatch.setenv("TERM_SESSION_ID", "terminal-session-12345")
    assert get_session_id()[1] != "macos-terminal"


def test_terminal_used_on_darwin(monkeypatch: pytest.MonkeyPatch) -> None:
    from one_shot_man.session import discovery

    monkeypatch.setattr(discovery, "_IS_DARWIN", True)
    monkeypatch.setenv("TERM_SESSION_ID", "terminal-session-12345")
    assert get_session_id() == ("terminal--a6914f418ed616c6", "macos-terminal")
    monkeypatch.setenv("SSH_CONNECTION", "192.168.1.100 12345 192.168.1.1 22")
    assert get_session_id()[1] == "ssh-env"  # SSH outranks the terminal
