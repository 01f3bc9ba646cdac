"""Session data is private: folders 0700, files 0600, and only folders the user owns.

Sessions hold the notes, diffs and file contents a user gathered for a prompt; on a
shared machine the Go original's 0755 folder and 0644 files let every other user read
them. Modes are applied exactly (chmod after create), so the umask can neither widen
nor narrow them. A folder owned by someone else, or a symlink to one, is refused: its
owner could read what osm writes there and plant files osm would load.
"""

from __future__ import annotations

import errno
import os
import stat

from one_shot_man.errors import StorageError

__all__ = ["PRIVATE_DIR_MODE", "PRIVATE_FILE_MODE", "check_private_dir", "make_private_dirs"]

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def _euid() -> int | None:
    geteuid = getattr(os, "geteuid", None)
    return geteuid() if geteuid is not None else None  # Windows: no owners to compare


def make_private_dirs(path: str) -> None:
    """Create `path` and its missing parents, each exactly 0700 (umask ignored)."""
    missing = []
    current = os.path.abspath(path)
    while not os.path.lexists(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # created meanwhile by another osm; checked by the caller
        if stat.S_IMODE(os.stat(directory).st_mode) != PRIVATE_DIR_MODE:
            os.chmod(directory, PRIVATE_DIR_MODE)
    if not os.path.isdir(path):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), path)


def check_private_dir(path: str, *, create: bool = True, what: str = "session") -> bool:
    """Make sure `path` is a folder only the current user can use; False if it is missing.

    Creates it (0700) when missing and `create` is true, tightens a folder that others
    can read or enter to 0700, and raises `StorageError` naming the folder when it is
    not a directory, is owned by another user, or is a symlink to a folder owned by
    another user.
    """
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        if not create:
            return False
        try:
            make_private_dirs(path)
            st = os.lstat(path)
        except OSError as exc:
            raise StorageError(
                f"failed to create {what} directory {path}: {exc.strerror or exc}"
            ) from exc
    except OSError as exc:
        raise StorageError(f"cannot use {what} directory {path}: {exc.strerror or exc}") from exc
    shown = path
    if stat.S_ISLNK(st.st_mode):
        try:
            st = os.stat(path)
        except OSError as exc:
            raise StorageError(
                f"cannot use {what} directory {path}: it is a symlink whose target cannot be used "
                f"({exc.strerror or exc})"
            ) from exc
        shown = f"{path} (a symlink to {os.path.realpath(path)})"
    if not stat.S_ISDIR(st.st_mode):
        raise StorageError(f"{what} path is not a directory: {shown}")
    euid = _euid()
    if euid is not None and st.st_uid != euid:
        raise StorageError(
            f"refusing to use {what} directory {shown}: it is owned by another user (uid {st.st_uid}, "
            f"you are uid {euid}), who could read or plant session data; fix its owner "
            "or point osm elsewhere (XDG_CONFIG_HOME)"
        )
    if euid is not None and st.st_mode & 0o077:
        try:
            os.chmod(path, PRIVATE_DIR_MODE)
        except OSError as exc:
            raise StorageError(
                f"cannot make {what} directory {shown} private (chmod 700): {exc.strerror or exc}"
            ) from exc
    return True
