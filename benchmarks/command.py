"""The command registry (the seed's CommandExecution group)."""

from __future__ import annotations

from benchmarks.common import TempDirBenchmark

try:
    from one_shot_man.command import BaseCommand, Registry
    from one_shot_man.config import Config
except ImportError:
    Registry = None


class CommandExecution(TempDirBenchmark):
    """`Registry(Config())` plus one registration, as the Go benchmark."""

    version = "1"

    def setup(self) -> None:
        if Registry is None:
            raise NotImplementedError("this commit has no command registry")
        super().setup()
        self.command = BaseCommand("bench-command", "A benchmark command", "bench-command")

    def _register(self) -> None:
        Registry(Config()).register(self.command)

    def time_command_registration(self) -> None:
        self._register()

    def peakmem_command_registration(self) -> None:
        self._register()
