"""What every osm command is: a name, a one-line description, a usage line, flags, `execute`.

`Command` is a structural protocol so a plain class (or a test double) can be a command
without inheriting anything; `BaseCommand` is the convenient base the built-ins use.
The protocol is built on first access because `typing` costs a measurable share of
`osm version`'s start-up and only type checkers and `isinstance` checks need it.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol, TextIO

    from one_shot_man.command.flags import FlagSet

    class Command(Protocol):
        """An osm command: `osm <name> [flags] [args]`."""

        name: str
        description: str
        usage: str

        def setup_flags(self, flags: FlagSet) -> None: ...

        def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int: ...


__all__ = ["BaseCommand", "Command"]


class BaseCommand:
    """Holds name/description/usage; defines no flags; subclasses override `execute`.

    Commands write only to the streams they are given and report user errors by
    raising `OsmError` subclasses (the CLI prints `Error: <message>`), never by
    calling `sys.exit`.
    """

    name: str = ""
    description: str = ""
    usage: str = ""

    def __init__(self, name: str = "", description: str = "", usage: str = "") -> None:
        if name:
            self.name = name
        if description:
            self.description = description
        if usage:
            self.usage = usage

    def setup_flags(self, flags: FlagSet) -> None:
        """Define this command's flags on `flags` (default: none)."""

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        """Run the command; return the exit status (0 = success)."""
        raise NotImplementedError(f"command {self.name!r} does not implement execute")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


_protocol: type | None = None


def _make_protocol() -> type:
    from typing import Protocol, runtime_checkable

    @runtime_checkable
    class Command(Protocol):
        """An osm command: `osm <name> [flags] [args]`.

        `setup_flags(flags)` defines the command's flags before parsing;
        `execute(args, stdout, stderr)` runs it with the remaining arguments and
        returns the exit status. Errors the user can fix are raised as `OsmError`.
        """

        name: str
        description: str
        usage: str

        def setup_flags(self, flags: FlagSet) -> None: ...

        def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int: ...

    Command.__module__ = __name__
    return Command


def __getattr__(name: str) -> object:
    global _protocol
    if name == "Command":
        if _protocol is None:
            _protocol = _make_protocol()
        globals()["Command"] = _protocol
        return _protocol
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
