"""The command registry (the seed's CommandExecution group)."""

from __future__ import annotations

from benchmarks import instructions
from benchmarks.common import BatchedBenchmark

try:
    from one_shot_man.command import BaseCommand, Registry
    from one_shot_man.config import Config
except ImportError:
    Registry = None


if Registry is not None:
    COMMAND = BaseCommand("bench-command", "A benchmark command", "bench-command")


def _register() -> None:
    Registry(Config()).register(COMMAND)


class CommandExecution(BatchedBenchmark):
    """`Registry(Config())` plus one registration, as the Go benchmark (see BatchedBenchmark)."""

    version = "2"

    def time_command_registration(self) -> None:
        _register()

    def peakmem_command_registration(self) -> None:
        _register()

    # Instruction count (Callgrind; see benchmarks/instructions.py).
    track_command_registration_instructions = instructions.mirror(
        "time_command_registration", version="1", calls=50
    )
