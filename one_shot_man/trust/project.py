"""Which code folders belong to a project, how their files are named in the trust store.

Goal and script folders found relative to the working directory (walking up from it, or
`./osm-goals` and `./scripts`) belong to whatever project the user happens to be in; the
config folder's, the installation's and explicitly configured folders are the user's own.
"""

from __future__ import annotations

import os

from one_shot_man.errors import CommandError

__all__ = ["CodeDir", "UntrustedProjectError", "digest", "file_key", "trust_hint"]


class CodeDir:
    """A goal or script folder: `path` as discovery normalised it; `root` is the project
    folder it was found in (None: the user's own), `rel` its path below `root`."""

    __slots__ = ("path", "rel", "root")

    def __init__(self, path: str, root: str | None = None, rel: str = "") -> None:
        self.path = path
        self.root = root
        self.rel = rel

    @property
    def is_project(self) -> bool:
        return self.root is not None

    def key(self, filename: str) -> str:
        """The trust-store name of `filename` in this folder (`goals/x.json`)."""
        return file_key(self.rel, filename)

    def __repr__(self) -> str:
        return f"CodeDir({self.path!r}, root={self.root!r}, rel={self.rel!r})"


def file_key(rel: str, filename: str) -> str:
    """`<rel>/<filename>`, normalised, with `/` on every platform."""
    return os.path.normpath(os.path.join(rel, filename)).replace(os.sep, "/")


def digest(data: bytes) -> str:
    """`sha256:<hex>` of exactly the bytes osm is about to run."""
    import hashlib

    return "sha256:" + hashlib.sha256(data).hexdigest()


def trust_hint(root: str) -> str:
    """The command that trusts `root`, quoted for a POSIX shell when needed."""
    import shlex

    return f"osm trust {shlex.quote(root)}"


class UntrustedProjectError(CommandError):
    """Project code that would run without the user's consent; the message says how to give it."""

    def __init__(self, message: str, root: str) -> None:
        super().__init__(message)
        self.root = root
