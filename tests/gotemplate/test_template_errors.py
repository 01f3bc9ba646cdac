"""Parse and execution errors carry Go's exact messages, lines and columns."""

from __future__ import annotations

import pytest

from one_shot_man.errors import ScriptError
from one_shot_man.gotemplate.template import (
    Template,
    TemplateError,
    TemplateExecError,
    TemplateParseError,
)

PARSE_ERRORS = [
    ("{{.x", "template: t:1: unclosed action"),
    ("{{", "template: t:1: unclosed action"),
    ("line1\n{{", "template: t:2: unclosed action"),
    ('line1\n{{"x"\n"y"\n', "template: t:4: unclosed action started at t:2"),
    ("{{if .x}}a", "template: t:1: unexpected EOF"),
    ("{{if .x}}\nabc", "template: t:2: unexpected EOF"),
    ("{{range .}}{{if .}}{{end}}", "template: t:1: unexpected EOF"),
    ("{{end}}", "template: t:1: unexpected {{end}}"),
    ("a\n{{else}}", "template: t:2: unexpected {{else}}"),
    ("{{foo}}", 'template: t:1: function "foo" not defined'),
    ("{{.x | foo 1}}", 'template: t:1: function "foo" not defined'),
    ("{{/* x", "template: t:1: unclosed comment"),
    ("{{/* x */ .y}}", "template: t:1: comment ends before closing delimiter"),
    ('{{"abc}}', "template: t:1: unterminated quoted string"),
    ("{{`abc}}", "template: t:1: unterminated raw quoted string"),
    ("{{'a}}", "template: t:1: unterminated character constant"),
    ("{{'ab'}}", "template: t:1: malformed character constant: 'ab'"),
    ("{{3x}}", 'template: t:1: bad number syntax: "3x"'),
    ("{{.x!}}", "template: t:1: bad character U+0021 '!'"),
    ("{{}}", "template: t:1: missing value for command"),
    ("{{ -}}", "template: t:1: missing value for command"),
    ("{{$x}}", 'template: t:1: undefined variable "$x"'),
    ("{{range .}}{{$x := 1}}{{end}}{{$x}}", 'template: t:1: undefined variable "$x"'),
    ("{{.x | 3}}", "template: t:1: non executable command in pipeline stage 2"),
    ('{{.x | "s"}}', "template: t:1: non executable command in pipeline stage 2"),
    ("{{break}}", "template: t:1: {{break}} outside {{range}}"),
    ("{{continue}}", "template: t:1: {{continue}} outside {{range}}"),
    ("{{range .}}{{else}}{{break}}{{end}}", "template: t:1: {{break}} outside {{range}}"),
    ("{{range .}}{{break 1}}{{end}}", 'template: t:1: unexpected "1" in {{break}}'),
    ("{{if}}{{end}}", "template: t:1: missing value for if"),
    ("{{range}}{{end}}", "template: t:1: missing value for range"),
    ("{{with .x}}{{else if .y}}{{end}}", "template: t:1: unexpected <if> in input"),
    ("{{if .x}}{{else}}{{else}}{{end}}", "template: t:1: expected end; found {{else}}"),
    ("{{template .x}}", 'template: t:1: unexpected ".x" in template clause'),
    ('{{define "a"}}x', "template: t:1: unexpected EOF"),
    ("{{define a}}x{{end}}", 'template: t:1: unexpected "a" in define clause'),
    (
        '{{define "a"}}a{{end}}{{define "a"}}b{{end}}',
        'template: t:1: template: multiple definition of template "a"',
    ),
    ("{{(1}}", "template: t:1: unclosed left paren"),
    ("{{1)}}", "template: t:1: unexpected right paren"),
    ('{{"a".x}}', 'template: t:1: unexpected . after term "\\"a\\""'),
    ("{{range $i, $v, $w := .}}{{end}}", "template: t:1: too many declarations in range"),
    ("{{with $x, $y := .}}{{end}}", "template: t:1: too many declarations in with"),
    ("{{range $i, 3}}{{end}}", "template: t:1: range can only initialize variables"),
    ("{{.x ==}}", 'template: t:1: unexpected "=" in operand'),
    ("{{.x :}}", "template: t:1: expected :="),
    ("{{if .x}}\n\n{{.y !}}", 'template: t:3: unexpected "!" in operand'),
    ("{{9223372036854775808}}", "template: t:1: 9223372036854775808 overflows int"),
    ('{{"\\q"}}', "template: t:1: invalid syntax"),
    ("{{.x}}\n{{block}}", 'template: t:2: unexpected "}}" in block clause'),
]


