"""Big texts cross the JS/host bridge raw (one copy) and still arrive exactly as sent.

The prompt of a 50 MB file went through JSON four times per crossing; these paths keep it to
one copy (tests/perf/test_big_prompt_memory.py measures the memory). Here: the text itself
is unchanged, including concatenated (rope) strings, lone surrogates and surrogate pairs.
"""

from __future__ import annotations

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.prompt.build import build_context, build_context_around
from one_shot_man.prompt.context import KEEP_CONTENT_MAX, ContextManager
from tests.prompt.support import write
from tests.scripting.support import js, js_engine, printed

BIG = "var BIG = 1 << 20;"


@pytest.fixture
def engine(request):
    with js_engine(
        f"big-{request.node.name}", f"{BIG} var template = require('osm:text/template');"
    ) as eng:
        yield eng


@pytest.mark.parametrize(
    "make",
    [
        "'x'.repeat(BIG)",  # a flat string
        "'a'.repeat(BIG) + '\\u00e9\\n' + 'b'.repeat(10)",  # a rope, non-ASCII
        "'\\ud800' + 'y'.repeat(BIG)",  # a lone surrogate: the binding refuses it raw
    ],
)
def test_template_output_with_big_values_is_exact(engine, make):
    source = f"""
    var big = {make};
    var once = template.execute('<{{{{.big}}}}|{{{{.n}}}}|{{{{.big}}}}>', {{big: big, n: 3}});
    var t = template.new('t').parse('[{{{{.big}}}}{{{{.other}}}}]');
    var made = t.execute({{big: big, other: 'z'.repeat(BIG)}});
    return once === '<' + big + '|3|' + big + '>' && made === '[' + big + 'z'.repeat(BIG) + ']'
    """
    assert js(engine, f"(function () {{ {source.strip()}; }})()") is True


def test_template_errors_still_throw_with_big_values(engine):
    with pytest.raises(ScriptError, match="nope"):
        engine.execute_script("t", "template.execute('{{nope .big}}', {big: 'x'.repeat(BIG)})")


def test_printing_a_big_text_writes_it_whole_with_one_newline(engine):
    # A surrogate pair straddles the first 1 MiB boundary: it must not be split.
    out = printed(
        engine,
        "var s = 'a'.repeat(BIG - 1) + '\\ud83d\\ude00' + 'b'.repeat(BIG + 5);"
        "output.print(s); output.print(s + '\\n'); output.print('small');",
    )
    body = "a" * ((1 << 20) - 1) + "\U0001f600" + "b" * ((1 << 20) + 5)
    assert out == [body, body, "small"]


def test_text_operations_answer_text_and_report_errors(engine):
    engine.bridge.register("t.text", lambda n: "t" * n)
    engine.bridge.register("t.fail", lambda: (_ for _ in ()).throw(ValueError("broken")))
    engine.bridge.register("t.surrogate", lambda: "\udcff" + "s" * 10)
    engine.bridge.register("t.number", lambda: 5)
    assert js(engine, "__osm.callText('t.text', [3])") == "ttt"
    assert js(engine, "__osm.callText('t.surrogate', []).length") == 11
    with pytest.raises(ScriptError, match="broken"):
        engine.execute_script("t", "__osm.callText('t.fail', [])")
    with pytest.raises(ScriptError, match="returned no text"):
        engine.execute_script("t", "__osm.callText('t.number', [])")
    assert js(engine, "__osm.callText('t.text', [2])") == "tt"  # nothing left held


def test_raw_arguments_may_be_concatenated_strings(engine):
    engine.bridge.register("t.len", lambda s: len(s))
    assert js(engine, "__osm.callRaw('t.len', [], 'a'.repeat(BIG) + 'b')") == (1 << 20) + 1


def test_a_big_file_is_not_kept_in_memory_but_its_content_still_reads(tmp_path):
    text = "line\n" * (KEEP_CONTENT_MAX // 5 + 1)
    write(tmp_path / "big.txt", text)
    write(tmp_path / "small.txt", "small\n")
    manager = ContextManager(tmp_path)
    manager.add_path(str(tmp_path / "big.txt"))
    manager.add_path(str(tmp_path / "small.txt"))
    assert manager.get_entry("big.txt")._content is None
    assert manager.get_path("big.txt")["Content"] == text
    assert manager.get_path("small.txt")["Content"] == "small\n"
    assert manager.to_txtar() == f"-- big.txt --\n{text}-- small.txt --\nsmall\n"


@pytest.mark.parametrize("txtar", ["-- a --\n```````\n", "-- b --\nplain\n"])
def test_the_text_around_the_txtar_makes_the_same_prompt(txtar):
    items = [
        {"type": "note", "label": "n", "payload": "a note"},
        {"type": "diff", "label": "d", "payload": "+x\n"},
    ]
    head, tail = build_context_around(items, txtar)
    assert head + txtar + tail == build_context(items, {"toTxtar": lambda: txtar})
