"""`tui` global: modes, commands, createState, reset and rehydration (spec §9, §10)."""

from __future__ import annotations

import io
import json
import os

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import Engine
from one_shot_man.storage import clear_all_in_memory_sessions


@pytest.fixture
def streams():
    return io.StringIO(), io.StringIO()


@pytest.fixture
def engine(streams, request):
    eng = Engine(*streams, session_id=f"tui-{request.node.name}", store="memory")
    yield eng
    eng.close()
    clear_all_in_memory_sessions()


def lines(stream: io.StringIO) -> list[str]:
    return stream.getvalue().splitlines()


def test_register_and_switch_mode_runs_builder_once_then_on_enter(engine, streams):
    engine.execute_script(
        "m",
        """
        var built = 0;
        tui.registerMode({
            name: "review", tui: {title: "Review", prompt: "(review) > "},
            onEnter: function () { output.print("entered " + tui.getCurrentMode()); },
            onExit: function () { output.print("left review"); },
            commands: function () { built++; return {
                first: {description: "one", handler: function () {}},
                noHandler: {description: "dropped"},
                second: {description: "two", usage: "second <x>", argCompleters: ["file"],
                         handler: function (args) { output.print("second " + args.join("|")); }},
            }; },
        });
        tui.registerMode({name: "other", commands: {x: {handler: function () {}}}});
        tui.switchMode("review");
        tui.switchMode("other");
        tui.switchMode("review");
        output.print("built " + built + " modes " + JSON.stringify(tui.listModes()));
        """,
    )
    assert lines(streams[0]) == [
        "Switched to mode: review",
        "entered review",
        "left review",
        "Switched to mode: other",
        "Switched to mode: review",
        "entered review",
        'built 1 modes ["review","other"]',
    ]
    info = engine.tui_info()
    review = info["modes"][0]
    assert info["current"] == "review"
    assert review["prompt"] == "(review) > "
    assert [c["name"] for c in review["commands"]] == ["first", "second"]
    assert review["commands"][1]["argCompleters"] == ["file"]


def test_switch_to_unknown_mode_throws(engine):
    with pytest.raises(ScriptError, match="mode nope not found"):
        engine.execute_script("m", "tui.switchMode('nope')")
    with pytest.raises(ScriptError, match="mode nope not found"):
        engine.switch_mode("nope")


def test_register_mode_validates_its_config(engine):
    with pytest.raises(ScriptError, match="registerMode: expected object, got string"):
        engine.execute_script("m", "tui.registerMode('x')")
    with pytest.raises(ScriptError, match="value for key 'name' is not a string: got number"):
        engine.execute_script("m", "tui.registerMode({name: 5})")


def test_errors_in_mode_callbacks_are_printed_not_thrown(engine, streams):
    engine.execute_script(
        "m",
        """
        tui.registerMode({name: "a", onEnter: function () { throw new Error("enter bad"); },
                          onExit: function () { throw new Error("exit bad"); },
                          commands: function () { throw new Error("build bad"); }});
        tui.registerMode({name: "b"});
        tui.switchMode("a");
        tui.switchMode("b");
        """,
    )
    out = streams[0].getvalue()
    assert "Error building commands for mode a: Error: build bad" in out
    assert "Error entering mode a: Error: enter bad" in out
    assert "Error exiting mode a: Error: exit bad" in out


def test_global_commands_and_execute_command_with_snapshot(engine, streams):
    engine.execute_script(
        "m",
        """
        tui.registerCommand({name: "hello", description: "greet",
            handler: function (args) { output.print("hello " + args.join(" ") + " " + ctx.name()); }});
        tui.registerCommand({name: "fails", handler: function () { throw new Error("nope"); }});
        tui.registerMode({name: "mode1"});
        """,
    )
    assert engine.execute_command("hello", ["a", "b"]) is True
    assert engine.execute_command("missing", []) is False
    assert engine.state_manager.history() == []  # no mode active: no snapshot
    engine.switch_mode("mode1")
    engine.execute_command("hello", ["c"])
    with pytest.raises(ScriptError, match="Error: nope"):
        engine.execute_command("fails", [])
    history = engine.state_manager.history()
    assert [(h.mode_id, h.command) for h in history] == [("mode1", "hello c")]
    assert "hello a b cmd:hello" in streams[0].getvalue()


