"""A save fault injected under the shell (issue 10 item 2): the user is told the session was
NOT saved, the previous session file is unchanged, and the context lives on elsewhere."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

from one_shot_man.scripting import Engine
from one_shot_man.shell.shell import Shell
from one_shot_man.storage.codec import decode_session


def test_disk_full_on_save_is_reported_and_loses_nothing(sessions_dir: Path, monkeypatch) -> None:
    out = io.StringIO()
    engine = Engine(out, io.StringIO(), session_id="faults", store="fs")
    try:
        shell = Shell(engine)
        sm = engine.state_manager
        sm.set_state("contextItems", [{"type": "note", "label": "first", "payload": "kept"}])
        shell.save_session()
        (path,) = sessions_dir.glob("*faults*.session.json")
        before = path.read_bytes()

        sm.set_state("contextItems", [{"type": "note", "label": "second", "payload": "new"}])
        real_write, calls = os.write, {"n": 0}

        def disk_full_once(fd: int, data: bytes) -> int:
            calls["n"] += 1
            if calls["n"] == 1:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", disk_full_once)
        shell.save_session()
        monkeypatch.undo()
        said = out.getvalue()
        assert (
            f"Session NOT saved: failed to write {path}: failed to write to temp file: "
            "No space left on device\n"
        ) in said
        assert path.read_bytes() == before  # the previous save is intact
        kept = said.split('written to the new session "', 1)[1].split('"', 1)[0]
        (copy,) = sessions_dir.glob(f"ex--{kept}_*.session.json")
        state = decode_session(copy.read_bytes()).shared_state
        assert "second" in str(state)  # the context the failed save held is not lost
    finally:
        engine.close()
