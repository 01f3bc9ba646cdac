"""How big a prompt is: tokens, lines and bytes, so a user knows whether it fits a model.

Tokens come from a Hugging Face `tokenizer.json` when the user names one (config key
`tokenizer`, env `OSM_TOKENIZER`) and otherwise from `estimate_tokens`, a documented rule
that needs nothing installed. The `tokenizers` package is imported only when a file is
configured and text is first counted: `osm version` and every start-up never pay for it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from one_shot_man.errors import OsmError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from tokenizers import Tokenizer

    from one_shot_man.jsvalue import JSObject

__all__ = [
    "ESTIMATE",
    "Counter",
    "Measure",
    "TokenizerError",
    "byte_count",
    "configured_counter",
    "estimate_tokens",
    "line_count",
    "load_tokenizer",
    "measure",
    "tokenizer_json",
]

#: The counter's name when no tokenizer file is configured.
ESTIMATE = "estimate"

TOKENIZER_ENV = "OSM_TOKENIZER"
TOKENIZER_KEY = "tokenizer"

# The estimate's rules (see `estimate_tokens`) as one alternation: each match is one token,
# and a single findall in C counts a 100 KB prompt in about 10 ms.
_ESTIMATE_TOKEN = re.compile(
    r"[A-Za-z]{1,6}"  # up to 6 letters of a run
    r"|[0-9]{1,3}"  # up to 3 digits of a run
    r"|[^\sA-Za-z0-9]"  # any other visible character
    r"|\s{2,}|[^\S ]"  # a whitespace run other than one space
)


class TokenizerError(OsmError):
    """A configured tokenizer could not be used; the message names the file and why."""


def estimate_tokens(text: str) -> int:
    """Tokens as a BPE model for code and English would roughly count them, without one.

    The rule, close to what GPT-style tokenizers do with source code and prose:
    every run of ASCII letters costs one token per 6 letters (rounded up); every run of
    digits one per 3 digits; every other visible character (punctuation, symbols, any
    non-ASCII character) one; a single space is free (it joins the next word); any other
    whitespace run (a newline, indentation, two spaces) one.
    """
    return len(_ESTIMATE_TOKEN.findall(text))


def byte_count(text: str) -> int:
    """UTF-8 length; a lone surrogate (possible in a JS string) counts as U+FFFD would."""
    return len(text.encode("utf-8", "surrogatepass"))


def line_count(text: str) -> int:
    """Lines as an editor shows them: a final newline ends the last line, it starts none."""
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


class Measure:
    """What one text costs: `counter` is `estimate` or the tokenizer file's name."""

    __slots__ = ("bytes", "counter", "lines", "tokens")

    def __init__(self, tokens: int, lines: int, bytes: int, counter: str) -> None:
        self.tokens = tokens
        self.lines = lines
        self.bytes = bytes
        self.counter = counter

    @property
    def exact(self) -> bool:
        """True when the tokens come from a real tokenizer, not the estimate."""
        return self.counter != ESTIMATE

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Measure):
            return NotImplemented
        return (self.tokens, self.lines, self.bytes, self.counter) == (
            other.tokens,
            other.lines,
            other.bytes,
            other.counter,
        )

    def __repr__(self) -> str:
        return f"Measure({self.tokens}, {self.lines}, {self.bytes}, {self.counter!r})"


