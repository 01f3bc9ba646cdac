"""Change one key in a config file without disturbing anything else in it.

People annotate their config files, so `osm config <key> <value>` must keep every
comment, blank line and unrelated line byte-for-byte, and a crash mid-write must
never leave a torn file: edits are line-based and written with the storage layer's
atomic write (temp file, fsync, rename).
"""

from __future__ import annotations

import os
import stat

from one_shot_man.config.location import _open_no_follow, _reason
from one_shot_man.config.parser import _WS
from one_shot_man.errors import ConfigError, StorageError

__all__ = [
    "delete_all_global_keys_in_file",
    "delete_command_key_in_file",
    "delete_key_in_file",
    "set_command_key_in_file",
    "set_key_in_file",
]

_DEFAULT_MODE = 0o644
# Line kinds from _classify.
_OTHER, _HEADER, _KEY = 0, 1, 2


class _File:
    """A config file as lines (split on LF; a CR stays on its line) plus its mode."""

    __slots__ = ("crlf", "lines", "mode", "path")

    def __init__(self, path: str) -> None:
        self.path = path
        self.mode = _DEFAULT_MODE
        data = b""
        try:
            st = os.lstat(path)
        except FileNotFoundError:
            st = None
        except (OSError, ValueError) as exc:
            raise ConfigError(f"reading config file {path}: {_reason(exc)}") from exc
        if st is not None:
            if stat.S_ISLNK(st.st_mode):
                raise ConfigError(f"symlink not allowed in config path: {path}")
            if stat.S_ISDIR(st.st_mode):
                raise ConfigError(f"reading config file {path}: is a directory")
            self.mode = stat.S_IMODE(st.st_mode)
            data = _read_bytes(path)
        text = data.decode("utf-8", "surrogateescape")
        self.lines: list[str] = text.split("\n") if text else []
        self.crlf = bool(self.lines) and self.lines[0].endswith("\r")

    def eol(self, line: str) -> str:
        """`line` with this file's line-ending style (a CR when the file uses CRLF)."""
        return line + "\r" if self.crlf else line

    def scan(self) -> list[tuple[int, str | None, str]]:
        """(kind, section, name) per line; section None is the global scope."""
        out: list[tuple[int, str | None, str]] = []
        section: str | None = None
        for line in self.lines:
            kind, name = _classify(line)
            if kind == _HEADER:
                section = name or None
            out.append((kind, section, name))
        return out

    def insert(self, index: int, line: str) -> None:
        """Insert a line; new text at the end always gets a final newline."""
        lines = self.lines
        if index < len(lines):
            lines.insert(index, line)
        elif lines and lines[-1] == "":
            # The file ends with a newline: go before the empty string it leaves.
            lines.insert(len(lines) - 1, line)
        else:
            lines.append(line)
            lines.append("")

    def append_block(self, block: list[str]) -> None:
        """Append lines at the end, separated from existing content by a blank line."""
        lines = self.lines
        if lines and lines[-1] == "":
            lines.pop()
        if lines and lines[-1].strip(_WS):
            lines.append(self.eol(""))
        lines.extend(block)
        lines.append("")

    def write(self) -> None:
        """Write atomically, creating the parent directory; keeps the file's permissions."""
        parent = os.path.dirname(self.path)
        if parent:
            try:
                os.makedirs(parent, mode=0o755, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"creating config directory {parent}: {_reason(exc)}") from exc
        from one_shot_man.storage.atomic import atomic_write_file

        data = "\n".join(self.lines).encode("utf-8", "surrogateescape")
        try:
            atomic_write_file(self.path, data, self.mode)
        except (OSError, StorageError) as exc:
            raise ConfigError(f"writing config file {self.path}: {_reason(exc)}") from exc


