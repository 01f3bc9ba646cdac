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
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from one_shot_man.config.values import parse_go_bool, parse_path_list
from one_shot_man.trust.project import CodeDir

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

DEFAULT_MAX_TRAVERSAL_DEPTH = 10
DEFAULT_PATH_PATTERNS = ("osm-goals", "goals")
DISABLE_ENV_VAR = "OSM_DISABLE_GOAL_AUTODISCOVERY"
#: The standard goal folder of the working directory (a project's, like autodiscovered ones).
PROJECT_GOAL_DIR = "osm-goals"
_MAX_DEPTH_LIMIT = 100
_INF = sys.maxsize


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
        cls, config: Any = None, *, env: Mapping[str, str] | None = None
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
                value, DEFAULT_MAX_TRAVERSAL_DEPTH, _MAX_DEPTH_LIMIT
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


def parse_positive_int(value: str, default: int, maximum: int) -> int:
    """A trimmed decimal in 1..maximum (maximum <= 0: no upper bound), else `default`."""
    text = value.strip()
    if not text:
        return default
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        return default
    number = int(text)
    if number < 1 or (maximum > 0 and number > maximum):
        return default
    return number


_ENV_REF = re.compile(r"\$(?:\{([^}]*)\}|([A-Za-z0-9_]+)|([*#$@!?\-]))")


def expand_path(path: str, *, env: Mapping[str, str] | None = None) -> str:
    """`~/x` -> home/x; otherwise `$VAR`/`${VAR}` expanded, unset variables becoming empty.

    `~` alone and `~user` are left alone, as in the Go original.
    """
    env = os.environ if env is None else env
    if path.startswith("~/"):
        home = env.get("HOME", "") or os.path.expanduser("~")
        if home and home != "~":
            return os.path.join(home, path[2:])

    def sub(match: re.Match[str]) -> str:
        name = match.group(1) if match.group(1) is not None else (match.group(2) or match.group(3))
        return env.get(name, "")

    return _ENV_REF.sub(sub, path)


def _split(rel: str) -> list[str]:
    return rel.split(os.sep) if rel else []


def _count(segments: list[str]) -> tuple[int, int]:
    up = sum(1 for s in segments if s == "..")
    down = sum(1 for s in segments if s not in ("", ".", ".."))
    return up, down


def _down(segments: list[str]) -> list[str]:
    return [s for s in segments if s not in ("", ".", "..")]


def _has_dir_prefix(path: str, directory: str) -> bool:
    if not directory:
        return False
    if path == directory:
        return True
    return path.startswith(directory.rstrip(os.sep) + os.sep)


def _depth_below(path: str, base: str) -> int:
    try:
        rel = os.path.normpath(os.path.relpath(path, base))
    except ValueError:
        return 0
    return _count(_split(rel))[1]


def compute_path_score(
    path: str, cwd: str, config_dir: str, exec_dir: str, patterns: list[str]
) -> tuple[int, int, int]:
    """`(class, distance, depth)`: 0 = cwd or below, 1 = an ancestor's `<pattern>`,
    2 = the config directory, 3 = the executable's directory, 4 = anything else."""
    if cwd:
        try:
            rel = os.path.normpath(os.path.relpath(path, cwd))
        except ValueError:
            rel = None
        if rel is not None:
            if rel == ".":
                return (0, 0, 0)
            segments = _split(rel)
            up, down = _count(segments)
            if up == 0:
                return (0, down, down)
            wanted = _down(segments)
            for pattern in patterns:
                if wanted and _down(_split(os.path.normpath(pattern))) == wanted:
                    return (1, up, down)
    if _has_dir_prefix(path, config_dir):
        depth = _depth_below(path, config_dir)
        return (2, depth, depth)
    if _has_dir_prefix(path, exec_dir):
        depth = _depth_below(path, exec_dir)
        return (3, depth, depth)
    return (4, _INF, _INF)


