"""`osm:text/template` from JavaScript (spec §5.2, §5.3.6)."""

from __future__ import annotations

import pytest

from one_shot_man.errors import ScriptError
from tests.scripting.support import js, js_engine


@pytest.fixture
def engine(request):
    with js_engine(
        f"tmpl-{request.node.name}", "var template = require('osm:text/template');"
    ) as eng:
        yield eng


def test_execute_one_shot(engine):
    assert js(engine, "template.execute('Hello {{.name}}!', {name: 'World'})") == "Hello World!"
    assert js(engine, "template.execute('{{.missing}}', {})") == "<no value>"
    assert js(engine, "template.execute('{{printf \"%s\" nil}}')") == "%!s(<nil>)"
    assert js(
        engine, "template.execute('{{range $i, $v := .}}{{$i}}={{$v}} {{end}}', ['a', 'b'])"
    ) == ("0=a 1=b ")


def test_execute_requires_text(engine):
    with pytest.raises(ScriptError, match="execute requires at least 1 argument"):
        engine.execute_script("t", "template.execute()")


def test_new_with_js_funcs_and_chaining(engine):
    result = js(
        engine,
        """template.new('greet')
            .funcs({upper: function (s) { return s.toUpperCase(); },
                    pair: function (a, b) { return [a, b]; }})
            .parse('{{.description | upper}} {{index (pair "x" "y") 1}} {{len .items}}')
            .execute({description: 'shout', items: [1, 2, 3]})""",
    )
    assert result == "SHOUT y 3"
    assert js(engine, "template.new('named').name()") == "named"


def test_delims_and_options(engine):
    assert js(
        engine, "template.new('d').delims('<<', '>>').parse('<<.a>> {{.a}}').execute({a: 1})"
    ) == ("1 {{.a}}")
    with pytest.raises(ScriptError, match="map has no entry for key"):
        engine.execute_script(
            "t", "template.new('o').option('missingkey=error').parse('{{.nope}}').execute({})"
        )


def test_parse_errors_and_undefined_functions_throw(engine):
    with pytest.raises(ScriptError, match=r"template: bad:1:"):
        engine.execute_script("t", "template.new('bad').parse('{{.a')")
    with pytest.raises(ScriptError, match='function "nope" not defined'):
        engine.execute_script("t", "template.new('f').parse('{{nope 1}}')")


def test_js_func_exceptions_surface(engine):
    with pytest.raises(ScriptError, match="from js func"):
        engine.execute_script(
            "t",
            "template.new('e').funcs({boom: function () { throw new Error('from js func'); }})"
            ".parse('{{boom}}').execute({})",
        )
    # the engine is still usable afterwards
    assert js(engine, "template.execute('{{.}}', 5)") == "5"


def test_template_handles_are_released_when_js_objects_are_collected(engine):
    engine.execute_script(
        "t", "for (var i = 0; i < 200; i++) { template.new('t' + i).parse('{{.}}').execute(i); }"
    )
    handles = engine.module_state["text/template"]
    engine.runtime.run_sync(lambda *a: engine.runtime.context.gc(), timeout=5)
    engine.wait()  # finalizer callbacks run as jobs
    assert len(handles) < 200