def _read_bytes(path: str) -> bytes:
    fd = _open_no_follow(path, "reading config file")
    try:
        with open(fd, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ConfigError(f"reading config file {path}: {_reason(exc)}") from exc


def _classify(line: str) -> tuple[int, str]:
    """The parser's view of one line: header (name), key line (key) or other."""
    trimmed = line.strip(_WS)
    if not trimmed or trimmed[0] == "#":
        return _OTHER, ""
    if trimmed[0] == "[" and trimmed[-1] == "]":
        return _HEADER, trimmed.lstrip("[").rstrip("]")
    return _KEY, trimmed.partition(" ")[0]


def _check_key(key: str, value: str) -> str:
    """The line for `key value`, or ConfigError if it would not read back the same."""
    if not key or key.strip(_WS) != key or any(c in _WS for c in key):
        raise ConfigError(f"invalid config key {key!r}: must be non-empty with no whitespace")
    if key[0] in "#[":
        raise ConfigError(f"invalid config key {key!r}: must not start with '#' or '['")
    if "\n" in value or "\r" in value:
        raise ConfigError(f"invalid value for config key {key!r}: must be a single line")
    if value != value.rstrip(_WS):
        # The parser trims every line, so the value would not read back the same.
        raise ConfigError(
            f"invalid value for config key {key!r}: trailing whitespace cannot be stored"
        )
    return f"{key} {value}" if value else key


def _check_section(section: str) -> None:
    if (
        not section
        or section.strip(_WS) != section
        or section[0] == "["
        or section[-1] == "]"
        or "\n" in section
        or "\r" in section
    ):
        raise ConfigError(f"invalid config section name {section!r}")


def _replace(file: _File, index: int, text: str) -> None:
    old = file.lines[index]
    indent = old[: len(old) - len(old.lstrip(_WS))]
    file.lines[index] = indent + text + ("\r" if old.endswith("\r") else "")


def set_key_in_file(path: str | os.PathLike[str], key: str, value: str) -> None:
    """Set global `key` to `value` in the file at `path`, keeping everything else as is.

    Replaces the key's effective (last) global line; otherwise adds the line after the
    last global key at the top of the file, else before the first section header,
    else at the end. Creates the file and its directory if missing; refuses a symlink.
    """
    text = _check_key(key, value)
    file = _File(os.fspath(path))
    scan = file.scan()
    matches = [
        i
        for i, (kind, sec, name) in enumerate(scan)
        if kind == _KEY and sec is None and name == key
    ]
    if matches:
        _replace(file, matches[-1], text)
        file.write()
        return
    first_header = next((i for i, (kind, _, _) in enumerate(scan) if kind == _HEADER), None)
    top = scan if first_header is None else scan[:first_header]
    last_key = max((i for i, (kind, _, _) in enumerate(top) if kind == _KEY), default=None)
    if last_key is not None:
        file.insert(last_key + 1, file.eol(text))
    elif first_header is not None:
        file.insert(first_header, file.eol(text))
    else:
        file.insert(len(file.lines), file.eol(text))
    file.write()


def delete_key_in_file(path: str | os.PathLike[str], key: str) -> bool:
    """Remove every global line for `key`; False (and no write) if there was none.

    All duplicates go, because the parser lets the last one win: removing only the
    first would leave the key set.
    """
    file = _File(os.fspath(path))
    scan = file.scan()
    keep = [
        line
        for line, (kind, sec, name) in zip(file.lines, scan)
        if not (kind == _KEY and sec is None and name == key)
    ]
    if len(keep) == len(file.lines):
        return False
    file.lines = keep
    file.write()
    return True


def delete_all_global_keys_in_file(path: str | os.PathLike[str]) -> int:
    """Remove every global key line (comments, blanks and sections stay); return the count."""
    file = _File(os.fspath(path))
    scan = file.scan()
    keep = [
        line for line, (kind, sec, _) in zip(file.lines, scan) if not (kind == _KEY and sec is None)
    ]
    removed = len(file.lines) - len(keep)
    if removed:
        file.lines = keep
        file.write()
    return removed


def set_command_key_in_file(
    path: str | os.PathLike[str], section: str | None, key: str, value: str
) -> None:
    """Set `key` in `[section]` (None or "" = global), keeping everything else as is.

    Replaces the key's effective (last) line in that section; otherwise adds it after
    the last key of the section's last block, or appends a new `[section]` block.
    """
    if not section:
        set_key_in_file(path, key, value)
        return
    _check_section(section)
    text = _check_key(key, value)
    file = _File(os.fspath(path))
    scan = file.scan()
    matches = [
        i
        for i, (kind, sec, name) in enumerate(scan)
        if kind == _KEY and sec == section and name == key
    ]
    if matches:
        _replace(file, matches[-1], text)
        file.write()
        return
    headers = [i for i, (kind, _, name) in enumerate(scan) if kind == _HEADER and name == section]
    if not headers:
        file.append_block([file.eol(f"[{section}]"), file.eol(text)])
        file.write()
        return
    start = headers[-1]
    anchor = start
    for i in range(start + 1, len(scan)):
        kind = scan[i][0]
        if kind == _HEADER:
            break
        if kind == _KEY:
            anchor = i
    file.insert(anchor + 1, file.eol(text))
    file.write()


def delete_command_key_in_file(path: str | os.PathLike[str], section: str | None, key: str) -> bool:
    """Remove every line for `key` in `[section]` (None or "" = global); False if none."""
    if not section:
        return delete_key_in_file(path, key)
    file = _File(os.fspath(path))
    scan = file.scan()
    keep = [
        line
        for line, (kind, sec, name) in zip(file.lines, scan)
        if not (kind == _KEY and sec == section and name == key)
    ]
    if len(keep) == len(file.lines):
        return False
    file.lines = keep
    file.write()
    return True
