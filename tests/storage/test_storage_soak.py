"""Eight processes saving, archiving and cleaning up sessions at once lose no active session,
never deadlock and never crash (issue 10 item 2).

Each worker keeps one session open (locked) for the whole run and saves to it on every
round; it also resumes a second session (open, load, append, save, close), creates and closes
short-lived ones, archives some of those, and runs a purging cleanup (which removes every
session that is not open). The open sessions are the active ones: every entry saved to them
must be on disk at the end, in order. A resumed session may be purged while it is closed
(that is what purge means), but whenever it is there it must hold exactly the entry its
worker saved last. `make soak` runs it for a minute; `make test` for OSM_SOAK_SECONDS (2 s).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from one_shot_man.storage.codec import decode_session

REPO = Path(__file__).resolve().parents[2]
WORKERS = 8
SECONDS = float(os.environ.get("OSM_SOAK_SECONDS", "2"))
OPERATIONS = ("kept_saves", "resumed_saves", "transient", "archived", "cleanups")

WORKER = r"""
import json, os, random, sys, time
from one_shot_man.errors import SessionLockedError
from one_shot_man.storage import Cleaner, FileSystemBackend, HistoryEntry, Session
from one_shot_man.storage.errors import ArchiveExistsError, CleanupLockedError

directory, archive, me, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
rng = random.Random(me)
ops = dict(kept_saves=0, resumed_saves=0, resumed_purged=0, transient=0, archived=0,
           cleanups=0, cleanup_busy=0, removed_by_cleanup=0, resumed_locked=0)
kept_id, resumed_id = f"kept-{me}", f"resumed-{me}"
kept = FileSystemBackend(kept_id, sessions_dir=directory)
kept_session = kept.load_session(kept_id) or Session(id=kept_id)
last_resumed = None
end = time.monotonic() + seconds
n = 0
while time.monotonic() < end:
    n += 1
    kept_session.history.append(HistoryEntry(entry_id=str(ops["kept_saves"])))
    kept.save_session(kept_session)
    ops["kept_saves"] += 1
    roll = rng.random()
    if roll < 0.35:
        try:
            b = FileSystemBackend(resumed_id, sessions_dir=directory)
        except SessionLockedError:  # a cleanup is deleting it right now
            ops["resumed_locked"] += 1
            continue
        try:
            s = b.load_session(resumed_id)
            if s is None:
                if last_resumed is not None:
                    ops["resumed_purged"] += 1
                s = Session(id=resumed_id)
            elif s.history[-1].entry_id != last_resumed:
                raise SystemExit(f"resumed session holds {s.history[-1].entry_id}, not {last_resumed}")
            last_resumed = f"{me}-{n}"
            s.history.append(HistoryEntry(entry_id=last_resumed))
            b.save_session(s)
            ops["resumed_saves"] += 1
        finally:
            b.close()
    elif roll < 0.75:
        tid = f"t-{me}-{n}"
        b = FileSystemBackend(tid, sessions_dir=directory)
        try:
            b.save_session(Session(id=tid))
            ops["transient"] += 1
            if rng.random() < 0.5:
                for k in range(100):
                    try:
                        b.archive_session(tid, os.path.join(archive, f"{tid}--{k}.session.json"))
                        ops["archived"] += 1
                        break
                    except ArchiveExistsError:
                        continue
        finally:
            b.close()
    else:
        try:
            report = Cleaner(purge=True, sessions_dir=directory).execute_cleanup()
        except CleanupLockedError:
            ops["cleanup_busy"] += 1
            continue
        ops["cleanups"] += 1
        ops["removed_by_cleanup"] += len(report.removed)
        for sid in report.removed:
            if sid.startswith("kept-"):
                raise SystemExit(f"cleanup removed the open session {sid}")
# Close the open session only when every worker's loop is over (no cleanup can run after).
open(os.path.join(archive, f"..done-{me}"), "w").close()
workers = int(sys.argv[5])
while len([f for f in os.listdir(archive) if f.startswith("..done-")]) < workers:
    time.sleep(0.01)
kept.close()
print(json.dumps(ops), flush=True)
"""


def test_eight_processes_lose_no_active_session(tmp_path: Path) -> None:
    directory, archive = tmp_path / "sessions", tmp_path / "archive"
    directory.mkdir()
    archive.mkdir()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, *map(str, (directory, archive, i, SECONDS, WORKERS))],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for i in range(WORKERS)
    ]
    results = []
    for proc in procs:
        # A deadlock would keep a worker past its run time; allow generous slack for load.
        out, err = proc.communicate(timeout=SECONDS + 120)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out))
    elapsed = time.monotonic() - started

    for i, ops in enumerate(results):
        path = directory / f"kept-{i}.session.json"
        history = decode_session(path.read_bytes(), source=str(path)).history
        assert [e.entry_id for e in history] == [str(k) for k in range(ops["kept_saves"])]
    for path in archive.glob("*.session.json"):
        decode_session(path.read_bytes(), source=str(path))  # every archive is whole
    totals = {key: sum(r[key] for r in results) for key in results[0]}
    assert totals["kept_saves"] > 0 and totals["cleanups"] > 0 and totals["archived"] > 0
    print(
        f"\nsoak: {WORKERS} processes, {SECONDS:.0f} s requested, {elapsed:.1f} s wall, "
        f"operations {sum(totals[k] for k in OPERATIONS)}: {json.dumps(totals)}, "
        "active sessions lost: 0"
    )
