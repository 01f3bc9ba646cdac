"""txtar format/parse and the context manager's export naming and import (spec §6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from one_shot_man.prompt.context import ContextManager
from one_shot_man.prompt.txtar import fix_nl, format_txtar, parse_txtar
from tests.prompt.support import headers, write


# ---------------------------------------------------------------- format / parse
def test_fix_nl() -> None:
    assert fix_nl("") == ""
    assert fix_nl("a") == "a\n"
    assert fix_nl("a\n") == "a\n"


def test_format_layout() -> None:
    text = format_txtar([("a.txt", "one\n"), ("b.txt", "two"), ("empty", "")], comment="c")
    assert text == "c\n-- a.txt --\none\n-- b.txt --\ntwo\n-- empty --\n"
    assert format_txtar([]) == ""


def test_parse_basic_with_comment() -> None:
    comment, files = parse_txtar("leading\ntext\n-- a --\nA\n-- b c --\nB1\nB2\n")
    assert comment == "leading\ntext\n"
    assert files == [("a", "A\n"), ("b c", "B1\nB2\n")]


def test_parse_last_file_gets_newline_and_empty_file() -> None:
    assert parse_txtar("-- a --\n-- b --\nno newline")[1] == [("a", ""), ("b", "no newline\n")]


def test_parse_marker_rules() -> None:
    # Not markers: no space before/after dashes, blank name, marker text mid-line.
    text = "--a --\n-- b--\n--  --\nx -- c --\n-- real --\nbody\n"
    comment, files = parse_txtar(text)
    assert files == [("real", "body\n")]
    assert comment == "--a --\n-- b--\n--  --\nx -- c --\n"


def test_parse_crlf_marker_and_trimmed_name() -> None:
    assert parse_txtar("-- a.txt --\r\nx\r\n--   spaced  name   --\ny")[1] == [
        ("a.txt", "x\r\n"),
        ("spaced  name", "y\n"),
    ]


def test_parse_marker_without_final_newline() -> None:
    assert parse_txtar("-- only --") == ("", [("only", "")])


def test_parse_no_files() -> None:
    assert parse_txtar("") == ("", [])
    assert parse_txtar("just a comment") == ("just a comment\n", [])


@pytest.mark.parametrize(
    "files",
    [
        [("a.txt", "hello\n")],
        [("with space.txt", "x\n"), ("dir/sub file.md", "# t\n\nbody\n")],
        [("empty", ""), ("crlf", "a\r\nb\r\n"), ("unicode ✓", "é\n")],
    ],
)
def test_round_trip(files: list[tuple[str, str]]) -> None:
    assert parse_txtar(format_txtar(files)) == ("", files)


def test_round_trip_adds_newline_when_missing() -> None:
    # txtar cannot say "no final newline": the data comes back with one (as in Go).
    assert parse_txtar(format_txtar([("n", "no eol")]))[1] == [("n", "no eol\n")]


# ---------------------------------------------------------------- export naming (§6)
def test_unique_naming_collisions_get_parent(base: Path) -> None:
    files = [write(base / "a" / "handlers.go"), write(base / "b" / "handlers.go")]
    files.append(write(base / "c" / "utils.go"))
    cm = ContextManager(base)
    for f in files:
        cm.add_path(str(f))
    assert headers(cm.to_txtar()) == [
        "-- a/handlers.go --",
        "-- b/handlers.go --",
        "-- c/utils.go --",
    ]


def test_relative_paths_preserve_structure(base: Path) -> None:
    for n in ["src/main.go", "docs/README.md", "config/app.yaml"]:
        write(base / n)
    cm = ContextManager(base)
    for n in ["src/main.go", "docs/README.md", "config/app.yaml"]:
        cm.add_path(n)
    assert headers(cm.to_txtar()) == [
        "-- config/app.yaml --",
        "-- docs/README.md --",
        "-- src/main.go --",
    ]


def test_multi_level_group_wide_depth(base: Path) -> None:
    for n in ["a/d/file.go", "b/d/file.go", "a/e/file.go"]:
        write(base / n)
    cm = ContextManager(base)
    for n in ["a/d/file.go", "b/d/file.go", "a/e/file.go"]:
        cm.add_path(n)
    assert headers(cm.to_txtar()) == [
        "-- a/d/file.go --",
        "-- a/e/file.go --",
        "-- b/d/file.go --",
    ]


def test_deep_disambiguation(base: Path) -> None:
    names = ["a/x/y/z.go", "b/x/y/z.go", "c/x/w/z.go"]
    for n in names:
        write(base / n)
    cm = ContextManager(base)
    for n in names:
        cm.add_path(n)
    assert headers(cm.to_txtar()) == [f"-- {n} --" for n in sorted(names)]


def test_collision_uses_shortest_distinguishing_suffix(base: Path) -> None:
    names = ["deep/one/a/f.txt", "deep/two/b/f.txt"]
    for n in names:
        write(base / n)
    cm = ContextManager(base)
    for n in names:
        cm.add_path(n)
    assert headers(cm.to_txtar()) == ["-- a/f.txt --", "-- b/f.txt --"]


def test_collision_inside_and_outside_base(tmp_path: Path, base: Path) -> None:
    inside = write(base / "lib" / "x.py", "in\n")
    outside = write(tmp_path / "ext" / "x.py", "out\n")
    cm = ContextManager(base)
    cm.add_path(str(inside))
    cm.add_path(str(outside))
    assert headers(cm.to_txtar()) == ["-- ext/x.py --", "-- lib/x.py --"]


def test_names_with_spaces(base: Path) -> None:
    write(base / "My Folder" / "my report.txt", "r\n")
    cm = ContextManager(base)
    cm.add_path("My Folder")
    txt = cm.to_txtar()
    assert txt == "-- My Folder/my report.txt --\nr\n"
    assert parse_txtar(txt)[1] == [("My Folder/my report.txt", "r\n")]


def test_export_rereads_disk_and_skips_deleted(base: Path) -> None:
    a = write(base / "a.txt", "old\n")
    b = write(base / "b.txt", "b\n")
    cm = ContextManager(base)
    cm.add_path("a.txt")
    cm.add_path("b.txt")
    a.write_text("new\n")
    b.unlink()
    assert cm.to_txtar() == "-- a.txt --\nnew\n"
    assert cm.list_paths() == ["a.txt", "b.txt"]  # still tracked; only export skips it
    assert cm.get_txtar_string() == cm.to_txtar()


def test_export_file_without_trailing_newline_and_empty_file(base: Path) -> None:
    write(base / "a.txt", "no newline")
    write(base / "b.txt", "")
    cm = ContextManager(base)
    cm.add_path("a.txt")
    cm.add_path("b.txt")
    assert cm.to_txtar() == "-- a.txt --\nno newline\n-- b.txt --\n"


def test_export_sorted_by_name_bytes(base: Path) -> None:
    for n in ["b.txt", "B.txt", "a/z.txt", "a.txt"]:
        write(base / n)
    cm = ContextManager(base)
    cm.add_path(".")
    assert headers(cm.to_txtar()) == ["-- B.txt --", "-- a.txt --", "-- a/z.txt --", "-- b.txt --"]


def test_empty_context_exports_empty_string(base: Path) -> None:
    assert ContextManager(base).to_txtar() == ""


# ---------------------------------------------------------------- import
def test_from_txtar_replaces_tracking(base: Path) -> None:
    write(base / "old.txt")
    cm = ContextManager(base)
    cm.add_path("old.txt")
    cm.from_txtar("comment\n-- a.go --\npackage a\n-- sub/b.md --\n# b\n")
    assert cm.list_paths() == ["a.go", "sub/b.md"]
    entry = cm.get_path("a.go")
    assert entry["Content"] == "package a\n"
    assert entry["Metadata"] == {"size": "10", "extension": ".go"}
    assert cm.owners() == ["a.go", "sub/b.md"]
    assert cm.get_stats() == {"totalPaths": 2, "files": 2, "directories": 0, "totalSize": 14}


def test_from_txtar_files_are_kept_in_export_when_not_on_disk(base: Path) -> None:
    cm = ContextManager(base)
    archive = "-- ghost.txt --\nonly in the archive\n-- with space.md --\ns\n"
    cm.from_txtar(archive)
    assert cm.to_txtar() == archive


def test_from_txtar_prefers_disk_content_when_present(base: Path) -> None:
    write(base / "real.txt", "on disk\n")
    cm = ContextManager(base)
    cm.from_txtar("-- real.txt --\nin archive\n")
    assert cm.to_txtar() == "-- real.txt --\non disk\n"
    cm.refresh_path("real.txt")  # each archive file is its own owner
    assert cm.get_path("real.txt")["Content"] == "on disk\n"
    assert cm.get_entry("real.txt").from_archive is False


def test_from_txtar_then_remove(base: Path) -> None:
    cm = ContextManager(base)
    cm.from_txtar("-- a/x.txt --\n1\n-- b/y.txt --\n2\n")
    cm.remove_path("x.txt")
    cm.remove_path("b/y.txt")
    assert cm.list_paths() == []


def test_export_import_round_trip(base: Path) -> None:
    write(base / "one.txt", "1\n")
    write(base / "dir" / "two words.txt", "2")
    cm = ContextManager(base)
    cm.add_path(".")
    exported = cm.to_txtar()
    other = ContextManager(base / "elsewhere")
    other.from_txtar(exported)
    assert other.list_paths() == ["dir/two words.txt", "one.txt"]
    assert other.get_path("dir/two words.txt")["Content"] == "2\n"
    assert other.to_txtar() == exported


def test_absolute_names_in_archive(base: Path, tmp_path: Path) -> None:
    f = write(tmp_path / "abs.txt", "abs\n")
    cm = ContextManager(base)
    cm.from_txtar(f"-- {f} --\narchived\n")
    assert cm.list_paths() == [str(f)]
    assert cm.to_txtar() == "-- abs.txt --\nabs\n"  # re-read from disk, shown by basename
    assert os.path.isabs(cm.list_paths()[0])
