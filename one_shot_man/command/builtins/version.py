"""`osm version`: print the version (kept tiny: it is the start-up benchmark)."""

from one_shot_man import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.flags import FlagSet
    from one_shot_man.command.registry import Registry

__all__ = ["VersionCommand", "create"]


class VersionCommand:
    """Prints `one-shot-man version <version>`; arguments are ignored.

    A plain class (the `Command` protocol needs no base): not importing `command.base`
    keeps `osm version` at the module count it had before the `builtins` package existed.
    """

    name = "version"
    description = "Display version information"
    usage = "version"

    def __init__(self, version: str = __version__) -> None:
        self.version = version

    def setup_flags(self, flags: "FlagSet") -> None:
        """No flags."""

    def execute(self, args: list[str], stdout: "TextIO", stderr: "TextIO") -> int:
        stdout.write(f"one-shot-man version {self.version}\n")
        return 0


def create(registry: "Registry") -> VersionCommand:
    """Registry factory."""
    return VersionCommand()