class Counter:
    """Counts tokens with one method: the estimate, or a loaded Hugging Face tokenizer."""

    __slots__ = ("_tokenizer", "name", "path")

    def __init__(
        self, tokenizer: Tokenizer | None = None, name: str = ESTIMATE, path: str = ""
    ) -> None:
        self._tokenizer = tokenizer
        self.name = name
        self.path = path

    def count(self, text: str) -> int:
        if self._tokenizer is None:
            return estimate_tokens(text)
        return len(self._tokenizer.encode(text, add_special_tokens=False).ids)

    def encode(self, text: str) -> list[tuple[int, str, int, int]]:
        """(id, value, start, end) per token; start/end are UTF-8 byte offsets."""
        if self._tokenizer is None:
            raise TokenizerError("the estimate has no tokens to list: configure a tokenizer")
        encoding = self._tokenizer.encode(text, add_special_tokens=False)
        to_bytes = _byte_offsets(text)
        return [
            (ident, value, to_bytes(start), to_bytes(end))
            for ident, value, (start, end) in zip(
                encoding.ids, encoding.tokens, encoding.offsets, strict=True
            )
        ]

    def measure(self, text: str) -> Measure:
        return Measure(self.count(text), line_count(text), byte_count(text), self.name)


def _byte_offsets(text: str) -> Callable[[int], int]:
    """A function from a character index of `text` to its UTF-8 byte offset."""
    if text.isascii():
        return lambda index: index
    positions = [0]
    for char in text:
        positions.append(positions[-1] + len(char.encode("utf-8")))
    return lambda index: positions[min(index, len(text))]


_ESTIMATOR = Counter()
_LOADED: dict[tuple[str, int, int], Counter] = {}


def _tokenizer_class() -> type[Tokenizer]:
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise TokenizerError(
            "the tokenizers package is not installed "
            "(pip install 'one_shot_man[tokenizer]', or unset the tokenizer setting)"
        ) from None
    return Tokenizer


def load_tokenizer(path: str) -> Counter:
    """A counter for the Hugging Face `tokenizer.json` at `path` (cached while unchanged)."""
    full = os.path.abspath(os.path.expanduser(path))
    try:
        info = os.stat(full)
    except OSError as exc:
        raise TokenizerError(f"tokenizer {path}: {(exc.strerror or str(exc)).lower()}") from None
    key = (full, info.st_mtime_ns, info.st_size)
    cached = _LOADED.get(key)
    if cached is not None:
        return cached
    tokenizer_class = _tokenizer_class()
    try:
        tokenizer = tokenizer_class.from_file(full)
    except Exception as exc:  # the binding raises plain Exception for a malformed file
        raise TokenizerError(f"tokenizer {path}: not a valid tokenizer.json: {exc}") from None
    counter = Counter(tokenizer, os.path.basename(full), full)
    _LOADED.clear()  # one configured file at a time: an edited file replaces the old one
    _LOADED[key] = counter
    return counter


def tokenizer_json(model: JSObject, pre_tokenizer: JSObject | None = None) -> str:
    """A whole Hugging Face tokenizer.json around a bare `model` (no normaliser, no decoder)."""
    import json

    return json.dumps(
        {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [],
            "normalizer": None,
            "pre_tokenizer": pre_tokenizer,
            "post_processor": None,
            "decoder": None,
            "model": model,
        }
    )


def counter_from_json(text: str, name: str = "tokenizer") -> Counter:
    """A counter for a whole `tokenizer.json` given as a string."""
    tokenizer_class = _tokenizer_class()
    try:
        return Counter(tokenizer_class.from_str(text), name)
    except Exception as exc:
        raise TokenizerError(f"not a valid tokenizer.json: {exc}") from None


#: Reads one global config option (`Config.get_global_option`, `Engine.config_option`).
Option = Callable[[str], "str | None"]


def configured_path(option: Option | None = None) -> str:
    """The tokenizer file the user chose: `$OSM_TOKENIZER`, else the config key, else ''."""
    value = os.environ.get(TOKENIZER_ENV, "")
    if not value and option is not None:
        value = option(TOKENIZER_KEY) or ""
    return value.strip()


def configured_counter(option: Option | None = None) -> Counter:
    """The configured tokenizer, or the estimate when none is set."""
    path = configured_path(option)
    return load_tokenizer(path) if path else _ESTIMATOR


def measure(text: str, option: Option | None = None) -> Measure:
    """Tokens (configured tokenizer or estimate), lines and UTF-8 bytes of `text`."""
    return configured_counter(option).measure(text)
