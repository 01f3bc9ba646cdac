"""The txtar archive format (golang.org/x/tools/txtar) as osm writes and reads it.

The file section of every prompt is a txtar archive, and `context.fromTxtar` reads one back,
so both directions must match Go's encoder and parser exactly: `-- name --` marker lines, a
newline appended to data that lacks one, text before the first marker kept as a comment.
"""

from __future__ import annotations

TYPE_CHECKING = False  # `collections.abc` costs ~7 M instructions of `osm prompt`
if TYPE_CHECKING:
    from collections.abc import Iterable

_MARKER = "-- "
_MARKER_END = " --"
_NEWLINE_MARKER = "\n-- "


def fix_nl(data: str) -> str:
    """Data as txtar stores it: unchanged if empty or newline-terminated, else with `\\n` added."""
    if not data or data[-1] == "\n":
        return data
    return data + "\n"


def format_txtar(files: Iterable[tuple[str, str]], comment: str = "") -> str:
    """Encode `(name, data)` pairs; the inverse of `parse_txtar` (Go `txtar.Format`)."""
    parts = [fix_nl(comment)]
    for name, data in files:
        parts.append(f"-- {name} --\n")
        if data:
            parts.append(data if data[-1] == "\n" else data + "\n")
    return "".join(parts)


def parse_txtar(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Split an archive into its comment and `(name, data)` pairs (Go `txtar.Parse`).

    A line is a marker when it starts with `-- `, ends with ` --` (a `\\r` before the line
    break is ignored) and the name between them is not blank after trimming. The last file's
    data gets a final newline if it lacks one, as in Go.
    """
    comment, name, rest = _find_marker(text)
    files: list[tuple[str, str]] = []
    while name:
        data, next_name, rest = _find_marker(rest)
        files.append((name, data))
        name = next_name
    return comment, files


def _find_marker(data: str) -> tuple[str, str, str]:
    i = 0
    while True:
        name, after = _is_marker(data, i)
        if name:
            return data[:i], name, after
        j = data.find(_NEWLINE_MARKER, i)
        if j < 0:
            return fix_nl(data), "", ""
        i = j + 1


def _is_marker(data: str, start: int) -> tuple[str, str]:
    if not data.startswith(_MARKER, start):
        return "", ""
    end = data.find("\n", start)
    if end >= 0:
        line, after = data[start:end], data[end + 1 :]
        if line.endswith("\r"):
            line = line[:-1]
    else:
        line, after = data[start:], ""
    if len(line) < len(_MARKER) + len(_MARKER_END) or not line.endswith(_MARKER_END):
        return "", ""
    return line[len(_MARKER) : len(line) - len(_MARKER_END)].strip(), after
