"""`osm:os`: files, environment, the user's editor and the clipboard (spec §5.3.4)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from typing import Any

from one_shot_man.scripting.bridge import HostError

JS = r"""(function (module, exports, osm) {
'use strict';
function s(args, i) { return args.length > i ? String(args[i]) : ''; }
exports.readFile = function readFile(...a) { return osm.call('os.readFile', s(a, 0)); };
exports.fileExists = function fileExists(...a) { return osm.call('os.fileExists', s(a, 0)); };
exports.getenv = function getenv(key) {
  if (key === undefined || key === null) return '';
  return osm.call('os.getenv', String(key));
};
exports.openEditor = function openEditor(...a) { return osm.call('os.openEditor', s(a, 0), s(a, 1)); };
exports.clipboardCopy = function clipboardCopy(...a) { osm.call('os.clipboardCopy', s(a, 0)); };
})
"""

CLIPBOARD_TIMEOUT = 10.0


def _os_error(exc: OSError, op: str, path: str) -> str:
    reason = (exc.strerror or str(exc)).lower()
    return f"{op} {path}: {reason}"


def read_file(path: str) -> dict[str, Any]:
    if not path:
        return {"error": True, "message": "empty path", "content": ""}
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except IsADirectoryError:
        return {"error": True, "message": f"read {path}: is a directory", "content": ""}
    except OSError as exc:
        return {"error": True, "message": _os_error(exc, "open", path), "content": ""}
    return {"error": False, "message": "", "content": data.decode("utf-8", "replace")}


def file_exists(path: str) -> bool:
    return bool(path) and os.path.exists(path)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def sanitize_filename(hint: str) -> str:
    """A temp file name the editor shows; every unsafe character becomes one `-`."""
    if not hint:
        return "untitled"
    out = _UNSAFE.sub("-", hint)
    out = re.sub(r"-{2,}", "-", out).strip("-")
    return out or "untitled"


def find_editor() -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        return editor
    if os.name == "nt":
        return "notepad"
    for candidate in ("nano", "vi"):
        if shutil.which(candidate):
            return candidate
    return "ed"


def open_editor(name_hint: str, initial: str) -> str:
    """Let the user edit `initial` in their editor; the edited text (or `initial`)."""
    import subprocess
    import tempfile

    base = sanitize_filename(name_hint or "oneshot")
    try:
        directory = tempfile.mkdtemp(prefix="one-shot-man-editor-")
    except OSError:
        return initial
    path = os.path.join(directory, base)
    try:
        try:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(initial)
            os.chmod(path, 0o600)
        except OSError:
            return initial
        try:
            ok = subprocess.run([find_editor(), path], check=False).returncode == 0
        except OSError:
            ok = False
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                content = fh.read()
        except OSError:
            return initial
        if ok or content:
            return content
        return initial
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def clipboard_copy(
    text: str, sink: Callable[[str], None] | None, command: str | None = None
) -> None:
    """Copy with the shared clipboard chain; when nothing works, print through `sink`.

    The prompt must never be lost: inside osm the sink (the engine's output) always
    exists, so the text is shown instead; without one the error lists what was tried.
    """
    from one_shot_man.clipboard import ClipboardUnavailableError, copy_to_clipboard

    try:
        copy_to_clipboard(text, command=command, timeout=CLIPBOARD_TIMEOUT)
        return
    except ClipboardUnavailableError as exc:
        if sink is None:
            raise HostError(f"no system clipboard available: {exc}") from exc
    sink("[clipboard] No system clipboard available; printing content below\n" + text + "\n")


def ops(engine: Any) -> dict[str, Callable[..., Any]]:
    return {
        "os.readFile": read_file,
        "os.fileExists": file_exists,
        "os.getenv": lambda key: os.environ.get(key, ""),
        "os.openEditor": open_editor,
        "os.clipboardCopy": lambda text: clipboard_copy(
            text, engine.print_to_user, engine.config_option("clipboard")
        ),
    }
