"""`ShellShutdown`: a signal asked the shell to stop.

Its own module because both the line loop (`shell`) and the prompt_toolkit front end
(`frontend`) raise or catch it, and the front end must not import the loop that imports it.
"""

from __future__ import annotations

__all__ = ["ShellShutdown"]


class ShellShutdown(BaseException):  # a control-flow signal, like SystemExit
    """A signal asked the shell to stop; it still saves the session on the way out."""

    def __init__(self, signame: str) -> None:
        super().__init__(signame)
        self.signame = signame
