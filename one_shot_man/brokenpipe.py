"""What osm does when the reader of its standard output goes away (`osm ... | head`).

Like `git log | head`: no message, the usual status (141, 128 + SIGPIPE). The first
failed write points stdout at /dev/null, so nothing later (a session save's
`Saving session...`, the exit flush) fails again or prints a traceback, and the caller
unwinds with BrokenPipeError; the CLI turns that into the status.
"""

from __future__ import annotations

import sys

__all__ = ["EXIT_BROKEN_PIPE", "silence_stdout"]

EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, what `osm ... | head` reports in Go


def silence_stdout() -> None:
    """Point file descriptor 1 (and whatever Python buffered for it) at /dev/null."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, AttributeError, ValueError):
        pass
