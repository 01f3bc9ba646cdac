"""Clipboard: command override, platform tools, OSC 52, and never losing the prompt."""

from __future__ import annotations

import base64
import io
import os
import stat
from pathlib import Path

import pytest

from one_shot_man.clipboard import (
    ClipboardUnavailableError,
    copy_to_clipboard,
    save_prompt_file,
)

PROMPT = "line one\nüñí <code> & 'quotes'\n"


def fake_tool(bin_dir: Path, name: str, *, out: Path, status: int = 0) -> None:
    """An executable that stores its stdin in `out` (and its argv next to it)."""
    script = bin_dir / name
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{out}.argv"\n'
        f'/bin/cat > "{out}"\n' + (f"echo 'tool broke' >&2\nexit {status}\n" if status else "")
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


@pytest.fixture
def bin_dir(tmp_path):
    path = tmp_path / "bin"
    path.mkdir()
    return path


def env_with(bin_dir: Path, **extra: str) -> dict[str, str]:
    return {"PATH": str(bin_dir), **extra}


def test_osm_clipboard_command_receives_exact_bytes(tmp_path, bin_dir):
    out = tmp_path / "clip.txt"
    method = copy_to_clipboard(
        PROMPT, env=env_with(bin_dir, OSM_CLIPBOARD=f"cat > '{out}'"), tty=io.StringIO()
    )
    assert method == "$OSM_CLIPBOARD"
    assert out.read_bytes() == PROMPT.encode("utf-8")


def test_config_command_is_used_when_no_env_override(tmp_path, bin_dir):
    out = tmp_path / "clip.txt"
    assert (
        copy_to_clipboard(PROMPT, command=f"cat > '{out}'", env=env_with(bin_dir))
        == "config clipboard"
    )
    assert out.read_text(encoding="utf-8") == PROMPT


def test_wayland_tool_is_preferred_under_wayland(tmp_path, bin_dir):
    fake_tool(bin_dir, "wl-copy", out=tmp_path / "wl")
    fake_tool(bin_dir, "xclip", out=tmp_path / "x")
    env = env_with(bin_dir, WAYLAND_DISPLAY="wayland-0", DISPLAY=":0")
    assert copy_to_clipboard(PROMPT, env=env, platform="linux") == "wl-copy"
    assert (tmp_path / "wl").read_text(encoding="utf-8") == PROMPT
    assert not (tmp_path / "x").exists()


def test_xclip_then_xsel_under_x11(tmp_path, bin_dir):
    fake_tool(bin_dir, "xclip", out=tmp_path / "x", status=1)
    fake_tool(bin_dir, "xsel", out=tmp_path / "xsel")
    assert (
        copy_to_clipboard(PROMPT, env=env_with(bin_dir, DISPLAY=":0"), platform="linux") == "xsel"
    )
    assert (tmp_path / "x.argv").read_text().split() == ["-selection", "clipboard"]
    assert (tmp_path / "xsel").read_text(encoding="utf-8") == PROMPT


def test_pbcopy_on_macos(tmp_path, bin_dir):
    fake_tool(bin_dir, "pbcopy", out=tmp_path / "pb")
    assert copy_to_clipboard(PROMPT, env=env_with(bin_dir), platform="darwin") == "pbcopy"
    assert (tmp_path / "pb").read_text(encoding="utf-8") == PROMPT


def test_clip_exe_under_wsl(tmp_path, bin_dir):
    fake_tool(bin_dir, "clip.exe", out=tmp_path / "clip")
    env = env_with(bin_dir, WSL_DISTRO_NAME="Ubuntu")
    assert copy_to_clipboard(PROMPT, env=env, platform="linux") == "clip.exe"


def test_osc52_when_no_tool_and_a_terminal_is_given(bin_dir):
    tty = io.StringIO()
    assert copy_to_clipboard(PROMPT, env=env_with(bin_dir), tty=tty, platform="linux") == "osc52"
    sequence = tty.getvalue()
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    assert base64.b64decode(sequence[7:-1]).decode("utf-8") == PROMPT


