"""`context` global and `osm:ctxutil` (buildContext, contextManager) from JavaScript."""

from __future__ import annotations

import json
import os

import pytest

from one_shot_man.errors import ScriptError
from tests.scripting.support import js, js_engine, printed


@pytest.fixture
def engine(tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)
    with js_engine(f"cu-{request.node.name}", "var cu = require('osm:ctxutil');") as eng:
        yield eng


def test_context_global_operations(engine, tmp_path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.go").write_text("package main\n")
    (tmp_path / "README.md").write_text("# readme")
    engine.execute_script("t", "context.addPath('src'); context.addPath('README.md');")
    assert js(engine, "context.listPaths()") == ["README.md", "src", os.path.join("src", "main.go")]
    assert js(engine, "context.getStats()") == {
        "totalPaths": 3,
        "files": 2,
        "directories": 1,
        "totalSize": 21,
    }
    assert js(engine, "context.getFilesByExt('go')") == [os.path.join("src", "main.go")]
    assert js(engine, "context.filterPaths('*.md')") == ["README.md"]
    assert js(engine, "context.filterPaths(function (p) { return p.length > 5; })") == [
        "README.md",
        os.path.join("src", "main.go"),
    ]
    entry = js(engine, "context.getPath('README.md')")
    assert entry["Type"] == "file" and entry["Content"] == "# readme"
    assert js(engine, "context.getPath('nope')") is None
    assert js(engine, "context.toTxtar()") == (
        "-- README.md --\n# readme\n-- src/main.go --\npackage main\n"
    )
    engine.execute_script("t", "context.removePath('src');")
    assert js(engine, "context.listPaths()") == ["README.md"]
    with pytest.raises(ScriptError, match=r"failed to stat path missing\.txt"):
        engine.execute_script("t", "context.addPath('missing.txt')")
    with pytest.raises(ScriptError, match="is not a tracked owner"):
        engine.execute_script("t", "context.refreshPath('nope')")
    engine.execute_script("t", "context.fromTxtar('-- a.txt --\\nA\\n');")
    assert js(engine, "context.listPaths()") == ["a.txt"]


def test_build_context_layout(engine):
    result = js(
        engine,
        """cu.buildContext([
            {type: 'file', label: 'main.go'},
            {type: 'note', label: {toString: function () { return 'custom'; }}, payload: 'Check errors'},
            null, {label: 'no type'},
            {type: 'diff', label: 'given', payload: 'D\\n'},
        ], {toTxtar: function () { return '-- main.go --\\npackage main\\n'; }})""",
    )
    assert result == (
        "### Note: custom\n\nCheck errors\n\n---\n"
        "### Diff: given\n\n`````diff\nD\n\n`````\n\n---\n"
        "`````txtar\n-- main.go --\npackage main\n\n`````"
    )


def test_build_context_edge_inputs(engine):
    assert js(
        engine,
        "[cu.buildContext(), cu.buildContext(null), cu.buildContext({}),"
        " cu.buildContext(Symbol('x'))]",
    ) == ["", "", "", ""]
    throwing = js(
        engine,
        "cu.buildContext([{type: 'note', payload: 'n'}],"
        " {toTxtar: function () { throw new Error('x'); }})",
    )
    assert throwing == "### Note: note\n\nn\n\n---\n"
    bad = js(
        engine, "cu.buildContext([{type: 'lazy-diff', label: 'L', payload: ['valid', undefined]}])"
    )
    assert bad.startswith("### Diff Error: L\n\nError executing git diff: Invalid payload")
    assert "index 1" in bad


def test_context_manager_requires_getters(engine):
    with pytest.raises(ScriptError, match="getItems must be provided"):
        engine.execute_script("t", "cu.contextManager({}).commands.list.handler([])")
    with pytest.raises(ScriptError, match="setItems must be provided"):
        engine.execute_script(
            "t",
            "cu.contextManager({getItems: function () { return []; }}).addItem('note', 'n', 'x')",
        )


CM_SETUP = """
var items = [];
var copied = null;
var cm = cu.contextManager({
    getItems: function () { return items; },
    setItems: function (v) { items = v; },
    buildPrompt: function () { return 'PROMPT'; },
    openEditor: function (hint, initial) { return 'edited:' + hint; },
    clipboardCopy: function (text) { copied = text; },
});
"""


def test_context_manager_commands(engine, tmp_path):
    (tmp_path / "test.txt").write_text("hello")
    engine.execute_script("setup", CM_SETUP)
    out = printed(
        engine,
        """
        var c = cm.commands;
        output.print(Object.keys(c).join(','));
        c.add.handler(['test.txt', 'missing.txt']);
        c.diff.handler([]);
        c.diff.handler(['feature/my feature', '--stat']);
        c.note.handler(['hello', 'world']);
        c.note.handler([]);
        c.list.handler([]);
        c.edit.handler([]); c.edit.handler(['x']); c.edit.handler(['99']); c.edit.handler(['1']);
        c.edit.handler(['4']);
        c.remove.handler(['1']);
        c.remove.handler(['abc']);
        c.show.handler([]);
        c.copy.handler([]);
        output.print(copied + ' ' + JSON.stringify(items.map(function (i) { return i.id; })));
        """,
    )
    assert out[0] == "add,diff,note,list,edit,remove,show,copy"
    assert out[1] == "Added file: test.txt"
    assert out[2] == "Error: cannot add missing.txt: no such file or directory"
    assert (
        out[3] == "Added diff: git diff (default: HEAD) (will be executed when generating prompt)"
    )
    assert out[4] == (
        'Added diff: git diff "feature/my feature" --stat (will be executed when generating prompt)'
    )
    assert out[5:7] == ["Added note [4]", "Added note [5]"]
    assert out[7:12] == [
        "[1] [file] test.txt",
        "[2] [lazy-diff] git diff (default: HEAD)",
        '[3] [lazy-diff] git diff "feature/my feature" --stat',
        "[4] [note] note",
        "[5] [note] note",
    ]
    assert out[12:16] == [
        "Usage: edit <id>",
        "Invalid id: x",
        "Not found: 99",
        "Editing file content directly is not supported. Please edit the file on disk.",
    ]
    assert out[16] == "Edited [4]"
    assert out[17] == "Removed [1]"
    assert out[18] == "Invalid id: abc"  # Go: "Not found: NaN" (see docs/compat.md)
    assert out[19] == "PROMPT"
    # a replacement clipboardCopy that returns nothing is a copy to "clipboard"
    assert out[20] == "Copied \u2502 1 token (estimate) \u00b7 1 line \u00b7 6 B \u2502 clipboard"
    assert out[21] == "PROMPT [2,3,4,5]"
    assert js(engine, "context.listPaths()") == []
    assert js(engine, "items[2].payload") == "edited:item-4"


def test_context_manager_lazy_diff_edit_and_remove_errors(engine, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.txt").write_text("1")
    (tmp_path / "b" / "same.txt").write_text("2")
    engine.execute_script("setup", CM_SETUP)
    out = printed(
        engine,
        """
        cm.openEditor = null;
        items.push({id: 1, type: 'lazy-diff', label: 'x', payload: ['HEAD~1']});
        cm.commands.edit.handler(['1']);
        context.addPath('a/same.txt'); context.addPath('b/same.txt');
        items.push({id: 2, type: 'file', label: 'same.txt', payload: ''});
        cm.commands.remove.handler(['2']);
        items.push({id: 3, type: 'file', label: 'gone.txt', payload: ''});
        cm.commands.remove.handler(['3']);
        output.print(JSON.stringify(items));
        """,
    )
    assert out[0] == "Updated diff specification [1]"
    assert out[1] == "Error: ambiguous path: same.txt"
    assert json.loads(out[-1])[0]["payload"] == ["edited:diff-spec-1"]
    assert [i["id"] for i in json.loads(out[-1])] == [1, 2]
    assert out[2] == "Removed [3]"


def test_context_manager_overrides_and_spreading(engine):
    out = printed(
        engine,
        """
        var list = [];
        var cm2 = cu.contextManager({
            getItems: function () { return list; }, setItems: function (v) { list = v; },
            nextIntegerId: function () { return 100 + list.length; },
        });
        output.print(cm2.addItem('note', 'n', 'a') + ' ' + cm2.addItem('note', 'n', 'b'));
        var commands = Object.assign({}, cm2.commands, {extra: {handler: function () {}}});
        output.print(Object.keys(commands).length + ' ' + typeof commands.add.handler);
        """,
    )
    assert out == ["100 101", "9 function"]


# -- issue 15: what `list` shows is exactly what the prompt contains -------------------------


def test_add_refuses_a_file_already_in_context(engine, tmp_path):
    (tmp_path / "f.txt").write_text("hello")
    engine.execute_script("setup", CM_SETUP)
    out = printed(
        engine,
        "cm.commands.add.handler(['f.txt']); cm.commands.add.handler(['./f.txt']);"
        "output.print(JSON.stringify(items.map(function (i) { return i.id; })));",
    )
    assert out == ["Added file: f.txt", "Already in context: [1] f.txt", "[1]"]


def test_remove_keeps_a_file_another_item_still_lists(engine, tmp_path):
    """A session written before duplicates were refused may hold two items for one file."""
    (tmp_path / "f.txt").write_text("hello")
    engine.execute_script("setup", CM_SETUP)
    out = printed(
        engine,
        "context.addPath('f.txt');"
        "items = [{id: 1, type: 'file', label: 'f.txt', payload: ''},"
        "         {id: 2, type: 'file', label: 'f.txt', payload: ''}];"
        "cm.commands.remove.handler(['1']);"
        "output.print(JSON.stringify(context.listPaths()));"
        "cm.commands.remove.handler(['2']);"
        "output.print(JSON.stringify(context.listPaths()));",
    )
    assert out == ["Removed [1]", '["f.txt"]', "Removed [2]", "[]"]


def test_add_names_a_directory_and_its_files(engine, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a")
    (tmp_path / "sub" / "b.txt").write_text("b")
    engine.execute_script("setup", CM_SETUP)
    out = printed(engine, "cm.commands.add.handler(['sub']);")
    assert out == ["Added directory: sub (2 files)"]


def test_add_skips_binary_files_and_says_so(engine, tmp_path):
    (tmp_path / "bin.dat").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a")
    (tmp_path / "sub" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    engine.execute_script("setup", CM_SETUP)
    out = printed(
        engine,
        "cm.commands.add.handler(['bin.dat', 'sub']);"
        "output.print(JSON.stringify(items.map(function (i) { return i.label; })));"
        "output.print(context.toTxtar());",
    )
    assert out[0] == "Error: cannot add bin.dat: binary file (not put into the prompt)"
    assert out[1] == "Added directory: sub (1 file; skipped 1 binary: sub/logo.png)"
    assert out[2] == '["sub"]'
    assert "\x00" not in out[3] and "logo.png" not in out[3] and "-- sub/a.txt --" in out[3]


def test_add_errors_name_the_path_and_the_cause(engine, tmp_path):
    engine.execute_script("setup", CM_SETUP)
    out = printed(engine, "cm.commands.add.handler(['missing.txt']);")
    assert out == ["Error: cannot add missing.txt: no such file or directory"]


def test_show_and_copy_report_a_failed_diff(engine, tmp_path):
    """Outside a repository the diff fails: the user is told, not only the prompt."""
    engine.execute_script(
        "setup",
        CM_SETUP.replace(
            "buildPrompt: function () { return 'PROMPT'; }",
            "buildPrompt: function () { return cu.buildContext(items, {}); }",
        ),
    )
    out = printed(
        engine,
        "cm.commands.diff.handler(['no-such-ref']); cm.commands.show.handler([]);"
        "cm.commands.copy.handler([]);",
    )
    warnings = [line for line in out if line.startswith("Warning: diff [1]")]
    assert len(warnings) == 2, out
    assert "git diff no-such-ref" in warnings[0]
