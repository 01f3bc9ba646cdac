"""The user's trust decisions: `<user config dir>/osm/trust.json`, private and atomic.

Shape: `{"version": 1, "folders": {"<real path>": {"trustedAt": "<RFC 3339>",
"files": {"goals/x.json": "sha256:<hex>", ...}}}}`. The file is written atomically with
mode 0600. A store that cannot be read, does not parse, is owned by another user or is
writable by others means "nothing is trusted": osm says so once and never overwrites it
(the user's decisions are not thrown away; fixing or deleting the file is their call).
"""

from __future__ import annotations

import os
import stat

from one_shot_man.errors import CommandError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import TypedDict

    class FolderRecord(TypedDict):
        """One trusted folder in the store: when, and the digest of each trusted file."""

        trustedAt: str
        files: dict[str, str]


__all__ = ["STORE_VERSION", "TrustStore", "Verdict", "default_store", "trust_store_path"]

STORE_VERSION = 1


class Verdict:
    """What the store says about one file of a project folder."""

    TRUSTED = "trusted"
    #: The folder was never trusted (or its trust was revoked).
    UNTRUSTED = "untrusted"
    #: The folder is trusted, but this file is new or changed since.
    CHANGED = "changed"


def trust_store_path() -> str | None:
    """Where the store lives, or None when there is no user config directory."""
    from one_shot_man.storage.paths import user_config_dir

    try:
        return os.path.join(user_config_dir(), "osm", "trust.json")
    except OSError:
        return None


def _stderr_warn(message: str) -> None:
    import sys

    sys.stderr.write(message + "\n")


class TrustStore:
    """Reads the store on first question; `record`/`revoke` rewrite it atomically."""

    def __init__(
        self, path: str | None = None, *, warn: Callable[[str], object] | None = None
    ) -> None:
        self.path = trust_store_path() if path is None else path
        self.warn = warn or _stderr_warn
        self._folders: dict[str, FolderRecord] | None = None
        #: Why the store on disk is not used (None when it is fine or absent).
        self.problem: str | None = None
        self._real: dict[str, str] = {}

    # -- reading ------------------------------------------------------------------------------

    def folders(self) -> dict[str, FolderRecord]:
        """Trusted folder (real path) -> `{"trustedAt": ..., "files": {key: digest}}`."""
        if self._folders is None:
            self._folders = self._load()
            if self.problem is not None:
                self.warn(
                    f"warning: {self.problem}; no project folder is trusted until it is "
                    "fixed or removed"
                )
        return self._folders

    def _load(self) -> dict[str, FolderRecord]:
        path = self.path
        if path is None:
            return {}
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return {}
        except OSError as exc:
            self.problem = f"trust store {path} cannot be read: {exc.strerror or exc}"
            return {}
        geteuid = getattr(os, "geteuid", None)
        if geteuid is not None:
            if st.st_uid != geteuid():
                self.problem = f"trust store {path} is owned by another user (uid {st.st_uid})"
                return {}
            if st.st_mode & 0o022:
                mode = stat.S_IMODE(st.st_mode)
                self.problem = f"trust store {path} is writable by other users (mode {mode:o})"
                return {}
        import json

        try:
            with open(path, "rb") as fh:
                data = json.loads(fh.read())
        except OSError as exc:
            self.problem = f"trust store {path} cannot be read: {exc.strerror or exc}"
            return {}
        except (ValueError, UnicodeDecodeError) as exc:
            self.problem = f"trust store {path} is corrupt: {exc}"
            return {}
        reason = _shape_problem(data)
        if reason is not None:
            self.problem = f"trust store {path} is corrupt: {reason}"
            return {}
        folders: dict[str, FolderRecord] = data["folders"]  # the shape was checked above
        return folders

    def real_root(self, root: str) -> str:
        """The real path a folder is recorded under (cached: asked once per folder)."""
        real = self._real.get(root)
        if real is None:
            real = self._real[root] = os.path.realpath(root)
        return real

    def verdict(self, root: str, key: str, file_digest: str) -> str:
        """Is the file `key` of project folder `root`, with content `file_digest`, trusted?"""
        record = self.folders().get(self.real_root(root))
        if record is None:
            return Verdict.UNTRUSTED
        if record["files"].get(key) == file_digest:
            return Verdict.TRUSTED
        return Verdict.CHANGED

    # -- writing ------------------------------------------------------------------------------

    def record(self, root: str, files: Mapping[str, str], trusted_at: str) -> str:
        """Trust `files` (key -> digest) of folder `root`, replacing its old record.

        Returns the real path recorded. Raises CommandError when the store is unusable.
        """
        folders = self._writable_folders()
        real = self.real_root(root)
        folders[real] = {"trustedAt": trusted_at, "files": dict(sorted(files.items()))}
        self._write(folders)
        return real

    def revoke(self, root: str) -> str | None:
        """Forget folder `root`; returns its real path, or None if it was not trusted."""
        folders = self._writable_folders()
        real = self.real_root(root)
        if folders.pop(real, None) is None:
            return None
        self._write(folders)
        return real

    def _writable_folders(self) -> dict[str, FolderRecord]:
        if self.path is None:
            raise CommandError("cannot store trust: no user config directory (set HOME)")
        folders = self.folders()
        if self.problem is not None:
            raise CommandError(
                f"{self.problem}; refusing to overwrite it: fix or remove it, then trust again"
            )
        return dict(folders)

    def _write(self, folders: dict[str, FolderRecord]) -> None:
        import json

        from one_shot_man.storage.atomic import atomic_write_file
        from one_shot_man.storage.privacy import PRIVATE_FILE_MODE, make_private_dirs

        assert self.path is not None
        data = {"version": STORE_VERSION, "folders": dict(sorted(folders.items()))}
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        try:
            make_private_dirs(os.path.dirname(self.path))
        except OSError as exc:
            raise CommandError(
                f"cannot create the folder of trust store {self.path}: {exc.strerror or exc}"
            ) from exc
        atomic_write_file(self.path, text.encode("utf-8"), PRIVATE_FILE_MODE)
        self._folders = folders


def _shape_problem(data: object) -> str | None:
    """Why `data` is not a trust store, or None when it is one."""
    if not isinstance(data, dict):
        return "expected a JSON object"
    if data.get("version") != STORE_VERSION:
        return f"field 'version': expected {STORE_VERSION}, got {data.get('version')!r}"
    folders = data.get("folders")
    if not isinstance(folders, dict):
        return "field 'folders': expected an object"
    for folder, record in folders.items():
        where = f"folders[{folder!r}]"
        if not isinstance(record, dict):
            return f"field {where}: expected an object"
        if not isinstance(record.get("trustedAt", ""), str):
            return f"field {where}.trustedAt: expected a string"
        files = record.get("files")
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            return f"field {where}.files: expected an object of digests"
    return None


_DEFAULT: dict[str | None, TrustStore] = {}


def default_store(warn: Callable[[str], object] | None = None) -> TrustStore:
    """The process's store at the default path, read once (so a bad store warns once)."""
    path = trust_store_path()
    store = _DEFAULT.get(path)
    if store is None:
        store = _DEFAULT[path] = TrustStore(path, warn=warn)
    elif warn is not None and store._folders is None:
        store.warn = warn
    return store
