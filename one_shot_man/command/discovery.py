"""Where script commands come from: the ordered list of script directories (spec 2.4).

An executable file `<dir>/<name>` in one of these directories is runnable as
`osm <name>`. The list is computed only when a name is not a built-in or when commands
are listed, because it costs stat calls (and, with git traversal, `git` processes) that
`osm version` and `osm help` for a built-in should not pay. `discover_script_dirs` marks
the folders that belong to a project (`./scripts` and the walked-up ones): their scripts
run only once trusted (docs/security.md).
"""

from __future__ import annotations

import os
import sys

from one_shot_man import pathsearch
from one_shot_man.config.values import parse_go_bool, parse_path_list
from one_shot_man.pathsearch import (
    DEFAULT_MAX_TRAVERSAL_DEPTH,
    FAR,
    compute_path_score,
    directory_exists,
    executable_dir,
    expand_path,
    parse_positive_int,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import TypedDict, Unpack

    from one_shot_man.config import Config
    from one_shot_man.trust.project import CodeDir

    class ScriptDirOptions(TypedDict, total=False):
        """`discover_script_dirs`'s keyword arguments (each defaults to the process's own)."""

        cwd: str | None
        config_dir: str | None
        exec_dir: str | None
        discovery: ScriptDiscoveryConfig | None
        warn: Callable[[str], object] | None


__all__ = [
    "DEFAULT_MAX_TRAVERSAL_DEPTH",
    "DEFAULT_PATH_PATTERNS",
    "FAR",
    "ScriptDiscoveryConfig",
    "compute_path_score",
    "directory_exists",
    "discover_script_dirs",
    "discover_script_paths",
    "executable_dir",
    "expand_path",
    "is_executable",
    "is_git_repository",
    "legacy_script_paths",
    "parse_path_list",
    "parse_positive_int",
]

MAX_TRAVERSAL_DEPTH_LIMIT = pathsearch.MAX_TRAVERSAL_DEPTH_LIMIT
DEFAULT_PATH_PATTERNS = ("scripts",)
#: The working directory's legacy script folder (a project's, like autodiscovered ones).
PROJECT_SCRIPT_DIR = "scripts"
_WINDOWS_EXEC_EXTS = (".exe", ".com", ".bat", ".cmd")


class ScriptDiscoveryConfig:
    """The five `script.*` discovery keys, parsed with the Go original's forgiving rules."""

    __slots__ = (
        "autodiscovery",
        "custom_paths",
        "git_traversal",
        "max_traversal_depth",
        "path_patterns",
    )

    def __init__(
        self,
        autodiscovery: bool = False,
        git_traversal: bool = False,
        max_traversal_depth: int = DEFAULT_MAX_TRAVERSAL_DEPTH,
        custom_paths: list[str] | None = None,
        path_patterns: list[str] | None = None,
    ) -> None:
        self.autodiscovery = autodiscovery
        self.git_traversal = git_traversal
        self.max_traversal_depth = max_traversal_depth
        self.custom_paths = list(custom_paths or [])
        self.path_patterns = list(path_patterns or DEFAULT_PATH_PATTERNS)

    @classmethod
    def from_config(
        cls, config: Config | None, warn: Callable[[str], object] | None = None
    ) -> ScriptDiscoveryConfig:
        """Read the keys from the global section; bad values fall back to defaults."""
        result = cls()
        if config is None:
            return result
        get = config.get_global_option
        for key, attr in (
            ("script.autodiscovery", "autodiscovery"),
            ("script.git-traversal", "git_traversal"),
        ):
            value = get(key)
            if value is not None:
                try:
                    setattr(result, attr, parse_go_bool(value))
                except ValueError:
                    setattr(result, attr, False)
        value = get("script.max-traversal-depth")
        if value is not None:
            result.max_traversal_depth = parse_positive_int(
                value, DEFAULT_MAX_TRAVERSAL_DEPTH, MAX_TRAVERSAL_DEPTH_LIMIT, warn
            )
        value = get("script.paths")
        if value is not None:
            paths = parse_path_list(value)
            if paths:
                result.custom_paths = paths
        value = get("script.path-patterns")
        if value is not None:
            patterns = parse_path_list(value)
            if patterns:
                result.path_patterns = patterns
        return result

    def __repr__(self) -> str:
        return (
            f"ScriptDiscoveryConfig(autodiscovery={self.autodiscovery}, "
            f"git_traversal={self.git_traversal}, "
            f"max_traversal_depth={self.max_traversal_depth}, "
            f"custom_paths={self.custom_paths!r}, path_patterns={self.path_patterns!r})"
        )


def is_git_repository(directory: str) -> bool:
    """True when `git rev-parse --git-dir` succeeds in `directory` (git missing -> False)."""
    import subprocess

    try:
        result = subprocess.run(
            ["git", "rev-parse", "--git-dir"],
            cwd=directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def is_executable(path: str, mode: int | None = None) -> bool:
    """Executable per the platform: any x bit on POSIX, a known extension on Windows."""
    if sys.platform == "win32":
        return path.lower().endswith(_WINDOWS_EXEC_EXTS)
    if mode is None:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            return False
    return bool(mode & 0o111)


def legacy_script_paths(*, cwd: str, config_dir: str, exec_dir: str) -> list[str]:
    """`<exec dir>/scripts`, `<config dir>/scripts`, `<cwd>/scripts` (those known)."""
    return [os.path.join(d, "scripts") for d in (exec_dir, config_dir, cwd) if d]


def discover_script_paths(
    config: Config | None = None, **options: Unpack[ScriptDirOptions]
) -> list[str]:
    """The script directories in priority order: legacy, custom, then autodiscovered.

    Every candidate is made absolute, normalised and resolved through symlinks
    (`pathsearch.normalise`), duplicates keep their first occurrence, and the result is
    sorted by `compute_path_score` then by path. Directories need not exist. `options` are
    `discover_script_dirs`'s (`cwd`, `config_dir`, `exec_dir`, `discovery`, `warn`).
    """
    return [d.path for d in discover_script_dirs(config, **options)]


def discover_script_dirs(
    config: Config | None = None,
    *,
    cwd: str | None = None,
    config_dir: str | None = None,
    exec_dir: str | None = None,
    discovery: ScriptDiscoveryConfig | None = None,
    warn: Callable[[str], object] | None = None,
) -> list[CodeDir]:
    """`discover_script_paths`, each folder marked with the project it was found in.

    `./scripts` and the folders found walking up from the working directory belong to
    a project (their scripts need the user's trust); the executable's and the config
    folder's `scripts` and `script.paths` are the user's own, however else reached.
    """
    settings = discovery or ScriptDiscoveryConfig.from_config(config, warn)
    cwd = pathsearch.working_dir() if cwd is None else cwd
    cfg_dir = pathsearch.config_dir() if config_dir is None else config_dir
    exe_dir = executable_dir() if exec_dir is None else exec_dir

    candidates: list[pathsearch.Candidate] = []
    for path in legacy_script_paths(cwd=cwd, config_dir=cfg_dir, exec_dir=exe_dir):
        if cwd and path == os.path.join(cwd, PROJECT_SCRIPT_DIR):
            candidates.append((path, cwd, PROJECT_SCRIPT_DIR))
        else:
            candidates.append((path, None, ""))
    candidates.extend((expand_path(p), None, "") for p in settings.custom_paths)
    if settings.autodiscovery and cwd:
        walked = pathsearch.ancestors(cwd, settings.max_traversal_depth)
        if settings.git_traversal:
            repositories = [d for d in walked if is_git_repository(d)]
            candidates += pathsearch.pattern_dirs(repositories, settings.path_patterns)
        candidates += pathsearch.pattern_dirs(walked, settings.path_patterns)
    return pathsearch.rank(
        candidates, cwd=cwd, config_dir=cfg_dir, exec_dir=exe_dir, patterns=settings.path_patterns
    )
