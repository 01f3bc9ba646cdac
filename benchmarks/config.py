"""Configuration loading (the seed's ConfigLoading group) and a growth curve.

`time_config_validation` really validates (the Go benchmark of that name only set
three options); the Go case is kept as `time_config_set_session_options`.
"""

from __future__ import annotations

import io
import os

from benchmarks import instructions
from benchmarks.common import (
    CONFIG_FOUR_LINES,
    BatchedBenchmark,
    TempDirBenchmark,
    config_text,
    process_home,
    require,
)

try:
    from one_shot_man.config import Config, get_config_path, load_from_reader
except ImportError:
    Config = None

TEN_LINE_CONFIG = (
    "# osm configuration\n"
    "verbose false\n"
    "color auto\n"
    "script.autodiscovery true\n"
    "goal.paths ~/goals\n"
    "[help]\n"
    "pager less\n"
    "[sessions]\n"
    "maxAgeDays 30\n"
    "maxCount 50\n"
)


# Inputs, built once per process (see BatchedBenchmark).
if Config is not None:
    os.environ["OSM_CONFIG"] = str(process_home() / "config")
    CONFIG = Config()
    CONFIG.set_global_option("test-key", "test-value")
    CONFIG.set_command_option("test-command", "flag", "value")
    READER = io.StringIO(CONFIG_FOUR_LINES)
    TO_VALIDATE = load_from_reader(TEN_LINE_CONFIG + "verbos true\n[help]\npagr x\n")


def _get() -> None:
    CONFIG.get_global_option("test-key")
    CONFIG.get_command_option("test-command", "flag")


def _set() -> None:
    Config().set_global_option("key", "value")


def _load_from_reader() -> None:
    READER.seek(0)
    load_from_reader(READER)


class ConfigLoading(BatchedBenchmark):
    version = "2"

    def time_new_config(self) -> None:
        Config()

    def peakmem_new_config(self) -> None:
        Config()

    def time_config_option_get(self) -> None:
        _get()

    def peakmem_config_option_get(self) -> None:
        _get()

    def time_config_option_set(self) -> None:
        _set()

    def peakmem_config_option_set(self) -> None:
        _set()

    def time_config_load_from_reader(self) -> None:
        _load_from_reader()

    def peakmem_config_load_from_reader(self) -> None:
        _load_from_reader()

    def time_config_load_ten_lines(self) -> None:
        load_from_reader(TEN_LINE_CONFIG)

    def time_config_path_resolution(self) -> None:
        get_config_path()

    def peakmem_config_path_resolution(self) -> None:
        get_config_path()

    def time_config_validation(self) -> None:
        TO_VALIDATE.validate()

    def peakmem_config_validation(self) -> None:
        TO_VALIDATE.validate()

    def time_config_set_session_options(self) -> None:
        config = Config()
        config.set_global_option("max-age-days", "90")
        config.set_global_option("max-count", "100")
        config.set_global_option("auto-cleanup-enabled", "true")

    # Instruction counts of every case above (Callgrind; see benchmarks/instructions.py).
    # Path resolution stats the config file: the system call is not counted, its user side is.
    track_new_config_instructions = instructions.mirror("time_new_config", version="1", calls=50)
    track_config_option_get_instructions = instructions.mirror(
        "time_config_option_get", version="1", calls=50
    )
    track_config_option_set_instructions = instructions.mirror(
        "time_config_option_set", version="1", calls=50
    )
    track_config_load_from_reader_instructions = instructions.mirror(
        "time_config_load_from_reader", version="1", calls=20
    )
    track_config_load_ten_lines_instructions = instructions.mirror(
        "time_config_load_ten_lines", version="1", calls=20
    )
    track_config_path_resolution_instructions = instructions.mirror(
        "time_config_path_resolution", version="1", calls=50
    )
    track_config_validation_instructions = instructions.mirror(
        "time_config_validation", version="1", calls=20
    )
    track_config_set_session_options_instructions = instructions.mirror(
        "time_config_set_session_options", version="1", calls=50
    )


class ConfigGrowth(TempDirBenchmark):
    """Parsing cost per config size: global options, plus sections of ten options each."""

    version = "1"
    params = [10, 100, 1000]
    param_names = ["lines"]

    def setup(self, lines: int) -> None:
        require("one_shot_man.config", "Config", "load_from_reader")
        super().setup(lines)
        self.text = config_text(lines // 2, lines // 20, 10)

    def time_load_from_reader(self, lines: int) -> None:
        load_from_reader(self.text)

    def time_validate(self, lines: int) -> None:
        load_from_reader(self.text).validate()

    # Instruction counts (Callgrind; see benchmarks/instructions.py).
    track_load_from_reader_instructions = instructions.mirror(
        "time_load_from_reader", version="1", calls={10: 20, 100: 10, 1000: 3}
    )
    track_validate_instructions = instructions.mirror(
        "time_validate", version="1", calls={10: 20, 100: 10, 1000: 3}
    )