@pytest.mark.parametrize(("text", "message"), PARSE_ERRORS, ids=[p[0] for p in PARSE_ERRORS])
def test_parse_errors(text, message):
    with pytest.raises(TemplateParseError) as info:
        Template("t").parse(text)
    assert str(info.value) == message


def test_error_hierarchy():
    assert issubclass(TemplateError, ScriptError)
    assert issubclass(TemplateParseError, TemplateError)
    assert issubclass(TemplateExecError, TemplateError)


def test_failed_parse_leaves_namespace_unchanged():
    t = Template("t").parse('{{define "a"}}A{{end}}main')
    with pytest.raises(TemplateParseError):
        t.parse('{{define "a"}}B{{end}}{{define "b"}}x{{end}}{{if}}')
    assert t.execute(None) == "main"
    assert t.execute_template("a", None) == "A"
    assert t.lookup("b") is None


def test_unknown_function_is_a_parse_error_even_if_never_run():
    with pytest.raises(TemplateParseError, match='function "upper" not defined'):
        Template("t").parse("{{if false}}{{upper .x}}{{end}}")
    # Functions registered before parse are known.
    Template("t").funcs({"upper": str.upper}).parse("{{if false}}{{upper .x}}{{end}}")


def test_custom_delimiters_errors_and_use():
    t = Template("t").delims("<<", ">>").parse("Hello <<.name>>! {{.name}}")
    assert t.execute({"name": "W"}) == "Hello W! {{.name}}"
    with pytest.raises(TemplateParseError, match="unclosed action"):
        Template("t").delims("<<", ">>").parse("<<.x")
    t2 = Template("t").delims("[[", "]]").parse("a [[- .x -]] b [[/* c */]]")
    assert t2.execute({"x": 1}) == "a1b "


def _exec_error(text, data, funcs=None, options=()):
    t = Template("t")
    if funcs:
        t.funcs(funcs)
    t.option(*options)
    t.parse(text)
    with pytest.raises(TemplateExecError) as info:
        t.execute(data)
    return str(info.value)


def _boom():
    raise ValueError("boom")


