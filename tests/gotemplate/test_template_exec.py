"""Go text/template behaviour table: each expected output is what Go's text/template
prints for the same template and the same (JS-exported) data."""

from __future__ import annotations

import dataclasses

import pytest

from one_shot_man.gotemplate.template import Template, TemplateError, execute

CASES = [
    # -- text, dot, fields -------------------------------------------------------------------
    ("plain text", "hello", None, "hello"),
    ("empty", "", None, ""),
    ("dot string", "{{.}}", "x", "x"),
    ("dot int", "{{.}}", 42, "42"),
    ("dot nil", "{{.}}", None, "<no value>"),
    ("field", "{{.a}}", {"a": "A"}, "A"),
    ("nested fields", "{{.a.b.c}}", {"a": {"b": {"c": 1}}}, "1"),
    ("missing key", "[{{.nope}}]", {}, "[<no value>]"),
    ("field of missing key", "{{.a.b}}", {}, "<no value>"),
    ("explicit null value", "{{.a}}", {"a": None}, "<no value>"),
    ("field on nil data", "{{.a}}", None, "<no value>"),
    ("integral float prints as int", "{{.n}}", {"n": 42.0}, "42"),
    ("float", "{{.n}}", {"n": 1.5}, "1.5"),
    ("large float uses exponent", "{{.n}}", {"n": 1234567.5}, "1.2345675e+06"),
    ("tiny float", "{{.n}}", {"n": 0.00001}, "1e-05"),
    ("bools", "{{.t}} {{.f}}", {"t": True, "f": False}, "true false"),
    ("list prints like a Go slice", "{{.l}}", {"l": [1, "a", True, None]}, "[1 a true <nil>]"),
    ("map prints sorted", "{{.m}}", {"m": {"b": 2, "a": 1}}, "map[a:1 b:2]"),
    ("nested composite", "{{.}}", {"x": [1, {"y": 2}]}, "map[x:[1 map[y:2]]]"),
    (
        "root variable in range",
        "{{range .l}}{{$.name}}{{.}}{{end}}",
        {"name": "n", "l": [1, 2]},
        "n1n2",
    ),
    ("dollar alone", "{{$}}", "root", "root"),
    ("chain on parenthesised pipeline", "{{(.a).b}}", {"a": {"b": "B"}}, "B"),
    ("chain on index result", '{{(index .m "k").name}}', {"m": {"k": {"name": "N"}}}, "N"),
    ("parenthesised value", "{{(.a)}}", {"a": 1}, "1"),
    # -- literals ------------------------------------------------------------------------------
    ("string literal", '{{"str"}}', None, "str"),
    ("raw string keeps backslashes", "{{`raw\\n`}}", None, "raw\\n"),
    ("raw string spans lines", "{{`a\nb`}}", None, "a\nb"),
    ("string escapes", '{{"a\\tb\\x41\\u00e9\\101\\\\\\""}}', None, 'a\tbAéA\\"'),
    ("unicode escape U", '{{"\\U0001F600"}}', None, "\U0001f600"),
    ("ints", "{{1}} {{-7}} {{+3}} {{1_000}}", None, "1 -7 3 1000"),
    ("hex octal binary", "{{0x1F}} {{0X1f}} {{0o17}} {{017}} {{0b101}}", None, "31 31 15 15 5"),
    ("floats", "{{1.5}} {{.5}} {{1e3}} {{1.0}} {{2.5e-3}}", None, "1.5 0.5 1000 1 0.0025"),
    ("hex float", "{{0x1p-2}}", None, "0.25"),
    ("char constants", "{{'a'}} {{'\\n'}} {{'\\''}} {{'é'}}", None, "97 10 39 233"),
    ("char constant to printf %c", "{{printf \"%c\" 'x'}}", None, "x"),
    ("bool and nil literals", '{{true}} {{false}} {{printf "%v" nil}}', None, "true false <nil>"),
    # -- comments and trimming -----------------------------------------------------------------
    ("comment", "a{{/* comment */}}b", None, "ab"),
    ("multi-line comment", "a{{/* x\ny */}}b", None, "ab"),
    ("trim both sides", "a  {{- .x -}}  b", {"x": 1}, "a1b"),
    ("trim newlines on the left", "a\n\n{{- .x}}\n", {"x": 1}, "a1\n"),
    ("trim on the right only", "{{.x -}}\n\t b", {"x": 1}, "1b"),
    ("trimmed comment", "a \n{{- /* c */ -}}\n b", None, "ab"),
    ("minus number is not a trim marker", "{{-3}}", None, "-3"),
    ("trim markers around a number", "x {{- 3 -}} y", None, "x3y"),
    ("trim keeps other text", '  a {{- "" -}} b  ', None, "  ab  "),
    (
        "trim across a range",
        "list:\n{{- range .}}\n  - {{.}}\n{{- end}}\n",
        ["a", "b"],
        "list:\n  - a\n  - b\n",
    ),
    # -- if / else -------------------------------------------------------------------------------
    ("if true", "{{if .x}}yes{{end}}", {"x": 1}, "yes"),
    (
        "falsy values",
        "{{if .a}}1{{end}}{{if .b}}2{{end}}{{if .c}}3{{end}}{{if .d}}4{{end}}"
        "{{if .e}}5{{end}}{{if .f}}6{{end}}{{if .g}}7{{end}}{{if .h}}8{{end}}",
        {"a": 0, "b": "", "c": [], "d": {}, "e": None, "f": False, "g": 0.0},
        "",
    ),
    (
        "truthy values",
        "{{if .a}}1{{end}}{{if .b}}2{{end}}{{if .c}}3{{end}}{{if .d}}4{{end}}{{if .e}}5{{end}}",
        {"a": -1, "b": " ", "c": [0], "d": {"k": None}, "e": 0.1},
        "12345",
    ),
    ("if else", "{{if .x}}a{{else}}b{{end}}", {"x": False}, "b"),
    (
        "else if (second)",
        "{{if eq .n 1}}one{{else if eq .n 2}}two{{else}}many{{end}}",
        {"n": 2},
        "two",
    ),
    (
        "else if (last)",
        "{{if eq .n 1}}one{{else if eq .n 2}}two{{else}}many{{end}}",
        {"n": 5},
        "many",
    ),
    ("else if without else", "{{if .a}}a{{else if .b}}b{{end}}.", {"a": 0, "b": 0}, "."),
    ("missing key is false", "{{if .nope}}a{{else}}b{{end}}", {}, "b"),
    (
        "if declaration visible in else",
        "{{if $x := .a}}{{$x}}{{else}}[{{$x}}]{{end}}",
        {"a": 0},
        "[0]",
    ),
    ("if keeps dot", "{{if .a}}{{.b}}{{end}}", {"a": 1, "b": "B"}, "B"),
    # -- with ----------------------------------------------------------------------------------
    ("with sets dot", "{{with .a}}{{.b}}{{end}}", {"a": {"b": "B"}}, "B"),
    ("with else", "{{with .a}}x{{else}}empty{{end}}", {"a": ""}, "empty"),
    ("else with", "{{with .a}}A{{else with .b}}{{.}}{{else}}none{{end}}", {"a": 0, "b": "B"}, "B"),
    (
        "else with falls through",
        "{{with .a}}A{{else with .b}}{{.}}{{else}}none{{end}}",
        {"a": 0, "b": 0},
        "none",
    ),
    ("with variable", "{{with $v := .a}}{{$v}}{{.}}{{end}}", {"a": 3}, "33"),
    (
        "with else keeps the outer dot",
        "{{with .a}}x{{else}}{{.b}}{{end}}",
        {"a": None, "b": "outer"},
        "outer",
    ),
    # -- range ---------------------------------------------------------------------------------
    ("range list", "{{range .}}[{{.}}]{{end}}", [1, 2, 3], "[1][2][3]"),
    ("range tuple", "{{range .}}{{.}}{{end}}", ("x", "y"), "xy"),
    ("range index and value", "{{range $i, $v := .}}{{$i}}:{{$v}} {{end}}", ["a", "b"], "0:a 1:b "),
    ("range one variable gets the element", "{{range $v := .}}{{$v}}{{end}}", ["a", "b"], "ab"),
    (
        "range map in key order",
        "{{range $k, $v := .}}{{$k}}={{$v}};{{end}}",
        {"b": 2, "a": 1, "c": 3},
        "a=1;b=2;c=3;",
    ),
    ("range map dot is the value", "{{range .}}{{.}}{{end}}", {"b": 2, "a": 1}, "12"),
    ("range empty list runs else", "{{range .}}x{{else}}empty{{end}}", [], "empty"),
    ("range empty map runs else", "{{range .}}x{{else}}empty{{end}}", {}, "empty"),
    ("range missing key runs else", "{{range .nope}}x{{else}}none{{end}}", {}, "none"),
    ("range over int", "{{range 3}}{{.}}{{end}}", None, "012"),
    ("range over int with variable", "{{range $i := 3}}{{$i}}{{end}}", None, "012"),
    ("range over zero", "{{range 0}}x{{else}}none{{end}}", None, "none"),
    ("range break", "{{range .}}{{if eq . 3}}{{break}}{{end}}{{.}}{{end}}", [1, 2, 3, 4], "12"),
    ("range continue", "{{range .}}{{if eq . 2}}{{continue}}{{end}}{{.}}{{end}}", [1, 2, 3], "13"),
    (
        "break only leaves the inner range",
        "{{range .}}{{range .}}{{if eq . 2}}{{break}}{{end}}{{.}}{{end}};{{end}}",
        [[1, 2, 3], [4]],
        "1;4;",
    ),
    ("nested range", "{{range .}}{{range .}}{{.}}{{end}};{{end}}", [[1, 2], [3]], "12;3;"),
    (
        "assignment in range persists",
        "{{$n := 0}}{{range .}}{{$n = .}}{{end}}{{$n}}",
        [1, 2, 3],
        "3",
    ),
    (
        "range assignment form",
        "{{$i := 0}}{{$v := 0}}{{range $i, $v = .}}{{end}}{{$i}}{{$v}}",
        ["a", "b"],
        "1b",
    ),
    ("range over a Python iterable", "{{range .}}{{.}}{{end}}", range(3), "012"),
    ("range variables reset each iteration", "{{range .}}{{$x := .}}{{$x}}{{end}}", [1, 2], "12"),
    # -- variables -----------------------------------------------------------------------------
    ("declare", "{{$x := 1}}{{$x}}", None, "1"),
    ("assign", "{{$x := 1}}{{$x = 2}}{{$x}}", None, "2"),
    ("variable fields", "{{$u := .user}}{{$u.name}}", {"user": {"name": "n"}}, "n"),
    ("declaration prints nothing", '{{$x := "hidden"}}', None, ""),
    (
        "inner declaration shadows until end",
        "{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}",
        None,
        "21",
    ),
    (
        "assignment inside if changes outer",
        "{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}",
        None,
        "2",
    ),
    ("variable holding missing key", "{{$x := .nope}}{{$x}}", {}, "<no value>"),
    # -- pipelines -----------------------------------------------------------------------------
    ("piped value is the last argument", '{{"x" | printf "%s-%s" "a"}}', None, "a-x"),
    ("pipeline of several stages", '{{.n | printf "%d" | len}}', {"n": 12345}, "5"),
    ("parenthesised argument", '{{printf "%d" (len .l)}}', {"l": [1, 2]}, "2"),
    ("pipeline into variable", "{{$x := .a | len}}{{$x}}", {"a": "abc"}, "3"),
    # -- built-in functions ----------------------------------------------------------------------
    (
        "and/or/not",
        '{{and 1 0}} {{and 1 2}} [{{or 0 ""}}] {{or 0 3}} {{not 0}} {{not 1}}',
        None,
        "0 2 [] 3 true false",
    ),
    ("and short-circuits", "{{and false (index .l 5)}}", {"l": []}, "false"),
    ("or short-circuits", "{{or .a (index .l 5)}}", {"a": "A", "l": []}, "A"),
    ("and with piped value", "{{1 | and true}}", None, "1"),
    (
        "len counts UTF-8 bytes of strings",
        "{{len .s}} {{len .l}} {{len .m}}",
        {"s": "héllo", "l": [1, 2], "m": {"a": 1}},
        "6 2 1",
    ),
    (
        "index",
        '{{index .l 1}} {{index .m "k"}} {{index .n 1 0}} {{index .m "missing"}}',
        {"l": [10, 20], "m": {"k": "v"}, "n": [[1], [2, 3]]},
        "20 v 2 <no value>",
    ),
    ("index of a string is a byte", '{{index "abc" 1}}', None, "98"),
    ("index with no keys", "{{index .l}}", {"l": [1, 2]}, "[1 2]"),
    ("index with float from JS", "{{index .l .i}}", {"l": [1, 2], "i": 1.0}, "2"),
    (
        "slice",
        '{{slice .l 1}} {{slice .l 1 2}} {{slice .l}} {{slice "hello" 1 3}}',
        {"l": [1, 2, 3]},
        "[2 3] [2] [1 2 3] el",
    ),
    ("slice with three indexes", "{{slice .l 0 1 2}}", {"l": [1, 2, 3]}, "[1]"),
    (
        "eq and ne",
        '{{eq 1 1}} {{eq 1 2}} {{eq "a" "a"}} {{eq 1 2 3 1}} {{ne 1 2}} {{eq .nope "x"}}',
        {},
        "true false true true true false",
    ),
    ("eq int and JS float", "{{eq .n 3}}", {"n": 3.0}, "true"),
    (
        "eq with nil",
        "{{eq .x nil}} {{eq nil nil}} {{eq 1 nil}} {{ne .x nil}}",
        {},
        "true true false false",
    ),
    ("and/or/not with nil", "{{and nil 1}}|{{or nil 1}}|{{not nil}}", None, "<no value>|1|true"),
    (
        "ordering",
        '{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}} {{lt "a" "b"}}',
        None,
        "true true true false true",
    ),
    ("print adds spaces between non-strings", '{{print 1 2 "a" "b" 3}}', None, "1 2ab3"),
    ("println", '{{println "a" 1}}', None, "a 1\n"),
    ("print nil", "{{print nil}}", None, "<nil>"),
    ("html", '{{html "<a href=\\"x\\">&\'"}}', None, "&lt;a href=&#34;x&#34;&gt;&amp;&#39;"),
    ("html of several values", "{{html 1 2}}", None, "1 2"),
    ("js", "{{js .}}", "a'b\"c<d>&=\\\n", "a\\'b\\\"c\\u003Cd\\u003E\\u0026\\u003D\\\\\\u000A"),
    ("urlquery", '{{urlquery "a b&c=d/é~"}}', None, "a+b%26c%3Dd%2F%C3%A9~"),
    ("printf", '{{printf "%s=%d %5.2f|%-4s|" "k" 7 3.14159 "ab"}}', None, "k=7  3.14|ab  |"),
    ("printf nil", '{{printf "%s" nil}}', None, "%!s(<nil>)"),
    ("printf missing key", '{{printf "%v" .nope}}', {}, "<nil>"),
    # -- templates -----------------------------------------------------------------------------
    (
        "define and template",
        '{{define "a"}}A{{.}}{{end}}{{template "a" 1}}{{template "a"}}',
        None,
        "A1A<no value>",
    ),
    (
        "nested templates",
        '{{define "x"}}[{{template "y" .}}]{{end}}{{define "y"}}{{.}}{{end}}{{template "x" "v"}}',
        None,
        "[v]",
    ),
    ("block default", '{{block "b" .}}default {{.}}{{end}}', "d", "default d"),
    (
        "$ inside a template is its argument",
        '{{define "d"}}{{$}}{{end}}{{template "d" .a}}',
        {"a": 5},
        "5",
    ),
    (
        "no dynamic scoping of variables",
        '{{define "d"}}{{.}}{{end}}{{$x := 1}}{{template "d" $x}}',
        None,
        "1",
    ),
    (
        "recursive template",
        '{{define "r"}}{{.n}}{{range .kids}}({{template "r" .}}){{end}}{{end}}{{template "r" .}}',
        {"n": 1, "kids": [{"n": 2, "kids": []}, {"n": 3}]},
        "1(2)(3)",
    ),
    ("define outside the main text", 'a{{define "x"}}X{{end}}b', None, "ab"),
    ("trimmed define", '{{define "x" -}}\n  X\n{{- end}}[{{template "x"}}]', None, "[X]"),
]


