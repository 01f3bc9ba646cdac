"""Script discovery (spec 2.4): config keys, path lists, expansion, git detection, priority."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from one_shot_man.command.discovery import (
    FAR,
    ScriptDiscoveryConfig,
    compute_path_score,
    directory_exists,
    discover_script_paths,
    expand_path,
    is_executable,
    is_git_repository,
    parse_path_list,
    parse_positive_int,
)
from one_shot_man.command.registry import Registry
from one_shot_man.config import Config
from one_shot_man.trust import UntrustedProjectError
from tests.trusting import trust_folder


def make_exec(path: Path, body: str = "#!/bin/sh\necho hi\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    path.chmod(0o755)
    return path


def test_defaults() -> None:
    cfg = ScriptDiscoveryConfig.from_config(Config())
    assert cfg.autodiscovery is False
    assert cfg.git_traversal is False
    assert cfg.max_traversal_depth == 10
    assert cfg.path_patterns == ["scripts"]
    assert cfg.custom_paths == []


def test_config_loading_of_all_five_keys() -> None:
    config = Config()
    config.set_global_option("script.autodiscovery", "true")
    config.set_global_option("script.git-traversal", "1")
    config.set_global_option("script.max-traversal-depth", "5")
    config.set_global_option("script.paths", "/a, /b")
    config.set_global_option("script.path-patterns", "tools,bin")
    cfg = ScriptDiscoveryConfig.from_config(config)
    assert cfg.autodiscovery is True
    assert cfg.git_traversal is True
    assert cfg.max_traversal_depth == 5
    assert cfg.custom_paths == ["/a", "/b"]
    assert cfg.path_patterns == ["tools", "bin"]


def test_invalid_bools_mean_false_and_blank_lists_keep_defaults() -> None:
    config = Config()
    config.set_global_option("script.autodiscovery", "yes")
    config.set_global_option("script.path-patterns", " , ")
    warnings: list[str] = []
    config.set_global_option("script.max-traversal-depth", "12abc")
    cfg = ScriptDiscoveryConfig.from_config(config, warnings.append)
    assert cfg.autodiscovery is False
    assert cfg.path_patterns == ["scripts"]
    assert cfg.max_traversal_depth == 10
    assert warnings and "12abc" in warnings[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("path1:path2,path3", ["path1", "path2", "path3"]),
        (" a , b ", ["a", "b"]),
        ("", []),
        ("   ", []),
        ("a,,b::c", ["a", "b", "c"]),
    ],
)
def test_path_list_parsing(text: str, expected: list[str]) -> None:
    assert parse_path_list(text) == expected


@pytest.mark.parametrize(
    ("text", "maximum", "expected"),
    [
        ("", 100, 10),
        ("0", 100, 10),
        ("-1", 100, 10),
        ("abc", 100, 10),
        ("12abc", 100, 10),
        ("123", 100, 10),
        ("5", 100, 5),
        (" 7 ", 100, 7),
        ("123", 0, 123),
    ],
)
def test_positive_int(text: str, maximum: int, expected: int) -> None:
    assert parse_positive_int(text, 10, maximum) == expected


def test_legacy_paths_contain_cwd_scripts_and_honour_osm_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OSM_CONFIG", str(tmp_path / "cfgdir" / "config"))
    monkeypatch.chdir(tmp_path)
    paths = discover_script_paths(Config())
    assert str(tmp_path / "scripts") in paths
    assert str(tmp_path / "cfgdir" / "scripts") in paths
    assert len(paths) == 3


def test_expansion_of_home_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/u")
    monkeypatch.setenv("TEST_PATH", "/opt/t")
    monkeypatch.delenv("UNSET_X", raising=False)
    assert expand_path("~/test") == os.path.join("/home/u", "test")
    assert expand_path("$TEST_PATH/scripts") == "/opt/t/scripts"
    assert expand_path("${TEST_PATH}/x") == "/opt/t/x"
    assert expand_path("$UNSET_X/s") == "/s"
    assert expand_path("~") == "~"
    assert expand_path("~user/x") == "~user/x"
    assert expand_path("a$") == "a$"


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_git_detection(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    other = tmp_path / "plain"
    other.mkdir()
    assert is_git_repository(str(repo)) is True
    env_ceiling = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path)
    try:
        assert is_git_repository(str(other)) is False
    finally:
        if env_ceiling is None:
            del os.environ["GIT_CEILING_DIRECTORIES"]
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_ceiling


def test_directory_exists_false_for_files(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("x")
    assert directory_exists(str(tmp_path)) is True
    assert directory_exists(str(f)) is False
    assert directory_exists(str(tmp_path / "missing")) is False


def test_path_priority_table() -> None:
    base = "/B"
    cwd = f"{base}/workspace/project"
    cfg, exe = f"{base}/config", f"{base}/bin"

    def score(p: str) -> tuple[int, int, int]:
        return compute_path_score(p, cwd, cfg, exe, ["scripts"])

    assert score(f"{cwd}/scripts") == (0, 1, 1)
    assert score(f"{cwd}/nested/scripts") == (0, 2, 2)
    assert score(cwd) == (0, 0, 0)
    assert score(f"{base}/workspace/scripts") == (1, 1, 1)
    assert score(f"{base}/scripts") == (1, 2, 1)
    assert score(f"{base}/config/scripts") == (2, 1, 1)
    assert score(f"{base}/bin/scripts") == (3, 1, 1)
    assert score(f"{base}/other/scripts") == (4, FAR, FAR)
    assert score(f"{cwd}/scripts") < score(f"{cwd}/nested/scripts")
    assert score(cwd) < score(f"{base}/workspace/scripts") < score(f"{base}/scripts")
    assert score(f"{base}/scripts") < score(f"{base}/config/scripts") < score(f"{base}/bin/scripts")
    assert score(cwd) < score(f"{base}/other/scripts")


def test_duplicates_collapse_and_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    x = tmp_path / "x"
    (x / "scripts").mkdir(parents=True)
    monkeypatch.chdir(x)
    config = Config()
    config.set_global_option("script.paths", f"{x}/scripts,../x/scripts,{tmp_path}/other")
    paths = discover_script_paths(config, config_dir="", exec_dir="")
    assert paths.count(str(x / "scripts")) == 1
    assert paths == [str(x / "scripts"), str(tmp_path / "other")]


def test_autodiscovery_walks_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "scripts").mkdir()
    deep = tmp_path / "a" / "b"
    (deep / "scripts").mkdir(parents=True)
    monkeypatch.chdir(deep)
    cfg = ScriptDiscoveryConfig(autodiscovery=True, max_traversal_depth=3)
    paths = discover_script_paths(discovery=cfg, config_dir="", exec_dir="")
    assert paths[0] == str(deep / "scripts")
    assert str(tmp_path / "scripts") in paths
    shallow = ScriptDiscoveryConfig(autodiscovery=True, max_traversal_depth=1)
    assert str(tmp_path / "scripts") not in discover_script_paths(
        discovery=shallow, config_dir="", exec_dir=""
    )


def test_registry_includes_configured_custom_path(tmp_path: Path) -> None:
    config = Config()
    config.set_global_option("script.paths", str(tmp_path / "custom"))
    assert str(tmp_path / "custom") in Registry(config).script_paths()


def test_autodiscovered_script_is_listed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_exec(tmp_path / "scripts" / "testscript.sh")
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    config = Config()
    config.set_global_option("script.autodiscovery", "true")
    registry = Registry(config)
    assert "testscript.sh" in registry.list_script()
    # A project's script runs only once its folder is trusted (issue 14).
    with pytest.raises(UntrustedProjectError, match="osm trust"):
        registry.get("testscript.sh")
    trust_folder(tmp_path)
    assert Registry(config).get("testscript.sh").name == "testscript.sh"


@pytest.mark.skipif(os.name == "nt", reason="POSIX execute bits")
def test_is_executable_unix(tmp_path: Path) -> None:
    f = tmp_path / "s"
    f.write_text("x")
    f.chmod(0o644)
    assert not is_executable(str(f))
    f.chmod(0o744)
    assert is_executable(str(f))
    f.chmod(0o601)
    assert is_executable(str(f))
    assert not is_executable(str(tmp_path / "missing"))


def test_is_executable_windows_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    import one_shot_man.command.discovery as discovery

    monkeypatch.setattr(discovery.sys, "platform", "win32")
    assert discovery.is_executable("tool.EXE", 0)
    assert discovery.is_executable("run.bat", 0)
    for name in ("notes.txt", "x.ps1", "x.sh"):
        assert not discovery.is_executable(name, 0o755)
