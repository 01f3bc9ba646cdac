"""Put an assembled prompt on the user's clipboard, through whatever their system offers.

A prompt that took ten minutes to gather must never be lost because a clipboard tool
is missing: every failure says what was tried, and callers then offer the text on
stdout or in a file (`save_prompt_file`).

Order: `$OSM_CLIPBOARD` (a shell command), the config key `clipboard` (same), then the
platform's tool (pbcopy; clip.exe on Windows and WSL; wl-copy under Wayland; xclip or
xsel under X11; termux-clipboard-set), then OSC 52 — the terminal escape that reaches
the *local* clipboard through an SSH session — when stdout is a terminal.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from one_shot_man.errors import OsmError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import subprocess
    from typing import TextIO

DEFAULT_TIMEOUT_S = 10.0
# Terminals cap OSC 52 payloads (xterm: ~100 kB of base64 by default); beyond this,
# say so rather than send a sequence the terminal silently drops.
OSC52_MAX_BYTES = 74_994


class ClipboardUnavailableError(OsmError):
    """No clipboard method worked; the message lists each one tried and why it failed.

    `command_failed` is True when the user's own clipboard command ran and failed (rather
    than no tool being there at all), so a caller can say so first.
    """

    def __init__(self, message: str, *, command_failed: bool = False) -> None:
        super().__init__(message)
        self.command_failed = command_failed


def copy_to_clipboard(
    text: str,
    *,
    command: str | None = None,
    env: Mapping[str, str] | None = None,
    tty: TextIO | None = None,
    platform: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> str:
    """Copy `text`; return a short name of the method that worked.

    `command` is the config's `clipboard` value. `tty` is a writable text stream that
    is a terminal (for OSC 52); None means "use /dev/tty if stdout is a terminal".
    Raises `ClipboardUnavailableError` when nothing worked. When the user's own command
    (`$OSM_CLIPBOARD` or the config's) failed, the message leads with how it failed
    (its exit status and last line of stderr, or that it hung and for how long): that,
    not a missing system tool, is what the user has to fix.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    failures: list[str] = []
    command_failures: list[str] = []  # the user's own commands, named in `failures` too

    for label, shell_command in (
        ("$OSM_CLIPBOARD", env.get("OSM_CLIPBOARD")),
        ("config clipboard", command),
    ):
        if shell_command:
            error = _run_shell(shell_command, text, timeout, platform)
            if error is None:
                return label
            command_failures.append(f"{label} ({shell_command}): {error}")

    for argv in _platform_tools(env, platform):
        error = _run_tool(argv, text, timeout, env)
        if error is None:
            return argv[0]
        if error != "not found":
            failures.append(f"{argv[0]}: {error}")

    osc_error = _copy_osc52(text, env, tty)
    if osc_error is None:
        return "osc52"
    failures.append(f"OSC 52: {osc_error}")

    if command_failures:
        failed = "; ".join(command_failures)
        also = f" (also tried: {'; '.join(failures)})" if failures else ""
        raise ClipboardUnavailableError(
            f"the clipboard command failed: {failed}{also}", command_failed=True
        )
    tried = "; ".join(failures) if failures else "no clipboard tool found"
    raise ClipboardUnavailableError(f"no system clipboard available ({tried})")


def destination(method: str) -> str:
    """Where a copy made by `method` (a `copy_to_clipboard` result) went, for the user."""
    if method == "osc52":
        return "terminal clipboard via OSC 52"
    return f"clipboard via {method}"


def _platform_tools(env: Mapping[str, str], platform: str) -> list[Sequence[str]]:
    if platform == "darwin":
        return [["pbcopy"]]
    if platform.startswith("win"):
        return [["clip"]]
    tools: list[Sequence[str]] = []
    if env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP"):
        tools.append(["clip.exe"])
    if env.get("WAYLAND_DISPLAY"):
        tools.append(["wl-copy"])
    if env.get("DISPLAY"):
        tools.append(["xclip", "-selection", "clipboard"])
        tools.append(["xsel", "--clipboard", "--input"])
    tools.append(["termux-clipboard-set"])
    return tools


def _run_shell(command: str, text: str, timeout: float, platform: str) -> str | None:
    argv = ["cmd", "/c", command] if platform.startswith("win") else ["/bin/sh", "-c", command]
    return _run_tool(argv, text, timeout, None)


def _run_tool(
    argv: Sequence[str], text: str, timeout: float, env: Mapping[str, str] | None
) -> str | None:
    """None on success, else why it failed ("not found" when the tool is absent).

    A tool that does not finish within `timeout` is stopped with everything it started
    (its own process group), so a hung clipboard command cannot keep osm waiting.
    """
    import shutil
    import subprocess

    path_env = None if env is None else env.get("PATH")
    if shutil.which(argv[0], path=path_env) is None:
        return "not found"
    posix = os.name == "posix"
    try:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=None if env is None else dict(env),
            start_new_session=posix,
        )
    except OSError as exc:
        return exc.strerror or str(exc)
    try:
        _out, err = process.communicate(text.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop_group(process, posix)
        return f"hung: no exit within {timeout:g} s, so it was stopped"
    except OSError as exc:  # e.g. EPIPE: the tool exited without reading its input
        _stop_group(process, posix)
        return f"failed while receiving the text: {exc.strerror or exc}"
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        status = process.returncode
        reason = f"killed by signal {-status}" if status < 0 else f"exit status {status}"
        return f"{reason}: {detail[-1]}" if detail else reason
    return None


def _stop_group(process: subprocess.Popen[bytes], posix: bool) -> None:
    import signal

    try:
        if posix:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass
    process.wait()


def _copy_osc52(text: str, env: Mapping[str, str], tty: TextIO | None) -> str | None:
    import base64

    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    if len(payload) > OSC52_MAX_BYTES:
        return f"prompt too large for the terminal escape ({len(payload)} bytes of base64)"
    sequence = f"\x1b]52;c;{payload}\x07"
    if env.get("TMUX"):
        # tmux forwards an escape to the outer terminal only inside its passthrough wrapper.
        sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if tty is not None:
        tty.write(sequence)
        tty.flush()
        return None
    if not sys.stdout.isatty():
        return "stdout is not a terminal"
    try:
        with open("/dev/tty", "w", encoding="ascii") as handle:
            handle.write(sequence)
    except OSError as exc:
        return f"cannot open the terminal: {exc.strerror or exc}"
    return None


def save_prompt_file(text: str, directory: str | os.PathLike[str] | None = None) -> Path:
    """Write the prompt to a new file (never overwriting one) and return its path."""
    import tempfile

    target_dir = Path(directory) if directory is not None else Path(tempfile.gettempdir())
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="osm-prompt-", suffix=".md", dir=target_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(name)
