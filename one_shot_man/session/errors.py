"""Session-identity errors, all `SessionError`s so callers can catch one class.

The detectors raise these to *fall through* to the next source; only
`get_session_id` decides what a failure means for the user.
"""

from __future__ import annotations

from one_shot_man.errors import SessionError

__all__ = ["AnchorError", "AnchorUnsupportedError", "ProcStatError", "TmuxError"]


class TmuxError(SessionError):
    """TMUX_PANE/TMUX do not describe a usable tmux pane (stale or malformed env)."""


class AnchorError(SessionError):
    """The process-ancestry ("deep anchor") resolver could not produce a context."""


class AnchorUnsupportedError(AnchorError):
    """This operating system has no deep-anchor resolver; the UUID fallback is used."""


class ProcStatError(AnchorError):
    """A `/proc/<pid>/stat` file could not be read or parsed; names the pid."""
