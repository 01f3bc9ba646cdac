"""`printf`, `print` and value printing follow Go's fmt (expected strings are Go's output)."""

from __future__ import annotations

import pytest

from one_shot_man.gotemplate.formatting import format_value, sprint, sprintf, sprintln
from one_shot_man.gotemplate.template import Template

PRINTF = [
    ("%s", ("hi",), "hi"),
    ("%d", (42,), "42"),
    ("%v", ([1, "a"],), "[1 a]"),
    ("%q", ("hi\n",), '"hi\\n"'),
    ("%q", ("é\x01",), '"é\\x01"'),
    ("%+q", ("é",), '"\\u00e9"'),
    ("%#q", ("a",), "`a`"),
    ("%q", (65,), "'A'"),
    ("%x", (255,), "ff"),
    ("%X", (255,), "FF"),
    ("%#x", (255,), "0xff"),
    ("%x", (-255,), "-ff"),
    ("%x", ("hi",), "6869"),
    ("% x", ("hi",), "68 69"),
    ("%X", ("hi",), "6869".upper()),
    ("%5.2f", (3.14159,), " 3.14"),
    ("%-8.3f|", (3.14159,), "3.142   |"),
    ("%08.3f", (-3.14159,), "-003.142"),
    ("%.0f", (2.5,), "2"),
    ("%f", (1,), "1.000000"),
    ("%-10s|", ("left",), "left      |"),
    ("%10s|", ("right",), "     right|"),
    ("%.2s", ("hello",), "he"),
    ("%5.1s|", ("hello",), "    h|"),
    ("%e", (1234.5678,), "1.234568e+03"),
    ("%E", (1234.5678,), "1.234568E+03"),
    ("%g", (1234.5678,), "1234.5678"),
    ("%g", (1e6,), "1e+06"),
    ("%g", (100000.0,), "100000"),
    ("%.3g", (1234.5678,), "1.23e+03"),
    ("%G", (1e-7,), "1E-07"),
    ("%t", (True,), "true"),
    ("%5t|", (False,), "false|"),
    ("%t", (1,), "%!t(int=1)"),
    ("%c", (0x1F600,), "\U0001f600"),
    ("%U", (0x1F600,), "U+1F600"),
    ("%#U", (65,), "U+0041 'A'"),
    ("%b", (5,), "101"),
    ("%o", (8,), "10"),
    ("%#o", (8,), "010"),
    ("%O", (8,), "0o10"),
    ("%+d", (5,), "+5"),
    ("% d", (5,), " 5"),
    ("%05d", (-42,), "-0042"),
    ("%5d|", (42,), "   42|"),
    ("%-5d|", (42,), "42   |"),
    ("%.3d", (7,), "007"),
    ("%d", (42.0,), "42"),
    ("%d", (1.5,), "%!d(float64=1.5)"),
    ("%%", (), "%"),
    ("%d", (), "%!d(MISSING)"),
    ("%d %d", (1,), "1 %!d(MISSING)"),
    ("%d", (1, 2), "1%!(EXTRA int=2)"),
    ("%d", (1, "a", None), "1%!(EXTRA string=a, <nil>)"),
    ("%s", (None,), "%!s(<nil>)"),
    ("%v", (None,), "<nil>"),
    ("%d", ("x",), "%!d(string=x)"),
    ("%z", (1,), "%!z(int=1)"),
    ("%", (), "%!(NOVERB)"),
    (
        "%T %T %T %T %T %T %T",
        ("x", 1, 1.5, [1], {}, None, True),
        "string int float64 []interface {} map[string]interface {} <nil> bool",
    ),
    ("%[2]s %[1]s", ("a", "b"), "b a"),
    ("%[3]d", (1,), "%!d(BADINDEX)"),
    ("%*d", (5, 42), "   42"),
    ("%-*d|", (5, 42), "42   |"),
    ("%.*f", (2, 3.14159), "3.14"),
    ("%v", ({"b": 1, "a": 2},), "map[a:2 b:1]"),
    ("%s", ([1, 2],), "[%!s(int=1) %!s(int=2)]"),
    ("%d", ([1, 2],), "[1 2]"),
    ("%q", (["a", "b"],), '["a" "b"]'),
    ("%6.2f%%", (12.3456,), " 12.35%"),
    ("%v %v", (float("inf"), float("nan")), "+Inf NaN"),
    ("%.2f", (float("-inf"),), "-Inf"),
    ("%#v", ({"a": [1, "x"]},), 'map[string]interface {}{"a":[]interface {}{1, "x"}}'),
    ("%v", (1e21,), "1e+21"),
    ("%3d|", ([1, 2],), "[  1   2]|"),
    ("%5v", (["a", "b"],), "[    a     b]"),
    ("%-3v", ({"k": 1},), "map[k  :1  ]"),
    ("%+v %+d", (5, 5), "5 +5"),
    ("%.2v|%6.3v", (3.14159, 3.14159), "3.1|  3.14"),
    ("%x", ([10, 255],), "[a ff]"),
    ("%v", (123456789.0,), "123456789"),
    ("%v", (0.000001,), "1e-06"),
]


@pytest.mark.parametrize(("fmt", "args", "expected"), PRINTF, ids=[p[0] for p in PRINTF])
def test_sprintf(fmt, args, expected):
    assert sprintf(fmt, *args) == expected


@pytest.mark.parametrize(("fmt", "args", "expected"), PRINTF[:20], ids=[p[0] for p in PRINTF[:20]])
def test_printf_through_a_template(fmt, args, expected):
    data = {"f": fmt, "a": list(args)}
    refs = " ".join(f"(index .a {i})" for i in range(len(args)))
    assert Template("t").parse("{{printf .f " + refs + "}}").execute(data) == expected


def test_sprint_and_sprintln():
    assert sprint("a", 1, 2, "b", 3.0, None) == "a1 2b3 <nil>"
    assert sprint() == ""
    assert sprintln("a", 1, None) == "a 1 <nil>\n"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (-0.5, "-0.5"),
        (1e20, "1e+20"),
        (2.0**70, "1.1805916207174113e+21"),
        (1e100, "1e+100"),
        (0.1 + 0.2, "0.30000000000000004"),
        (1234567.5, "1.2345675e+06"),
        (123456.5, "123456.5"),
        (complex(1, -2), "(1-2i)"),
        ((1, "a"), "[1 a]"),
        ({"k": [None, False]}, "map[k:[<nil> false]]"),
        ({2: "b", 1: "a"}, "map[1:a 2:b]"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text
