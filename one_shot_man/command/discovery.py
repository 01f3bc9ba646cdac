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

from one_shot_man.config.values import parse_go_bool, parse_path_list

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import Any

    from one_shot_man.config import Config
    from one_shot_man.trust.project import CodeDir

__all__ = [
    "DEFAULT_MAX_TRAVERSAL_DEPTH",
    "DEFAULT_PATH_PATTERNS",
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

DEFAULT_MAX_TRAVERSAL_DEPTH = 10
MAX_TRAVERSAL_DEPTH_LIMIT = 100
DEFAULT_PATH_PATTERNS = ("scripts",)
#: The working directory's legacy script folder (a project's, like autodiscovered ones).
PROJECT_SCRIPT_DIR = "scripts"
#: Score distance/depth of a path unrelated to cwd, config and executable (Go uses MaxInt).
FAR = 1 << 62
_WINDOWS_EXEC_EXTS = (".exe", ".com", ".bat", ".cmd")


def parse_positive_int(
    value: str,
    default: int,
    maximum: int,
    warn: Callable[[str], None] | None = None,
) -> int:
    """A trimmed integer in 1..maximum (no upper bound when maximum <= 0), else `default`."""
    text = value.strip()
    if not text:
        return default
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit():
        if warn is not None:
            warn(f"invalid integer value {value!r}, using default {default}")
        return default
    number = int(text)
    if number < 1 or (maximum > 0 and number > maximum):
        return default
    return number


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
        cls, config: Config | None, warn: Callable[[str], None] | None = None
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


def expand_path(path: str, env: Mapping[str, str] | None = None) -> str:
    """`~/x` -> `<home>/x`; otherwise `$VAR` and `${VAR}` are expanded (unset -> empty).

    `~` alone and `~user` stay as they are, like the Go original.
    """
    environ = os.environ if env is None else env
    if path.startswith("~/") or (os.sep != "/" and path.startswith("~" + os.sep)):
        home = environ.get("HOME") or environ.get("USERPROFILE") or os.path.expanduser("~")
        return os.path.join(home, path[2:])
    if "$" not in path:
        return path
    out: list[str] = []
    i, n = 0, len(path)
    while i < n:
        ch = path[i]
        if ch != "$" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = path[i + 1]
        if nxt == "{":
            end = path.find("}", i + 2)
            if end < 0:  # Go: bad syntax swallows the rest
                break
            out.append(environ.get(path[i + 2 : end], ""))
            i = end + 1
            continue
        j = i + 1
        while j < n and (path[j].isalnum() or path[j] == "_") and path[j].isascii():
            j += 1
        if j == i + 1:
            out.append(ch)
            i += 1
            continue
        out.append(environ.get(path[i + 1 : j], ""))
        i = j
    return "".join(out)


def directory_exists(path: str) -> bool:
    """True for an existing directory (following symlinks); False for files and errors."""
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


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


def executable_dir() -> str:
    """Directory of the running interpreter, where the `osm` console script is installed."""
    return os.path.dirname(os.path.abspath(sys.executable or sys.argv[0] or "."))


def _config_dir() -> str:
    try:
        from one_shot_man.config import get_config_path

        return os.path.dirname(os.path.abspath(get_config_path()))
    except Exception:  # no home directory: no config-relative scripts
        return ""


def _normalise(path: str, cwd: str) -> str:
    return os.path.normpath(os.path.join(cwd, path))


def legacy_script_paths(*, cwd: str, config_dir: str, exec_dir: str) -> list[str]:
    """`<exec dir>/scripts`, `<config dir>/scripts`, `<cwd>/scripts` (those known)."""
    result = []
    if exec_dir:
        result.append(os.path.join(exec_dir, "scripts"))
    if config_dir:
        result.append(os.path.join(config_dir, "scripts"))
    result.append(os.path.join(cwd, "scripts"))
    return result


def _pattern_segments(patterns: Iterable[str]) -> list[list[str]]:
    result = []
    for pattern in patterns:
        cleaned = os.path.normpath(pattern).replace(os.sep, "/")
        result.append([s for s in cleaned.split("/") if s and s != "."])
    return result


def _depth_under(path: str, base: str) -> int | None:
    """Segments of `path` below `base`, or None when `path` is not `base` or under it."""
    if not base:
        return None
    if path == base:
        return 0
    prefix = base if base.endswith(os.sep) else base + os.sep
    if not path.startswith(prefix):
        return None
    return len([s for s in path[len(prefix) :].split(os.sep) if s])


def compute_path_score(
    path: str,
    cwd: str,
    config_dir: str,
    exec_dir: str,
    patterns: Iterable[str] = DEFAULT_PATH_PATTERNS,
) -> tuple[int, int, int]:
    """The (class, distance, depth) priority of a script directory; lower runs first.

    Class 0: cwd or below it; 1: an ancestor's `<pattern>` directory; 2: under the config
    directory; 3: under the executable's directory; 4: anything else.
    """
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        rel = None
    if rel is not None:
        if rel == ".":
            return (0, 0, 0)
        segments = rel.split(os.sep)
        if ".." not in segments:
            return (0, len(segments), len(segments))
        ups = 0
        while ups < len(segments) and segments[ups] == "..":
            ups += 1
        down = segments[ups:]
        if ".." not in down and down in _pattern_segments(patterns):
            return (1, ups, len(down))
    depth = _depth_under(path, config_dir)
    if depth is not None:
        return (2, depth, depth)
    depth = _depth_under(path, exec_dir)
    if depth is not None:
        return (3, depth, depth)
    return (4, FAR, FAR)


def _walk_up(start: str, max_depth: int) -> list[str]:
    result = []
    current = start
    for _ in range(max_depth):
        result.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return result


def discover_script_paths(config: Config | None = None, **options: Any) -> list[str]:
    """The script directories in priority order: legacy, custom, then autodiscovered.

    Every candidate is made absolute and normalised (symlinks are not resolved),
    duplicates keep their first occurrence, and the result is sorted by
    `compute_path_score` then by path. Directories need not exist. `options` are
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
    warn: Callable[[str], None] | None = None,
) -> list[CodeDir]:
    """`discover_script_paths`, each folder marked with the project it was found in.

    `./scripts` and the folders found walking up from the working directory belong to
    a project (their scripts need the user's trust); the executable's and the config
    folder's `scripts` and `script.paths` are the user's own, however else reached.
    """
    from one_shot_man.trust.project import CodeDir

    settings = discovery or ScriptDiscoveryConfig.from_config(config, warn)
    if cwd is None:
        try:
            cwd = os.getcwd()
        except OSError:
            cwd = os.path.abspath(os.sep)
    cfg_dir = _config_dir() if config_dir is None else config_dir
    exe_dir = executable_dir() if exec_dir is None else exec_dir

    # (path, project folder or None, path below the project folder)
    candidates: list[tuple[str, str | None, str]] = []
    for path in legacy_script_paths(cwd=cwd, config_dir=cfg_dir, exec_dir=exe_dir):
        if path == os.path.join(cwd, PROJECT_SCRIPT_DIR):
            candidates.append((path, cwd, PROJECT_SCRIPT_DIR))
        else:
            candidates.append((path, None, ""))
    candidates.extend((expand_path(p), None, "") for p in settings.custom_paths)
    if settings.autodiscovery:
        ancestors = _walk_up(cwd, settings.max_traversal_depth)
        if settings.git_traversal:
            for directory in ancestors:
                if is_git_repository(directory):
                    for pattern in settings.path_patterns:
                        candidate = os.path.join(directory, pattern)
                        if directory_exists(candidate):
                            candidates.append((candidate, directory, pattern))
        for directory in ancestors:
            for pattern in settings.path_patterns:
                candidate = os.path.join(directory, pattern)
                if directory_exists(candidate):
                    candidates.append((candidate, directory, pattern))

    found: dict[str, CodeDir] = {}
    for candidate, root, rel in candidates:
        if not candidate.strip():
            continue
        normalised = _normalise(candidate, cwd)
        known = found.get(normalised)
        if known is None:
            found[normalised] = CodeDir(normalised, root, rel)
        elif root is None:
            known.root, known.rel = None, ""  # the user's own, however else it is reached
    cfg_norm = _normalise(cfg_dir, cwd) if cfg_dir else ""
    exe_norm = _normalise(exe_dir, cwd) if exe_dir else ""
    patterns = settings.path_patterns
    dirs = list(found.values())
    dirs.sort(key=lambda d: (compute_path_score(d.path, cwd, cfg_norm, exe_norm, patterns), d.path))
    return dirs
