"""Finding and reading the config file (spec 3.4, 3.5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from one_shot_man.config import (
    Config,
    ensure_config_dir,
    get_config_path,
    load,
    load_from_path,
)
from one_shot_man.errors import ConfigError

# -- get_config_path -------------------------------------------------------------------


def test_osm_config_is_used_verbatim(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    target = tmp_path / "custom" / "cfg"
    monkeypatch.setenv("OSM_CONFIG", str(target))
    assert get_config_path() == target


def test_osm_config_takes_precedence_over_home_dirs(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path, tmp_path: Path
) -> None:
    (isolated_home / ".osm").mkdir()
    monkeypatch.setenv("OSM_CONFIG", str(tmp_path / "x"))
    assert get_config_path() == tmp_path / "x"


def test_empty_osm_config_is_ignored(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.setenv("OSM_CONFIG", "")
    assert get_config_path() == isolated_home / ".osm" / "config"


def test_default_is_new_location_when_nothing_exists(isolated_home: Path) -> None:
    assert get_config_path() == isolated_home / ".osm" / "config"


def test_new_dir_wins_even_without_a_file(isolated_home: Path) -> None:
    (isolated_home / ".osm").mkdir()
    legacy = isolated_home / ".one-shot-man"
    legacy.mkdir()
    (legacy / "config").write_text("verbose true\n")
    assert get_config_path() == isolated_home / ".osm" / "config"


def test_legacy_file_is_used_when_new_dir_is_missing(isolated_home: Path) -> None:
    legacy = isolated_home / ".one-shot-man"
    legacy.mkdir()
    (legacy / "config").write_text("verbose true\n")
    assert get_config_path() == legacy / "config"
    assert load().get_global_option("verbose") == "true"


def test_legacy_dir_without_file_is_not_used(isolated_home: Path) -> None:
    (isolated_home / ".one-shot-man").mkdir()
    assert get_config_path() == isolated_home / ".osm" / "config"


def test_no_home_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("USERPROFILE", raising=False)
    with pytest.raises(ConfigError, match="config path"):
        get_config_path()
    with pytest.raises(ConfigError):
        load()


def test_ensure_config_dir_creates_directory(isolated_home: Path) -> None:
    path = ensure_config_dir()
    assert path == isolated_home / ".osm" / "config"
    assert (isolated_home / ".osm").is_dir()


def test_ensure_config_dir_fails_when_parent_is_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("OSM_CONFIG", str(blocker / "sub" / "config"))
    with pytest.raises(ConfigError, match="config directory"):
        ensure_config_dir()


# -- load_from_path / load -----------------------------------------------------------


def test_missing_file_gives_empty_config(tmp_path: Path) -> None:
    cfg = load_from_path(tmp_path / "nope")
    assert cfg.global_options == {} and cfg.commands == {}
    assert cfg.path == tmp_path / "nope"


def test_existing_file_loads_with_path_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("verbose true\n[help]\npager less\n")
    cfg = load_from_path(path)
    assert cfg.get_global_option("verbose") == "true"
    assert cfg.get_command_option("help", "pager") == "less"
    assert cfg.path == path
    assert cfg.location_of("pager", "help") == f"{path}:3"


def test_load_uses_osm_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("color never\n")
    monkeypatch.setenv("OSM_CONFIG", str(path))
    cfg = load()
    assert cfg.get_global_option("color") == "never"
    assert cfg.path == path


def test_load_without_any_file_is_empty(isolated_home: Path) -> None:
    cfg = load()
    assert cfg.global_options == {} and cfg.commands == {}
    assert cfg.path == isolated_home / ".osm" / "config"


def test_osm_config_missing_file_gives_empty_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("OSM_CONFIG", str(tmp_path / "nonexistent-config"))
    cfg = load()
    assert cfg.global_options == {} and cfg.commands == {}


def test_osm_config_directory_is_an_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    configdir = tmp_path / "configdir"
    configdir.mkdir()
    monkeypatch.setenv("OSM_CONFIG", str(configdir))
    with pytest.raises(ConfigError, match="directory") as info:
        load()
    assert str(configdir) in str(info.value)


def test_load_from_path_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_from_path(tmp_path)


def test_osm_config_takes_precedence_between_two_files(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, isolated_home: Path
) -> None:
    (isolated_home / ".osm").mkdir()
    (isolated_home / ".osm" / "config").write_text("source first")
    second = tmp_path / "config2"
    second.write_text("source second")
    monkeypatch.setenv("OSM_CONFIG", str(second))
    assert load().get_global_option("source") == "second"


@pytest.mark.parametrize(
    "name",
    [
        "config\"with'quotes",
        "my config file",
        "配置ファイル",
        "config-with-dashes",
        "config_with_underscores",
        "config.with.dots",
        "config_with_numbers_123",
        "   ",
    ],
)
def test_unusual_file_names_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(f"test {name.strip() or 'ws'}")
    monkeypatch.setenv("OSM_CONFIG", str(path))
    assert load().get_global_option("test") == (name.strip() or "ws")
    assert load_from_path(str(path)).get_global_option("test") == (name.strip() or "ws")


def test_relative_paths_load(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    Path("test-config").write_text("test relative")
    Path(".config").write_text("test dot")
    assert load_from_path("./test-config").get_global_option("test") == "relative"
    assert load_from_path("./.config").get_global_option("test") == "dot"


def test_parent_directory_components(tmp_path: Path) -> None:
    nested = tmp_path / "level1" / "level2"
    nested.mkdir(parents=True)
    (nested / "config").write_text("test nested")
    cfg = load_from_path(os.path.join(nested, "..", "level2", "config"))
    assert cfg.get_global_option("test") == "nested"


def test_absolute_path(tmp_path: Path) -> None:
    path = tmp_path / "absolute-config"
    path.write_text("test absolute")
    assert load_from_path(path.resolve()).get_global_option("test") == "absolute"


def test_symlinked_parent_directory_is_allowed(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    (real / "config").write_text("test symlink")
    assert load_from_path(link / "config").get_global_option("test") == "symlink"


def test_direct_symlink_is_rejected(tmp_path: Path) -> None:
    real = tmp_path / "real-config"
    real.write_text("test secret")
    link = tmp_path / "symlinked-config"
    link.symlink_to(real)
    with pytest.raises(ConfigError, match="symlink") as info:
        load_from_path(link)
    assert str(link) in str(info.value)


def test_symlink_to_sensitive_file_is_rejected(tmp_path: Path) -> None:
    if not os.path.exists("/etc/passwd"):
        pytest.skip("no /etc/passwd on this platform")
    link = tmp_path / "evil-config"
    link.symlink_to("/etc/passwd")
    with pytest.raises(ConfigError, match="symlink"):
        load_from_path(link)


def test_dangling_symlink_is_rejected(tmp_path: Path) -> None:
    link = tmp_path / "dangling"
    link.symlink_to(tmp_path / "missing")
    with pytest.raises(ConfigError, match="symlink"):
        load_from_path(link)


def test_empty_path_is_empty_config_or_error() -> None:
    try:
        cfg = load_from_path("")
    except ConfigError:
        return
    assert cfg.global_options == {} and cfg.commands == {}


def test_name_too_long_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file"):
        load_from_path(tmp_path / ("a" * 300))


@pytest.mark.parametrize("name", ["conf\x00ig", "conf\x01ig", "conf\nig", "conf\x7fig"])
def test_control_characters_in_name_error_or_empty(tmp_path: Path, name: str) -> None:
    try:
        cfg = load_from_path(str(tmp_path / name))
    except ConfigError:
        return
    assert isinstance(cfg, Config)
    assert cfg.global_options == {}


def test_unreadable_file_is_an_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can read anything")
    path = tmp_path / "config"
    path.write_text("verbose true\n")
    path.chmod(0)
    with pytest.raises(ConfigError, match=str(path)):
        load_from_path(path)


def test_file_with_bad_sessions_value_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_text("verbose true\n[sessions]\nmaxAgeDays soon\nmaxCount 7\n[help]\npager less\n")
    cfg = load_from_path(path)
    assert cfg.get_global_option("verbose") == "true"
    assert cfg.get_command_option("help", "pager") == "less"
    assert cfg.sessions.max_age_days == 90
    assert cfg.sessions.max_count == 7
    assert [str(i).split(": ", 1)[0] for i in cfg.issues] == [f"{path}:3"]


def test_file_with_crlf_and_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"verbose true\r\nname caf\xe9\r\n")
    cfg = load_from_path(path)
    assert cfg.get_global_option("verbose") == "true"
    value = cfg.get_global_option("name")
    assert value is not None and value.encode("utf-8", "surrogateescape") == b"caf\xe9"


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "config"
    path.write_bytes(b"\xef\xbb\xbfverbose true\n")
    cfg = load_from_path(path)
    assert cfg.global_options == {"verbose": "true"}
    assert cfg.line_of("verbose") == 1