def _default_config_dir() -> str:
    try:
        from one_shot_man.config.location import get_config_path

        return os.path.dirname(os.fspath(get_config_path()))
    except Exception:  # no home directory: no config-dir candidate
        return ""


def _default_exec_dir() -> str:
    """The directory of the running `osm` program (Go's os.Executable())."""
    argv0 = sys.argv[0] if sys.argv else ""
    if argv0 and os.path.isfile(argv0):
        return os.path.dirname(os.path.abspath(argv0))
    return os.path.dirname(os.path.abspath(sys.executable)) if sys.executable else ""


def _normalise(path: str) -> str:
    """Clean + absolute + symlinks resolved (the real path dedupes a link and its target).

    Unlike the Go original, a goal directory that is a symlink to somewhere else is
    accepted: linking `~/.osm/goals` to a dotfiles checkout is a normal setup.
    """
    absolute = os.path.abspath(path)
    try:
        return os.path.realpath(absolute, strict=True)
    except OSError:
        return absolute


def discover_goal_paths(config: Any = None, **options: Any) -> list[str]:
    """Goal directories in priority order (highest first); they need not exist.

    `cwd`, `config_dir`, `exec_dir` and `env` default to the process's own and exist
    so tests and tools can ask "what would osm search from there" (`options` are
    `discover_goal_dirs`'s: `cwd`, `config_dir`, `exec_dir`, `env`, `warn`).
    """
    return [d.path for d in discover_goal_dirs(config, **options)]


def discover_goal_dirs(
    config: Any = None,
    *,
    cwd: str | None = None,
    config_dir: str | None = None,
    exec_dir: str | None = None,
    env: Mapping[str, str] | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[CodeDir]:
    """`discover_goal_paths`, each folder marked with the project it was found in.

    `./osm-goals` and the folders found walking up belong to a project (their goals
    need the user's trust); the config folder's, the executable's and `goal.paths`
    are the user's own, also when a walk up reaches one of them.
    """
    del warn  # nothing to warn about: unresolvable paths are kept as absolute paths
    settings = GoalDiscoveryConfig.from_config(config, env=env)
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = ""
    config_dir = _default_config_dir() if config_dir is None else config_dir
    exec_dir = _default_exec_dir() if exec_dir is None else exec_dir

    # (path, project folder or None, path below the project folder)
    candidates: list[tuple[str, str | None, str]] = []
    if not settings.disable_standard_paths:
        if config_dir:
            candidates.append((os.path.join(config_dir, "goals"), None, ""))
        if exec_dir:
            candidates.append((os.path.join(exec_dir, "goals"), None, ""))
        if cwd:
            candidates.append((os.path.join(cwd, PROJECT_GOAL_DIR), cwd, PROJECT_GOAL_DIR))
    candidates.extend((expand_path(p, env=env), None, "") for p in settings.custom_paths)
    if settings.autodiscovery and cwd:
        directory = cwd
        for _ in range(settings.max_traversal_depth):
            for pattern in settings.path_patterns:
                candidate = os.path.join(directory, pattern)
                if os.path.isdir(candidate):
                    candidates.append((candidate, directory, pattern))
            parent = os.path.dirname(directory)
            if parent == directory:
                break
            directory = parent

    found: dict[str, CodeDir] = {}
    for candidate, root, rel in candidates:
        if not candidate.strip():
            continue
        normalised = _normalise(candidate)
        known = found.get(normalised)
        if known is None:
            found[normalised] = CodeDir(normalised, root, rel)
        elif root is None:
            known.root, known.rel = None, ""  # the user's own, however else it is reached

    # Score against real paths too, so a symlinked working directory still ranks first.
    real = [_normalise(d) if d else "" for d in (cwd or "", config_dir, exec_dir)]
    patterns = settings.path_patterns
    dirs = list(found.values())
    dirs.sort(key=lambda d: (compute_path_score(d.path, *real, patterns), d.path))
    return dirs
