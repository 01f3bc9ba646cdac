"""The trust store: private, atomic, and a bad store trusts nothing (issue 14, item 2)."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from one_shot_man.errors import CommandError
from one_shot_man.trust import TrustStore, Verdict
from one_shot_man.trust.project import digest

GOAL = b'{"name": "g", "description": "d"}'


def _store(tmp_path: Path, warnings: list[str] | None = None) -> TrustStore:
    sink = warnings if warnings is not None else []
    return TrustStore(str(tmp_path / "cfg" / "osm" / "trust.json"), warn=sink.append)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_store_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    store = _store(tmp_path)
    store.record(str(tmp_path), {"goals/g.json": digest(GOAL)}, "2026-01-01T00:00:00Z")
    path = Path(store.path or "")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["trust.json"]  # no temp file left


def test_record_then_verdicts(tmp_path: Path) -> None:
    store = _store(tmp_path)
    project = tmp_path / "p"
    project.mkdir()
    assert store.verdict(str(project), "goals/g.json", digest(GOAL)) == Verdict.UNTRUSTED
    store.record(str(project), {"goals/g.json": digest(GOAL)}, "2026-01-01T00:00:00Z")
    again = _store(tmp_path)  # what the next osm process reads
    assert again.verdict(str(project), "goals/g.json", digest(GOAL)) == Verdict.TRUSTED
    assert again.verdict(str(project), "goals/g.json", digest(GOAL + b" ")) == Verdict.CHANGED
    assert again.verdict(str(project), "goals/new.json", digest(GOAL)) == Verdict.CHANGED
    assert again.verdict(str(tmp_path), "p/goals/g.json", digest(GOAL)) == Verdict.UNTRUSTED
    assert again.revoke(str(project)) == str(project)
    assert _store(tmp_path).verdict(str(project), "goals/g.json", digest(GOAL)) == (
        Verdict.UNTRUSTED
    )


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("{", "is corrupt: "),
        ("[]", "expected a JSON object"),
        ('{"version": 2, "folders": {}}', "field 'version': expected 1"),
        ('{"version": 1, "folders": []}', "field 'folders'"),
        ('{"version": 1, "folders": {"/x": {"files": {"a": 1}}}}', "folders['/x'].files"),
    ],
)
def test_bad_store_trusts_nothing_and_warns_once(tmp_path: Path, text: str, reason: str) -> None:
    warnings: list[str] = []
    store = _store(tmp_path, warnings)
    path = Path(store.path or "")
    path.parent.mkdir(parents=True)
    good = {"version": 1, "folders": {str(tmp_path): {"files": {"goals/g.json": digest(GOAL)}}}}
    path.write_text(json.dumps(good))
    path.chmod(0o600)
    assert _store(tmp_path).verdict(str(tmp_path), "goals/g.json", digest(GOAL)) == "trusted"
    path.write_text(text)
    for _ in range(3):
        assert store.verdict(str(tmp_path), "goals/g.json", digest(GOAL)) == Verdict.UNTRUSTED
    assert len(warnings) == 1 and reason in warnings[0] and str(path) in warnings[0]
    with pytest.raises(CommandError, match="refusing to overwrite it"):
        store.record(str(tmp_path), {"goals/g.json": digest(GOAL)}, "now")
    assert path.read_text() == text


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_store_writable_by_others_trusts_nothing(tmp_path: Path) -> None:
    warnings: list[str] = []
    store = _store(tmp_path)
    store.record(str(tmp_path), {"goals/g.json": digest(GOAL)}, "now")
    Path(store.path or "").chmod(0o666)
    fresh = _store(tmp_path, warnings)
    assert fresh.verdict(str(tmp_path), "goals/g.json", digest(GOAL)) == Verdict.UNTRUSTED
    assert len(warnings) == 1 and "writable by other users (mode 666)" in warnings[0]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX owners")
def test_store_owned_by_another_user_trusts_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path)
    store.record(str(tmp_path), {"goals/g.json": digest(GOAL)}, "now")
    if os.geteuid() == 0:
        os.chown(store.path or "", 54321, 54321)
    else:
        real = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    warnings: list[str] = []
    fresh = _store(tmp_path, warnings)
    assert fresh.verdict(str(tmp_path), "goals/g.json", digest(GOAL)) == Verdict.UNTRUSTED
    assert len(warnings) == 1 and "owned by another user" in warnings[0]


def test_without_a_config_dir_nothing_is_trusted_and_trusting_says_why(tmp_path: Path) -> None:
    store = TrustStore(None, warn=[].append)
    store.path = None
    assert store.verdict(str(tmp_path), "goals/g.json", digest(GOAL)) == Verdict.UNTRUSTED
    with pytest.raises(CommandError, match="no user config directory"):
        store.record(str(tmp_path), {}, "now")
