"""The context manager: which files and directories a prompt shows (spec §6, JS `context`).

A user adds files and directories while building a prompt; the prompt always shows their
*current* content, so `to_txtar` re-reads every tracked file. Ownership is counted: a file
added on its own and also found inside an added directory stays until both are removed.

Keys are the user's words: `.` for the base directory, base-relative paths inside it,
absolute paths outside it. Every entry also remembers where it lives on disk, so the
content can be found again whatever the process cwd is later.

Binary files (a NUL byte in the first 8000 bytes, git's test) never reach a prompt: adding
one is refused (`BinaryFileError`), a directory's are skipped and listed in
`last_skipped`, and one that turned binary after it was added shows as a one-line marker.

Text decoding: file bytes are decoded as UTF-8 with invalid sequences replaced by U+FFFD
(what the Go original shows once its strings reach JavaScript); `size` is the byte count.
"""

from __future__ import annotations

import _thread  # threading.RLock is this lock; `threading` costs ~1.5 ms of `osm prompt`
import os
import stat as _stat

from one_shot_man.errors import ScriptError
from one_shot_man.prompt.txtar import parse_txtar

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    import re
    from collections.abc import Callable, Iterator

    #: `skip(abs_path, key, is_dir)`: leave a directory's entry out (see `add_path`).
    SkipEntry = Callable[[str, str, bool], bool]

__all__ = ["BinaryFileError", "ContextError", "ContextManager", "ContextPath", "go_ext"]

#: How much of a file is looked at for a NUL byte (what git's binary detection reads).
BINARY_SNIFF_BYTES = 8000
BINARY_MARKER = "(binary file: not included in the prompt)\n"

_SEP = os.sep
# O_NONBLOCK: a FIFO put where a tracked file was must not hang prompt assembly.
_O_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_CHUNK = 1 << 16
#: Files up to this many bytes keep their add-time text in memory (`ContextPath.content`);
#: bigger ones are read when asked, so a 50 MB file is not held twice while a prompt is built.
KEEP_CONTENT_MAX = 1 << 20


class ContextError(ScriptError):
    """A context operation failed; the message names the path (thrown to JS as is)."""

    @property
    def errno(self) -> int | None:
        """The OS error number behind this failure, if an OS call failed."""
        cause = self.__cause__
        while cause is not None:
            if isinstance(cause, OSError):
                return cause.errno
            cause = cause.__cause__
        return None

    @property
    def not_found(self) -> bool:
        """The path (or a symlink's target) does not exist: rehydration drops such items."""
        import errno

        return self.errno == errno.ENOENT


class BinaryFileError(ContextError):
    """The file holds binary data, which would only be noise in a prompt."""


def _is_binary(data: bytes) -> bool:
    # Runs for every file on every build. `0 in data` is one memchr; find() with bounds
    # (a longer file: it looks at the first bytes in place, where a slice would copy them)
    # parses its arguments first, which costs more than scanning a small file.
    if len(data) <= BINARY_SNIFF_BYTES:
        return 0 in data
    return data.find(0, 0, BINARY_SNIFF_BYTES) != -1


class ContextPath:
    """One tracked key: a file (with the content read at add time) or a directory.

    `from_archive`: came from `from_txtar`; its archive content stands in when no file is
    on disk.
    """

    __slots__ = (
        "_content",
        "abs_path",
        "children",
        "extension",
        "from_archive",
        "path",
        "size",
        "type",
        "update_time",
    )

    def __init__(
        self,
        path: str,
        type: str,
        abs_path: str,
        content: str | None = "",
        size: int = 0,
        extension: str = "",
        children: list[str] | None = None,
        update_time: float = 0.0,
        from_archive: bool = False,
    ) -> None:
        self.path = path
        self.type = type
        self.abs_path = abs_path
        self._content = content
        self.size = size
        self.extension = extension
        self.children = children
        self.update_time = update_time
        self.from_archive = from_archive

    @property
    def content(self) -> str:
        """The text read at add time; a file over `KEEP_CONTENT_MAX` bytes is read now."""
        if self._content is not None:
            return self._content
        try:
            return _decode(_read_file(self.abs_path, self.size))
        except OSError:
            return ""

    @content.setter
    def content(self, value: str | None) -> None:
        self._content = value

    def __repr__(self) -> str:
        return f"ContextPath(path={self.path!r}, type={self.type!r}, size={self.size})"

    def to_dict(self) -> dict[str, object]:
        """The JS view (`context.getPath`), with the Go original's field names."""
        meta = {"size": str(self.size), "extension": self.extension} if self.type == "file" else {}
        return {
            "Path": self.path,
            "Type": self.type,
            "Content": self.content,
            "Metadata": meta,
            "Children": list(self.children) if self.children is not None else None,
            "UpdateTime": _rfc3339(self.update_time),
        }


