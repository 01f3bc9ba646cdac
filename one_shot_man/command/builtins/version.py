"""`osm version`: print the version (kept tiny: it is the start-up benchmark)."""

from __future__ import annotations

from one_shot_man import __version__
from one_shot_man.command.base import BaseCommand

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.registry import Registry

__all__ = ["VersionCommand", "create"]


class VersionCommand(BaseCommand):
    """Prints `one-shot-man version <version>`; arguments are ignored."""

    name = "version"
    description = "Display version information"
    usage = "version"

    def __init__(self, version: str = __version__) -> None:
        super().__init__()
        self.version = version

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        stdout.write(f"one-shot-man version {self.version}\n")
        return 0


def create(registry: Registry) -> VersionCommand:
    """Registry factory."""
    return VersionCommand()