@pytest.mark.parametrize(
    ("text", "data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_go_behaviour(text, data, expected):
    assert Template("t").parse(text).execute(data) == expected


def test_user_functions():
    t = Template("t").funcs(
        {
            "upper": str.upper,
            "repeat": lambda n, s: s * int(n),
            "add": lambda a, b: a + b,
            "concat": lambda a, b, c: a + b + c,
            "default": lambda d, v: v or d,
        }
    )
    t.parse(
        "{{.text | upper}} {{.char | repeat 3}} {{add .x .y}} {{concat .a .b .c}} "
        '{{.status | default "pending"}}'
    )
    data = {"text": "Hello", "char": "!", "x": 5, "y": 3, "a": "1", "b": "2", "c": "3"}
    assert t.execute(data | {"status": ""}) == "HELLO !!! 8 123 pending"


def test_osm_complex_scenario():
    """The Go module's TestComplexTemplateScenario, with Python functions."""
    t = Template("complex").funcs(
        {
            "upper": str.upper,
            "title": lambda s: s[:1].upper() + s[1:],
            "join": lambda sep, arr: sep.join(arr),
            "default": lambda val, d: val or d,
        }
    )
    t.parse(
        "\n# {{.title | upper}}\n\n{{if .description}}{{.description}}{{end}}\n\n## Items:\n"
        '{{range .items}}\n- {{. | title}}\n{{end}}\n\nTags: {{.tags | join ", "}}\n'
        'Status: {{.status | default "pending"}}\n'
    )
    out = t.execute(
        {
            "title": "my report",
            "description": "A sample report",
            "items": ["first", "second", "third"],
            "tags": ["important", "urgent"],
            "status": "",
        }
    )
    assert out == (
        "\n# MY REPORT\n\nA sample report\n\n## Items:\n\n- First\n\n- Second\n\n- Third\n"
        "\n\nTags: important, urgent\nStatus: pending\n"
    )


def test_standard_goal_prompt_template():
    """The built-in goals' prompt template (spec §12.3.5)."""
    text = (
        "**{{.description | upper}}**\n\n{{.promptInstructions}}\n\n"
        "## {{.contextHeader}}\n\n{{.contextTxtar}}"
    )
    t = Template("goal").funcs({"upper": str.upper}).parse(text)
    out = t.execute(
        {
            "description": "Code review",
            "promptInstructions": "Review it.",
            "contextHeader": "CONTEXT",
            "contextTxtar": "-- a.go --\npackage a\n",
        }
    )
    assert out == "**CODE REVIEW**\n\nReview it.\n\n## CONTEXT\n\n-- a.go --\npackage a\n"


def test_goal_state_keys_with_trim():
    t = Template("g").parse("!! **GOAL:** {{.stateKeys.goalText -}} !!")
    assert t.execute({"stateKeys": {"goalText": "plan it "}}) == "!! **GOAL:** plan it !!"
    assert t.execute({"stateKeys": {}}) == "!! **GOAL:** <no value>!!"


@dataclasses.dataclass
class _User:
    name: str
    age: int
    _secret: str = "s"

    def greet(self, who: str) -> str:
        return f"hi {who}, I am {self.name}"

    def older(self) -> int:
        return self.age + 1


def test_object_fields_and_methods():
    u = _User("Ann", 30)
    t = Template("t").parse('{{.name}} {{.age}} {{.greet "Bo"}} {{.older}} {{"Cy" | .greet}}')
    assert t.execute(u) == "Ann 30 hi Bo, I am Ann 31 hi Cy, I am Ann"


def test_object_inside_map_and_range():
    t = Template("t").parse("{{range .users}}{{.name}}:{{.older}};{{end}}")
    assert t.execute({"users": [_User("a", 1), _User("b", 2)]}) == "a:2;b:3;"


def test_private_attribute_is_not_a_field():
    with pytest.raises(TemplateError, match="can't evaluate field _secret"):
        Template("t").parse("{{._secret}}").execute(_User("a", 1))


def test_callable_map_values_are_called_like_methods():
    data = {"f": lambda a, b: a * b, "g": lambda: "G", "h": lambda s: s.upper()}
    assert execute('{{.f 2 3}} {{.g}} {{.h .g}} {{"x" | .h}}', data) == "6 G G X"


def test_call_builtin_gets_the_function_itself():
    data = {"f": lambda a, b: a * b, "obj": _User("z", 9)}
    assert execute('{{call .f 2 3}} {{call .obj.greet "q"}}', data) == "6 hi q, I am z"


def test_missingkey_options():
    assert Template("t").option("missingkey=default").parse("{{.x}}").execute({}) == "<no value>"
    assert Template("t").option("missingkey=invalid").parse("{{.x}}").execute({}) == "<no value>"
    # Go quirk kept: zero of interface{} is nil, which prints <no value> too.
    assert Template("t").option("missingkey=zero").parse("{{.x}}").execute({}) == "<no value>"
    zero = Template("t").option("missingkey=zero").parse('{{printf "%v" .x}}')
    assert zero.execute({}) == "<nil>"


def test_parse_once_execute_many_is_independent():
    t = Template("t").parse("{{$x := .}}{{range .}}{{$x = .}}{{end}}{{$x}}")
    assert t.execute([1, 2]) == "2"
    assert t.execute([7]) == "7"
    assert t.execute([]) == "[]"


GOAL_BANNER = (
    "{{- /* 1. Construct the string variables to measure length */ -}}\n"
    '{{- $vars := "" -}}\n'
    "{{- range .notableVariables -}}\n"
    '    {{- $vars = printf "%s %s=%s" $vars . (index $.stateKeys .) -}}\n'
    "{{- end -}}\n"
    "\n"
    '{{- $fullLine := "" -}}\n'
    "{{- if .notableVariables -}}\n"
    '    {{- $fullLine = printf "=== %s:%s ===" .tuiTitle $vars -}}\n'
    "{{- else -}}\n"
    '    {{- $fullLine = printf "=== %s ===" .tuiTitle -}}\n'
    "{{- end -}}\n"
    "\n"
    "{{- /* 2. Rendering Logic */ -}}\n"
    "{{- if le (len $fullLine) 120 -}}\n"
    "=== {{ .tuiTitle }}{{ if .notableVariables }}:{{ range .notableVariables }} {{ . }}="
    "{{ index $.stateKeys . }}{{ end }}{{ end }} ===\n"
    "{{- else -}}\n"
    "=== {{ .tuiTitle }} ===\n"
    "{{- range .notableVariables }}\n"
    "  {{ . }}={{ index $.stateKeys . }}\n"
    "{{- end }}\n"
    "{{- end }}\n"
    "Type 'help' for commands."
)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {
                "tuiTitle": "Test Generator",
                "notableVariables": ["type", "framework"],
                "stateKeys": {"type": "unit", "framework": "auto"},
            },
            "=== Test Generator: type=unit framework=auto ===\nType 'help' for commands.",
        ),
        (
            {"tuiTitle": "Plain", "notableVariables": [], "stateKeys": {}},
            "=== Plain ===\nType 'help' for commands.",
        ),
        (
            {
                "tuiTitle": "Nulls",
                "notableVariables": ["failedPlan"],
                "stateKeys": {"failedPlan": None},
            },
            "=== Nulls: failedPlan=<no value> ===\nType 'help' for commands.",
        ),
        (
            {
                "tuiTitle": "Long",
                "notableVariables": ["a", "b"],
                "stateKeys": {"a": "x" * 70, "b": "y" * 50},
            },
            "=== Long ===\n  a=" + "x" * 70 + "\n  b=" + "y" * 50 + "\nType 'help' for commands.",
        ),
    ],
    ids=["short", "no-variables", "null-value", "long-wraps"],
)
def test_goal_banner_template(data, expected):
    """goal.js's default banner: variables, printf, index $, len, le, trim markers."""
    t = Template("bannerTemplate").funcs({"upper": str.upper}).parse(GOAL_BANNER)
    assert t.execute(data) == expected


