"""Go fmt as osm uses it for ctx.logf, output.printf, log.printf and template printf (JS values)."""

from __future__ import annotations

import pytest

from one_shot_man.gotemplate.formatting import sprint, sprintf


@pytest.mark.parametrize(
    ("fmt", "args", "expected"),
    [
        ("Number: %d", (42,), "Number: 42"),
        ("formatted: %s %d", ("test", 42), "formatted: test 42"),
        ("%d", (42.0,), "42"),
        ("%d", (2.5,), "%!d(float64=2.5)"),
        ("%s", (None,), "%!s(<nil>)"),
        ("%v", (None,), "<nil>"),
        ("%s", (7,), "%!s(int=7)"),
        ("%q", ('a"b',), '"a\\"b"'),
        ("%5.2f|", (3.14159,), " 3.14|"),
        ("%-10s|", ("left",), "left      |"),
        ("%05d", (-42,), "-0042"),
        ("%x %X %#x", (255, 255, 255), "ff FF 0xff"),
        ("%x", ("hi",), "6869"),
        ("%t", (True,), "true"),
        ("%v", ([1, "a", True],), "[1 a true]"),
        ("%v", ({"b": 2, "a": 1},), "map[a:1 b:2]"),
        ("%v", (1.5,), "1.5"),
        ("%v", (1e21,), "1e+21"),
        ("100%%", (), "100%"),
        ("%d %d", (1,), "1 %!d(MISSING)"),
        ("%d", (1, 2), "1%!(EXTRA int=2)"),
        ("%c", (65,), "A"),
        ("%+d", (5,), "+5"),
        ("%.3s", ("abcdef",), "abc"),
        ("%e", (1234.5678,), "1.234568e+03"),
        ("%g", (0.000012,), "1.2e-05"),
        ("%*d|", (4, 7), "   7|"),
    ],
)
def test_sprintf(fmt, args, expected):
    assert sprintf(fmt, *args) == expected


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("a", "b"), "ab"),
        ((1, 2), "1 2"),
        (("x", 1, 2, "y"), "x1 2y"),
        ((1, "s", 2), "1s2"),
        ((), ""),
    ],
)
def test_sprint(args, expected):
    assert sprint(*args) == expected
