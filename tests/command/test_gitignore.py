"""`.gitignore` patterns as gitignore(5) documents them (what `osm prompt DIR` leaves out)."""

from __future__ import annotations

import pytest

from one_shot_man.gitignore import IgnoreRules


def rules(*lines: str, base: str = "") -> IgnoreRules:
    r = IgnoreRules()
    r.add_lines(lines, base)
    return r


@pytest.mark.parametrize(
    ("lines", "path", "is_dir", "ignored"),
    [
        (["*.log"], "a/b/x.log", False, True),
        (["*.log"], "a/b/x.logs", False, False),
        (["/top.txt"], "top.txt", False, True),
        (["/top.txt"], "a/top.txt", False, False),
        (["doc/*.txt"], "doc/a.txt", False, True),
        (["doc/*.txt"], "doc/sub/a.txt", False, False),  # `*` stops at `/`
        (["doc/**/*.txt"], "doc/sub/deep/a.txt", False, True),
        (["doc/**/*.txt"], "doc/a.txt", False, True),  # `**/` is zero or more folders
        (["**/build"], "x/y/build", True, True),
        (["out/**"], "out/a/b", False, True),
        (["build/"], "build", False, False),  # a trailing `/`: directories only
        (["build/"], "src/build", True, True),
        (["file?.c"], "file1.c", False, True),
        (["file?.c"], "file10.c", False, False),
        (["[ab].py"], "b.py", False, True),
        (["[!ab].py"], "b.py", False, False),
        (["[!ab].py"], "c.py", False, True),
        (["*.log", "!keep.log"], "keep.log", False, False),
        (["!keep.log", "*.log"], "keep.log", False, True),  # the last match wins
        (["\\#hash"], "#hash", False, True),
        (["# comment", "", "   "], "# comment", False, False),
        (["trailing   "], "trailing", False, True),
        (["a+b(c).txt"], "a+b(c).txt", False, True),  # regex characters are literal
    ],
)
def test_patterns(lines: list[str], path: str, is_dir: bool, ignored: bool) -> None:
    assert rules(*lines).ignored(path, is_dir) is ignored


def test_a_nested_file_applies_only_below_its_folder() -> None:
    r = rules("*.tmp", "/local.txt", base="pkg")
    assert r.ignored("pkg/a.tmp", False)
    assert r.ignored("pkg/local.txt", False)
    assert not r.ignored("a.tmp", False)
    assert not r.ignored("pkg/sub/local.txt", False)


def test_no_rules_is_falsy_and_ignores_nothing() -> None:
    assert not IgnoreRules()
    assert not IgnoreRules().ignored("x", False)