def test_test_generator_instructions_condition():
    text = (
        "Generate {{.stateKeys.type}} tests:\n\n{{.typeInstructions}}"
        '{{if and .stateKeys.framework (ne .stateKeys.framework "auto") }}\n\n'
        "Use the {{.stateKeys.framework}} testing framework.\n{{- end }}"
    )
    t = Template("instructions").parse(text)
    base = {"typeInstructions": "Be thorough."}
    assert t.execute(base | {"stateKeys": {"type": "unit", "framework": "auto"}}) == (
        "Generate unit tests:\n\nBe thorough."
    )
    assert t.execute(base | {"stateKeys": {"type": "e2e", "framework": "pytest"}}) == (
        "Generate e2e tests:\n\nBe thorough.\n\nUse the pytest testing framework."
    )


def test_super_document_documents_section():
    text = (
        "{{- if .documents}}\n## DOCUMENTS\n---\n\n{{range $idx, $doc := .documents}}\n"
        "Document {{$doc.id}}:\n`````\n{{$doc.content}}\n`````\n\n{{end}}\n{{end}}"
        "{{if .contextTxtar}}\n{{.contextTxtar}}{{end}}"
    )
    t = Template("super").parse(text)
    docs = [{"id": 1, "content": "alpha"}, {"id": 2.0, "content": "beta"}]
    assert t.execute({"documents": docs, "contextTxtar": ""}) == (
        "\n## DOCUMENTS\n---\n\n\nDocument 1:\n`````\nalpha\n`````\n\n"
        "\nDocument 2:\n`````\nbeta\n`````\n\n\n"
    )
    assert t.execute({"documents": [], "contextTxtar": "-- f --\n"}) == "\n-- f --\n"
