"""An executable found in a script directory, run as `osm <name> [args...]` (spec 2.3).

The script inherits stdin and, when the command's streams are real files, stdout and
stderr, so interactive scripts and pipes behave as if run directly. Its exit status is
returned unchanged (the Go original collapses every failure to 1, which hides the
script's own meaning of its codes).
"""

from __future__ import annotations

import sys

from one_shot_man.command.base import BaseCommand
from one_shot_man.errors import CommandError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

__all__ = ["ExecutableScriptCommand"]


def _fileno(stream: TextIO) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


class ExecutableScriptCommand(BaseCommand):
    """Runs the file at `path`; defines no flags, so `osm <name> -h` shows osm's usage."""

    def __init__(self, name: str, path: str) -> None:
        super().__init__(name, f"Script command: {name}", f"{name} [options] [args...]")
        self.path = path

    def argv(self, args: list[str]) -> list[str]:
        """The process arguments: the file itself, or `cmd /c` for Windows batch files."""
        if sys.platform == "win32" and self.path.lower().endswith((".bat", ".cmd")):
            return ["cmd", "/c", self.path, *args]
        return [self.path, *args]

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        """Run the script and return its exit status (128+N when killed by signal N)."""
        import subprocess

        out_fd = _fileno(stdout)
        err_fd = _fileno(stderr)
        for stream in (stdout, stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        try:
            proc = subprocess.Popen(
                self.argv(args),
                stdout=out_fd if out_fd is not None else subprocess.PIPE,
                stderr=err_fd if err_fd is not None else subprocess.PIPE,
            )
        except OSError as exc:
            raise CommandError(f"failed to run script {self.path}: {exc.strerror or exc}") from exc
        try:
            captured_out, captured_err = proc.communicate()
        except KeyboardInterrupt:
            proc.wait()
            raise
        if captured_out:
            stdout.write(captured_out.decode("utf-8", "replace"))
        if captured_err:
            stderr.write(captured_err.decode("utf-8", "replace"))
        code = proc.returncode
        if code < 0:
            return 128 - code
        return code

    def __repr__(self) -> str:
        return f"ExecutableScriptCommand(name={self.name!r}, path={self.path!r})"