def test_register_command_requires_handler(engine):
    with pytest.raises(ScriptError, match="command must have a handler function"):
        engine.execute_script("m", "tui.registerCommand({name: 'x'})")
    with pytest.raises(ScriptError, match="invalid command configuration"):
        engine.execute_script("m", "tui.registerCommand(null)")


def test_exit_request_flags(engine, streams):
    engine.execute_script(
        "m",
        "output.print([tui.isExitRequested(), (tui.requestExit(), tui.isExitRequested()),"
        " (tui.clearExitRequest(), tui.isExitRequested())].join());",
    )
    assert lines(streams[0]) == ["false,true,false"]


def test_create_state_maps_symbols_to_session_keys(engine, streams):
    engine.execute_script(
        "s",
        """
        const shared = require('osm:sharedStateSymbols');
        const S = {phase: Symbol('phase'), notes: Symbol('notes')};
        const state = tui.createState('prompt-flow', {
            [S.phase]: {defaultValue: 'INITIAL'},
            [S.notes]: {defaultValue: []},
            [shared.contextItems]: {defaultValue: []},
            count: {defaultValue: 1},
        });
        output.print(state.get(S.phase));
        state.set(S.phase, 'DONE');
        state.set(Symbol('notes'), [{a: 1}]);   // same description: accepted
        output.print(JSON.stringify(state.get(S.notes)));
        const again = tui.createState('prompt-flow', {[S.phase]: {defaultValue: 'INITIAL'}});
        output.print(again.get(S.phase));        // re-creating keeps state
        try { state.get(Symbol('unknown')); } catch (e) { output.print(String(e)); }
        try { state.set('unknown', 1); } catch (e) { output.print(String(e)); }
        state.set('count', state.get('count') + 1);  // a string-keyed definition
        output.print(state.get(Symbol('count')));    // is the Symbol of that description
        output.print(state.get('phase'));            // and a Symbol's value reads by string
        """,
    )
    assert lines(streams[0]) == [
        "INITIAL",
        '[{"a":1}]',
        "DONE",
        "TypeError: state.get() called with unregistered Symbol",
        "TypeError: state.set() called with unregistered key 'unknown'",
        "2",
        "DONE",
    ]
    session = engine.state_manager.session
    assert session.script_state == {
        "prompt-flow": {"phase": "DONE", "notes": [{"a": 1}], "count": 2}
    }
    assert session.shared_state == {"contextItems": []}


def test_string_keys_are_stored_as_the_symbol_of_that_description(engine, streams):
    """A shared Symbol's description as a string is the shared key; other names are the mode's."""
    engine.execute_script(
        "s",
        """
        const shared = require('osm:sharedStateSymbols');
        const state = tui.createState('mine', {
            'osm:shared/contextItems': {defaultValue: []},
            contextItems: {defaultValue: 'not shared'},
        });
        state.set('osm:shared/contextItems', [{id: 1}]);
        const other = tui.createState('theirs', {[shared.contextItems]: {defaultValue: []}});
        output.print(JSON.stringify(other.get(shared.contextItems)));
        """,
    )
    assert lines(streams[0]) == ['[{"id":1}]']
    session = engine.state_manager.session
    assert session.shared_state == {"contextItems": [{"id": 1}]}
    assert session.script_state == {"mine": {"contextItems": "not shared"}}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("tui.createState('', {})", "createState first argument must be a command name"),
        ("tui.createState('a:b', {})", "createState command name cannot contain ':'"),
        (
            "tui.createState('a', {[Symbol()]: {defaultValue: 1}})",
            "createState symbol must have a description",
        ),
    ],
)
def test_create_state_argument_errors(engine, call, message):
    with pytest.raises(ScriptError, match="TypeError: " + message):
        engine.execute_script("s", call)


