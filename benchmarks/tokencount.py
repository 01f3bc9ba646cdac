"""How long the copy summary takes to count a prompt: the estimate and a real tokenizer.

Every `copy` counts the whole prompt before it prints its summary line, so this is time a
user waits on each copy. The prompt is 100 KB of source files in txtar form (what a
code review with a few dozen files copies). The tokenizer case uses a small WordLevel
tokenizer.json written in `setup` (no model can be downloaded here); it measures the
`tokenizers` call path, not the speed of a large BPE vocabulary.
"""

from __future__ import annotations

from benchmarks import instructions
from benchmarks.common import TempDirBenchmark, require, source_tree

PROMPT_BYTES = 100_000


def prompt_text() -> str:
    """100 KB of txtar: 25 files of 4 KB (fixed inputs: never altered, only appended to)."""
    parts = [f"-- {path} --\n{text}" for path, text in source_tree(25, 4000)]
    return "".join(parts)[:PROMPT_BYTES]


class PromptCounting(TempDirBenchmark):
    """`measure` of a 100 KB prompt: tokens, lines and bytes, as each copy computes them."""

    version = "1"
    params = ["estimate", "tokenizer"]
    param_names = ["counter"]

    def setup(self, counter: str) -> None:
        super().setup(counter)
        tokencount = require("one_shot_man.tokencount", "measure", "tokenizer_json")
        self.measure = tokencount.measure
        self.text = prompt_text()
        self.option = {}.get
        if counter == "tokenizer":
            try:
                import tokenizers  # noqa: F401
            except ImportError:
                raise NotImplementedError("the tokenizers package is not installed") from None
            path = self.tmpdir / "tokenizer.json"
            model = {"type": "WordLevel", "vocab": {"[UNK]": 0, "def": 1}, "unk_token": "[UNK]"}
            whitespace = {"type": "Whitespace"}
            path.write_text(tokencount.tokenizer_json(model, whitespace), encoding="utf-8")
            self.option = {"tokenizer": str(path)}.get
            self.measure(self.text, self.option)  # loaded once, as after the first copy

    def time_count_prompt(self, counter: str) -> None:
        self.measure(self.text, self.option)

    def peakmem_count_prompt(self, counter: str) -> None:
        self.measure(self.text, self.option)

    # Instruction count (Callgrind; see benchmarks/instructions.py).
    track_count_prompt_instructions = instructions.mirror("time_count_prompt", version="1", calls=3)
