"""The template engine on generated templates: output or a `TemplateError`, within a time
bound, never a RecursionError, another exception or a hang (issue 10 item 1)."""

from __future__ import annotations

import threading

from hypothesis import given
from hypothesis import strategies as st

from one_shot_man.gotemplate.errors import TemplateError
from one_shot_man.gotemplate.template import Template
from tests.properties import tally
from tests.properties.strategies import json_values, text

TIME_BOUND_S = 10.0

FUNCS = [
    "and",
    "or",
    "not",
    "len",
    "index",
    "slice",
    "print",
    "printf",
    "println",
    "html",
    "js",
    "urlquery",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "call",
    "nosuchfunc",
]
fields = st.lists(st.sampled_from(["A", "B", "items", "Name", "x"]), min_size=1, max_size=3).map(
    lambda names: "." + ".".join(names)
)
literals = st.one_of(
    st.integers(-5, 5).map(str),
    st.sampled_from(['"s"', "`raw`", "true", "false", "nil", "1.5", "'c'", "0x1F", "1e3"]),
    text.map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
)
operands = st.one_of(st.just("."), st.just("$"), st.just("$x"), fields, literals)


@st.composite
def pipelines(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            fn = draw(st.sampled_from(FUNCS))
            args = draw(st.lists(operands, max_size=3))
            parts.append(" ".join([fn, *args]))
        else:
            parts.append(draw(operands))
    pipe = " | ".join(parts)
    if draw(st.integers(0, 5)) == 0:
        pipe = f"({pipe})"
    if draw(st.integers(0, 4)) == 0:
        pipe = f"$x := {pipe}"
    return pipe


def _open(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["{{", "{{- "]))


def _close(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(["}}", " -}}"]))


@st.composite
def templates(draw: st.DrawFn, depth: int = 0) -> str:
    out = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(
            st.sampled_from(
                [
                    "text",
                    "action",
                    "if",
                    "range",
                    "with",
                    "define",
                    "call",
                    "comment",
                    "junk",
                    "break",
                ]
            )
        )
        o, c = _open(draw), _close(draw)
        if kind == "text":
            out.append(draw(text))
        elif kind == "action":
            out.append(f"{o}{draw(pipelines())}{c}")
        elif kind in ("if", "range", "with") and depth < 3:
            body = draw(templates(depth + 1))
            other = draw(st.one_of(st.none(), templates(depth + 1)))
            rest = "" if other is None else f"{{{{else}}}}{other}"
            end = draw(st.sampled_from(["{{end}}", "{{end}}", ""]))  # sometimes unclosed
            out.append(f"{o}{kind} {draw(pipelines())}{c}{body}{rest}{end}")
        elif kind == "define" and depth < 2:
            name = draw(st.sampled_from(["a", "b", "T"]))
            out.append(f'{{{{define "{name}"}}}}{draw(templates(depth + 1))}{{{{end}}}}')
        elif kind == "call":
            name = draw(st.sampled_from(["a", "b", "T", "missing"]))
            out.append(f'{o}template "{name}" {draw(operands)}{c}')
        elif kind == "comment":
            out.append("{{/* " + draw(text).replace("*/", "") + " */}}")
        elif kind == "deep":  # nesting far past the interpreter's recursion limit
            n = draw(st.sampled_from([5, 300, 3000]))
            opener = draw(st.sampled_from(["(", "{{if 1}}", "{{with .}}", "{{range .}}"]))
            if opener == "(":
                out.append(f"{o}{'(' * n}1{')' * n}{c}")
            else:
                out.append(opener * n + "{{end}}" * n)
        elif kind == "break":
            out.append(draw(st.sampled_from(["{{break}}", "{{continue}}"])))
        else:
            out.append(draw(st.text(st.sampled_from("{}|$.()\"`'-/* \n:=,"), max_size=12)))
    return "".join(out)


data_values = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"A": json_values, "B": json_values, "items": st.lists(json_values, max_size=4)}
    ),
)


def _run_bounded(source: str, data: object) -> None:
    """Parse and execute in a thread; a result, a TemplateError or a failure within the bound."""
    outcome: list[BaseException | str] = []

    def work() -> None:
        try:
            outcome.append(Template("t").parse(source).execute(data))
        except TemplateError:
            outcome.append("template error")
        except BaseException as exc:  # re-raised in the test's thread below
            outcome.append(exc)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(TIME_BOUND_S)
    assert not worker.is_alive(), f"template did not finish within {TIME_BOUND_S}s: {source!r}"
    if isinstance(outcome[0], BaseException):
        raise outcome[0]


@given(templates(), data_values)
def test_generated_templates_give_output_or_a_template_error(source: str, data: object) -> None:
    tally.count()
    _run_bounded(source, data)


@given(st.text(st.sampled_from('{}.$|()"` -/*abcdefiltnrgw:=\n\\0123'), max_size=80))
def test_template_soup(source: str) -> None:
    tally.count()
    _run_bounded(source, {"a": [1, 2], "b": {"c": "d"}})
