"""Where goal files are looked for, and in which order (spec §12.3.2).

Candidates: the standard directories (`<config dir>/goals`, `<executable dir>/goals`,
`<cwd>/osm-goals`), the configured `goal.paths`, and, with autodiscovery on, every
`<dir>/<pattern>` found walking up from the working directory. They are normalised
(absolute, symlinks resolved), de-duplicated and sorted so that the directory closest
to the working directory wins, the way script directories are ordered.
`discover_goal_dirs` also says which of them belong to a project (`./osm-goals` and the
walked-up ones), whose goals need the user's trust (docs/security.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from one_shot_man import pathsearch
from one_shot_man.config.values import parse_go_bool, parse_path_list
from one_shot_man.pathsearch import (
    DEFAULT_MAX_TRAVERSAL_DEPTH,
    MAX_TRAVERSAL_DEPTH_LIMIT,
    compute_path_score,
    expand_path,
    parse_positive_int,
)
from one_shot_man.trust.project import CodeDir

if TYPE_CHECKING:
    from typing import TypedDict, Unpack

    from one_shot_man.config.model import Config

    class GoalDirOptions(TypedDict, total=False):
        """Where `discover_goal_dirs` looks from (each defaults to the process's own)."""

        cwd: str | None
        config_dir: str | None
        exec_dir: str | None
        env: Mapping[str, str] | None


__all__ = [
    "DEFAULT_MAX_TRAVERSAL_DEPTH",
    "DEFAULT_PATH_PATTERNS",
    "DISABLE_ENV_VAR",
    "PROJECT_GOAL_DIR",
    "GoalDiscoveryConfig",
    "compute_path_score",
    "discover_goal_dirs",
    "discover_goal_paths",
    "expand_path",
    "parse_positive_int",
]

DEFAULT_PATH_PATTERNS = ("osm-goals", "goals")
DISABLE_ENV_VAR = "OSM_DISABLE_GOAL_AUTODISCOVERY"
#: The standard goal folder of the working directory (a project's, like autodiscovered ones).
PROJECT_GOAL_DIR = "osm-goals"


@dataclass
class GoalDiscoveryConfig:
    """The goal.* config keys, parsed as the Go original parses them."""

    autodiscovery: bool = True
    disable_standard_paths: bool = False
    max_traversal_depth: int = DEFAULT_MAX_TRAVERSAL_DEPTH
    custom_paths: list[str] = field(default_factory=list)
    path_patterns: list[str] = field(default_factory=lambda: list(DEFAULT_PATH_PATTERNS))

    @classmethod
    def from_config(
        cls,
        config: Config | None = None,
        *,
        env: Mapping[str, str] | None = None,
        warn: Callable[[str], object] | None = None,
    ) -> GoalDiscoveryConfig:
        """Read `goal.*` from `config` (global options) and the environment override."""
        env = os.environ if env is None else env
        out = cls()
        get = getattr(config, "get_global_option", None)

        def option(key: str) -> str | None:
            return get(key) if get is not None else None

        value = option("goal.autodiscovery")
        if value is not None:
            # Present but invalid means false (Go ignores the parse error).
            out.autodiscovery = _go_bool(value, False)
        value = option("goal.disable-standard-paths")
        if value is not None:
            out.disable_standard_paths = _go_bool(value, out.disable_standard_paths)
        value = option("goal.max-traversal-depth")
        if value is not None:
            out.max_traversal_depth = parse_positive_int(
                value, DEFAULT_MAX_TRAVERSAL_DEPTH, MAX_TRAVERSAL_DEPTH_LIMIT, warn
            )
        value = option("goal.paths")
        if value is not None and (paths := parse_path_list(value)):
            out.custom_paths = paths
        value = option("goal.path-patterns")
        if value is not None and (patterns := parse_path_list(value)):
            out.path_patterns = patterns
        if _go_bool(env.get(DISABLE_ENV_VAR, ""), False):
            out.autodiscovery = False
        return out


def _go_bool(value: str, default: bool) -> bool:
    try:
        return parse_go_bool(value)
    except ValueError:
        return default


def discover_goal_paths(
    config: Config | None = None,
    *,
    warn: Callable[[str], object] | None = None,
    **options: Unpack[GoalDirOptions],
) -> list[str]:
    """Goal directories in priority order (highest first); they need not exist.

    `cwd`, `config_dir`, `exec_dir` and `env` default to the process's own and exist
    so tests and tools can ask "what would osm search from there" (`options` are
    `discover_goal_dirs`'s: `cwd`, `config_dir`, `exec_dir`, `env`, `warn`).
    """
    return [d.path for d in discover_goal_dirs(config, warn=warn, **options)]


def discover_goal_dirs(
    config: Config | None = None,
    *,
    cwd: str | None = None,
    config_dir: str | None = None,
    exec_dir: str | None = None,
    env: Mapping[str, str] | None = None,
    warn: Callable[[str], object] | None = None,
) -> list[CodeDir]:
    """`discover_goal_paths`, each folder marked with the project it was found in.

    `./osm-goals` and the folders found walking up belong to a project (their goals
    need the user's trust); the config folder's, the executable's and `goal.paths`
    are the user's own, also when a walk up reaches one of them.
    """
    settings = GoalDiscoveryConfig.from_config(config, env=env, warn=warn)
    cwd = pathsearch.working_dir() if cwd is None else cwd
    config_dir = pathsearch.config_dir() if config_dir is None else config_dir
    exec_dir = pathsearch.executable_dir() if exec_dir is None else exec_dir

    candidates: list[pathsearch.Candidate] = []
    if not settings.disable_standard_paths:
        if config_dir:
            candidates.append((os.path.join(config_dir, "goals"), None, ""))
        if exec_dir:
            candidates.append((os.path.join(exec_dir, "goals"), None, ""))
        if cwd:
            candidates.append((os.path.join(cwd, PROJECT_GOAL_DIR), cwd, PROJECT_GOAL_DIR))
    candidates.extend((expand_path(p, env=env), None, "") for p in settings.custom_paths)
    if settings.autodiscovery and cwd:
        walked = pathsearch.ancestors(cwd, settings.max_traversal_depth)
        candidates += pathsearch.pattern_dirs(walked, settings.path_patterns)
    return pathsearch.rank(
        candidates,
        cwd=cwd,
        config_dir=config_dir,
        exec_dir=exec_dir,
        patterns=settings.path_patterns,
    )