EXEC_ERRORS = [
    (
        "{{.foo}}",
        {},
        ("missingkey=error",),
        'template: t:1:2: executing "t" at <.foo>: map has no entry for key "foo"',
    ),
    (
        "a {{.x.foo}}",
        {"x": {}},
        ("missingkey=error",),
        'template: t:1:6: executing "t" at <.x.foo>: map has no entry for key "foo"',
    ),
    (
        "{{.foo}}",
        None,
        ("missingkey=error",),
        'template: t:1:2: executing "t" at <.foo>: nil data; no entry for key "foo"',
    ),
    (
        "{{index .l 5}}",
        {"l": [1]},
        (),
        'template: t:1:2: executing "t" at <index .l 5>: error calling index: '
        "index out of range: 5",
    ),
    (
        "{{index .l 1}}",
        {"l": [1]},
        (),
        'template: t:1:2: executing "t" at <index .l 1>: error calling index: '
        "reflect: slice index out of range",
    ),
    (
        "{{index .l -1}}",
        {"l": [1]},
        (),
        'template: t:1:2: executing "t" at <index .l -1>: error calling index: '
        "index out of range: -1",
    ),
    (
        '{{index .l "a"}}',
        {"l": [1]},
        (),
        'template: t:1:2: executing "t" at <index .l "a">: error calling index: '
        "cannot index slice/array with type string",
    ),
    (
        "{{index 3 1}}",
        None,
        (),
        'template: t:1:2: executing "t" at <index 3 1>: error calling index: '
        "can't index item of type int",
    ),
    (
        "{{index .nope 1}}",
        {},
        (),
        'template: t:1:2: executing "t" at <index .nope 1>: error calling index: '
        "index of untyped nil",
    ),
    (
        "{{index .m 1}}",
        {"m": {"a": 1}},
        (),
        'template: t:1:2: executing "t" at <index .m 1>: error calling index: '
        "value has type int; should be string",
    ),
    (
        "{{index .m nil}}",
        {"m": {}},
        (),
        'template: t:1:2: executing "t" at <index .m nil>: error calling index: '
        "value is nil; should be of type string",
    ),
    (
        "{{call .f 1}}",
        {"f": lambda a, b: a},
        (),
        'template: t:1:2: executing "t" at <call .f 1>: error calling call: '
        "wrong number of args for .f: got 1 want 2",
    ),
    (
        "{{slice .l 2 1}}",
        {"l": [1, 2, 3]},
        (),
        'template: t:1:2: executing "t" at <slice .l 2 1>: error calling slice: '
        "invalid slice index: 2 > 1",
    ),
    (
        '{{slice "abc" 0 1 2}}',
        None,
        (),
        'template: t:1:2: executing "t" at <slice "abc" 0 1 2>: error calling slice: '
        "cannot 3-index slice a string",
    ),
    (
        "{{len 1 2}}",
        None,
        (),
        'template: t:1:2: executing "t" at <len>: wrong number of args for len: want 1 got 2',
    ),
    (
        "{{len 3}}",
        None,
        (),
        'template: t:1:2: executing "t" at <len 3>: error calling len: len of type int',
    ),
    (
        "{{len .nope}}",
        {},
        (),
        'template: t:1:2: executing "t" at <len .nope>: error calling len: len of untyped nil',
    ),
    (
        "{{printf}}",
        None,
        (),
        'template: t:1:2: executing "t" at <printf>: wrong number of args for printf: '
        "want at least 1 got 0",
    ),
    (
        "{{not}}",
        None,
        (),
        'template: t:1:2: executing "t" at <not>: wrong number of args for not: want 1 got 0',
    ),
    (
        "{{range .s}}{{end}}",
        {"s": "abc"},
        (),
        'template: t:1:8: executing "t" at <.s>: range can\'t iterate over abc',
    ),
    (
        "{{range .}}{{end}}",
        True,
        (),
        'template: t:1:8: executing "t" at <.>: range can\'t iterate over true',
    ),
    (
        "{{range $i, $v := 3}}{{end}}",
        None,
        (),
        'template: t:1:18: executing "t" at <3>: can\'t use 3 to iterate over more than one '
        "variable",
    ),
    (
        "{{.s.x}}",
        {"s": "abc"},
        (),
        'template: t:1:4: executing "t" at <.s.x>: can\'t evaluate field x in type interface {}',
    ),
    (
        "{{.x}}",
        "abc",
        (),
        'template: t:1:2: executing "t" at <.x>: can\'t evaluate field x in type string',
    ),
    (
        "{{.x.y}}",
        {"x": None},
        (),
        'template: t:1:4: executing "t" at <.x.y>: nil pointer evaluating interface {}.y',
    ),
    (
        "{{.a 1}}",
        {"a": 1},
        (),
        'template: t:1:2: executing "t" at <.a>: a is not a method but has arguments',
    ),
    (
        "{{1 2}}",
        None,
        (),
        'template: t:1:2: executing "t" at <1>: can\'t give argument to non-function 1',
    ),
    (
        '{{$x := 1}}{{"a" | $x}}',
        None,
        (),
        'template: t:1:19: executing "t" at <$x>: can\'t give argument to non-function $x',
    ),
    ("{{nil}}", None, (), 'template: t:1:2: executing "t" at <nil>: nil is not a command'),
    (
        '{{template "nope"}}',
        None,
        (),
        'template: t:1:11: executing "t" at <{{template "nope"}}>: template "nope" not defined',
    ),
    (
        '{{eq 1 "a"}}',
        None,
        (),
        'template: t:1:2: executing "t" at <eq 1 "a">: error calling eq: '
        "incompatible types for comparison",
    ),
    (
        "{{eq .l .l}}",
        {"l": [1]},
        (),
        'template: t:1:2: executing "t" at <eq .l .l>: error calling eq: '
        "non-comparable type [1]: []interface {}",
    ),
    (
        "{{eq 1}}",
        None,
        (),
        'template: t:1:2: executing "t" at <eq 1>: error calling eq: '
        "missing argument for comparison",
    ),
    (
        "{{lt .l 1}}",
        {"l": []},
        (),
        'template: t:1:2: executing "t" at <lt .l 1>: error calling lt: '
        "invalid type for comparison",
    ),
    (
        "{{lt true false}}",
        None,
        (),
        'template: t:1:2: executing "t" at <lt true false>: error calling lt: '
        "invalid type for comparison",
    ),
    (
        "{{call .x}}",
        {"x": 1},
        (),
        'template: t:1:2: executing "t" at <call .x>: error calling call: '
        "non-function .x of type int",
    ),
    (
        "{{call .nope}}",
        {},
        (),
        'template: t:1:2: executing "t" at <call .nope>: error calling call: call of nil',
    ),
    (
        "é {{index .l 9}}",
        {"l": []},
        (),
        'template: t:1:5: executing "t" at <index .l 9>: error calling index: '
        "index out of range: 9",
    ),
    (
        "a\nb\n  {{.x.y}}",
        {"x": 1},
        (),
        'template: t:3:6: executing "t" at <.x.y>: can\'t evaluate field y in type interface {}',
    ),
    (
        '{{printf "%s" (index .list 7) "and more text"}}',
        {"list": []},
        (),
        'template: t:1:15: executing "t" at <index .list 7>: error calling index: '
        "index out of range: 7",
    ),
    (
        "{{if true}}{{range .}}{{index . 3}}{{end}}{{end}}",
        [[1]],
        (),
        'template: t:1:24: executing "t" at <index . 3>: error calling index: '
        "index out of range: 3",
    ),
    (
        "{{$x = 1}}",
        None,
        (),
        'template: t:1:7: executing "t" at <1>: undefined variable: $x',
    ),
]


