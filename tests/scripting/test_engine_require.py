"""CommonJS `require` for files and `osm:` modules (spec §5.1)."""

from __future__ import annotations

import io
import json

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.scripting import Engine
from one_shot_man.storage import clear_all_in_memory_sessions


@pytest.fixture
def engine(tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)
    eng = Engine(
        io.StringIO(), io.StringIO(), session_id=f"req-{request.node.name}", store="memory"
    )
    yield eng
    eng.close()
    clear_all_in_memory_sessions()


def out(engine: Engine) -> list[str]:
    return engine.stdout.getvalue().splitlines()


def test_relative_require_with_cache_and_module_exports(engine, tmp_path):
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "counter.js").write_text(
        "var n = 0; exports.next = function () { return ++n; }; exports.file = __filename;"
    )
    (lib / "shape.js").write_text("module.exports = function area(w, h) { return w * h; };")
    (lib / "data.json").write_text('{"answer": 42}')
    (lib / "index.js").write_text("module.exports = {dir: __dirname};")
    engine.execute_script(
        "main",
        """
        const a = require('./lib/counter'), b = require('./lib/counter.js');
        a.next(); b.next();
        output.print(a === b ? 'same ' + a.next() : 'different');
        output.print(require('./lib/shape')(3, 4));
        output.print(require('./lib/data.json').answer);
        output.print(require('./lib').dir === require('./lib/counter').file.replace(/\\/counter\\.js$/, ''));
        """,
    )
    assert out(engine) == ["same 3", "12", "42", "true"]


def test_require_is_relative_to_the_requiring_file(engine, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b").mkdir()
    (tmp_path / "a" / "one.js").write_text("module.exports = require('./b/two') + 1;")
    (tmp_path / "a" / "b" / "two.js").write_text("module.exports = require('../three.js') * 2;")
    (tmp_path / "a" / "three.js").write_text("module.exports = 20;")
    engine.execute_script("main", "output.print(require('./a/one'));")
    assert out(engine) == ["41"]


def test_file_scripts_resolve_from_their_own_directory(engine, tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "helper.js").write_text("exports.hi = 'hi from helper';")
    main = scripts / "main.js"
    main.write_text("#!/usr/bin/env osm\noutput.print(require('./helper').hi);")
    engine.execute_file(str(main))
    assert out(engine) == ["hi from helper"]


def test_cycles_see_partial_exports(engine, tmp_path):
    (tmp_path / "x.js").write_text(
        "exports.early = 'x-early'; const y = require('./y'); exports.fromY = y.seen;"
    )
    (tmp_path / "y.js").write_text("exports.seen = require('./x').early;")
    engine.execute_script("main", "output.print(require('./x').fromY);")
    assert out(engine) == ["x-early"]


def test_node_modules_lookup_and_package_main(engine, tmp_path):
    pkg = tmp_path / "node_modules" / "greeter"
    (pkg / "src").mkdir(parents=True)
    (pkg / "package.json").write_text(json.dumps({"main": "src/main.js"}))
    (pkg / "src" / "main.js").write_text("module.exports = 'hello pkg';")
    engine.execute_script("main", "output.print(require('greeter'));")
    assert out(engine) == ["hello pkg"]


def test_missing_module_and_failing_module_are_errors_and_not_cached(engine, tmp_path):
    with pytest.raises(ScriptError, match=r"Cannot find module '\./nope'"):
        engine.execute_script("main", "require('./nope')")
    (tmp_path / "flaky.js").write_text(
        "globalThis.loads = (globalThis.loads || 0) + 1; throw new Error('bad module');"
    )
    for _ in range(2):
        with pytest.raises(ScriptError, match="bad module"):
            engine.execute_script("main", "require('./flaky')")
    assert engine.get_global("loads") == 2


def test_unknown_native_module(engine):
    with pytest.raises(ScriptError, match="Invalid module: osm:nope"):
        engine.execute_script("main", "require('osm:nope')")


def test_native_modules_are_cached_per_engine(engine):
    engine.execute_script(
        "main",
        "output.print(require('osm:sharedStateSymbols').contextItems === "
        "require('osm:sharedStateSymbols').contextItems);"
        "output.print(String(require('osm:sharedStateSymbols').contextItems));",
    )
    assert out(engine) == ["true", "Symbol(osm:shared/contextItems)"]


def test_require_console_core_module(engine):
    engine.execute_script("main", "require('console').log('via core module');")
    assert out(engine) == ["via core module"]


def test_errors_in_required_files_name_the_file(engine, tmp_path):
    (tmp_path / "syntax.js").write_text("var ok = 1;\nvar = ;\n")
    (tmp_path / "throws.js").write_text("var a = 1;\n\nnull.x;\n")
    with pytest.raises(ScriptError) as info:
        engine.execute_script("main", "require('./syntax')")
    assert f"{tmp_path / 'syntax.js'}:2:" in str(info.value)
    with pytest.raises(ScriptError) as info:
        engine.execute_script("main", "require('./throws')")
    assert f"null at {tmp_path / 'throws.js'}:3:" in str(info.value)
