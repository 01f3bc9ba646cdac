"""ContextManager (spec §6): owner model, add/remove/refresh, queries, symlinks, errors."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from one_shot_man.errors import OsmError, ScriptError
from one_shot_man.prompt.context import (
    BinaryFileError,
    ContextError,
    ContextManager,
    go_ext,
)
from tests.prompt.support import headers, write


# ---------------------------------------------------------------- keys and adding
def test_base_path_is_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    cm = ContextManager("sub/../.")
    assert cm.base_path == str(tmp_path)


def test_add_relative_file_key_is_relative(base: Path) -> None:
    write(base / "src" / "main.go", "package main\n")
    cm = ContextManager(base)
    cm.add_path("src/main.go")
    assert cm.list_paths() == [os.path.join("src", "main.go")]
    entry = cm.get_path("src/main.go")
    assert entry is not None
    assert entry["Type"] == "file"
    assert entry["Content"] == "package main\n"
    assert entry["Metadata"] == {"size": "13", "extension": ".go"}
    assert entry["Children"] is None
    assert entry["UpdateTime"]


def test_absolute_path_inside_base_becomes_relative(base: Path) -> None:
    f = write(base / "sub" / "file.txt")
    cm = ContextManager(base)
    cm.add_path(str(f))
    assert cm.list_paths() == ["sub/file.txt"]


def test_relative_add_uses_process_cwd_not_base(tmp_path: Path, base: Path) -> None:
    other = tmp_path / "other"
    write(other / "o.txt", "other\n")
    cm = ContextManager(other)  # base elsewhere; cwd is `base`
    write(base / "here.txt", "here\n")
    cm.add_path("here.txt")
    assert cm.list_paths() == [str(base / "here.txt")]  # outside base: absolute key


def test_path_outside_base_keeps_absolute_key_and_txtar_shows_basename(
    tmp_path: Path, base: Path
) -> None:
    outside = write(tmp_path / "elsewhere" / "notes.md", "n\n")
    cm = ContextManager(base)
    cm.add_path(str(outside))
    assert cm.list_paths() == [str(outside)]
    assert headers(cm.to_txtar()) == ["-- notes.md --"]


def test_base_itself_is_dot(base: Path) -> None:
    write(base / "a.txt")
    cm = ContextManager(base)
    cm.add_path(".")
    assert cm.list_paths() == [".", "a.txt"]
    assert cm.get_path(".")["Type"] == "directory"
    assert cm.get_path(".")["Children"] == ["a.txt"]


def test_missing_path_error_names_path(base: Path) -> None:
    cm = ContextManager(base)
    with pytest.raises(ContextError) as info:
        cm.add_path("nope.txt")
    msg = str(info.value)
    assert msg.startswith("failed to stat path nope.txt: lstat ")
    assert msg.endswith(f"{base / 'nope.txt'}: no such file or directory")
    assert isinstance(info.value, ScriptError) and isinstance(info.value, OsmError)
    assert cm.list_paths() == []


def test_unsupported_path_type(base: Path) -> None:
    os.mkfifo(base / "fifo")
    cm = ContextManager(base)
    with pytest.raises(ContextError, match=r"^unsupported path type: .*fifo$"):
        cm.add_path("fifo")


def test_unreadable_file_error(base: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    f = write(base / "secret.txt")
    f.chmod(0)
    cm = ContextManager(base)
    with pytest.raises(
        ContextError, match=r"^failed to read file .*secret.txt: open .*permission denied$"
    ):
        cm.add_path("secret.txt")


def test_readd_replaces_registration(base: Path) -> None:
    f = write(base / "a.txt", "one\n")
    cm = ContextManager(base)
    cm.add_path("a.txt")
    f.write_text("two!\n")
    cm.add_path("a.txt")
    assert cm.list_paths() == ["a.txt"]
    assert cm.get_path("a.txt")["Content"] == "two!\n"
    assert cm.get_stats() == {"totalPaths": 1, "files": 1, "directories": 0, "totalSize": 5}


def test_failed_readd_keeps_previous_registration(base: Path) -> None:
    d = base / "d"
    write(d / "a.txt", "a\n")
    cm = ContextManager(base)
    cm.add_path("d")
    os.symlink(base / "missing", d / "b.txt")  # dangling: the re-scan fails
    with pytest.raises(ContextError, match=r"^failed to scan directory .*/d: failed to resolve"):
        cm.refresh_path("d")
    assert cm.list_paths() == ["d", "d/a.txt"]  # bad input never loses data


def test_directory_walk_sorted_recursive_with_symlinks(base: Path) -> None:
    root = base / "root"
    write(root / "sub" / "file_b.txt", "b\n")
    write(root / "file_a.txt", "a\n")
    write(base / "target.txt", "t\n")
    os.symlink(base / "target.txt", root / "link.txt")
    cm = ContextManager(base)
    cm.add_path("root")
    assert cm.list_paths() == [
        "root",
        "root/file_a.txt",
        "root/link.txt",
        "root/sub/file_b.txt",
    ]
    assert cm.get_path("root")["Children"] == [
        "root/file_a.txt",
        "root/link.txt",
        "root/sub/file_b.txt",
    ]
    assert headers(cm.to_txtar()) == [
        "-- root/file_a.txt --",
        "-- root/link.txt --",
        "-- root/sub/file_b.txt --",
    ]


def test_walk_order_is_by_name_not_creation(base: Path) -> None:
    for name in ["zeta.txt", "Alpha.txt", "beta", "alpha.txt"]:
        if name == "beta":
            write(base / "d" / "beta" / "inner.txt")
        else:
            write(base / "d" / name)
    cm = ContextManager(base)
    cm.add_path("d")
    assert cm.get_path("d")["Children"] == [
        "d/Alpha.txt",
        "d/alpha.txt",
        "d/beta/inner.txt",
        "d/zeta.txt",
    ]


def test_symlinked_directory_is_followed(base: Path) -> None:
    write(base / "real" / "nested" / "file.txt", "n\n")
    write(base / "root" / "plain.txt")
    os.symlink(base / "real", base / "root" / "linkdir")
    cm = ContextManager(base)
    cm.add_path("root")
    assert "root/linkdir/nested/file.txt" in cm.list_paths()


def test_symlink_loop_is_safe(base: Path) -> None:
    write(base / "loop" / "f.txt")
    os.symlink(base / "loop", base / "loop" / "self")
    os.symlink(base / "loop", base / "loop" / "again")
    cm = ContextManager(base)
    cm.add_path("loop")
    assert cm.list_paths() == ["loop", "loop/f.txt"]


def test_top_level_symlink_to_file(base: Path) -> None:
    write(base / "t.txt", "t\n")
    os.symlink(base / "t.txt", base / "l.txt")
    cm = ContextManager(base)
    cm.add_path("l.txt")
    assert cm.get_path("l.txt")["Content"] == "t\n"


def test_dangling_symlink_error(base: Path) -> None:
    os.symlink(base / "missing", base / "dangling")
    cm = ContextManager(base)
    with pytest.raises(ContextError, match=r"^failed to resolve symlink .*dangling: stat "):
        cm.add_path("dangling")


def test_dangling_symlink_inside_directory_aborts_scan(base: Path) -> None:
    write(base / "d" / "ok.txt")
    os.symlink(base / "missing", base / "d" / "dangling")
    cm = ContextManager(base)
    with pytest.raises(ContextError, match=r"^failed to scan directory .*/d: failed to resolve"):
        cm.add_path("d")
    assert cm.list_paths() == []


def test_empty_directory(base: Path) -> None:
    (base / "empty").mkdir()
    cm = ContextManager(base)
    cm.add_path("empty")
    assert cm.list_paths() == ["empty"]
    assert cm.get_path("empty")["Children"] == []
    assert cm.get_stats() == {"totalPaths": 1, "files": 0, "directories": 1, "totalSize": 0}
    assert cm.to_txtar() == ""
    cm.refresh_path("empty")  # an empty directory is still an owner


# ---------------------------------------------------------------- content decoding
def test_undecodable_bytes_are_replaced_and_size_counts_bytes(base: Path) -> None:
    raw = b"ok \xff\xfe end\n"
    write(base / "bin.dat", raw)
    cm = ContextManager(base)
    cm.add_path("bin.dat")
    entry = cm.get_path("bin.dat")
    assert entry["Content"] == "ok \ufffd\ufffd end\n"
    assert entry["Metadata"]["size"] == str(len(raw))
    assert cm.to_txtar() == "-- bin.dat --\nok \ufffd\ufffd end\n"


def test_binary_with_nul_is_refused(base: Path) -> None:
    """A NUL byte marks a binary file (git's test): it would only be noise in a prompt."""
    raw = bytes(range(0, 128))
    write(base / "b.bin", raw)
    cm = ContextManager(base)
    with pytest.raises(BinaryFileError, match=r"b\.bin: binary file$"):
        cm.add_path("b.bin")
    assert cm.list_paths() == []
    write(base / "t.txt", bytes(range(1, 128)))  # control characters but no NUL: text
    cm.add_path("t.txt")
    assert cm.get_path("t.txt")["Content"] == bytes(range(1, 128)).decode("ascii")


def test_a_file_that_turned_binary_shows_as_a_marker(base: Path) -> None:
    write(base / "t.txt", "text\n")
    cm = ContextManager(base)
    cm.add_path("t.txt")
    write(base / "t.txt", b"\x00\x01")
    assert cm.to_txtar() == "-- t.txt --\n(binary file: not included in the prompt)\n"


def test_utf8_content_and_size(base: Path) -> None:
    text = "héllo ✓\n"
    write(base / "u.txt", text)
    cm = ContextManager(base)
    cm.add_path("u.txt")
    assert cm.get_path("u.txt")["Content"] == text
    assert cm.get_stats()["totalSize"] == len(text.encode())


def test_crlf_is_not_translated(base: Path) -> None:
    write(base / "w.txt", b"a\r\nb\r\n")
    cm = ContextManager(base)
    cm.add_path("w.txt")
    assert cm.get_path("w.txt")["Content"] == "a\r\nb\r\n"


@pytest.mark.slow
def test_large_file(base: Path) -> None:
    line = "0123456789abcdef" * 4 + "\n"
    data = line * (6 * 1024 * 1024 // len(line))  # ~6 MiB, bigger than one read chunk
    write(base / "big.txt", data)
    cm = ContextManager(base)
    cm.add_path("big.txt")
    assert cm.get_stats()["totalSize"] == len(data)
    txt = cm.to_txtar()
    assert txt == "-- big.txt --\n" + data


def test_file_growing_past_stat_size_is_read_whole(base: Path) -> None:
    # Files whose stat size is 0 but have content (procfs-style) are read to EOF.
    cm = ContextManager("/")
    cm.add_path("/proc/self/status")
    assert "Name:" in cm.get_path("proc/self/status")["Content"]


# ---------------------------------------------------------------- removal / ownership
def test_file_then_directory_remove_directory_keeps_standalone_file(base: Path) -> None:
    write(base / "dir" / "a.txt", "a\n")
    write(base / "dir" / "b.txt", "b\n")
    cm = ContextManager(base)
    cm.add_path("dir/a.txt")
    cm.add_path("dir")
    cm.remove_path("dir")
    assert cm.list_paths() == ["dir/a.txt"]
    assert headers(cm.to_txtar()) == ["-- dir/a.txt --"]


def test_removing_file_key_while_directory_owns_it_keeps_it(base: Path) -> None:
    write(base / "dir" / "a.txt")
    cm = ContextManager(base)
    cm.add_path("dir/a.txt")
    cm.add_path("dir")
    cm.remove_path("dir/a.txt")
    assert cm.list_paths() == ["dir", "dir/a.txt"]
    cm.remove_path("dir")
    assert cm.list_paths() == []


def test_remove_by_absolute_path_and_dot_relative(base: Path) -> None:
    f = write(base / "sub" / "f.txt")
    cm = ContextManager(base)
    cm.add_path("sub/f.txt")
    cm.remove_path(str(f))
    assert cm.list_paths() == []
    cm.add_path("sub/f.txt")
    cm.remove_path("./sub/../sub/f.txt")
    assert cm.list_paths() == []


def test_remove_relative_to_base_not_cwd(tmp_path: Path, base: Path, monkeypatch) -> None:
    write(base / "sub" / "f.txt")
    cm = ContextManager(base)
    cm.add_path("sub/f.txt")
    monkeypatch.chdir(tmp_path)
    cm.remove_path("sub/f.txt")
    assert cm.list_paths() == []


def test_remove_unique_basename(base: Path) -> None:
    write(base / "a" / "only.txt")
    write(base / "a" / "other.txt")
    cm = ContextManager(base)
    cm.add_path("a/only.txt")
    cm.remove_path("only.txt")
    assert cm.list_paths() == []


def test_remove_basename_of_file_owned_by_directory(base: Path) -> None:
    write(base / "d" / "x.txt")
    write(base / "d" / "y.txt")
    cm = ContextManager(base)
    cm.add_path("d")
    cm.remove_path("x.txt")
    assert cm.list_paths() == ["d", "d/y.txt"]
    assert cm.get_path("d")["Children"] == ["d/y.txt"]
    cm.remove_path("d")
    assert cm.list_paths() == []


def test_ambiguous_basename_errors_and_keeps_everything(base: Path) -> None:
    write(base / "a" / "dup.txt")
    write(base / "b" / "dup.txt")
    cm = ContextManager(base)
    cm.add_path("a/dup.txt")
    cm.add_path("b/dup.txt")
    with pytest.raises(ContextError, match=r"^ambiguous path: dup.txt$"):
        cm.remove_path("dup.txt")
    assert cm.list_paths() == ["a/dup.txt", "b/dup.txt"]


def test_full_path_with_shared_basename_is_not_ambiguous(base: Path) -> None:
    write(base / "a" / "dup.txt")
    write(base / "b" / "dup.txt")
    cm = ContextManager(base)
    cm.add_path("a/dup.txt")
    cm.add_path("b/dup.txt")
    cm.remove_path("a/dup.txt")
    assert cm.list_paths() == ["b/dup.txt"]
    cm.remove_path("c/dup.txt")  # no such key: no error, no change
    assert cm.list_paths() == ["b/dup.txt"]


def test_remove_unknown_is_idempotent(base: Path) -> None:
    cm = ContextManager(base)
    cm.remove_path("never.txt")
    cm.remove_path("")
    cm.remove_path("/abs/never")
    assert cm.list_paths() == []


def test_clear(base: Path) -> None:
    write(base / "a.txt")
    cm = ContextManager(base)
    cm.add_path("a.txt")
    cm.clear()
    assert cm.list_paths() == [] and cm.to_txtar() == "" and cm.owners() == []


# ---------------------------------------------------------------- refresh
def test_refresh_file_updates_content(base: Path) -> None:
    f = write(base / "r.txt", "old\n")
    cm = ContextManager(base)
    cm.add_path("r.txt")
    f.write_text("new content\n")
    assert cm.get_path("r.txt")["Content"] == "old\n"  # cached until refresh
    cm.refresh_path("r.txt")
    assert cm.get_path("r.txt")["Content"] == "new content\n"
    assert cm.get_stats()["totalSize"] == len("new content\n")


def test_refresh_directory_includes_new_files(base: Path) -> None:
    write(base / "d" / "a.txt")
    cm = ContextManager(base)
    cm.add_path("d")
    write(base / "d" / "b.txt")
    cm.refresh_path("d")
    assert cm.list_paths() == ["d", "d/a.txt", "d/b.txt"]


def test_refresh_non_owner_fails(base: Path) -> None:
    write(base / "d" / "a.txt")
    cm = ContextManager(base)
    cm.add_path("d")
    with pytest.raises(ContextError, match=r"^path d/a.txt is not a tracked owner$"):
        cm.refresh_path("d/a.txt")
    with pytest.raises(ContextError, match=r"^path zzz is not a tracked owner$"):
        cm.refresh_path("zzz")


def test_refresh_resolves_against_base(tmp_path: Path, base: Path, monkeypatch) -> None:
    f = write(base / "r.txt", "1\n")
    cm = ContextManager(base)
    cm.add_path("r.txt")
    monkeypatch.chdir(tmp_path)
    f.write_text("2\n")
    cm.refresh_path("r.txt")
    assert cm.get_path("r.txt")["Content"] == "2\n"


def test_refresh_deleted_file_errors(base: Path) -> None:
    f = write(base / "gone.txt")
    cm = ContextManager(base)
    cm.add_path("gone.txt")
    f.unlink()
    with pytest.raises(ContextError, match=r"^failed to stat path gone.txt: lstat "):
        cm.refresh_path("gone.txt")


# ---------------------------------------------------------------- queries
def test_get_stats_counts(base: Path) -> None:
    write(base / "d" / "a.go", "12345")
    write(base / "d" / "b.md", "123")
    write(base / "c.txt", "1")
    cm = ContextManager(base)
    assert cm.get_stats() == {"totalPaths": 0, "files": 0, "directories": 0, "totalSize": 0}
    cm.add_path("d")
    cm.add_path("c.txt")
    assert cm.get_stats() == {"totalPaths": 4, "files": 3, "directories": 1, "totalSize": 9}
    stats = cm.get_stats()
    stats["files"] = 99  # callers get a copy
    assert cm.get_stats()["files"] == 3


def test_get_path_unknown_is_none(base: Path) -> None:
    assert ContextManager(base).get_path("x") is None


def test_list_paths_sorted(base: Path) -> None:
    for n in ["b.txt", "a.txt", "c/z.txt"]:
        write(base / n)
    cm = ContextManager(base)
    for n in ["c/z.txt", "b.txt", "a.txt"]:
        cm.add_path(n)
    assert cm.list_paths() == ["a.txt", "b.txt", "c/z.txt"]
    assert list(cm) == cm.list_paths() and len(cm) == 3 and "a.txt" in cm


def test_filter_paths_glob_does_not_cross_separators(base: Path) -> None:
    for n in ["main.go", "util.go", "README.md", "pkg/a.go", "pkg/sub/b.go", "x1.txt", "x2.txt"]:
        write(base / n)
    cm = ContextManager(base)
    cm.add_path(".")
    assert cm.filter_paths("*.go") == ["main.go", "util.go"]
    assert cm.filter_paths("pkg/*.go") == ["pkg/a.go"]
    assert cm.filter_paths("*/*/*.go") == ["pkg/sub/b.go"]
    assert cm.filter_paths("x?.txt") == ["x1.txt", "x2.txt"]
    assert cm.filter_paths("x[12].txt") == ["x1.txt", "x2.txt"]
    assert cm.filter_paths("x[^1].txt") == ["x2.txt"]
    assert cm.filter_paths("x[0-1].txt") == ["x1.txt"]
    assert cm.filter_paths("[R]EADME.md") == ["README.md"]
    assert cm.filter_paths("\\*.go") == []
    assert cm.filter_paths("pkg") == []  # sub-directories found by a walk are not keys
    assert cm.filter_paths("*") == [".", "README.md", "main.go", "util.go", "x1.txt", "x2.txt"]
    assert cm.filter_paths("nomatch*") == []


def test_filter_paths_class_can_match_separator_like_go(base: Path) -> None:
    write(base / "a" / "b")
    cm = ContextManager(base)
    cm.add_path("a/b")
    assert cm.filter_paths("a[^x]b") == ["a/b"]
    assert cm.filter_paths("a?b") == []


@pytest.mark.parametrize("bad", ["[", "[]", "[a", "[a-", "[-a]", "x\\", "[\\", "[z-"])
def test_filter_paths_malformed_pattern(base: Path, bad: str) -> None:
    write(base / "a.txt")
    cm = ContextManager(base)
    cm.add_path("a.txt")
    with pytest.raises(ContextError) as info:
        cm.filter_paths(bad)
    assert str(info.value) == f"invalid pattern {bad}: syntax error in pattern"


def test_filter_paths_inverted_range_matches_nothing(base: Path) -> None:
    write(base / "b.txt")
    cm = ContextManager(base)
    cm.add_path("b.txt")
    assert cm.filter_paths("[z-a].txt") == []
    assert cm.filter_paths("[^z-a].txt") == ["b.txt"]


def test_filter_paths_key_with_newline(base: Path) -> None:
    write(base / "odd\nname.txt")
    write(base / "plain.txt")
    cm = ContextManager(base)
    cm.add_path(".")
    assert cm.filter_paths("*.txt") == ["odd\nname.txt", "plain.txt"]
    assert cm.filter_paths("name.txt") == []


def test_filter_sees_changes(base: Path) -> None:
    write(base / "a.go")
    write(base / "b.go")
    cm = ContextManager(base)
    cm.add_path("a.go")
    assert cm.filter_paths("*.go") == ["a.go"]
    cm.add_path("b.go")
    assert cm.filter_paths("*.go") == ["a.go", "b.go"]
    cm.remove_path("a.go")
    assert cm.filter_paths("*.go") == ["b.go"]


def test_get_files_by_ext(base: Path) -> None:
    for n in ["a.go", "b.go", "c.md", "d/e.go"]:
        write(base / n)
    cm = ContextManager(base)
    cm.add_path(".")
    assert cm.get_files_by_ext("go") == ["a.go", "b.go", "d/e.go"]
    assert cm.get_files_by_ext(".md") == ["c.md"]
    assert cm.get_files_by_ext("rs") == []


@pytest.mark.parametrize(
    ("path", "ext"),
    [
        ("a.go", ".go"),
        ("a.tar.gz", ".gz"),
        ("Makefile", ""),
        (".bashrc", ".bashrc"),
        ("d.x/file", ""),
        ("d/file.", "."),
    ],
)
def test_go_ext(path: str, ext: str) -> None:
    assert go_ext(path) == ext


# ---------------------------------------------------------------- rehydration helper
def test_add_relative_path_resolves_against_base(tmp_path: Path, base: Path, monkeypatch) -> None:
    write(base / "sub" / "f.txt")
    cm = ContextManager(base)
    monkeypatch.chdir(tmp_path)
    assert cm.add_relative_path("sub/f.txt") == "sub/f.txt"
    assert cm.add_relative_path(str(base / "sub" / "f.txt")) == "sub/f.txt"
    assert cm.add_relative_path(".") == "."


def test_add_relative_path_missing(base: Path) -> None:
    cm = ContextManager(base)
    with pytest.raises(ContextError, match=r"^failed to stat path gone.txt: .*no such file"):
        cm.add_relative_path("gone.txt")


def test_add_relative_path_literal_backslash(base: Path) -> None:
    write(base / "dir\\file.txt", "b\n")
    cm = ContextManager(base)
    assert cm.add_relative_path("dir\\file.txt") == "dir\\file.txt"
    with pytest.raises(ContextError):
        cm.add_relative_path("dir\\other.txt")


def test_add_relative_path_outside_base_accepted(tmp_path: Path, base: Path) -> None:
    write(tmp_path / "sibling" / "s.txt")
    cm = ContextManager(base)
    key = cm.add_relative_path("../sibling/s.txt")
    assert key == str(tmp_path / "sibling" / "s.txt")
    assert headers(cm.to_txtar()) == ["-- s.txt --"]


def test_add_relative_path_fallback_absolute(tmp_path: Path, base: Path) -> None:
    f = write(tmp_path / "proj" / "keep.txt")
    cm = ContextManager(base)  # session resumed from another directory
    key = cm.add_relative_path("keep.txt", fallback_abs=str(f))
    assert key == str(f)
    assert cm.get_entry(key).abs_path == str(f)


def test_absolute_path_of_keys(base: Path) -> None:
    cm = ContextManager(base)
    assert cm.absolute_path(".") == str(base)
    assert cm.absolute_path("a/b") == str(base / "a" / "b")
    assert cm.absolute_path("/x/../y") == "/y"
    assert cm.owner_key(str(base)) == "."
    assert cm.owner_key(str(base) + "x/y") == str(base) + "x/y"  # sibling with shared prefix


def test_filter_paths_accepts_predicate(base: Path) -> None:
    for n in ["a.go", "b.md"]:
        write(base / n)
    cm = ContextManager(base)
    cm.add_path(".")
    assert cm.filter_paths(lambda k: k.endswith(".md")) == ["b.md"]


def test_undecodable_file_name(base: Path) -> None:
    raw = os.fsencode(str(base)) + b"/bad\xff.txt"
    with open(raw, "wb") as f:
        f.write(b"content\n")
    cm = ContextManager(base)
    cm.add_path(".")
    assert cm.list_paths() == [".", os.fsdecode(b"bad\xff.txt")]
    txt = cm.to_txtar()
    assert txt == "-- bad\ufffd.txt --\ncontent\n"
    txt.encode("utf-8")  # printable, copyable


def test_concurrent_add_remove_export(base: Path) -> None:
    import threading

    for i in range(20):
        write(base / "d" / f"f{i}.txt", f"{i}\n")
    cm = ContextManager(base)
    errors: list[BaseException] = []

    def churn(n: int) -> None:
        try:
            for _ in range(30):
                cm.add_path(f"d/f{n}.txt")
                cm.to_txtar()
                cm.get_stats()
                cm.remove_path(f"d/f{n}.txt")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert cm.list_paths() == []
    assert cm.get_stats() == {"totalPaths": 0, "files": 0, "directories": 0, "totalSize": 0}


def test_context_error_carries_errno(base: Path) -> None:
    import errno

    cm = ContextManager(base)
    with pytest.raises(ContextError) as info:
        cm.add_relative_path("missing.txt")
    assert info.value.errno == errno.ENOENT and info.value.not_found
    with pytest.raises(ContextError) as info:
        cm.refresh_path("untracked")
    assert info.value.errno is None and not info.value.not_found
