"""What the model, the parser and the schema share, kept below all three so their imports run
one way (model -> schema -> shared, parser -> model and shared; never back).

The issue record, the name of the `[sessions]` section and, for the checker only, the read-only
view of a config that the schema validates. Nothing here is needed by a start-up without a
config file, and it imports nothing.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at start-up; checkers treat this as True
if TYPE_CHECKING:
    from typing import Protocol

    class ConfigView(Protocol):
        """The parts of a `Config` the schema reads (so the schema need not import the model)."""

        source: str
        issues: list[ConfigIssue]
        global_options: dict[str, str]
        commands: dict[str, dict[str, str]]

        def line_of(self, key: str, section: str | None = None) -> int | None: ...


__all__ = ["SESSIONS_SECTION", "ConfigIssue"]

#: The section the parser reads strictly into `Config.sessions` (retention policy).
SESSIONS_SECTION = "sessions"


class ConfigIssue:
    """One problem in a config file, located precisely enough to fix it by hand.

    `line` is 1-based, or None for a value set in memory; `section` is None for
    the global scope. `str()` reads `<path>:<line>: <message>` like a compiler.
    """

    __slots__ = ("key", "line", "message", "path", "section")

    def __init__(
        self,
        path: str,
        line: int | None,
        section: str | None,
        key: str,
        message: str,
    ) -> None:
        self.path = path
        self.line = line
        self.section = section
        self.key = key
        self.message = message

    def sort_key(self) -> tuple[bool, int, str, str, str]:
        """Order by line (in-memory values last), then section, key and message."""
        return (
            self.line is None,
            self.line or 0,
            self.section or "",
            self.key,
            self.message,
        )

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}: {self.message}"

    def __repr__(self) -> str:
        return (
            f"ConfigIssue(path={self.path!r}, line={self.line!r}, section={self.section!r}, "
            f"key={self.key!r}, message={self.message!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ConfigIssue):
            return NotImplemented
        return (self.path, self.line, self.section, self.key, self.message) == (
            other.path,
            other.line,
            other.section,
            other.key,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.path, self.line, self.section, self.key, self.message))
