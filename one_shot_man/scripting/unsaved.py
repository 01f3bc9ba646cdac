"""What the shell does when a session could not be saved: keep the work somewhere else.

Two terminals on one session, a disk that filled up, a file another osm holds: the
user's context is still in this process, so before the shell ends it is written to a
fresh session (`unsaved-<time>`) that the user can resume with `--session`. The shell
says what happened and where the context went; it never prints "saved" for a save
that did not happen.
"""

from __future__ import annotations

from datetime import datetime

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.scripting.state import StateManager

__all__ = ["keep_in_new_session", "resume_hint"]

_ATTEMPTS = 100


def keep_in_new_session(state_manager: StateManager) -> str:
    """Write the state to a new file-store session; returns the name to pass to `--session`.

    Raises StorageError (or OSError) when that fails too.
    """
    import msgspec

    from one_shot_man.session.formatting import format_explicit_id
    from one_shot_man.storage import get_backend

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    for attempt in range(_ATTEMPTS):
        name = f"unsaved-{stamp}" + (f"-{attempt}" if attempt else "")
        real_id = format_explicit_id(name)
        backend = get_backend("fs", real_id)
        try:
            if backend.load_session(real_id) is not None:
                continue  # taken (two rescues in one second): try the next name
            copy = msgspec.structs.replace(
                state_manager.session, id=real_id, history=state_manager.history()
            )
            backend.save_session(copy)
        finally:
            backend.close()
        return name
    raise OSError(f"no free session name unsaved-{stamp}[-N] after {_ATTEMPTS} attempts")


def resume_hint(mode: str | None, name: str) -> str:
    """The command that continues a kept session in the workflow it came from."""
    if mode in ("code-review", "prompt-flow", "super-document"):
        return f"osm {mode} --session {name}"
    if mode:
        return f"osm goal {mode} --session {name}"
    return f"osm script -i --session {name}"
