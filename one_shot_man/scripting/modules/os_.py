"""`osm:os`: files, environment, the user's editor and the clipboard (spec §5.3.4)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable

from one_shot_man.scripting.bridge import HostError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine

JS = r"""(function (module, exports, osm) {
'use strict';
function s(args, i) { return args.length > i ? String(args[i]) : ''; }
exports.readFile = function readFile(...a) { return osm.call('os.readFile', s(a, 0)); };
exports.fileExists = function fileExists(...a) { return osm.call('os.fileExists', s(a, 0)); };
exports.getenv = function getenv(key) {
  if (key === undefined || key === null) return '';
  return osm.call('os.getenv', String(key));
};
// An editor failure is about the user's setup, not a script bug: the shell shows it
// without the script location (see osm.tuiExecute).
exports.openEditor = function openEditor(...a) {
  try { return osm.call('os.openEditor', s(a, 0), s(a, 1)); } catch (e) {
    if (e instanceof Error) Object.defineProperty(e, 'osmPlain', {value: true});
    throw e;
  }
};
exports.clipboardCopy = function clipboardCopy(...a) { return osm.call('os.clipboardCopy', s(a, 0)); };
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


class EditorError(HostError):
    """The editor could not be used; the message says why and what to set."""


_HINT = "(set $VISUAL or $EDITOR)"


def _stdin_is_terminal() -> bool:
    """Whether fd 0 is a terminal: only then may an editor we picked ourselves take it over."""
    try:
        return os.isatty(0)
    except (OSError, ValueError):
        return False


def _split_editor(value: str) -> list[str]:
    """`$VISUAL`/`$EDITOR` as an argv: `code -w` works; an existing path is one program.

    Go ran the value as one program path. A value naming an existing file (even one with
    spaces, like `/Applications/Sublime Text.app/...`) still is; anything else is split
    the way a shell would, because users write `code -w` or `subl --wait`.
    """
    if os.path.isfile(value):
        return [value]
    import shlex

    try:
        argv = shlex.split(value, posix=os.name != "nt")
    except ValueError as exc:
        raise EditorError(f"cannot use editor '{value}': {exc} {_HINT}") from None
    return argv or [value]


def find_editor() -> list[str]:
    """The editor's argv: `$VISUAL`, then `$EDITOR`.

    Without a choice: notepad on Windows, else the first of nano, vi, ed on PATH — but
    only when standard input is a terminal (an editor on a pipe would swallow the lines
    still to be read). Raises EditorError when there is nothing to run.
    """
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            return _split_editor(value)
    if not _stdin_is_terminal():
        raise EditorError("cannot open an editor: standard input is not a terminal")
    if os.name == "nt":
        return ["notepad"]
    for candidate in ("nano", "vi", "ed"):
        if shutil.which(candidate):
            return [candidate]
    raise EditorError("no editor available: set $VISUAL or $EDITOR")


def open_editor(name_hint: str, initial: str) -> str:
    """Let the user edit `initial` in their editor and return the edited text.

    Every failure raises EditorError (one line, thrown in JS) instead of quietly handing
    back `initial`, so the user knows their edit did not happen. Nothing typed is lost:
    when the editor exits non-zero after the text was changed, the file is kept and the
    error names it.
    """
    import subprocess
    import tempfile

    argv = find_editor()
    shown = " ".join(argv)
    base = sanitize_filename(name_hint or "oneshot")
    try:
        directory = tempfile.mkdtemp(prefix="one-shot-man-editor-")
    except OSError as exc:
        raise EditorError(f"cannot create a temporary file for the editor: {exc}") from None
    path = os.path.join(directory, base)
    keep = False
    try:
        try:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(initial)
            os.chmod(path, 0o600)
        except OSError as exc:
            raise EditorError(f"cannot write the editor's file {path}: {exc}") from None
        # A chosen editor still runs with piped input (scripts and tests use fake editors),
        # but never reads the lines meant for the shell.
        stdin = None if _stdin_is_terminal() else subprocess.DEVNULL
        try:
            status = subprocess.run([*argv, path], stdin=stdin, check=False).returncode
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise EditorError(f"cannot start editor '{shown}': {reason} {_HINT}") from None
        try:
            with open(path, encoding="utf-8", errors="replace") as fh:
                content = fh.read()
        except OSError as exc:
            raise EditorError(f"cannot read the edited file {path}: {exc}") from None
        if status == 0:
            return content
        how = f"was killed by signal {-status}" if status < 0 else f"exited with status {status}"
        message = f"editor '{shown}' {how}"
        if content != initial:
            keep = True
            message += f"; your text is kept in {path}"
        raise EditorError(message)
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


def clipboard_copy(
    text: str, sink: Callable[[str], object] | None, command: str | None = None
) -> dict[str, Any]:
    """Copy with the shared clipboard chain; when nothing works, print and save the text.

    Returns `{copied, method, where, savedTo, message}` so a command can tell the user
    what really happened (`where` is the destination in words, for the copy summary).
    The prompt is never lost: inside osm the sink (the engine's output) always exists,
    so the text is shown there and also written to a new file under the system temp
    directory; without a sink the error lists what was tried. A failing clipboard
    command of the user's is named with its exit status and stderr (or that it hung).
    """
    from one_shot_man.clipboard import (
        ClipboardUnavailableError,
        copy_to_clipboard,
        destination,
        save_prompt_file,
    )

    try:
        method = copy_to_clipboard(text, command=command, timeout=CLIPBOARD_TIMEOUT)
        return {
            "copied": True,
            "method": method,
            "where": destination(method),
            "savedTo": "",
            "message": "",
        }
    except ClipboardUnavailableError as exc:
        if sink is None:
            raise HostError(f"no system clipboard available: {exc}") from exc
        reason = str(exc)
        headline = (
            reason[:1].upper() + reason[1:]
            if exc.command_failed
            else ("No system clipboard available")
        )
    sink(f"[clipboard] {headline}; printing content below\n" + text + "\n")
    try:
        saved = str(save_prompt_file(text))
        where = f"printed above and saved to {saved}"
    except OSError as exc:
        saved = ""
        where = f"printed above (it could not be saved to a file: {exc.strerror or exc})"
    return {
        "copied": False,
        "method": "stdout",
        "where": where,
        "savedTo": saved,
        "message": f"No clipboard available: the prompt is {where}",
        "reason": reason,
    }


def ops(engine: Engine) -> dict[str, Callable[..., Any]]:
    return {
        "os.readFile": read_file,
        "os.fileExists": file_exists,
        "os.getenv": lambda key: os.environ.get(key, ""),
        "os.openEditor": open_editor,
        "os.clipboardCopy": lambda text: clipboard_copy(
            text, engine.print_to_user, engine.config_option("clipboard")
        ),
    }
