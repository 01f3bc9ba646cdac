"""Goal directory discovery: config keys, candidates, normalisation and order (spec §12.3.2)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from one_shot_man.config import load_from_reader
from one_shot_man.workflows.goal_discovery import (
    DEFAULT_MAX_TRAVERSAL_DEPTH,
    GoalDiscoveryConfig,
    compute_path_score,
    discover_goal_paths,
    expand_path,
    parse_positive_int,
)
from one_shot_man.workflows.goals import discover_goal_paths as reexported

INF = sys.maxsize


def cfg(*lines: str):
    return load_from_reader([line + "\n" for line in lines])


def real(path: Path) -> str:
    return os.path.realpath(path)


# -- configuration ----------------------------------------------------------------------------


def test_defaults() -> None:
    settings = GoalDiscoveryConfig.from_config(None, env={})
    assert settings.autodiscovery is True
    assert settings.disable_standard_paths is False
    assert settings.max_traversal_depth == DEFAULT_MAX_TRAVERSAL_DEPTH == 10
    assert settings.custom_paths == []
    assert settings.path_patterns == ["osm-goals", "goals"]


def test_all_keys_are_read() -> None:
    settings = GoalDiscoveryConfig.from_config(
        cfg(
            "goal.autodiscovery false",
            "goal.disable-standard-paths true",
            "goal.max-traversal-depth 5",
            "goal.paths /a:/b,/c",
            "goal.path-patterns my-goals, other",
        ),
        env={},
    )
    assert settings.autodiscovery is False
    assert settings.disable_standard_paths is True
    assert settings.max_traversal_depth == 5
    assert settings.custom_paths == ["/a", "/b", "/c"]
    assert settings.path_patterns == ["my-goals", "other"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("T", True), ("0", False), ("yes", False), ("bogus", False)],
)
def test_autodiscovery_invalid_value_means_false(value: str, expected: bool) -> None:
    settings = GoalDiscoveryConfig.from_config(cfg(f"goal.autodiscovery {value}"), env={})
    assert settings.autodiscovery is expected


def test_disable_standard_paths_invalid_value_is_ignored() -> None:
    settings = GoalDiscoveryConfig.from_config(cfg("goal.disable-standard-paths maybe"), env={})
    assert settings.disable_standard_paths is False


def test_blank_lists_keep_defaults() -> None:
    settings = GoalDiscoveryConfig.from_config(cfg("goal.path-patterns  , ,"), env={})
    assert settings.path_patterns == ["osm-goals", "goals"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", False), ("true", False), ("false", True), ("nope", True), ("", True)],
)
def test_env_disables_autodiscovery(value: str, expected: bool) -> None:
    settings = GoalDiscoveryConfig.from_config(None, env={"OSM_DISABLE_GOAL_AUTODISCOVERY": value})
    assert settings.autodiscovery is expected


@pytest.mark.parametrize(
    ("text", "maximum", "expected"),
    [("", 100, 10), ("0", 100, 10), ("-1", 100, 10), ("abc", 100, 10), ("12abc", 100, 10),
     ("123", 100, 10), ("5", 100, 5), (" 7 ", 100, 7), ("123", 0, 123)],
)  # fmt: skip
def test_parse_positive_int(text: str, maximum: int, expected: int) -> None:
    assert parse_positive_int(text, 10, maximum) == expected


def test_expand_path() -> None:
    env = {"HOME": "/home/me", "TEST_PATH": "/opt/t"}
    assert expand_path("~/test", env=env) == "/home/me/test"
    assert expand_path("$TEST_PATH/scripts", env=env) == "/opt/t/scripts"
    assert expand_path("${TEST_PATH}/x", env=env) == "/opt/t/x"
    assert expand_path("$UNSET/x", env=env) == "/x"
    assert expand_path("~", env=env) == "~"
    assert expand_path("~user/x", env=env) == "~user/x"
    assert expand_path("/plain", env=env) == "/plain"


# -- candidates and order ---------------------------------------------------------------------


@pytest.fixture
def layout(tmp_path: Path):
    """base/{workspace/project (cwd), config, bin}; returns (base, cwd, config_dir, exec_dir)."""
    base = tmp_path / "B"
    cwd = base / "workspace" / "project"
    config_dir, exec_dir = base / "config", base / "bin"
    for d in (cwd, config_dir, exec_dir):
        d.mkdir(parents=True)
    return base, cwd, config_dir, exec_dir


def discover(layout, config=None, env=None):
    _base, cwd, config_dir, exec_dir = layout
    return discover_goal_paths(
        config, cwd=str(cwd), config_dir=str(config_dir), exec_dir=str(exec_dir), env=env or {}
    )


def test_standard_paths_exist_even_when_missing(layout) -> None:
    _base, cwd, config_dir, exec_dir = layout
    paths = discover(layout)
    assert paths == [
        os.path.join(real(cwd), "osm-goals"),
        os.path.join(real(config_dir), "goals"),
        os.path.join(real(exec_dir), "goals"),
    ]


def test_disable_standard_paths(layout) -> None:
    assert discover(layout, cfg("goal.disable-standard-paths true")) == []


def test_autodiscovery_finds_ancestor_directories_in_priority_order(layout) -> None:
    base, cwd, _config_dir, _exec_dir = layout
    for d in (cwd / "goals", base / "workspace" / "osm-goals", base / "goals", cwd / "osm-goals"):
        d.mkdir()
    paths = discover(layout, cfg("goal.disable-standard-paths true"))
    assert paths == [
        os.path.join(real(cwd), "goals"),
        os.path.join(real(cwd), "osm-goals"),
        os.path.join(real(base / "workspace"), "osm-goals"),
        os.path.join(real(base), "goals"),
    ]


def test_disabled_autodiscovery_skips_ancestors(layout) -> None:
    base, _cwd, _c, _e = layout
    (base / "goals").mkdir()
    config = cfg("goal.disable-standard-paths true", "goal.autodiscovery false")
    assert discover(layout, config) == []
    assert (
        discover(
            layout,
            cfg("goal.disable-standard-paths true"),
            env={"OSM_DISABLE_GOAL_AUTODISCOVERY": "1"},
        )
        == []
    )


def test_custom_patterns_and_depth_limit(layout) -> None:
    base, cwd, _c, _e = layout
    (cwd / "mine").mkdir()
    (base / "mine").mkdir()  # two levels up
    config = cfg(
        "goal.disable-standard-paths true", "goal.path-patterns mine", "goal.max-traversal-depth 2"
    )
    assert discover(layout, config) == [os.path.join(real(cwd), "mine")]
    config = cfg(
        "goal.disable-standard-paths true", "goal.path-patterns mine", "goal.max-traversal-depth 3"
    )
    assert discover(layout, config) == [
        os.path.join(real(cwd), "mine"),
        os.path.join(real(base), "mine"),
    ]


def test_custom_paths_are_expanded_and_kept_even_if_missing(layout, tmp_path: Path) -> None:
    custom = tmp_path / "elsewhere"
    config = cfg("goal.disable-standard-paths true", "goal.paths $GOALS_ROOT/one,~/two")
    paths = discover(layout, config, env={"GOALS_ROOT": str(custom), "HOME": str(tmp_path / "h")})
    assert sorted(paths) == sorted([str(custom / "one"), str(tmp_path / "h" / "two")])


def test_duplicates_collapse_including_relative_and_symlinked(layout, monkeypatch) -> None:
    base, cwd, _c, _e = layout
    target = cwd / "goals"
    target.mkdir()
    link = base / "link-to-goals"
    link.symlink_to(target)
    monkeypatch.chdir(cwd)
    config = cfg(
        "goal.disable-standard-paths true",
        f"goal.paths {target},goals,./goals,{link}",
        "goal.autodiscovery false",
    )
    assert discover(layout, config) == [real(target)]


def test_symlinked_goal_directory_to_elsewhere_is_accepted(layout, tmp_path: Path) -> None:
    _base, _cwd, config_dir, _e = layout
    dotfiles = tmp_path / "dotfiles" / "goals"
    dotfiles.mkdir(parents=True)
    (config_dir / "goals").symlink_to(dotfiles)
    paths = discover(layout)
    assert real(dotfiles) in paths


def test_empty_candidates_are_ignored(layout) -> None:
    assert discover(layout, cfg("goal.disable-standard-paths true", "goal.paths  ")) == []


def test_reexported_discover(layout) -> None:
    _base, cwd, config_dir, exec_dir = layout
    assert reexported(
        None, cwd=str(cwd), config_dir=str(config_dir), exec_dir=str(exec_dir), env={}
    )


def test_default_config_dir_follows_osm_config(tmp_path: Path, monkeypatch) -> None:
    conf = tmp_path / "conf" / "config"
    conf.parent.mkdir()
    monkeypatch.setenv("OSM_CONFIG", str(conf))
    monkeypatch.chdir(tmp_path)
    paths = discover_goal_paths(None, env={})
    assert os.path.join(real(conf.parent), "goals") in paths
    assert os.path.join(real(tmp_path), "osm-goals") in paths


# -- scoring ----------------------------------------------------------------------------------


def test_score_table() -> None:
    b = os.sep + "B"
    cwd = os.path.join(b, "workspace", "project")
    config_dir, exec_dir = os.path.join(b, "config"), os.path.join(b, "bin")
    patterns = ["osm-goals", "goals", "scripts"]

    def score(*parts: str) -> tuple[int, int, int]:
        return compute_path_score(os.path.join(*parts), cwd, config_dir, exec_dir, patterns)

    assert score(cwd, "scripts") == (0, 1, 1)
    assert score(cwd, "nested", "scripts") == (0, 2, 2)
    assert score(cwd) == (0, 0, 0)
    assert score(b, "workspace", "scripts") == (1, 1, 1)
    assert score(b, "scripts") == (1, 2, 1)
    assert score(config_dir, "scripts") == (2, 1, 1)
    assert score(exec_dir, "scripts") == (3, 1, 1)
    assert score(b, "other", "scripts") == (4, INF, INF)
    ordered = sorted(
        [score(exec_dir, "scripts"), score(b, "scripts"), score(cwd, "scripts"), score(cwd),
         score(config_dir, "scripts"), score(b, "workspace", "scripts"), score(b, "other", "scripts")]
    )  # fmt: skip
    assert ordered == [
        (0, 0, 0),
        (0, 1, 1),
        (1, 1, 1),
        (1, 2, 1),
        (2, 1, 1),
        (3, 1, 1),
        (4, INF, INF),
    ]
