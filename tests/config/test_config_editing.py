"""Editing one key of a config file: comments and everything else survive byte-for-byte."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from one_shot_man.config import (
    delete_all_global_keys_in_file,
    delete_command_key_in_file,
    delete_key_in_file,
    load_from_path,
    set_command_key_in_file,
    set_key_in_file,
)
from one_shot_man.errors import ConfigError


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode())
    return path


def read(path: Path) -> str:
    return path.read_bytes().decode()


@pytest.fixture
def cfg_path(tmp_path: Path) -> Path:
    return tmp_path / "config"


# -- set_key_in_file (3.9 HEAD "file-writer tables") ------------------------------------


def test_new_key_in_missing_file(cfg_path: Path) -> None:
    set_key_in_file(cfg_path, "color", "auto")
    assert read(cfg_path) == "color auto\n"
    assert load_from_path(cfg_path).get_global_option("color") == "auto"
    assert stat.S_IMODE(cfg_path.stat().st_mode) == 0o644


def test_new_key_in_existing_file(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\n")
    set_key_in_file(cfg_path, "color", "auto")
    assert read(cfg_path) == "verbose true\ncolor auto\n"


def test_new_key_in_file_without_final_newline(cfg_path: Path) -> None:
    write(cfg_path, "# only a comment")
    set_key_in_file(cfg_path, "color", "auto")
    assert read(cfg_path) == "# only a comment\ncolor auto\n"


def test_update_existing_key_in_place(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\ncolor auto\n")
    set_key_in_file(cfg_path, "color", "never")
    assert read(cfg_path) == "verbose true\ncolor never\n"


def test_comments_and_blank_lines_preserved_byte_for_byte(cfg_path: Path) -> None:
    original = (
        "# This is a configuration file\n# Global options\nverbose true\n\n"
        "# Color settings\ncolor auto\n   # indented comment\t\n\n[help]\n# help\npager less\n"
    )
    write(cfg_path, original)
    set_key_in_file(cfg_path, "color", "always")
    assert read(cfg_path) == original.replace("color auto", "color always")


def test_inserts_after_last_global_key_before_first_section(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\n\n[help]\npager less\n")
    set_key_in_file(cfg_path, "color", "auto")
    assert read(cfg_path) == "verbose true\ncolor auto\n\n[help]\npager less\n"
    cfg = load_from_path(cfg_path)
    assert cfg.get_global_option("color") == "auto"
    assert cfg.get_command_option("help", "pager") == "less"


def test_inserts_before_first_section_when_no_global_keys(cfg_path: Path) -> None:
    write(cfg_path, "# header\n[help]\npager less\n")
    set_key_in_file(cfg_path, "color", "auto")
    assert read(cfg_path) == "# header\ncolor auto\n[help]\npager less\n"


def test_does_not_match_key_inside_a_section(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\n\n[version]\nformat short\n")
    set_key_in_file(cfg_path, "format", "json")
    content = read(cfg_path)
    assert content.count("format") == 2
    cfg = load_from_path(cfg_path)
    assert cfg.get_global_option("format") == "json"
    assert cfg.get_command_option("version", "format") == "short"


def test_global_scope_after_empty_header_is_edited(cfg_path: Path) -> None:
    write(cfg_path, "[help]\npager less\n[]\ncolor auto\n")
    set_key_in_file(cfg_path, "color", "never")
    assert read(cfg_path) == "[help]\npager less\n[]\ncolor never\n"


def test_duplicate_key_updates_the_effective_last_line(cfg_path: Path) -> None:
    write(cfg_path, "color auto\ncolor never\n")
    set_key_in_file(cfg_path, "color", "always")
    assert load_from_path(cfg_path).get_global_option("color") == "always"


def test_creates_parent_directory(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "deep" / "config"
    set_key_in_file(path, "color", "auto")
    assert read(path) == "color auto\n"


def test_atomic_write_leaves_no_temp_files(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\n")
    set_key_in_file(cfg_path, "color", "auto")
    assert sorted(os.listdir(cfg_path.parent)) == ["config"]
    assert cfg_path.stat().st_size > 0


def test_value_with_spaces_round_trips(cfg_path: Path) -> None:
    set_key_in_file(cfg_path, "editor", "vim -u NONE")
    assert load_from_path(cfg_path).get_global_option("editor") == "vim -u NONE"


def test_empty_value_writes_key_alone(cfg_path: Path) -> None:
    set_key_in_file(cfg_path, "session.id", "")
    assert read(cfg_path) == "session.id\n"
    assert load_from_path(cfg_path).get_global_option("session.id") == ""


def test_crlf_file_keeps_crlf(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\r\ncolor auto\r\n[help]\r\npager less\r\n")
    set_key_in_file(cfg_path, "color", "never")
    set_key_in_file(cfg_path, "debug", "true")
    assert read(cfg_path) == "verbose true\r\ncolor never\r\ndebug true\r\n[help]\r\npager less\r\n"


def test_indentation_of_replaced_line_kept(cfg_path: Path) -> None:
    write(cfg_path, "  color auto\n")
    set_key_in_file(cfg_path, "color", "never")
    assert read(cfg_path) == "  color never\n"


def test_existing_permissions_are_kept(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\n")
    cfg_path.chmod(0o600)
    set_key_in_file(cfg_path, "color", "auto")
    assert stat.S_IMODE(cfg_path.stat().st_mode) == 0o600


def test_invalid_utf8_elsewhere_is_preserved(cfg_path: Path) -> None:
    cfg_path.write_bytes(b"name caf\xe9\ncolor auto\n")
    set_key_in_file(cfg_path, "color", "never")
    assert cfg_path.read_bytes() == b"name caf\xe9\ncolor never\n"


def test_refuses_symlink(tmp_path: Path) -> None:
    real = write(tmp_path / "real", "color auto\n")
    link = tmp_path / "config"
    link.symlink_to(real)
    with pytest.raises(ConfigError, match="symlink") as info:
        set_key_in_file(link, "color", "never")
    assert str(link) in str(info.value)
    assert read(real) == "color auto\n"
    assert link.is_symlink()


def test_refuses_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="directory"):
        set_key_in_file(tmp_path, "color", "auto")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("", "v"),
        ("a b", "v"),
        ("a\tb", "v"),
        ("#k", "v"),
        ("[k", "v"),
        ("k", "a\nb"),
        ("k", "a\r"),
        ("k", "v "),
        ("k", "  "),
    ],
)
def test_rejects_keys_and_values_that_would_not_read_back(
    cfg_path: Path, key: str, value: str
) -> None:
    write(cfg_path, "verbose true\n")
    with pytest.raises(ConfigError):
        set_key_in_file(cfg_path, key, value)
    assert read(cfg_path) == "verbose true\n"


# -- delete ---------------------------------------------------------------------------


def test_delete_key(cfg_path: Path) -> None:
    write(cfg_path, "# c\nverbose true\ncolor auto\n[help]\ncolor x\n")
    assert delete_key_in_file(cfg_path, "color") is True
    assert read(cfg_path) == "# c\nverbose true\n[help]\ncolor x\n"


def test_delete_missing_key_or_file_is_noop(cfg_path: Path) -> None:
    assert delete_key_in_file(cfg_path, "color") is False
    assert not cfg_path.exists()
    write(cfg_path, "verbose true\n")
    before = cfg_path.stat().st_mtime_ns
    assert delete_key_in_file(cfg_path, "color") is False
    assert cfg_path.stat().st_mtime_ns == before


def test_delete_removes_every_duplicate(cfg_path: Path) -> None:
    write(cfg_path, "color a\nverbose true\ncolor b\n")
    assert delete_key_in_file(cfg_path, "color") is True
    assert load_from_path(cfg_path).get_global_option("color") is None


def test_delete_all_global_keys(cfg_path: Path) -> None:
    write(cfg_path, "# keep\nverbose true\n\ncolor auto\n[help]\npager less\n")
    assert delete_all_global_keys_in_file(cfg_path) == 2
    assert read(cfg_path) == "# keep\n\n[help]\npager less\n"
    assert delete_all_global_keys_in_file(cfg_path) == 0
    assert delete_all_global_keys_in_file(cfg_path.parent / "missing") == 0


# -- command sections -----------------------------------------------------------------


def test_set_command_key_replaces_in_section(cfg_path: Path) -> None:
    write(cfg_path, "pager more\n[help]\n# c\npager less\n")
    set_command_key_in_file(cfg_path, "help", "pager", "most")
    assert read(cfg_path) == "pager more\n[help]\n# c\npager most\n"


def test_set_command_key_adds_to_existing_section(cfg_path: Path) -> None:
    write(cfg_path, "[help]\npager less\n\n[version]\nformat full\n")
    set_command_key_in_file(cfg_path, "help", "format", "short")
    assert read(cfg_path) == "[help]\npager less\nformat short\n\n[version]\nformat full\n"
    cfg = load_from_path(cfg_path)
    assert cfg.get_command_option("help", "format") == "short"
    assert cfg.get_command_option("version", "format") == "full"


def test_set_command_key_in_empty_section(cfg_path: Path) -> None:
    write(cfg_path, "[sessions]\n[help]\npager less\n")
    set_command_key_in_file(cfg_path, "sessions", "maxCount", "5")
    assert read(cfg_path) == "[sessions]\nmaxCount 5\n[help]\npager less\n"
    assert load_from_path(cfg_path).sessions.max_count == 5


def test_set_command_key_appends_new_section(cfg_path: Path) -> None:
    write(cfg_path, "verbose true\n")
    set_command_key_in_file(cfg_path, "code-review", "template", "x")
    assert read(cfg_path) == "verbose true\n\n[code-review]\ntemplate x\n"
    set_command_key_in_file(cfg_path.parent / "fresh", "help", "pager", "less")
    assert read(cfg_path.parent / "fresh") == "[help]\npager less\n"


def test_set_command_key_global_when_no_section(cfg_path: Path) -> None:
    write(cfg_path, "[help]\npager less\n")
    set_command_key_in_file(cfg_path, None, "color", "auto")
    assert read(cfg_path) == "color auto\n[help]\npager less\n"


@pytest.mark.parametrize("section", ["[x", "x]", " x", "a\nb"])
def test_set_command_key_rejects_bad_section(cfg_path: Path, section: str) -> None:
    with pytest.raises(ConfigError):
        set_command_key_in_file(cfg_path, section, "k", "v")


def test_delete_command_key(cfg_path: Path) -> None:
    write(cfg_path, "pager more\n[help]\npager less\nformat x\n")
    assert delete_command_key_in_file(cfg_path, "help", "pager") is True
    assert read(cfg_path) == "pager more\n[help]\nformat x\n"
    assert delete_command_key_in_file(cfg_path, "help", "pager") is False
    assert delete_command_key_in_file(cfg_path, "", "pager") is True
    assert read(cfg_path) == "[help]\nformat x\n"


def test_edits_round_trip_through_the_parser(cfg_path: Path) -> None:
    write(cfg_path, "# my settings\nverbose true\n\n[help]\npager less\n")
    set_key_in_file(cfg_path, "script.eval-timeout", "5s")
    set_command_key_in_file(cfg_path, "sessions", "maxAgeDays", "7")
    delete_key_in_file(cfg_path, "verbose")
    cfg = load_from_path(cfg_path)
    assert cfg.global_options == {"script.eval-timeout": "5s"}
    assert cfg.sessions.max_age_days == 7
    assert cfg.get_command_option("help", "pager") == "less"
    assert cfg.validate() == []
    assert read(cfg_path).startswith("# my settings\n")


def test_failed_write_leaves_file_untouched(
    cfg_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import one_shot_man.storage.atomic as atomic

    original = "# keep me\ncolor auto\n"
    write(cfg_path, original)

    def broken(path: object, data: bytes, mode: int = 0o644) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic, "atomic_write_file", broken)
    with pytest.raises(ConfigError, match="No space left") as info:
        set_key_in_file(cfg_path, "color", "never")
    assert str(cfg_path) in str(info.value)
    assert read(cfg_path) == original
