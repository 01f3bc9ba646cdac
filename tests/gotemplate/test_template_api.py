"""The Template API (Go's Template methods) and the parse-once/execute-many cost."""

from __future__ import annotations

import pytest

from one_shot_man.gotemplate.template import Template, TemplateError, execute


def test_chaining_returns_the_template():
    t = Template("chain")
    assert t.funcs({"upper": str.upper}) is t
    assert t.option("missingkey=zero") is t
    assert t.delims("{{", "}}") is t
    assert t.parse("{{.text | upper}}") is t
    assert t.execute({"text": "hello"}) == "HELLO"
    assert t.name() == "chain"


def test_one_step_execute():
    assert execute("Hello {{.name}}!", {"name": "World"}) == "Hello World!"
    assert execute("Static text only", None) == "Static text only"
    assert execute("", {}) == ""


def test_define_lookup_and_execute_template():
    t = Template("main").parse('{{define "a"}}A:{{.}}{{end}}main:{{template "a" .}}')
    assert t.execute(1) == "main:A:1"
    a = t.lookup("a")
    assert a is not None and a.name() == "a"
    assert a.execute(2) == "A:2"
    assert t.execute_template("a", 3) == "A:3"
    assert t.lookup("missing") is None
    assert sorted(x.name() for x in t.templates()) == ["a", "main"]
    assert t.defined_templates() in (
        '; defined templates are: "a", "main"',
        '; defined templates are: "main", "a"',
    )


def test_block_can_be_overridden_by_a_later_parse():
    t = Template("page").parse('<{{block "body" .}}default{{end}}>')
    assert t.execute(None) == "<default>"
    t.parse('{{define "body"}}custom {{.}}{{end}}')
    # The second text's main body is empty, so it does not replace "page".
    assert t.execute("x") == "<custom x>"


def test_redefinition_in_a_later_parse_wins():
    t = Template("t").parse('{{define "a"}}1{{end}}{{template "a"}}')
    t.parse('{{define "a"}}2{{end}}')
    assert t.execute(None) == "2"


def test_new_shares_namespace_functions_and_options():
    root = Template("root").funcs({"twice": lambda s: s * 2}).option("missingkey=error")
    child = root.new("child").parse("{{twice .x}}")
    assert child.execute({"x": "ab"}) == "abab"
    assert root.lookup("child") is child
    with pytest.raises(TemplateError, match='map has no entry for key "x"'):
        child.execute({})
    assert root.execute_template("child", {"x": "c"}) == "cc"


def test_user_function_overrides_builtin():
    t = Template("t").funcs({"len": lambda x: "mine"}).parse("{{len .}}")
    assert t.execute([1]) == "mine"


def test_functions_added_after_parse_replace_implementations():
    t = Template("t").funcs({"f": lambda: "old"}).parse("{{f}}")
    t.funcs({"f": lambda: "new"})
    assert t.execute(None) == "new"


def test_function_results_of_any_type():
    t = Template("t").funcs({"pair": lambda a, b: [a, b], "none": lambda: None})
    t.parse('{{index (pair "x" "y") 1}} {{pair 1 2}} {{none}} {{if none}}t{{else}}f{{end}}')
    assert t.execute(None) == "y [1 2] <no value> f"


def test_variadic_python_functions_accept_any_count():
    t = Template("t").funcs({"join": lambda *parts: "-".join(map(str, parts))})
    assert t.parse("{{join}}|{{join 1}}|{{join 1 2 3}}").execute(None) == "|1|1-2-3"


def test_concurrent_use_is_safe_for_separate_executions():
    import threading

    t = Template("t").parse("{{range .}}{{$x := .}}{{$x}}{{end}}")
    results: list[str] = []

    def run(n: int) -> None:
        results.append(t.execute(list(range(n))))

    threads = [threading.Thread(target=run, args=(n,)) for n in (3, 5, 7, 9)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == sorted("".join(map(str, range(n))) for n in (3, 5, 7, 9))


PROMPT = """\
**{{.description | upper}}**

{{.promptInstructions}}

{{- if .stateKeys.type}}
Type: {{.stateKeys.type}}
{{- end}}

## {{.contextHeader}}

{{range $i, $item := .items -}}
{{$i}}. [{{$item.type}}] {{$item.label}}{{if $item.note}} - {{$item.note}}{{end}}
{{end -}}

{{with .footer}}{{.}}{{else}}(no footer){{end}}
{{printf "%d items" (len .items)}}
{{.contextTxtar}}
"""


def _prompt_data() -> dict:
    return {
        "description": "code review",
        "promptInstructions": "Review the attached changes carefully.\n" * 5,
        "stateKeys": {"type": "unit"},
        "contextHeader": "CONTEXT",
        "items": [
            {"type": "file", "label": f"src/file{i}.py", "note": "x" if i % 2 else ""}
            for i in range(10)
        ],
        "footer": "",
        "contextTxtar": "-- a.py --\nprint(1)\n" * 10,
    }


def test_typical_prompt_renders_as_expected():
    t = Template("prompt").funcs({"upper": str.upper}).parse(PROMPT)
    out = t.execute(_prompt_data())
    assert out.startswith("**CODE REVIEW**\n\nReview the attached")
    assert (
        "\nType: unit\n\n## CONTEXT\n\n0. [file] src/file0.py\n1. [file] src/file1.py - x\n" in out
    )
    assert "9. [file] src/file9.py - x\n(no footer)\n10 items\n-- a.py --" in out


def test_clone_is_independent():
    base = Template("page").funcs({"f": lambda: "base"}).parse('<{{block "body" .}}b{{end}}>{{f}}')
    copy = base.clone()
    copy.funcs({"f": lambda: "copy"}).parse('{{define "body"}}c{{end}}')
    assert base.execute(None) == "<b>base"
    assert copy.execute(None) == "<c>copy"
    assert copy.name() == "page" and copy.lookup("body") is not base.lookup("body")