def go_ext(path: str) -> str:
    """Go's `filepath.Ext`: from the last `.` of the final element (`.bashrc` keeps it)."""
    dot = path.rfind(".")
    if dot < 0 or dot < path.rfind(_SEP):
        return ""
    return path[dot:]


def _rfc3339(ts: float) -> str | None:
    if not ts:
        return None
    from datetime import datetime

    return datetime.fromtimestamp(ts).astimezone().isoformat()


def _os_error_text(exc: OSError, op: str, path: str) -> str:
    """An OS error in Go's words: `lstat /x/y: no such file or directory`."""
    text = exc.strerror or str(exc)
    if text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]
    return f"{op} {path}: {text}"


def _read_bytes(path: str) -> tuple[bytes, os.stat_result]:
    """Whole file and its stat (open, fstat, read, close)."""
    fd = os.open(path, _O_READ)
    try:
        st = os.fstat(fd)
        if _stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory", path)
        return _read_fd(fd, st.st_size), st
    finally:
        os.close(fd)


def _read_file(path: str, size_hint: int) -> bytes:
    """Whole file without a stat: the size recorded at add time sizes the first read."""
    fd = os.open(path, _O_READ)
    try:
        return _read_fd(fd, size_hint)
    finally:
        os.close(fd)


def _read_fd(fd: int, size_hint: int) -> bytes:
    want = size_hint + 1
    data = os.read(fd, want)
    if len(data) < want:
        return data  # a short read of a regular file is its end
    chunks = [data]
    while True:
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("utf-8", "replace")