def test_reset_archives_clears_state_and_defaults_come_back(streams, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("A")
    eng = Engine(*streams, session_id="reset-test")
    try:
        eng.execute_script(
            "r",
            """
            var k = Symbol('count');
            var st = tui.createState('demo', {[k]: {defaultValue: 1}});
            st.set(k, 42);
            context.addPath('a.txt');
            tui.registerMode({name: 'm'});
            tui.switchMode('m');
            var path = tui.reset();
            output.print(path.indexOf('--reset--') > 0 ? 'archived' : 'no archive: ' + path);
            output.print(st.get(k) + ' ' + tui.getCurrentMode() + ' ' + context.listPaths().length);
            """,
        )
    finally:
        eng.close()
    assert lines(streams[0])[-2:] == ["archived", "1 m 0"]
    from one_shot_man.storage import session_directory

    archive_dir = session_directory() / "archive"
    archived = list(archive_dir.iterdir())
    assert len(archived) == 1
    assert json.loads(archived[0].read_text())["scriptState"] == {"demo": {"count": 42}}


def test_switch_mode_rehydrates_context_items(streams, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("kept\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("b\n")
    eng = Engine(*streams, session_id="rehydrate", store="memory")
    try:
        eng.execute_script(
            "r",
            """
            const shared = require('osm:sharedStateSymbols');
            const st = tui.createState('x', {[shared.contextItems]: {defaultValue: []}});
            st.set(shared.contextItems, [
                {id: 1, type: 'file', label: 'keep.txt', payload: ''},
                {id: 2, type: 'file', label: 'gone.txt', payload: ''},
                {id: 3, type: 'note', label: 'note', payload: 'hi'},
                {id: 4, type: 'file', label: 'sub\\\\b.txt', payload: ''},
            ]);
            tui.registerMode({name: 'm'});
            tui.switchMode('m');
            output.print(JSON.stringify(context.listPaths()));
            output.print(JSON.stringify(st.get(shared.contextItems).map(i => i.label)));
            """,
        )
    finally:
        eng.close()
        clear_all_in_memory_sessions()
    out = lines(streams[0])
    assert "Info: file from previous session not found, removing: gone.txt" in out
    assert "Session restored: 3 items (2 files). 'reset' to clear." in out
    assert json.loads(out[-2]) == sorted(["keep.txt", os.path.join("sub", "b.txt")])
    assert json.loads(out[-1]) == ["keep.txt", "note", os.path.join("sub", "b.txt")]


def test_rehydration_finds_files_from_another_directory(streams, tmp_path, monkeypatch):
    project = tmp_path / "project"
    elsewhere = tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / "notes.md").write_text("notes\n")
    setup = """
        const shared = require('osm:sharedStateSymbols');
        var st = tui.createState('x', {[shared.contextItems]: {defaultValue: []}});
        tui.registerMode({name: 'm'});
    """
    monkeypatch.chdir(project)
    first = Engine(*streams, session_id="moved", store="memory")
    try:
        first.execute_script(
            "a",
            setup + "st.set(shared.contextItems, [{id: 1, type: 'file', label: 'notes.md'}]);"
            "tui.switchMode('m');",
        )
    finally:
        first.close()
    monkeypatch.chdir(elsewhere)
    second = Engine(*streams, session_id="moved", store="memory")
    try:
        second.execute_script("b", setup + "tui.switchMode('m'); output.print(context.toTxtar());")
    finally:
        second.close()
        clear_all_in_memory_sessions()
    out = streams[0].getvalue()
    assert "not found" not in out
    assert "-- notes.md --\nnotes\n" in out
