"""Token, line and byte counts: the documented estimate and a real tokenizer.json."""

from __future__ import annotations

import json
import os
import sys

import pytest

from one_shot_man import tokencount
from one_shot_man.tokencount import (
    TokenizerError,
    byte_count,
    estimate_tokens,
    line_count,
    load_tokenizer,
    measure,
)
from tests.copysummary_support import whitespace_tokens, write_tokenizer


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("", 0),
        ("hello", 1),  # a run of up to 6 letters is one token
        ("hello world", 2),  # a single space joins the next word: free
        ("abcdefghijklm", 3),  # 13 letters: one token per 6, rounded up
        ("1234567", 3),  # digits: one per 3
        ("x1", 2),  # letters and digits are separate runs
        ("a.b(c);", 7),  # every other visible character is one
        ("é", 1),  # so is any non-ASCII character
        ("日本語", 3),
        ("a\nb", 3),  # a newline is one
        ("a\n    b", 3),  # a newline and its indentation are one whitespace run
        ("a  b", 3),  # two spaces are one run
        ("def f(x):\n    return x + 1\n", 12),  # def f ( x ) : \n____ return x + 1 \n
    ],
)
def test_estimate_follows_its_documented_rules(text: str, tokens: int) -> None:
    assert estimate_tokens(text) == tokens


def test_estimate_is_in_the_range_of_real_tokenizers_for_code() -> None:
    """BPE tokenizers give source code roughly 3 to 4.5 bytes per token."""
    code = (
        "def build_context(items, options):\n"
        "    result = []\n"
        "    for item in items:\n"
        '        if item.get("type") == "file":\n'
        "            result.append(read_file(item['label']))\n"
        "    return '\\n'.join(result)\n"
    ) * 20
    ratio = len(code.encode()) / estimate_tokens(code)
    assert 2.5 < ratio < 5


@pytest.mark.parametrize(
    ("text", "lines"), [("", 0), ("a", 1), ("a\n", 1), ("a\nb", 2), ("a\nb\n", 2), ("\n\n", 2)]
)
def test_lines_are_counted_as_an_editor_shows_them(text: str, lines: int) -> None:
    assert line_count(text) == lines


def test_bytes_are_utf8_and_survive_lone_surrogates() -> None:
    assert byte_count("aé日😀") == 1 + 2 + 3 + 4
    assert byte_count("\ud800") == 3  # as U+FFFD would be


def test_without_a_tokenizer_the_estimate_is_used_and_named() -> None:
    figures = measure("hello world\n")
    assert (figures.tokens, figures.lines, figures.bytes) == (3, 1, 12)
    assert figures.counter == "estimate" and not figures.exact


def test_a_configured_tokenizer_file_counts(tmp_path) -> None:
    pytest.importorskip("tokenizers")
    path = write_tokenizer(tmp_path / "tokenizer.json")
    text = "the quick, brown fox.\nthe end"
    figures = measure(text, {"tokenizer": str(path)}.get)
    assert figures.tokens == whitespace_tokens(text) == 8
    assert figures.counter == "tokenizer.json" and figures.exact
    assert (figures.lines, figures.bytes) == (2, len(text))


def test_the_environment_overrides_the_config(tmp_path, monkeypatch) -> None:
    pytest.importorskip("tokenizers")
    env_file = write_tokenizer(tmp_path / "from-env.json")
    monkeypatch.setenv("OSM_TOKENIZER", str(env_file))
    figures = measure("a b", {"tokenizer": str(tmp_path / "missing.json")}.get)
    assert figures.counter == "from-env.json"


def test_a_tokenizer_is_loaded_once_and_reloaded_when_the_file_changes(tmp_path) -> None:
    pytest.importorskip("tokenizers")
    path = write_tokenizer(tmp_path / "t.json")
    first = load_tokenizer(str(path))
    assert load_tokenizer(str(path)) is first
    data = json.loads(path.read_text())
    data["pre_tokenizer"] = None  # now the whole text is one word
    path.write_text(json.dumps(data))
    os.utime(path, ns=(1, 1))
    second = load_tokenizer(str(path))
    assert second is not first and second.count("a b c") == 1


def test_encode_gives_ids_values_and_utf8_byte_offsets(tmp_path) -> None:
    pytest.importorskip("tokenizers")
    counter = load_tokenizer(str(write_tokenizer(tmp_path / "t.json")))
    assert counter.encode("é the") == [(0, "[UNK]", 0, 2), (1, "the", 3, 6)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(None, "no such file or directory"), ("{not json", "not a valid tokenizer.json: ")],
)
def test_a_bad_tokenizer_file_is_one_clear_error(tmp_path, content, reason) -> None:
    path = tmp_path / "tok.json"
    if content is not None:
        pytest.importorskip("tokenizers")
        path.write_text(content)
    with pytest.raises(TokenizerError) as info:
        load_tokenizer(str(path))
    assert str(info.value).startswith(f"tokenizer {path}: {reason}")
    assert "\n" not in str(info.value)


def test_without_the_tokenizers_package_the_error_says_how_to_install_it(
    tmp_path, monkeypatch
) -> None:
    path = write_tokenizer(tmp_path / "t.json")
    monkeypatch.setitem(sys.modules, "tokenizers", None)  # import now fails
    monkeypatch.setattr(tokencount, "_LOADED", {})
    with pytest.raises(TokenizerError, match=r"pip install 'one_shot_man\[tokenizer\]'"):
        load_tokenizer(str(path))


def test_the_estimate_has_no_tokens_to_list() -> None:
    with pytest.raises(TokenizerError):
        tokencount.Counter().encode("x")
