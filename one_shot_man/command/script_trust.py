"""The trust check for script commands found in a project folder (docs/security.md).

Imported only when a project script folder actually holds the name being looked up, so
`osm version` and the lookup of user scripts never pay for it.
"""

from __future__ import annotations

from one_shot_man.trust.project import UntrustedProjectError, digest, trust_hint
from one_shot_man.trust.store import Verdict, default_store

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    from one_shot_man.trust.project import CodeDir
    from one_shot_man.trust.store import TrustStore

__all__ = ["ScriptGate"]


def _why(verdict: str) -> str:
    if verdict == Verdict.CHANGED:
        return "it changed since you trusted that folder"
    return "you have not trusted that folder"


class ScriptGate:
    """Lets trusted project scripts through and remembers the first one it stopped."""

    def __init__(self, store: TrustStore | None, warn: Callable[[str], object] | None) -> None:
        self.store = store if store is not None else default_store(warn)
        #: (path, real project folder, verdict) of the first script not let through.
        self.stopped: tuple[str, str, str] | None = None

    def allows(self, project: CodeDir, name: str, path: str) -> bool:
        """Hash exactly the file about to run and compare it with the user's record."""
        assert project.root is not None
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            verdict = Verdict.UNTRUSTED
        else:
            verdict = self.store.verdict(project.root, project.key(name), digest(data))
        if verdict == Verdict.TRUSTED:
            return True
        if self.stopped is None:
            self.stopped = (path, self.store.real_root(project.root), verdict)
        return False

    def note_instead(self, chosen: str) -> str | None:
        """The one stderr line saying a project script was passed over for `chosen`."""
        if self.stopped is None:
            return None
        path, root, verdict = self.stopped
        return (
            f"osm: ignored the project script {path} ({_why(verdict)}, {root}); running "
            f"{chosen} instead. To use the project's script, review it and run "
            f"'{trust_hint(root)}'"
        )

    def refuse(self, name: str) -> None:
        """Raise the error for a name only an untrusted project script has."""
        if self.stopped is None:
            return
        path, root, verdict = self.stopped
        raise UntrustedProjectError(
            f"command '{name}' is the project script {path} in {root}, and {_why(verdict)}; "
            f"it does not run until you review it and run '{trust_hint(root)}'",
            root,
        )
