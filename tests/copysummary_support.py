"""What the copy summary must say, worked out independently of the code that prints it.

The token figure of the estimate comes from `estimate_tokens` (its rules are tested on
their own in tests/tokencount/test_tokencount.py); lines and bytes are counted here. The
tokenizer file is a WordLevel model behind a Whitespace pre-tokenizer, so its token count
is the number of `\\w+` and `[^\\w\\s]+` pieces, which this module counts independently.
"""

from __future__ import annotations

import re
from pathlib import Path

BAR, DOT = "\u2502", "\u00b7"


def write_tokenizer(path: Path) -> Path:
    """A tiny but real Hugging Face tokenizer.json (every unknown word is `[UNK]`)."""
    from one_shot_man.tokencount import tokenizer_json

    model = {"type": "WordLevel", "vocab": {"[UNK]": 0, "the": 1, "a": 2}, "unk_token": "[UNK]"}
    path.write_text(tokenizer_json(model, {"type": "Whitespace"}), encoding="utf-8")
    return path


def whitespace_tokens(text: str) -> int:
    """Tokens the file from `write_tokenizer` gives `text`."""
    return len(re.findall(r"\w+|[^\w\s]+", text))


def _n(n: int, noun: str) -> str:
    figure = f"{n:,}" if n < 10_000 else f"{n / 1000:.1f}k"
    return f"{figure} {noun}" + ("" if n == 1 else "s")


def expected_summary(
    text: str, where: str, verb: str = "Copied", tokenizer: Path | None = None
) -> str:
    """The exact summary line for copying `text` (estimate, or the file from `write_tokenizer`)."""
    from one_shot_man.tokencount import estimate_tokens

    if tokenizer is None:
        tokens, counter = estimate_tokens(text), "estimate"
    else:
        tokens, counter = whitespace_tokens(text), tokenizer.name
    lines = text.count("\n") + (0 if not text or text.endswith("\n") else 1)
    size = len(text.encode("utf-8"))
    size_text = f"{size} B" if size < 1024 else f"{size / 1024:.1f} kB"
    figures = f"{_n(tokens, 'token')} ({counter}) {DOT} {_n(lines, 'line')} {DOT} {size_text}"
    line = f"{verb} {BAR} {figures} {BAR}"
    return f"{line} {where}" if where else line
