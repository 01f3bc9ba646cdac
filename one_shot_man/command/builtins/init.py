"""`osm init [-force]`: write a commented starter config file.

The file is written atomically (temp file, fsync, rename), so `-force` over an
existing config can never leave a half-written file behind.
"""

from __future__ import annotations

import os

from one_shot_man.command.base import BaseCommand
from one_shot_man.errors import CommandError, ConfigError, OsmError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.flags import Flag, FlagSet
    from one_shot_man.command.registry import Registry

__all__ = ["STARTER_CONFIG", "InitCommand", "create"]

_PROMPT_COLOURS = (
    ("input", "green"),
    ("prefix", "cyan"),
    ("suggestionText", "yellow"),
    ("suggestionBackground", "black"),
    ("selectedSuggestionText", "black"),
    ("selectedSuggestionBackground", "cyan"),
    ("descriptionText", "white"),
    ("descriptionBackground", "black"),
    ("selectedDescriptionText", "white"),
    ("selectedDescriptionBackground", "blue"),
    ("scrollbarThumb", "darkgray"),
    ("scrollbarBackground", "black"),
)

#: The starter configuration `osm init` writes.
STARTER_CONFIG = (
    "# one-shot-man (osm) configuration\n"
    "#\n"
    "# One option per line: the name, a space, then the value (the rest of the line).\n"
    "# Lines starting with '#' are comments. Options after a [command] header apply\n"
    "# only to that command; options before the first header are global.\n"
    "# Show the effective settings with: osm config --all\n"
    "\n"
    "# Global options\n"
    "verbose false\n"
    "color auto\n"
    "\n"
    "# Interactive prompt colours (optional): uncomment a line to change one role.\n"
    "# Colour names: black, darkred, darkgreen, brown, darkblue, purple, cyan, lightgray,\n"
    "#   darkgray, red, green, yellow, blue, fuchsia, turquoise, white\n"
    + "".join(f"# prompt.color.{role} {colour}\n" for role, colour in _PROMPT_COLOURS)
    + "\n"
    "# Options for single commands\n"
    "[help]\n"
    "pager less\n"
    "\n"
    "[version]\n"
    "format full\n"
)


class InitCommand(BaseCommand):
    """Creates the config file (and its directory) unless it exists or `-force` is given."""

    name = "init"
    description = "Initialize one-shot-man environment"
    usage = "init [options]"

    def __init__(self) -> None:
        super().__init__()
        self._force: Flag | None = None

    def setup_flags(self, flags: FlagSet) -> None:
        self._force = flags.bool(
            "force", False, "Force initialization even if config already exists"
        )

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        from one_shot_man.config import ensure_config_dir, get_config_path, load_from_path

        force = bool(self._force and self._force.value)
        try:
            path = get_config_path()
        except OsmError as exc:
            raise CommandError(f"failed to get config path: {exc}") from exc
        if os.path.isdir(path):
            # --force replaces a file, never a directory (and rename cannot anyway).
            raise CommandError(
                f"cannot write the config file {path}: a directory is in the way "
                "(move it, or point OSM_CONFIG at a file path)"
            )
        if not force and os.path.exists(path):
            stdout.write(f"Configuration already exists at: {path}\n")
            stdout.write("Use --force to overwrite existing configuration\n")
            return 0
        try:
            ensure_config_dir()
        except ConfigError as exc:
            raise CommandError(str(exc)) from exc
        from one_shot_man.storage.atomic import atomic_write_file

        try:
            atomic_write_file(path, STARTER_CONFIG.encode("utf-8"), 0o644)
        except (OsmError, OSError) as exc:
            raise CommandError(f"failed to write config file {path}: {exc}") from exc
        try:
            written = load_from_path(path)
        except OsmError as exc:
            stderr.write(f"Warning: Failed to load created config: {exc}\n")
        else:
            verbose = written.get_global_option("verbose")
            if verbose is not None:
                stdout.write(f"Created configuration with verbose={verbose}\n")
            pager = written.get_command_option("help", "pager")
            if pager is not None:
                stdout.write(f"Help command will use pager: {pager}\n")
        stdout.write(f"Initialized one-shot-man configuration at: {path}\n")
        return 0


def create(registry: Registry) -> InitCommand:
    """Registry factory."""
    return InitCommand()
