"""Reliability: concurrent processes, SIGKILL during writes, and hostile input.

These run real child processes against one sessions directory, because the guarantees
(lock exclusion, crash-atomic files) are about processes, not threads.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from one_shot_man.errors import SessionError, StorageError
from one_shot_man.storage import (
    Cleaner,
    FileSystemBackend,
    Session,
    UnsupportedSchemaVersionError,
    get_backend,
    scan_sessions,
    session_file_path,
)
from one_shot_man.storage.atomic import TEMP_PREFIX

REPO = Path(__file__).resolve().parents[2]

UPDATER = textwrap.dedent(
    """
    import sys, time
    from one_shot_man.errors import SessionLockedError
    from one_shot_man.storage import FileSystemBackend, HistoryEntry, Session
    from one_shot_man.storage.schema import utc_now

    sessions_dir, worker, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(count):
        while True:
            try:
                backend = FileSystemBackend("shared", sessions_dir=sessions_dir)
                break
            except SessionLockedError:
                time.sleep(0.0005)
        try:
            session = backend.load_session("shared") or Session(id="shared")
            session.shared_state["counter"] = session.shared_state.get("counter", 0) + 1
            session.history.append(
                HistoryEntry(entry_id=f"{worker}-{i}", mode_id="w", command="inc",
                             read_time=utc_now(), final_state={"worker": worker, "i": i})
            )
            backend.save_session(session)
        finally:
            backend.close()
    """
)

WRITER = textwrap.dedent(
    """
    import sys, time
    from one_shot_man.errors import SessionLockedError
    from one_shot_man.storage import FileSystemBackend, HistoryEntry, Session
    from one_shot_man.storage.schema import utc_now

    sessions_dir = sys.argv[1]
    while True:
        try:
            backend = FileSystemBackend("crashy", sessions_dir=sessions_dir)
            break
        except SessionLockedError:
            time.sleep(0.001)
    session = backend.load_session("crashy") or Session(id="crashy")
    print("ready", len(session.history), flush=True)
    for _ in range(100):
        n = len(session.history)
        session.history.append(
            HistoryEntry(entry_id=str(n), mode_id="crash", command="x" * 50,
                         read_time=utc_now(), final_state={"n": n, "pad": "p" * 100})
        )
        session.shared_state["length"] = n + 1
        backend.save_session(session)
        print("saved", n + 1, flush=True)
    backend.close()
    """
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


@pytest.mark.slow
def test_concurrent_processes_lose_no_update(tmp_path: Path) -> None:
    workers, updates = 4, 50
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", UPDATER, str(tmp_path), f"w{w}", str(updates)],
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(workers)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with FileSystemBackend("shared", sessions_dir=tmp_path) as backend:
        session = backend.load_session("shared")
    assert session.shared_state["counter"] == workers * updates
    ids = [entry.entry_id for entry in session.history]
    assert len(ids) == workers * updates == len(set(ids))
    for w in range(workers):
        mine = [e.final_state["i"] for e in session.history if e.final_state["worker"] == f"w{w}"]
        assert mine == list(range(updates))  # each worker's updates in order
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["shared.session.json", "shared.session.lock"]  # no temp files


def _check_intact(sessions_dir: Path, minimum: int, maximum: int) -> int:
    path = sessions_dir / "crashy.session.json"
    with FileSystemBackend("crashy", sessions_dir=sessions_dir) as backend:
        session = backend.load_session("crashy")  # must decode: never empty or torn
    if session is None:
        assert minimum == 0
        return 0
    length = len(session.history)
    assert minimum <= length <= maximum, (minimum, length, maximum)
    assert session.shared_state["length"] == length
    assert [e.final_state["n"] for e in session.history] == list(range(length))
    assert json.loads(path.read_bytes())["id"] == "crashy"
    return length


@pytest.mark.slow
def test_sigkill_during_saves_never_tears_the_file(tmp_path: Path) -> None:
    rng = random.Random(20260213)
    confirmed = 0
    kills = 0
    for _round in range(25):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready = proc.stdout.readline().split()
        assert ready and ready[0] == "ready", proc.stderr.read()
        assert int(ready[1]) >= confirmed
        # Kill after a random number of saves plus a random fraction of the next one,
        # so the kill lands at a different point of the write path every round,
        # however fast the disk is.
        last = int(ready[1])
        for _ in range(rng.randrange(0, 90)):
            line = proc.stdout.readline()
            if not line:
                break
            last = int(line.split()[1])
        time.sleep(rng.uniform(0.0, 0.002))
        proc.send_signal(signal.SIGKILL)
        # Lines printed before the kill. Read through proc.stdout, not communicate(): the
        # readline() calls above may already hold later lines in the text buffer, and
        # communicate() reads the raw pipe, so those lines (confirmed saves) would be lost.
        out = proc.stdout.read()
        proc.wait(timeout=60)
        proc.stderr.close()
        if proc.returncode == -signal.SIGKILL:
            kills += 1
        # Only whole "saved N" lines confirm a save: the kill can cut the last line short.
        saved = [
            int(fields[1])
            for fields in (line.split() for line in out.splitlines())
            if len(fields) == 2 and fields[0] == "saved" and fields[1].isdigit()
        ]
        last = saved[-1] if saved else last
        # The save in flight at the kill may or may not have landed; nothing else may differ.
        confirmed = _check_intact(tmp_path, last, last + 1)
    assert kills >= 20  # the writer was really interrupted, not just finished
    # Stray temp files from killed writers do not disturb listing or loading ...
    assert [info.id for info in scan_sessions(tmp_path)] == ["crashy"]
    # ... and are removed by cleanup once they are old.
    temps = [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
    old = time.time() - 7200
    for temp in temps:
        os.utime(temp, (old, old))
    report = Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert sorted(report.removed_temp_files) == sorted(p.name for p in temps)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(TEMP_PREFIX)]
    _check_intact(tmp_path, confirmed, confirmed)


BAD_CONTENTS = {
    "corrupt": b'{"version": "0.2.0", "id": "bad", "history": [}',
    "truncated": json.dumps(
        {"version": "0.2.0", "id": "bad", "history": [{"entryId": str(i)} for i in range(20)]}
    ).encode()[:-37],
    "empty": b"",
    "newer-0.3.0": b'{"version": "0.3.0", "id": "bad", "newThing": {"a": 1}}',
    "newer-1.0": b'{"version": "1.0", "id": "bad"}',
    "mistyped": b'{"version": "0.2.0", "id": "bad", "history": [{"readTime": 5}]}',
}


@pytest.mark.parametrize("kind", sorted(BAD_CONTENTS))
def test_bad_files_give_clear_errors_and_stay_unchanged(tmp_path: Path, kind: str) -> None:
    content = BAD_CONTENTS[kind]
    path = session_file_path("bad", sessions_dir=tmp_path)
    tmp_path.mkdir(exist_ok=True)
    path.write_bytes(content)
    with FileSystemBackend("bad", sessions_dir=tmp_path) as backend:
        with pytest.raises(StorageError) as info:
            backend.load_session("bad")
        assert str(path) in str(info.value)
        if kind.startswith("newer"):
            assert isinstance(info.value, UnsupportedSchemaVersionError)
        with pytest.raises(StorageError):
            backend.save_session(Session(id="bad"))
    # Listing and a policy-free cleanup leave it alone too.
    assert [i.id for i in scan_sessions(tmp_path)] == ["bad"]
    Cleaner(sessions_dir=tmp_path).execute_cleanup()
    assert path.read_bytes() == content


@pytest.mark.parametrize(
    "hostile",
    [
        "../victim",
        "../../victim",
        "..",
        "sub/../../victim",
        "./victim",
        "victim\x00x",
        "..\\victim",
    ],
)
@pytest.mark.parametrize("backend_name", ["fs", "paths"])
def test_path_traversal_ids_touch_nothing(
    tmp_path: Path, sessions_dir: Path, hostile: str, backend_name: str
) -> None:
    victim = sessions_dir.parent / "victim.session.json"
    victim.parent.mkdir(parents=True)
    victim.write_bytes(b"precious")
    lock_victim = sessions_dir.parent / "victim.session.lock"
    with pytest.raises(SessionError) as info:
        if backend_name == "fs":
            get_backend("fs", hostile)
        else:
            session_file_path(hostile)
    assert "session ID" in str(info.value) or "sessionID" in str(info.value)
    assert victim.read_bytes() == b"precious"
    assert not lock_victim.exists()
    assert not sessions_dir.exists()
