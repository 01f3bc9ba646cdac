"""`osm tokenize [FILE ...]`: the copy summary's figures for files or standard input.

Before pasting a prompt a user asks "does it fit the model?": this answers with the
same tokens, lines and size that every `copy` prints, from the configured tokenizer
(`tokenizer` / `$OSM_TOKENIZER`, or `-tokenizer FILE`) or else the documented estimate.
"""

from __future__ import annotations

import sys

from one_shot_man.command.base import BaseCommand
from one_shot_man.errors import CommandError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO, TextIO

    from one_shot_man.command.flags import Flag, FlagSet
    from one_shot_man.command.registry import Registry
    from one_shot_man.config import Config

__all__ = ["TokenizeCommand", "create"]

STDIN_NAME = "(stdin)"


class TokenizeCommand(BaseCommand):
    """One `NAME │ figures │` line per input, and a `total` line for several files."""

    name = "tokenize"
    description = "Count the tokens, lines and bytes of files (or standard input)"
    usage = "tokenize [options] [file ...]"

    def __init__(self, config: Config | None = None, stdin: BinaryIO | None = None) -> None:
        super().__init__()
        self.config = config
        self.stdin = stdin
        self._tokenizer: Flag | None = None
        self._quiet: Flag | None = None

    def setup_flags(self, flags: FlagSet) -> None:
        self._tokenizer = flags.string(
            "tokenizer", "", "Hugging Face tokenizer.json to count with (default: the config's)"
        )
        self._quiet = flags.bool("quiet", False, "Print only the token count")

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        from one_shot_man import tokencount
        from one_shot_man.sizeformat import measure_text

        chosen = str(self._tokenizer.value) if self._tokenizer else ""
        try:
            if chosen:
                counter = tokencount.load_tokenizer(chosen)
            else:
                option = self.config.get_global_option if self.config is not None else None
                counter = tokencount.configured_counter(option)
        except tokencount.TokenizerError as exc:
            raise CommandError(str(exc)) from None
        inputs = [(name, self._read_file(name)) for name in args] or [
            (STDIN_NAME, self._read_stdin())
        ]
        measures = [(name, counter.measure(text)) for name, text in inputs]
        if len(measures) > 1:
            total = tokencount.Measure(
                sum(m.tokens for _, m in measures),
                sum(m.lines for _, m in measures),
                sum(m.bytes for _, m in measures),
                counter.name,
            )
            measures.append(("total", total))
        quiet = bool(self._quiet and self._quiet.value)
        for name, figures in measures:
            if not quiet:
                stdout.write(f"{name} \u2502 {measure_text(figures)} \u2502\n")
            elif len(measures) == 1:
                stdout.write(f"{figures.tokens}\n")
            else:
                stdout.write(f"{figures.tokens}\t{name}\n")
        return 0

    @staticmethod
    def _read_file(path: str) -> str:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except IsADirectoryError:
            raise CommandError(f"tokenize {path}: is a directory") from None
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise CommandError(f"tokenize {path}: {reason}") from None
        return data.decode("utf-8", "replace")

    def _read_stdin(self) -> str:
        stream = self.stdin if self.stdin is not None else getattr(sys.stdin, "buffer", None)
        if stream is None:
            return sys.stdin.read()
        return stream.read().decode("utf-8", "replace")


def create(registry: Registry) -> TokenizeCommand:
    """Registry factory."""
    return TokenizeCommand(registry.config)
