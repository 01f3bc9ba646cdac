"""`osm:tokenizer`: token, line and byte counts for scripts, and Hugging Face tokenizers.

The API is the Go original's later one: `tokenize`/`count` use the built-in
character-level tokenizer (one token per code point, its id the code point, offsets in
UTF-8 bytes), `byteCount`/`lineCount` measure text, and the `load*` functions return an
object with `encode(text)` and `count(text)` over a real tokenizer. osm adds `estimate`
and `measure`, which give the figures of the copy summary (configured tokenizer or the
estimate). Loading uses the optional `tokenizers` package, imported on first load only.
"""

from __future__ import annotations

from collections.abc import Callable

from one_shot_man.scripting.bridge import HostError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from typing import Any

    from one_shot_man.scripting.engine import Engine
    from one_shot_man.tokencount import Counter

JS = r"""(function (module, exports, osm) {
'use strict';
function s(args, i) {
  const v = args.length > i ? args[i] : undefined;
  return v === undefined || v === null ? '' : String(v);
}
function utf8Width(cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }
function charTokens(text) {
  const tokens = [];
  let offset = 0;
  for (const ch of text) {
    let id = ch.codePointAt(0), value = ch;
    if (id >= 0xD800 && id <= 0xDFFF) { id = 0xFFFD; value = '\uFFFD'; }  // as UTF-8 would
    const end = offset + utf8Width(id);
    tokens.push({id: id, value: value, offsets: [offset, end]});
    offset = end;
  }
  return {tokens: tokens, count: tokens.length};
}
function charCount(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
function wrap(handle, what) {
  return {
    encode(...a) {
      const r = osm.call('tokenizer.encode', handle, s(a, 0));
      return {count: r.length, tokens: r.map(function (t) {
        return {id: t[0], value: t[1], offsets: [t[2], t[3]]};
      })};
    },
    count(...a) {
      try { return osm.call('tokenizer.count', handle, s(a, 0)); } catch (_) { return -1; }
    },
    toString() { return '[tokenizer ' + what + ']'; },
  };
}
function loader(name, op, arity) {
  return function (...a) {
    const args = [];
    for (let i = 0; i < arity; i++) args.push(s(a, i));
    return wrap(osm.call(op, name, ...args), name);
  };
}
exports.tokenize = function tokenize(...a) { return charTokens(s(a, 0)); };
exports.count = function count(...a) { return charCount(s(a, 0)); };
exports.byteCount = function byteCount(...a) { return osm.call('tokenizer.bytes', s(a, 0)); };
exports.lineCount = function lineCount(...a) { return osm.call('tokenizer.lines', s(a, 0)); };
exports.estimate = function estimate(...a) { return osm.call('tokenizer.estimate', s(a, 0)); };
exports.measure = function measure(...a) { return osm.call('tokenizer.measure', s(a, 0)); };
exports.loadFromFile = loader('loadFromFile', 'tokenizer.loadFile', 1);
exports.loadFromJSON = loader('loadFromJSON', 'tokenizer.loadJSON', 1);
exports.loadBPEFromFiles = loader('loadBPEFromFiles', 'tokenizer.loadBPE', 2);
exports.loadWordPieceFromJSON = loader('loadWordPieceFromJSON', 'tokenizer.loadWordPiece', 1);
exports.loadWordLevelFromJSON = loader('loadWordLevelFromJSON', 'tokenizer.loadWordLevel', 1);
})
"""


def _fail(what: str, exc: Exception) -> HostError:
    return HostError(f"{what}: {exc}")


def _vocab(text: str) -> dict[str, int]:
    """A `{token: id}` vocabulary from JSON; raises ValueError saying what is wrong."""
    import json

    try:
        vocab = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"vocabulary is not JSON: {exc}") from None
    if not isinstance(vocab, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and v >= 0
        for k, v in vocab.items()
    ):
        raise ValueError("vocabulary must be a JSON object of token -> non-negative integer id")
    return vocab


def _merges(text: str) -> list[list[str]]:
    """BPE merges as `a b` lines (a `#version` header and blank lines are skipped)."""
    merges: list[list[str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or (number == 1 and line.startswith("#")):
            continue
        parts = line.split(" ")
        if len(parts) != 2 or not all(parts):
            raise ValueError(f"merges line {number}: expected two tokens separated by a space")
        merges.append(parts)
    return merges


# C901 counts the closures below as one function: each host operation is 1-3 branches.
def ops(engine: Engine) -> dict[str, Callable[..., Any]]:  # noqa: C901
    from one_shot_man import tokencount

    loaded: list[Counter] = []  # handles are indexes; an engine loads few tokenizers

    def keep(counter: Counter) -> int:
        loaded.append(counter)
        return len(loaded) - 1

    def loader(load: Callable[[str], Counter], needs: str) -> Callable[[str, str], int]:
        def run(what: str, source: str) -> int:
            if not source:
                raise HostError(f"{what}: {needs} is required")
            try:
                return keep(load(source))
            except tokencount.TokenizerError as exc:
                raise _fail(what, exc) from None

        return run

    from_json = loader(tokencount.counter_from_json, "json string")
    load_file = loader(tokencount.load_tokenizer, "path")

    def model_loader(kind: str, **settings: Any) -> Callable[[str, str], int]:
        def load(what: str, text: str) -> int:
            if not text:
                raise HostError(f"{what}: json string is required")
            try:
                model = {"type": kind, "vocab": _vocab(text), **settings}
            except ValueError as exc:
                raise _fail(what, exc) from None
            return from_json(what, tokencount.tokenizer_json(model))

        return load

    def load_bpe(what: str, vocab: str, merges: str) -> int:
        if not vocab:
            raise HostError(f"{what}: vocab JSON is required")
        try:
            model = {"type": "BPE", "vocab": _vocab(vocab), "merges": _merges(merges)}
        except ValueError as exc:
            raise _fail(what, exc) from None
        return from_json(what, tokencount.tokenizer_json(model))

    def counter(handle: int) -> Counter:
        if not isinstance(handle, int) or not 0 <= handle < len(loaded):
            raise HostError("tokenizer handle is not valid")
        return loaded[handle]

    def encode(handle: int, text: str) -> list[tuple[int, str, int, int]]:
        try:
            return counter(handle).encode(text)
        except Exception as exc:
            raise _fail("encode", exc) from None

    def measure(text: str) -> dict[str, Any]:
        try:
            m = tokencount.measure(text, engine.config_option)
        except tokencount.TokenizerError as exc:
            raise _fail("measure", exc) from None
        return {
            "tokens": m.tokens,
            "lines": m.lines,
            "bytes": m.bytes,
            "counter": m.counter,
            "exact": m.exact,
        }

    return {
        "tokenizer.bytes": tokencount.byte_count,
        "tokenizer.lines": tokencount.line_count,
        "tokenizer.estimate": tokencount.estimate_tokens,
        "tokenizer.measure": measure,
        "tokenizer.loadFile": load_file,
        "tokenizer.loadJSON": from_json,
        "tokenizer.loadBPE": load_bpe,
        # The Hugging Face defaults of each model (WordPiece as BERT uses it).
        "tokenizer.loadWordPiece": model_loader(
            "WordPiece",
            unk_token="[UNK]",
            continuing_subword_prefix="##",
            max_input_chars_per_word=100,
        ),
        "tokenizer.loadWordLevel": model_loader("WordLevel", unk_token="<unk>"),
        "tokenizer.encode": encode,
        "tokenizer.count": lambda handle, text: counter(handle).count(text),
    }