def _byte_len(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


class _Found:
    __slots__ = ("abs_path", "content", "logical", "mtime", "size")

    def __init__(
        self, logical: str, abs_path: str, content: str | None, size: int, mtime: float
    ) -> None:
        self.logical = logical
        self.abs_path = abs_path
        self.content = content
        self.size = size
        self.mtime = mtime


class ContextManager:
    """Tracks files and directories for prompts; all keys and lists come back sorted."""

    def __init__(self, base_path: str | os.PathLike[str]) -> None:
        self.base_path: str = os.path.abspath(os.fspath(base_path))
        self._base_prefix = (
            self.base_path if self.base_path.endswith(_SEP) else self.base_path + _SEP
        )
        self._lock = _thread.RLock()
        self._paths: dict[str, ContextPath] = {}
        self._owner_files: dict[str, dict[str, None]] = {}
        self._file_owners: dict[str, int] = {}
        self._sorted: list[str] | None = None
        self._joined: str | None = None
        self._stats: dict[str, int] | None = None
        # Export names of the last to_txtar, keyed by the files it could read.
        self._names: tuple[tuple[str, ...], list[str]] | None = None
        #: Binary files the last directory add skipped (logical paths, sorted).
        self.last_skipped: list[str] = []
        #: Why the last `add_path` failed (None after a success), for a short user message.
        self.last_error: ContextError | None = None

    # ------------------------------------------------------------------ keys
    def owner_key(self, abs_path: str) -> str:
        """Key of an absolute path: `.`, base-relative inside the base, else the path itself."""
        if abs_path == self.base_path:
            return "."
        if abs_path.startswith(self._base_prefix):
            return abs_path[len(self._base_prefix) :]
        return abs_path

    def absolute_path(self, key: str) -> str:
        """Where a key lives on disk (relative keys are relative to the base path)."""
        if key == ".":
            return self.base_path
        if os.path.isabs(key):
            return os.path.abspath(key)
        return os.path.abspath(os.path.join(self.base_path, key))

    def _changed(self) -> None:
        self._sorted = None
        self._joined = None
        self._stats = None

    # ------------------------------------------------------------------ adding
    def add_path(self, path: str | os.PathLike[str], skip: SkipEntry | None = None) -> str:
        """Track a file or directory (relative paths are from the process cwd); its key.

        `skip(abs_path, key, is_dir)` is asked about every entry of a directory before it is
        read or walked into; True leaves it out (`osm prompt`'s hidden and ignored files).
        """
        given = os.fspath(path)
        abs_path = os.path.abspath(given)
        with self._lock:
            try:
                try:
                    st = os.lstat(abs_path)
                except OSError as exc:
                    raise ContextError(
                        f"failed to stat path {given}: {_os_error_text(exc, 'lstat', abs_path)}"
                    ) from exc
                owner = self.owner_key(abs_path)
                self._add_with_owner(abs_path, owner, st, skip)
            except ContextError as exc:
                self.last_error = exc
                raise
            self.last_error = None
            return owner

    def add_relative_path(self, label: str, fallback_abs: str | None = None) -> str:
        """Register a stored label (rehydration): relative to the base path, not the cwd.

        Returns the normalised owner key. `fallback_abs` is tried when the label does not
        resolve, so a session resumed from another directory keeps files it recorded
        absolutely (spec §13 item 9).
        """
        abs_path = self.absolute_path(label)
        with self._lock:
            try:
                st = os.lstat(abs_path)
            except OSError as exc:
                alt = os.path.abspath(fallback_abs) if fallback_abs else None
                if alt is None or alt == abs_path or not os.path.lexists(alt):
                    raise ContextError(
                        f"failed to stat path {label}: {_os_error_text(exc, 'lstat', abs_path)}"
                    ) from exc
                abs_path = alt
                st = os.lstat(abs_path)
            owner = self.owner_key(abs_path)
            self._add_with_owner(abs_path, owner, st)
            return owner

    def refresh_path(self, path: str) -> None:
        """Re-read an owner key from disk (new directory files appear, content updates)."""
        with self._lock:
            if path not in self._owner_files:
                raise ContextError(f"path {path} is not a tracked owner")
            abs_path = self.absolute_path(path)
            try:
                st = os.lstat(abs_path)
            except OSError as exc:
                raise ContextError(
                    f"failed to stat path {path}: {_os_error_text(exc, 'lstat', abs_path)}"
                ) from exc
            self._add_with_owner(abs_path, path, st)

    def _add_with_owner(
        self, abs_path: str, owner: str, st: os.stat_result, skip: SkipEntry | None = None
    ) -> None:
        if _stat.S_ISLNK(st.st_mode):
            try:
                st = os.stat(abs_path)
            except OSError as exc:
                raise ContextError(
                    f"failed to resolve symlink {abs_path}: {_os_error_text(exc, 'stat', abs_path)}"
                ) from exc
        # Read everything first: a failed re-add leaves the previous registration intact.
        self.last_skipped = []
        if _stat.S_ISDIR(st.st_mode):
            found: list[_Found] = []
            try:
                self._walk(abs_path, owner, found, set(), skip)
            except ContextError as exc:
                raise ContextError(f"failed to scan directory {abs_path}: {exc}") from exc
            self._remove_owner(owner)
            owned = self._owner_files.setdefault(owner, {})
            children: dict[str, None] = {}
            for item in found:
                self._commit_file(item, owner, owned)
                children[item.logical] = None
            self._paths[owner] = ContextPath(
                path=owner,
                type="directory",
                abs_path=abs_path,
                children=list(children),
                update_time=st.st_mtime,
            )
        elif _stat.S_ISREG(st.st_mode):
            item = self._read_found(abs_path, owner)
            self._remove_owner(owner)
            self._commit_file(item, owner, self._owner_files.setdefault(owner, {}))
        else:
            raise ContextError(f"unsupported path type: {abs_path}")
        self._changed()

    @staticmethod
    def _read_found(abs_path: str, logical: str) -> _Found:
        try:
            data, st = _read_bytes(abs_path)
        except OSError as exc:
            raise ContextError(
                f"failed to read file {abs_path}: {_os_error_text(exc, 'open', abs_path)}"
            ) from exc
        if _is_binary(data):
            raise BinaryFileError(f"{abs_path}: binary file")
        # A big file is not held in memory: the prompt re-reads it anyway.
        content = _decode(data) if len(data) <= KEEP_CONTENT_MAX else None
        return _Found(logical, abs_path, content, len(data), st.st_mtime)

    def _read_child(self, abs_path: str, logical: str, out: list[_Found]) -> None:
        """A directory's file: read it, or note it in `last_skipped` when it is binary."""
        try:
            out.append(self._read_found(abs_path, logical))
        except BinaryFileError:
            self.last_skipped.append(logical)

    def _walk(
        self,
        abs_dir: str,
        logical_dir: str,
        out: list[_Found],
        seen: set[tuple[int, int] | str],
        skip: SkipEntry | None = None,
    ) -> None:
        try:
            st = os.stat(abs_dir)
            ident: tuple[int, int] | str = (st.st_dev, st.st_ino)
        except OSError:
            ident = abs_dir
        if ident in seen:  # each real directory once: symlink loops end here
            return
        seen.add(ident)
        try:
            with os.scandir(abs_dir) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise ContextError(
                f"failed to read directory {abs_dir}: {_os_error_text(exc, 'open', abs_dir)}"
            ) from exc
        prefix = "" if logical_dir == "." else logical_dir + _SEP
        for entry in entries:
            child_abs = entry.path
            child_logical = prefix + entry.name
            try:
                if entry.is_symlink():
                    try:
                        target = os.stat(child_abs)
                    except OSError as exc:
                        if skip is not None and skip(child_abs, child_logical, False):
                            continue  # left out anyway (an editor's `.#file` lock link)
                        raise ContextError(
                            f"failed to resolve symlink {child_abs}: "
                            f"{_os_error_text(exc, 'stat', child_abs)}"
                        ) from exc
                    is_dir = _stat.S_ISDIR(target.st_mode)
                    if not is_dir and not _stat.S_ISREG(target.st_mode):
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    is_dir = True
                elif entry.is_file(follow_symlinks=False):
                    is_dir = False
                else:
                    continue
                if skip is not None and skip(child_abs, child_logical, is_dir):
                    continue
                if is_dir:
                    self._walk(child_abs, child_logical, out, seen, skip)
                else:
                    self._read_child(child_abs, child_logical, out)
            except OSError as exc:
                raise ContextError(_os_error_text(exc, "lstat", child_abs)) from exc

    def _commit_file(self, item: _Found, owner: str, owned: dict[str, None]) -> None:
        entry = self._paths.get(item.logical)
        if entry is None or entry.type != "file":
            entry = ContextPath(path=item.logical, type="file", abs_path=item.abs_path)
            self._paths[item.logical] = entry
        entry.abs_path = item.abs_path
        entry.content = item.content
        entry.size = item.size
        entry.extension = go_ext(item.logical)
        entry.update_time = item.mtime
        entry.from_archive = False
        if item.logical not in owned:
            owned[item.logical] = None
            self._file_owners[item.logical] = self._file_owners.get(item.logical, 0) + 1

    # ------------------------------------------------------------------ removing
    def _remove_owner(self, owner: str) -> bool:
        removed = False
        files = self._owner_files.pop(owner, None)
        if files is not None:
            for key in files:
                count = self._file_owners.get(key, 0)
                if count <= 1:
                    self._file_owners.pop(key, None)
                    self._paths.pop(key, None)
                else:
                    self._file_owners[key] = count - 1
            removed = True
        entry = self._paths.get(owner)
        if entry is not None and entry.type == "directory":
            del self._paths[owner]
            removed = True
        if removed:
            self._changed()
        return removed

    def remove_path(self, path: str) -> None:
        """Stop tracking an owner key, a path naming one, or a unique basename (idempotent)."""
        with self._lock:
            if self._remove_owner(path):
                return
            if path:
                joined = path if os.path.isabs(path) else os.path.join(self.base_path, path)
                abs_path = os.path.abspath(joined)
                rel = self.owner_key(abs_path)
                if rel != path and self._remove_owner(rel):
                    return
                if abs_path != path and self._remove_owner(abs_path):
                    return
            if not path or _SEP in path or (os.altsep and os.altsep in path):
                return
            matches = [k for k in self._paths if k.rpartition(_SEP)[2] == path]
            if len(matches) > 1:
                raise ContextError(f"ambiguous path: {path}")
            if not matches:
                return
            key = matches[0]
            if self._remove_owner(key):
                return
            self._drop_file(key)

    def _drop_file(self, key: str) -> None:
        """Remove one file key from every owner (a file found inside a directory)."""
        self._paths.pop(key, None)
        for owner in list(self._owner_files):
            owned = self._owner_files[owner]
            if key in owned:
                del owned[key]
                if not owned:
                    del self._owner_files[owner]
                parent = self._paths.get(owner)
                if parent is not None and parent.type == "directory" and parent.children:
                    parent.children = [c for c in parent.children if c != key]
        self._file_owners.pop(key, None)
        self._changed()

    def clear(self) -> None:
        """Forget everything (used by `reset`)."""
        with self._lock:
            self._paths = {}
            self._owner_files = {}
            self._file_owners = {}
            self._changed()

    # ------------------------------------------------------------------ queries
    def list_paths(self) -> list[str]:
        """Every key (files and directories), sorted."""
        with self._lock:
            if self._sorted is None:
                self._sorted = sorted(self._paths)
            return list(self._sorted)

    def get_path(self, key: str) -> dict[str, object] | None:
        """The JS view of one key (Go field names), or None."""
        entry = self._paths.get(key)
        return entry.to_dict() if entry is not None else None

    def get_entry(self, key: str) -> ContextPath | None:
        """The entry object itself (Python callers)."""
        return self._paths.get(key)

    def owners(self) -> list[str]:
        """Every owner key (what `refresh_path` accepts), sorted."""
        with self._lock:
            return sorted(self._owner_files)

    def get_stats(self) -> dict[str, int]:
        """`{totalPaths, files, directories, totalSize}` (size as recorded at add time)."""
        with self._lock:
            stats = self._stats
            if stats is None:
                files = 0
                size = 0
                for entry in self._paths.values():
                    if entry.type == "file":
                        files += 1
                        size += entry.size
                stats = self._stats = {
                    "totalPaths": len(self._paths),
                    "files": files,
                    "directories": len(self._paths) - files,
                    "totalSize": size,
                }
            return dict(stats)

    def filter_paths(self, pattern: str | Callable[[str], object]) -> list[str]:
        """Keys matching a Go `filepath.Match` glob (`*`/`?` stop at separators), sorted.

        A callable is accepted too and used as a predicate on each key (the osm docs
        describe `filterPaths(fn)`; the Go original only takes a glob).
        """
        if callable(pattern):
            return [k for k in self.list_paths() if pattern(k)]
        regex = _compile_glob(pattern)  # also validates the pattern
        with self._lock:
            if self._sorted is None:
                self._sorted = sorted(self._paths)
            keys = self._sorted
            if not keys:
                return []
            if self._joined is None:
                # One regex scan over all keys; "" marks keys that cannot be joined safely.
                self._joined = "" if any("\n" in k for k in keys) else "\n".join(keys)
            if self._joined and "\n" not in pattern:
                return regex.findall(self._joined)
            single = _compile_glob(pattern, joined=False)
            return [k for k in keys if single.fullmatch(k)]

    def get_files_by_ext(self, ext: str) -> list[str]:
        """File keys ending with `ext` (a leading `.` is added when missing), sorted."""
        if not ext.startswith("."):
            ext = "." + ext
        with self._lock:
            return sorted(k for k, e in self._paths.items() if e.type == "file" and k.endswith(ext))

    def __len__(self) -> int:
        return len(self._paths)

    def __iter__(self) -> Iterator[str]:
        return iter(self.list_paths())

    def __contains__(self, key: object) -> bool:
        return key in self._paths

    # ------------------------------------------------------------------ txtar
    def to_txtar_files(self) -> list[tuple[str, str]]:
        """`(name, content)` of every file as it is on disk now, named and sorted for export."""
        with self._lock:
            entries = [e for e in self._paths.values() if e.type == "file"]
        found: list[tuple[ContextPath, str]] = []
        for entry in entries:
            try:
                data = _read_file(entry.abs_path, entry.size)
            except OSError:
                if entry.from_archive:  # keep archive-only files (spec §13 item 10)
                    found.append((entry, entry.content))
                continue  # a file deleted since it was added drops out
            # `_is_binary` inline for a small file: the call costs about what the scan does.
            binary = 0 in data if len(data) <= BINARY_SNIFF_BYTES else _is_binary(data)
            found.append((entry, BINARY_MARKER if binary else _decode(data)))
        keys = tuple(e.path for e, _ in found)
        cached = self._names
        if cached is not None and cached[0] == keys:
            names = cached[1]
        else:
            names = _export_names(list(keys))
            self._names = (keys, names)
        out = [(names[i], content) for i, (_, content) in enumerate(found)]
        out.sort(key=lambda pair: pair[0])
        return out

    def to_txtar(self) -> str:
        """The txtar archive of every tracked file's current content (`""` when none)."""
        parts: list[str] = []
        for name, data in self.to_txtar_files():
            parts.append(f"-- {name} --\n")
            if data:
                parts.append(data if data[-1] == "\n" else data + "\n")
        return "".join(parts)

    get_txtar_string = to_txtar

    def from_txtar(self, text: str) -> None:
        """Replace all tracking by the archive's files, each its own owner."""
        _, files = parse_txtar(text)
        with self._lock:
            self._paths = {}
            self._owner_files = {}
            self._file_owners = {}
            for name, data in files:
                self._paths[name] = ContextPath(
                    path=name,
                    type="file",
                    abs_path=self.absolute_path(name),
                    content=data,
                    size=_byte_len(data),
                    extension=go_ext(name),
                    from_archive=True,
                )
                self._owner_files[name] = {name: None}
                self._file_owners[name] = 1
            self._changed()

    load_from_txtar_string = from_txtar


def _export_names(paths: list[str]) -> list[str]:
    """Archive names: a key, or the shortest distinguishing suffix among same-named files."""
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(paths):
        groups.setdefault(p.rpartition(_SEP)[2], []).append(i)
    names = [""] * len(paths)
    for members in groups.values():
        if len(members) == 1:
            i = members[0]
            p = paths[i]
            name = p.rpartition(_SEP)[2] if os.path.isabs(p) else p
            names[i] = _display_name(name)
            continue
        parts = [os.path.normpath(paths[i]).split(_SEP) for i in members]
        deepest = max(len(x) for x in parts)
        chosen = None
        for depth in range(1, deepest + 1):
            suffixes = [_SEP.join(x[-depth:]) for x in parts]
            if len(set(suffixes)) == len(suffixes):
                chosen = suffixes
                break
        if chosen is None:
            chosen = [_SEP.join(x) for x in parts]
        for i, name in zip(members, chosen):
            names[i] = _display_name(name)
    return names


def _display_name(name: str) -> str:
    """`/` separators, and undecodable file-name bytes (surrogate escapes) shown as U+FFFD."""
    if _SEP != "/":
        name = name.replace(_SEP, "/")
    if not name.isascii():
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


# ---------------------------------------------------------------------- globbing
_GLOB_CACHE: dict[tuple[str, bool], re.Pattern[str]] = {}


def _compile_glob(pattern: str, joined: bool = True) -> re.Pattern[str]:
    """Go `filepath.Match` as a regex (cached).

    `joined`: for a multi-line scan over newline-joined keys (no class may match `\\n`);
    otherwise for one key at a time with `fullmatch`.
    """
    compiled = _GLOB_CACHE.get((pattern, joined))
    if compiled is None:
        import re

        body = _translate(pattern, "\\n" if joined else "")
        if joined:
            compiled = re.compile("^" + body + "$", re.MULTILINE)
        else:
            compiled = re.compile(body, re.DOTALL)
        if len(_GLOB_CACHE) > 256:
            _GLOB_CACHE.clear()
        _GLOB_CACHE[(pattern, joined)] = compiled
    return compiled


def _bad(pattern: str) -> ContextError:
    return ContextError(f"invalid pattern {pattern}: syntax error in pattern")


def _translate(pattern: str, nl: str) -> str:
    import re

    any_seg = "[^" + re.escape(_SEP) + nl + "]"
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            out.append(any_seg + "*")
            i += 1
        elif ch == "?":
            out.append(any_seg)
            i += 1
        elif ch == "\\" and _SEP != "\\":
            if i + 1 >= n:
                raise _bad(pattern)
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif ch == "[":
            i = _translate_class(pattern, i + 1, out, nl)
        else:
            out.append(re.escape(ch))
            i += 1
    return "".join(out)


def _class_char(pattern: str, i: int) -> tuple[str, int]:
    n = len(pattern)
    if i >= n or pattern[i] in "-]":
        raise _bad(pattern)
    if pattern[i] == "\\" and _SEP != "\\":
        i += 1
        if i >= n:
            raise _bad(pattern)
    ch = pattern[i]
    i += 1
    if i >= n:
        raise _bad(pattern)  # a class must be closed
    return ch, i


def _translate_class(pattern: str, i: int, out: list[str], nl: str) -> int:
    import re

    negated = i < len(pattern) and pattern[i] == "^"
    if negated:
        i += 1
    ranges: list[str] = []
    count = 0
    while True:
        if i < len(pattern) and pattern[i] == "]" and count > 0:
            i += 1
            break
        lo, i = _class_char(pattern, i)
        hi = lo
        if pattern[i] == "-":
            hi, i = _class_char(pattern, i + 1)
        if lo <= hi:  # Go accepts an inverted range; it just never matches
            ranges.append(re.escape(lo) + ("-" + re.escape(hi) if hi != lo else ""))
        count += 1
    body = "".join(ranges)
    if negated:
        out.append("[^" + body + nl + "]" if body or nl else "(?s:.)")
    elif body:
        out.append("[" + body + "]")
    else:
        out.append("(?!)")
    return i
