"""Cleaner: retention policies, dry run, purge, orphan locks, global serialisation."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from one_shot_man.errors import StorageError
from one_shot_man.storage import (
    Cleaner,
    CleanupReport,
    FileSystemBackend,
    Session,
    acquire_lock_handle,
    release_lock_handle,
    scan_sessions,
)
from one_shot_man.storage.errors import CleanupLockedError

DAY = 24 * 3600


def _session(directory: Path, sid: str, *, age: float = 0.0, size: int = 2) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{sid}.session.json"
    path.write_bytes(b"{" + b" " * max(size - 2, 0) + b"}")
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def _lock(directory: Path, sid: str, *, age: float = 0.0) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{sid}.session.lock"
    path.touch()
    stamp = time.time() - age
    os.utime(path, (stamp, stamp))
    return path


def _ids(directory: Path) -> list[str]:
    return [info.id for info in scan_sessions(directory)]


def test_held_lock_protects_session(tmp_path: Path) -> None:
    _session(tmp_path, "held", age=100 * DAY)
    handle = acquire_lock_handle(tmp_path / "held.session.lock")
    report = Cleaner(max_age_days=1, sessions_dir=tmp_path).execute_cleanup()
    assert report.removed == []
    assert "held" in report.skipped
    assert (tmp_path / "held.session.json").exists()
    assert (tmp_path / "held.session.lock").exists()
    release_lock_handle(handle)


def test_open_backend_is_never_deleted_even_by_purge(tmp_path: Path) -> None:
    with FileSystemBackend("live", sessions_dir=tmp_path) as backend:
        backend.save_session(Session(id="live"))
        report = Cleaner(purge=True, sessions_dir=tmp_path).execute_cleanup()
        assert report.removed == [] and report.skipped.count("live") >= 1
        assert (tmp_path / "live.session.json").exists()


def test_old_orphan_lock_removed(tmp_path: Path) -> None:
    lock = _lock(tmp_path, "orphan", age=10)
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert report.removed == ["orphan"]
    assert not lock.exists()


def test_fresh_orphan_lock_kept(tmp_path: Path) -> None:
    lock = _lock(tmp_path, "fresh", age=0)
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert report.skipped == ["fresh"] and report.removed == []
    assert lock.exists()


@pytest.mark.parametrize(("min_age", "removed"), [(2.0, True), (10.0, False)])
def test_custom_min_orphan_age(tmp_path: Path, min_age: float, removed: bool) -> None:
    lock = _lock(tmp_path, "o", age=3)
    report = Cleaner(min_orphan_age=min_age, sessions_dir=tmp_path).execute_cleanup()
    assert (report.removed == ["o"]) is removed
    assert (report.skipped == ["o"]) is not removed
    assert lock.exists() is not removed


def test_zero_min_orphan_age_means_five_seconds(tmp_path: Path) -> None:
    _lock(tmp_path, "young", age=3)
    _lock(tmp_path, "old", age=6)
    report = Cleaner(min_orphan_age=0, sessions_dir=tmp_path).execute_cleanup()
    assert report.removed == ["old"] and report.skipped == ["young"]


def test_unheld_lock_with_session_file_is_kept(tmp_path: Path) -> None:
    _session(tmp_path, "s")
    lock = _lock(tmp_path, "s", age=60)
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert lock.exists()
    assert report.removed == [] and report.skipped == ["s"]


def test_held_orphan_lock_is_skipped(tmp_path: Path) -> None:
    lock = _lock(tmp_path, "creating", age=60)
    handle = acquire_lock_handle(lock)  # locked, session not yet written
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert report.skipped == ["creating"]
    assert lock.exists()
    release_lock_handle(handle)


def test_age_and_count_together(tmp_path: Path) -> None:
    for i in range(5):
        _session(tmp_path, f"old-{i}", age=100 * DAY + i)
    report = Cleaner(max_age_days=30, max_count=2, sessions_dir=tmp_path).execute_cleanup()
    assert report.removed
    assert len(_ids(tmp_path)) <= 2


def test_other_lock_files_untouched(tmp_path: Path) -> None:
    temp_lock = tmp_path / "temp.lock"
    tmp_path.mkdir(exist_ok=True)
    temp_lock.touch()
    old = time.time() - 60
    os.utime(temp_lock, (old, old))
    orphan = _lock(tmp_path, "orphan", age=10)
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert temp_lock.exists()
    assert not orphan.exists()
    assert report.removed == ["orphan"]


def test_dry_run_touches_nothing(tmp_path: Path) -> None:
    path = _session(tmp_path, "old", age=72 * 3600)
    orphan = _lock(tmp_path, "orphan", age=60)
    report = Cleaner(max_age_days=1, dry_run=True, sessions_dir=tmp_path).execute_cleanup()
    assert report.removed == ["old", "orphan"]
    assert path.exists() and orphan.exists()


def test_removal_failure_keeps_lock_and_skips(tmp_path: Path) -> None:
    _session(tmp_path, "victim", age=100 * DAY)
    # Scan sees a file; before deletion the path becomes a directory.
    real_scan = scan_sessions

    def scan_then_swap(directory: object = None) -> list:
        infos = real_scan(directory)
        path = tmp_path / "victim.session.json"
        path.unlink()
        path.mkdir()
        return infos

    import one_shot_man.storage.cleaner as cleaner_module

    original = cleaner_module.scan_sessions
    cleaner_module.scan_sessions = scan_then_swap
    try:
        report = Cleaner(max_age_days=1, sessions_dir=tmp_path).execute_cleanup()
    finally:
        cleaner_module.scan_sessions = original
    assert "victim" in report.skipped and "victim" not in report.removed
    assert (tmp_path / "victim.session.json").is_dir()
    assert (tmp_path / "victim.session.lock").exists()


def test_max_count_one_keeps_newest(tmp_path: Path) -> None:
    for i in range(5):
        _session(tmp_path, f"s{i}", age=(5 - i) * 60)  # s4 newest
    report = Cleaner(max_count=1, sessions_dir=tmp_path).execute_cleanup()
    assert sorted(report.removed) == ["s0", "s1", "s2", "s3"]
    assert _ids(tmp_path) == ["s4"]
    assert not any(p.name.endswith(".lock") for p in tmp_path.iterdir())


def test_all_zero_policies_remove_nothing(tmp_path: Path) -> None:
    for i in range(3):
        _session(tmp_path, f"s{i}", age=1000 * DAY)
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert report == CleanupReport(removed=[], skipped=[])
    assert len(_ids(tmp_path)) == 3


def test_negative_policies_are_disabled(tmp_path: Path) -> None:
    _session(tmp_path, "s", age=1000 * DAY, size=5000)
    report = Cleaner(max_age_days=-1, max_count=-1, max_size_mb=-1, sessions_dir=tmp_path)
    assert report.execute_cleanup().removed == []


def test_purge_removes_all_inactive_but_excluded(tmp_path: Path) -> None:
    for sid in ["a", "b", "mine"]:
        _session(tmp_path, sid)
    report = Cleaner(purge=True, sessions_dir=tmp_path).execute_cleanup(exclude_id="mine")
    assert report.removed == ["a", "b"]
    assert report.skipped == ["mine"]
    assert _ids(tmp_path) == ["mine"]


def test_max_size_removes_oldest_until_under_limit(tmp_path: Path) -> None:
    mb = 1024 * 1024
    _session(tmp_path, "oldest", age=300, size=mb)
    _session(tmp_path, "middle", age=200, size=mb)
    _session(tmp_path, "newest", age=100, size=mb // 2)
    report = Cleaner(max_size_mb=1, sessions_dir=tmp_path).execute_cleanup()
    assert sorted(report.removed) == ["middle", "oldest"]
    assert _ids(tmp_path) == ["newest"]


def test_active_and_excluded_do_not_count_towards_max_count(tmp_path: Path) -> None:
    _session(tmp_path, "current", age=0)
    _session(tmp_path, "held", age=0)
    for i in range(3):
        _session(tmp_path, f"old{i}", age=(i + 1) * 60)
    handle = acquire_lock_handle(tmp_path / "held.session.lock")
    report = Cleaner(max_count=2, sessions_dir=tmp_path).execute_cleanup(exclude_id="current")
    release_lock_handle(handle)
    assert report.removed == ["old2"]
    # Each skipped ID once, with why (the orphan sweep no longer lists "held" again).
    assert sorted(report.skipped) == ["current", "held"]
    assert report.reasons == {"current": "the current session", "held": "in use by a running osm"}


def test_concurrent_cleaners_are_serialised(tmp_path: Path) -> None:
    for i in range(30):
        _session(tmp_path, f"s{i:02d}", age=100 * DAY)
    barrier = threading.Barrier(2)
    reports: list[CleanupReport] = []
    errors: list[BaseException] = []
    mutex = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            report = Cleaner(max_age_days=30, sessions_dir=tmp_path).execute_cleanup()
            with mutex:
                reports.append(report)
        except CleanupLockedError as exc:
            with mutex:
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(reports) + len(errors) == 2 and reports
    removed = [sid for r in reports for sid in r.removed]
    assert sorted(removed) == [f"s{i:02d}" for i in range(30)]  # each exactly once
    assert _ids(tmp_path) == []
    assert not (tmp_path.parent / "cleanup.lock").exists()


def test_busy_global_lock_is_an_error(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    _session(sessions, "s", age=100 * DAY)
    handle = acquire_lock_handle(tmp_path / "cleanup.lock")
    with pytest.raises(CleanupLockedError, match="failed to acquire global cleanup lock"):
        Cleaner(purge=True, sessions_dir=sessions).execute_cleanup()
    release_lock_handle(handle)
    assert (sessions / "s.session.json").exists()


def test_global_lock_error(tmp_path: Path) -> None:
    (tmp_path / "parent").write_text("a file, not a directory")
    with pytest.raises(StorageError, match="failed to acquire global cleanup lock"):
        Cleaner(sessions_dir=tmp_path / "parent" / "sessions").execute_cleanup()


def test_default_directory_and_lock_location(sessions_dir: Path) -> None:
    _session(sessions_dir, "old", age=100 * DAY)
    report = Cleaner(max_age_days=30).execute_cleanup()
    assert report.removed == ["old"]
    assert not (sessions_dir.parent / "cleanup.lock").exists()


def test_missing_directory_is_empty_report(tmp_path: Path) -> None:
    report = Cleaner(purge=True, sessions_dir=tmp_path / "none").execute_cleanup()
    assert report == CleanupReport()


def test_many_sessions(tmp_path: Path) -> None:
    for i in range(200):
        _session(tmp_path, f"s{i:03d}", age=i * 60)
    report = Cleaner(max_count=50, sessions_dir=tmp_path).execute_cleanup()
    assert len(report.removed) == 150
    assert _ids(tmp_path) == [f"s{i:03d}" for i in range(50)]


def test_combined_age_and_count(tmp_path: Path) -> None:
    for i in range(5):
        _session(tmp_path, f"old-{i}", age=60 * DAY + i * 60)
    for i in range(5):
        _session(tmp_path, f"recent-{i}", age=i * 60)
    report = Cleaner(max_age_days=30, max_count=3, sessions_dir=tmp_path).execute_cleanup()
    assert len(report.removed) == 7
    assert _ids(tmp_path) == ["recent-0", "recent-1", "recent-2"]


def test_zero_byte_session_handled_normally(tmp_path: Path) -> None:
    path = tmp_path / "empty.session.json"
    path.write_bytes(b"")
    old = time.time() - 100 * DAY
    os.utime(path, (old, old))
    report = Cleaner(max_age_days=30, sessions_dir=tmp_path).execute_cleanup()
    assert report.removed == ["empty"]


def test_excluding_unknown_id_is_fine(tmp_path: Path) -> None:
    _session(tmp_path, "s", age=100 * DAY)
    report = Cleaner(max_age_days=30, sessions_dir=tmp_path).execute_cleanup("not-there")
    assert report.removed == ["s"]


def test_many_orphan_locks_removed(tmp_path: Path) -> None:
    for i in range(40):
        _lock(tmp_path, f"o{i:02d}", age=30)
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert sorted(report.removed) == [f"o{i:02d}" for i in range(40)]
    assert list(tmp_path.iterdir()) == []


def test_cleanup_prints_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _session(tmp_path, "s")
    _lock(tmp_path, "s", age=60)
    _lock(tmp_path, "orphan", age=60)
    Cleaner(sessions_dir=tmp_path).execute_cleanup()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_stale_temp_files_removed_fresh_ones_kept(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    stale = tmp_path / ".tmp-session-stale"
    fresh = tmp_path / ".tmp-session-fresh"
    stale.write_bytes(b"{")
    fresh.write_bytes(b"{")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    dry = Cleaner(dry_run=True, sessions_dir=tmp_path).execute_cleanup()
    assert dry.removed_temp_files == [stale.name] and stale.exists()
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert report.removed_temp_files == [stale.name]
    assert report.removed == [] and report.skipped == []
    assert not stale.exists() and fresh.exists()
