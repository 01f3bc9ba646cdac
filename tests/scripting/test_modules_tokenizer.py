"""`osm:tokenizer` and `osm:format` from JavaScript (the Go original's later API)."""

from __future__ import annotations

import json

import pytest

from tests.copysummary_support import whitespace_tokens, write_tokenizer
from tests.scripting.support import js, js_engine, printed


@pytest.fixture
def engine(request):
    setup = "var T = require('osm:tokenizer'), F = require('osm:format');"
    with js_engine(f"tok-{request.node.name}", setup) as eng:
        yield eng


def test_tokenize_is_one_token_per_code_point_with_utf8_offsets(engine) -> None:
    assert js(engine, "T.tokenize('hé😀')") == {
        "count": 3,
        "tokens": [
            {"id": 104, "value": "h", "offsets": [0, 1]},
            {"id": 233, "value": "é", "offsets": [1, 3]},
            {"id": 0x1F600, "value": "😀", "offsets": [3, 7]},
        ],
    }
    assert js(engine, "T.tokenize('\\ud800x').tokens[0]") == {
        "id": 0xFFFD,
        "value": "\ufffd",
        "offsets": [0, 3],
    }
    assert js(engine, "T.tokenize()") == {"count": 0, "tokens": []}


def test_counts(engine) -> None:
    assert js(engine, "[T.count('hé😀'), T.count(''), T.count(null)]") == [3, 0, 0]
    assert js(engine, "[T.byteCount('aé日😀'), T.byteCount()]") == [10, 0]
    assert js(engine, "[T.lineCount(''), T.lineCount('a'), T.lineCount('a\\nb\\n')]") == [0, 1, 2]
    assert js(engine, "T.estimate('hello world')") == 2


def test_measure_gives_the_copy_summary_figures(engine, tmp_path, monkeypatch) -> None:
    text = "the quick, brown fox.\\nthe end\\n"
    assert js(engine, f"T.measure('{text}')") == {
        "tokens": 10,  # the quick , brown fox . \\n the end \\n
        "lines": 2,
        "bytes": 30,
        "counter": "estimate",
        "exact": False,
    }
    pytest.importorskip("tokenizers")
    tok = write_tokenizer(tmp_path / "tok.json")
    monkeypatch.setenv("OSM_TOKENIZER", str(tok))
    measured = js(engine, f"T.measure('{text}')")
    assert measured["tokens"] == whitespace_tokens("the quick, brown fox.\nthe end\n") == 8
    assert (measured["counter"], measured["exact"]) == ("tok.json", True)


def test_load_from_file_and_json(engine, tmp_path) -> None:
    pytest.importorskip("tokenizers")
    tok = write_tokenizer(tmp_path / "tok.json")
    lines = printed(
        engine,
        f"var t = T.loadFromFile({json.dumps(str(tok))});"
        f" var u = T.loadFromJSON({json.dumps(tok.read_text())});"
        " show(t.encode('the cat')); show([t.count('the cat.'), u.count('a a a')]);",
    )
    assert json.loads(lines[0]) == {
        "count": 2,
        "tokens": [
            {"id": 1, "value": "the", "offsets": [0, 3]},
            {"id": 0, "value": "[UNK]", "offsets": [4, 7]},
        ],
    }
    assert json.loads(lines[1]) == [3, 3]


def test_model_loaders(engine) -> None:
    pytest.importorskip("tokenizers")
    vocab = json.dumps({"a": 0, "b": 1, "ab": 2, "[UNK]": 3, "<unk>": 4, "##b": 5})
    assert js(
        engine, f"T.loadBPEFromFiles('{vocab}', '#version: 0.2\\na b\\n').encode('abab')"
    ) == {
        "count": 2,
        "tokens": [
            {"id": 2, "value": "ab", "offsets": [0, 2]},
            {"id": 2, "value": "ab", "offsets": [2, 4]},
        ],
    }
    assert js(engine, f"T.loadWordPieceFromJSON('{vocab}').encode('ab').tokens") == [
        {"id": 2, "value": "ab", "offsets": [0, 2]}
    ]
    assert js(engine, f"T.loadWordLevelFromJSON('{vocab}').count('zz')") == 1  # <unk>


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("T.loadFromFile('')", "Error: loadFromFile: path is required"),
        ("T.loadFromFile('/no/such.json')", "Error: loadFromFile: tokenizer /no/such.json: no such file or directory"),
        ("T.loadFromJSON('')", "Error: loadFromJSON: json string is required"),
        ("T.loadWordLevelFromJSON('[1]')", "Error: loadWordLevelFromJSON: vocabulary must be a JSON object of token -> non-negative integer id"),
        ("T.loadBPEFromFiles('{}', 'a b c')", "Error: loadBPEFromFiles: merges line 1: expected two tokens separated by a space"),
    ],
)  # fmt: skip
def test_load_errors_are_thrown_with_the_function_name(engine, call, message) -> None:
    pytest.importorskip("tokenizers")
    assert printed(engine, f"try {{ {call}; }} catch (e) {{ output.print(String(e)); }}") == [
        message
    ]


def test_format_module(engine) -> None:
    assert js(
        engine,
        "[F.formatNum(1234), F.formatNum(50000), F.formatNum(), F.formatNum(NaN),"
        " F.formatNum(-3), F.formatNum(9999.9), F.formatNum('12')]",
    ) == ["1,234", "50.0k", "0", "0", "0", "9,999", "12"]
    assert js(engine, "[F.formatBytes(2048), F.formatBytes(100), F.formatBytes(null)]") == [
        "2.0 kB",
        "100 B",
        "0 B",
    ]


def test_modules_load_no_tokenizer_package_until_one_is_used(engine) -> None:
    import sys

    sys.modules.pop("tokenizers", None)
    js(engine, "[T.count('x'), T.measure('x').tokens, F.formatNum(1)]")
    assert "tokenizers" not in sys.modules