@pytest.mark.parametrize(
    ("text", "data", "options", "message"), EXEC_ERRORS, ids=[e[0] for e in EXEC_ERRORS]
)
def test_exec_errors(text, data, options, message):
    assert _exec_error(text, data, options=options) == message


def test_long_context_is_truncated_to_20_characters():
    msg = _exec_error('{{index .aaaaaaaaaaaa "bbbbbbbbbb" 1}}', {"aaaaaaaaaaaa": {}})
    assert msg == (
        'template: t:1:2: executing "t" at <index .aaaaaaaaaaaa ...>: error calling index: '
        "index of nil pointer"
    )


def test_user_function_errors():
    msg = _exec_error("{{fail}}", {}, funcs={"fail": _boom})
    assert msg == 'template: t:1:2: executing "t" at <fail>: error calling fail: boom'
    msg = _exec_error("{{upper}}", {}, funcs={"upper": str.upper})
    assert msg == (
        'template: t:1:2: executing "t" at <upper>: wrong number of args for upper: want 1 got 0'
    )
    msg = _exec_error("{{.x | two 1 2}}", {"x": 0}, funcs={"two": lambda a, b: a})
    assert msg == (
        'template: t:1:7: executing "t" at <two>: wrong number of args for two: want 2 got 3'
    )


def test_error_in_defined_template_names_it():
    t = Template("main").parse('{{define "sub"}}\n  {{.x.y}}{{end}}{{template "sub" .}}')
    with pytest.raises(TemplateExecError) as info:
        t.execute({"x": 1})
    assert str(info.value) == (
        'template: main:2:6: executing "sub" at <.x.y>: can\'t evaluate field y in type '
        "interface {}"
    )


def test_recursion_limit():
    t = Template("t").parse('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}')
    with pytest.raises(TemplateExecError, match=r"exceeded maximum template depth \(100\)"):
        t.execute(None)


def test_execute_template_unknown_and_unparsed():
    t = Template("t").parse("x")
    with pytest.raises(TemplateExecError) as info:
        t.execute_template("nope", None)
    assert str(info.value) == 'template: no template "nope" associated with template "t"'
    with pytest.raises(TemplateExecError) as info:
        Template("empty").execute(None)
    assert str(info.value) == 'template: empty: "empty" is an incomplete or empty template'


def test_bad_options_and_funcs():
    with pytest.raises(TemplateError, match="unrecognized option: missingkey=bogus"):
        Template("t").option("missingkey=bogus")
    with pytest.raises(TemplateError, match="unrecognized option: nokey"):
        Template("t").option("nokey")
    with pytest.raises(TemplateError, match="value for x not a function"):
        Template("t").funcs({"x": 3})
    with pytest.raises(TemplateError, match='function name "a-b" is not a valid identifier'):
        Template("t").funcs({"a-b": str.upper})