def test_osc52_inside_tmux_uses_passthrough(bin_dir):
    tty = io.StringIO()
    copy_to_clipboard("x", env=env_with(bin_dir, TMUX="/tmp/t,1,0"), tty=tty, platform="linux")
    assert tty.getvalue().startswith("\x1bPtmux;\x1b\x1b]52;c;") and tty.getvalue().endswith(
        "\x1b\\"
    )


def test_nothing_works_says_what_was_tried(tmp_path, bin_dir, monkeypatch):
    fake_tool(bin_dir, "xclip", out=tmp_path / "x", status=3)
    monkeypatch.setattr("sys.stdout", io.StringIO())  # not a terminal: no OSC 52
    with pytest.raises(ClipboardUnavailableError) as info:
        copy_to_clipboard(
            PROMPT, command="exit 9", env=env_with(bin_dir, DISPLAY=":0"), platform="linux"
        )
    message = str(info.value)
    # The user's own command failed: that leads, the rest of what was tried follows.
    assert info.value.command_failed
    assert message.startswith(
        "the clipboard command failed: config clipboard (exit 9): exit status 9"
    )
    assert "xclip: exit status 3: tool broke" in message
    assert "OSC 52: stdout is not a terminal" in message


def test_without_a_command_of_the_users_no_clipboard_is_reported(tmp_path, bin_dir, monkeypatch):
    fake_tool(bin_dir, "xclip", out=tmp_path / "x", status=3)
    monkeypatch.setattr("sys.stdout", io.StringIO())
    with pytest.raises(ClipboardUnavailableError) as info:
        copy_to_clipboard(PROMPT, env=env_with(bin_dir, DISPLAY=":0"), platform="linux")
    assert not info.value.command_failed
    assert str(info.value) == (
        "no system clipboard available "
        "(xclip: exit status 3: tool broke; OSC 52: stdout is not a terminal)"
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX shell")
def test_failing_command_reports_its_exit_status_and_stderr(bin_dir, monkeypatch):
    monkeypatch.setattr("sys.stdout", io.StringIO())
    env = env_with(bin_dir, OSM_CLIPBOARD="echo first >&2; echo oops >&2; exit 3")
    with pytest.raises(ClipboardUnavailableError) as info:
        copy_to_clipboard(PROMPT, env=env, platform="linux")
    assert str(info.value) == (
        "the clipboard command failed: "
        "$OSM_CLIPBOARD (echo first >&2; echo oops >&2; exit 3): exit status 3: oops "
        "(also tried: OSC 52: stdout is not a terminal)"
    )


@pytest.mark.skipif(os.name != "posix", reason="POSIX shell")
def test_hanging_command_times_out_saying_it_hung(tmp_path, bin_dir, monkeypatch):
    """It is stopped with what it started (a child holding the pipe must not keep us)."""
    import time

    monkeypatch.setattr("sys.stdout", io.StringIO())
    marker = tmp_path / "still-running"
    env = env_with(bin_dir, OSM_CLIPBOARD=f"(sleep 30; touch '{marker}') & sleep 30")
    started = time.monotonic()
    with pytest.raises(ClipboardUnavailableError) as info:
        copy_to_clipboard(PROMPT, env=env, platform="linux", timeout=0.5)
    assert time.monotonic() - started < 5
    assert "$OSM_CLIPBOARD ((sleep 30; touch" in str(info.value)
    assert ": hung: no exit within 0.5 s, so it was stopped" in str(info.value)
    assert "No system clipboard" not in str(info.value)


def test_save_prompt_file_never_overwrites(tmp_path):
    first = save_prompt_file(PROMPT, tmp_path)
    second = save_prompt_file("other", tmp_path)
    assert first != second
    assert first.read_text(encoding="utf-8") == PROMPT
    assert os.path.dirname(first) == str(tmp_path)
