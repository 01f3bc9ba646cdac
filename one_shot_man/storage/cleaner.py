"""Retention: delete old, surplus or oversized inactive sessions and orphaned locks.

One cleaner runs at a time (global `cleanup.lock`). A session whose lock is held — by
the current process or any other — is never touched: deletion itself takes the
session's lock first, so a session cannot be opened and deleted at the same time.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from one_shot_man.errors import os_reason
from one_shot_man.storage.atomic import TEMP_PREFIX
from one_shot_man.storage.errors import CleanupLockedError, StorageError
from one_shot_man.storage.inspector import SessionInfo, scan_sessions
from one_shot_man.storage.locking import acquire_lock_handle, release_lock_handle
from one_shot_man.storage.paths import LOCK_SUFFIX, SESSION_SUFFIX, _sessions_dir_str
from one_shot_man.storage.privacy import check_private_dir, make_private_dirs

__all__ = ["DEFAULT_MIN_ORPHAN_AGE", "STALE_TEMP_AGE", "Cleaner", "CleanupReport"]

#: Grace period for a lock file with no session: its creator may not have saved yet.
DEFAULT_MIN_ORPHAN_AGE = 5.0
#: A temp file this old belongs to a writer that died mid-save (a live one renames it
#: within milliseconds); the Go original never removes these.
STALE_TEMP_AGE = 3600.0


@dataclass
class CleanupReport:
    """Session IDs removed (or, in a dry run, that would be) and skipped."""

    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    #: Why each skipped ID was kept, in a few words (`osm session clean` prints it).
    reasons: dict[str, str] = field(default_factory=dict)
    #: Names of stale `.tmp-session-*` files deleted (or, in a dry run, that would be).
    removed_temp_files: list[str] = field(default_factory=list)

    def skip(self, session_id: str, reason: str) -> None:
        """Record that `session_id` was kept and why (once: the first reason stands)."""
        if session_id in self.reasons:
            return
        self.reasons[session_id] = reason
        self.skipped.append(session_id)


@dataclass
class Cleaner:
    """Cleanup policies; zero or negative disables a policy.

    `min_orphan_age` is in seconds (0 or less means the 5 s default). `purge` marks
    every inactive session; `dry_run` reports without touching anything.
    """

    max_age_days: int = 0
    max_count: int = 0
    max_size_mb: int = 0
    min_orphan_age: float = DEFAULT_MIN_ORPHAN_AGE
    dry_run: bool = False
    purge: bool = False
    sessions_dir: str | os.PathLike[str] | None = None

    def execute_cleanup(self, exclude_id: str = "") -> CleanupReport:
        """Apply the policies once; `exclude_id` (e.g. the current session) is kept.

        Raises `CleanupLockedError` when another cleanup is running, `StorageError`
        when the sessions directory cannot be read.
        """
        directory = _sessions_dir_str(self.sessions_dir)
        lock_path = os.path.join(os.path.dirname(os.path.abspath(directory)), "cleanup.lock")
        try:
            make_private_dirs(os.path.dirname(lock_path))
        except OSError:
            pass  # acquiring below reports the real problem
        try:
            handle = acquire_lock_handle(lock_path)
        except StorageError as exc:
            raise StorageError(f"failed to acquire global cleanup lock: {exc}") from exc
        if handle is None:
            raise CleanupLockedError(
                f"failed to acquire global cleanup lock: another cleanup is running "
                f"(lock file {lock_path})"
            )
        try:
            return self._run(directory, exclude_id)
        finally:
            try:
                release_lock_handle(handle)
            except StorageError:
                pass

    def _select(self, candidates: list[SessionInfo]) -> set[str]:
        marked: set[str] = set()
        now = datetime.now(UTC)
        if self.max_age_days > 0:
            cutoff = now - timedelta(days=self.max_age_days)
            marked.update(c.id for c in candidates if c.update_time < cutoff)
        if self.purge:
            marked.update(c.id for c in candidates)
        if self.max_count > 0:
            newest_first = sorted(candidates, key=lambda c: c.update_time, reverse=True)
            marked.update(c.id for c in newest_first[self.max_count :])
        if self.max_size_mb > 0:
            limit = self.max_size_mb * 1024 * 1024
            total = sum(c.size for c in candidates)
            if total > limit:
                for info in sorted(candidates, key=lambda c: c.update_time):
                    if total <= limit:
                        break
                    marked.add(info.id)
                    total -= info.size
        return marked

    def _run(self, directory: str, exclude_id: str) -> CleanupReport:
        report = CleanupReport()
        check_private_dir(directory, create=False)  # never delete in someone else's folder
        sessions = scan_sessions(directory)
        candidates: list[SessionInfo] = []
        for info in sessions:
            if info.id == exclude_id:
                report.skip(info.id, "the current session")
            elif info.active:
                report.skip(info.id, "in use by a running osm")
            else:
                candidates.append(info)

        marked = self._select(candidates)
        for info in candidates:  # scan (name) order, so reports are deterministic
            if info.id not in marked:
                continue
            if self.dry_run:
                report.removed.append(info.id)
                continue
            self._delete(info, report)

        self._sweep_orphan_locks(directory, report)
        return report

    def _delete(self, info: SessionInfo, report: CleanupReport) -> None:
        try:
            handle = acquire_lock_handle(info.lock_path)
        except StorageError:
            handle = None
        if handle is None:
            report.skip(info.id, "in use by a running osm")
            return
        try:
            os.remove(info.path)
        except FileNotFoundError:
            pass
        except OSError as exc:
            handle.close()  # keep the lock file: the session file is still there
            report.skip(info.id, f"cannot remove it: {os_reason(exc)}")
            return
        try:
            release_lock_handle(handle)
        except StorageError:
            pass
        report.removed.append(info.id)

    def _sweep_orphan_locks(self, directory: str, report: CleanupReport) -> None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(
                f'failed to read sessions directory "{directory}": {exc.strerror or exc}'
            ) from exc
        min_age = self.min_orphan_age if self.min_orphan_age > 0 else DEFAULT_MIN_ORPHAN_AGE
        for entry in entries:
            name = entry.name
            if name.startswith(TEMP_PREFIX):
                self._remove_stale_temp(entry, report)
                continue
            if not name.endswith(LOCK_SUFFIX):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    continue
            except OSError:
                continue
            base = name[: -len(LOCK_SUFFIX)]
            reason = _orphan_lock_keep_reason(directory, entry, base, min_age)
            if reason is not None:
                report.skip(base, reason)
            elif self.dry_run:
                report.removed.append(base)
            else:
                self._remove_orphan_lock(entry, base, report)

    def _remove_orphan_lock(
        self, entry: os.DirEntry[str], base: str, report: CleanupReport
    ) -> None:
        """Delete an orphaned lock file unless a running osm holds it."""
        try:
            handle = acquire_lock_handle(entry.path, create=False)
        except StorageError:
            handle = None
        if handle is None:
            report.skip(base, "lock held by a running osm")
            return
        try:
            release_lock_handle(handle)
        except StorageError as exc:
            report.skip(base, f"cannot remove its lock file: {exc}")
            return
        report.removed.append(base)

    def _remove_stale_temp(self, entry: os.DirEntry[str], report: CleanupReport) -> None:
        try:
            if not entry.is_file(follow_symlinks=False):
                return
            if time.time() - entry.stat(follow_symlinks=False).st_mtime < STALE_TEMP_AGE:
                return
            if not self.dry_run:
                os.unlink(entry.path)
        except OSError:
            return
        report.removed_temp_files.append(entry.name)


def _orphan_lock_keep_reason(
    directory: str, entry: os.DirEntry[str], base: str, min_age: float
) -> str | None:
    """Why the lock file `entry` of session `base` must stay, or None when it is orphaned."""
    try:
        os.stat(os.path.join(directory, base + SESSION_SUFFIX))
    except FileNotFoundError:
        pass
    except OSError as exc:
        return f"cannot check its session file: {os_reason(exc)}"
    else:  # the session exists: the lock is not orphaned
        return "kept by the retention policy"
    try:
        age = time.time() - entry.stat(follow_symlinks=False).st_mtime
    except OSError as exc:
        return f"cannot check its lock file: {os_reason(exc)}"
    if age < min_age:
        return "lock file too recent to be orphaned (an osm may be starting)"
    return None