def test_break_and_continue_do_not_escape_templates():
    with pytest.raises(TemplateParseError, match="outside"):
        Template("t").parse('{{range .}}{{block "b" .}}{{break}}{{end}}{{end}}')


def test_method_arity_and_errors():
    class Obj:
        def greet(self, who):
            return "hi " + who

        def fail(self):
            raise RuntimeError("method broke")

    t = Template("t").parse("{{.greet}}")
    with pytest.raises(TemplateExecError) as info:
        t.execute(Obj())
    assert str(info.value) == (
        'template: t:1:2: executing "t" at <.greet>: wrong number of args for greet: want 1 got 0'
    )
    with pytest.raises(TemplateExecError) as info:
        Template("t").parse("x {{.fail}}").execute(Obj())
    assert str(info.value) == (
        'template: t:1:4: executing "t" at <.fail>: error calling fail: method broke'
    )


def test_nested_template_error_is_wrapped_by_the_calling_function():
    inner = Template("inner").parse("{{index .l 3}}")
    outer = Template("outer").funcs({"render": lambda d: inner.execute(d)}).parse("{{render .}}")
    with pytest.raises(TemplateExecError) as info:
        outer.execute({"l": []})
    assert str(info.value) == (
        'template: outer:1:2: executing "outer" at <render .>: error calling render: '
        'template: inner:1:2: executing "inner" at <index .l 3>: error calling index: '
        "index out of range: 3"
    )


def test_mangled_templates_fail_only_with_template_errors():
    """Random edits of valid templates: every failure is a TemplateError, never a crash."""
    import random

    texts = [text for text, _ in PARSE_ERRORS] + [
        '{{define "d"}}[{{.}}]{{end}}{{range $i, $v := .l}}{{template "d" $v}}{{end}}',
        '{{if and .a (ne .a 2)}}{{printf "%5.2f|%-4s" 3.14159 "x"}}{{else if .m}}m{{end}}',
        "{{with $x := .m}}{{$x.k}}{{else with .l}}{{index . 1}}{{else}}none{{end}}",
        '{{- range .l -}} {{if eq . 2}}{{break}}{{end}}{{. | print}} {{- end}}{{block "b" .}}B{{end}}',
        "{{/* c */}}{{$n := 0}}{{range .}}{{$n = .}}{{continue}}{{end}}{{$n}} {{len .}} {{slice . 0}}",
    ]
    pieces = [
        *"{}.$|()-\"'`/*:=, \n\tax0",
        "{{", "}}", "{{- ", " -}}", "{{/*", "*/}}", "if ", "range ", "end", "else", "with ",
        ":=", "$x", "nil", "'c'", "index ", "break", "continue", 'define "d"', 'template "d"',
    ]  # fmt: skip
    datas = [None, {}, {"a": 1, "l": [1, None, "x"], "m": {"k": None}}, [1, 2], "s", 3, 2.5]
    rnd = random.Random(20261129)
    outcomes = {"ok": 0, "error": 0}
    for _ in range(1500):
        chars = list(rnd.choice(texts))
        for _ in range(rnd.randint(1, 4)):
            pos = rnd.randint(0, len(chars))
            if rnd.random() < 0.4 and chars:
                del chars[min(pos, len(chars) - 1)]
            else:
                chars[pos:pos] = list(rnd.choice(pieces))
        try:
            Template("f").parse("".join(chars)).execute(rnd.choice(datas))
            outcomes["ok"] += 1
        except TemplateError as exc:
            assert str(exc).startswith("template: ")
            outcomes["error"] += 1
    assert outcomes["ok"] > 100 and outcomes["error"] > 100


# Minimal failing inputs found by tests/properties: nesting past Python's recursion limit
# crashed the parser with RecursionError (the depth at which it happens depends on the limit).
@pytest.mark.parametrize(
    "source",
    ["{{" + "(" * 1000 + "1" + ")" * 1000 + "}}", "{{if 1}}" * 1000 + "{{end}}" * 1000],
)
def test_deep_nesting_is_a_parse_error(source: str) -> None:
    with pytest.raises(TemplateParseError, match=r"^template: t:1: max expression depth exceeded$"):
        Template("t").parse(source)
