"""The one set of rules by which osm finds goal folders and script folders.

Goal discovery (`workflows.goal_discovery`) and script discovery (`command.discovery`)
differ only in their folder names and config keys; everything else is one rule here so
the two cannot drift apart again: how a configured path is expanded (`~/`, `$VAR`), how a
candidate is normalised (absolute, symlinks resolved: trust records real paths, so a link
and its target must be one folder), which directory is the executable's, how far a walk
up goes, and how the found folders are ranked (closest to the working directory first).
Differences from the Go original are listed in docs/compat.md ("Goal and script folders").

Imports: `config` (the config folder) and `trust` (`CodeDir`), nothing above them.
"""

from __future__ import annotations

import os
import sys

from one_shot_man.trust.project import CodeDir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "DEFAULT_MAX_TRAVERSAL_DEPTH",
    "FAR",
    "MAX_TRAVERSAL_DEPTH_LIMIT",
    "Candidate",
    "ancestors",
    "compute_path_score",
    "config_dir",
    "directory_exists",
    "executable_dir",
    "expand_env",
    "expand_path",
    "home_dir",
    "normalise",
    "parse_positive_int",
    "pattern_dirs",
    "rank",
    "working_dir",
]

#: How many directories a walk up from the working directory visits (the start included).
DEFAULT_MAX_TRAVERSAL_DEPTH = 10
#: A configured depth above this is ignored (the default is used), like the Go original.
MAX_TRAVERSAL_DEPTH_LIMIT = 100
#: Score distance/depth of a path unrelated to cwd, config and executable (Go's MaxInt).
FAR = sys.maxsize

#: A found folder: (path, the project folder it was found in or None for the user's own,
#: its path below that project folder).
Candidate = tuple[str, str | None, str]

_SHELL_SPECIAL = frozenset("*#$@!?-0123456789")


def parse_positive_int(
    value: str,
    default: int,
    maximum: int,
    warn: Callable[[str], object] | None = None,
) -> int:
    """A trimmed integer in 1..maximum (no upper bound when maximum <= 0), else `default`.

    Text that is not an integer at all is also reported through `warn`; a number out of
    range silently means the default, as in the Go original.
    """
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


def home_dir(env: Mapping[str, str] | None = None) -> str:
    """The home `~/` stands for: $HOME (%USERPROFILE% on Windows), as for the config file;
    when that is unset, the account's home from the system ("" when there is none)."""
    environ = os.environ if env is None else env
    home = environ.get("USERPROFILE" if os.name == "nt" else "HOME", "")
    if home:
        return home
    fallback = os.path.expanduser("~")
    return "" if fallback == "~" else fallback


def _is_home_prefixed(path: str) -> bool:
    if path.startswith("~/"):
        return True
    return os.sep != "/" and path.startswith("~" + os.sep)


def expand_path(path: str, env: Mapping[str, str] | None = None) -> str:
    """`~/x` (and `~\\x` on Windows) -> `<home>/x`; otherwise `$VAR`/`${VAR}` are expanded.

    `~` alone and `~user` stay as they are, like the Go original.
    """
    if _is_home_prefixed(path):
        home = home_dir(env)
        if home:
            return os.path.join(home, path[2:])
    return expand_env(path, env)


def _shell_name(text: str, start: int) -> tuple[str, int]:
    """The variable name after a `$` at `start - 1`, and the index after it (Go's rules).

    An empty name with an advanced index is bad syntax (`${`, `${}`), eaten like Go does;
    an empty name with the index unchanged means the `$` is a plain character.
    """
    n = len(text)
    ch = text[start]
    if ch == "{":
        if start + 2 < n and text[start + 1] in _SHELL_SPECIAL and text[start + 2] == "}":
            return text[start + 1], start + 3
        end = text.find("}", start + 1)
        if end < 0:
            return "", start + 1  # an unterminated `${`: only `${` is eaten
        return text[start + 1 : end], end + 1
    if ch in _SHELL_SPECIAL:
        return ch, start + 1
    end = start
    while end < n and (text[end] == "_" or (text[end].isascii() and text[end].isalnum())):
        end += 1
    return text[start:end], end


def expand_env(text: str, env: Mapping[str, str] | None = None) -> str:
    """`$VAR` and `${VAR}` replaced by their values (unset: empty), as Go's os.ExpandEnv does."""
    if "$" not in text:
        return text
    environ = os.environ if env is None else env
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        dollar = text.find("$", i)
        if dollar < 0 or dollar + 1 >= n:
            out.append(text[i:])
            break
        out.append(text[i:dollar])
        name, after = _shell_name(text, dollar + 1)
        if name:
            out.append(environ.get(name, ""))
        elif after == dollar + 1:
            out.append("$")
        i = after
    return "".join(out)


def directory_exists(path: str) -> bool:
    """True for an existing directory (following symlinks); False for files and errors."""
    try:
        return os.path.isdir(path)
    except (OSError, ValueError):
        return False


def working_dir() -> str:
    """The working directory, or "" when it is gone (then nothing is relative to it)."""
    try:
        return os.getcwd()
    except OSError:
        return ""


def executable_dir() -> str:
    """The directory of the running `osm` program (Go's os.Executable(), symlinks resolved).

    That is the console script named by argv[0] when it is a file (a `pip install --user`
    puts it in ~/.local/bin, away from the interpreter), else (`python -m one_shot_man`,
    whose argv[0] is the package's `__main__.py`, or embedded use) the interpreter's.
    """
    argv0 = sys.argv[0] if sys.argv else ""
    if argv0 and not argv0.endswith(".py") and os.path.isfile(argv0):
        return os.path.dirname(os.path.realpath(argv0))
    return os.path.dirname(os.path.abspath(sys.executable)) if sys.executable else ""


def config_dir() -> str:
    """The folder of the config file (`OSM_CONFIG` or ~/.osm), "" when there is no home."""
    try:
        from one_shot_man.config.location import get_config_path

        return os.path.dirname(os.path.abspath(os.fspath(get_config_path())))
    except Exception:  # no home directory: no config-relative folders
        return ""


def normalise(path: str, cwd: str) -> str:
    """Absolute (relative to `cwd`), clean, and with symlinks resolved when the path exists.

    A folder that does not exist keeps its clean absolute form; unlike the Go original's
    goal discovery, a symlink to anywhere is accepted (`~/.osm/goals` -> a dotfiles checkout).
    """
    absolute = os.path.normpath(os.path.join(cwd, path))
    try:
        absolute = os.path.abspath(absolute)  # cwd unknown and `path` relative: as it is
        return os.path.realpath(absolute, strict=True)
    except (OSError, ValueError):
        return absolute


def ancestors(start: str, max_depth: int) -> list[str]:
    """`start` and its parents, at most `max_depth` directories, stopping at the root."""
    result: list[str] = []
    current = start
    for _ in range(max_depth):
        result.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    return result


def pattern_dirs(directories: Iterable[str], patterns: Sequence[str]) -> list[Candidate]:
    """`<dir>/<pattern>` for each directory and pattern that exists, as project folders."""
    found: list[Candidate] = []
    for directory in directories:
        for pattern in patterns:
            candidate = os.path.join(directory, pattern)
            if directory_exists(candidate):
                found.append((candidate, directory, pattern))
    return found


def _split(rel: str) -> list[str]:
    return rel.split(os.sep) if rel else []


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
    except ValueError:  # another drive on Windows
        return 0
    return len(_down(_split(rel)))


def compute_path_score(
    path: str, cwd: str, config_dir: str, exec_dir: str, patterns: Sequence[str]
) -> tuple[int, int, int]:
    """The (class, distance, depth) priority of a folder; lower ranks first.

    Class 0: cwd or below it; 1: an ancestor's `<pattern>` folder; 2: under the config
    folder; 3: under the executable's folder; 4: anything else.
    """
    if cwd:
        try:
            rel: str | None = os.path.normpath(os.path.relpath(path, cwd))
        except ValueError:  # another drive on Windows
            rel = None
        if rel is not None:
            if rel == ".":
                return (0, 0, 0)
            segments = _split(rel)
            up = segments.count("..")
            wanted = _down(segments)
            if up == 0:
                return (0, len(wanted), len(wanted))
            for pattern in patterns:
                if wanted and _down(_split(os.path.normpath(pattern))) == wanted:
                    return (1, up, len(wanted))
    if _has_dir_prefix(path, config_dir):
        depth = _depth_below(path, config_dir)
        return (2, depth, depth)
    if _has_dir_prefix(path, exec_dir):
        depth = _depth_below(path, exec_dir)
        return (3, depth, depth)
    return (4, FAR, FAR)


def rank(
    candidates: Iterable[Candidate],
    *,
    cwd: str,
    config_dir: str,
    exec_dir: str,
    patterns: Sequence[str],
) -> list[CodeDir]:
    """Normalise, de-duplicate (first occurrence wins) and order the candidate folders.

    A folder reached both as the user's own and as a project's is the user's own. The
    order is `compute_path_score` against the real cwd, config and executable folders (so
    a symlinked working directory still ranks first), then the path.
    """
    found: dict[str, CodeDir] = {}
    for candidate, root, rel in candidates:
        if not candidate.strip():
            continue
        path = normalise(candidate, cwd)
        known = found.get(path)
        if known is None:
            found[path] = CodeDir(path, root, rel)
        elif root is None:
            known.root, known.rel = None, ""
    real = [normalise(d, cwd) if d else "" for d in (cwd, config_dir, exec_dir)]
    dirs = list(found.values())
    dirs.sort(
        key=lambda d: (compute_path_score(d.path, real[0], real[1], real[2], patterns), d.path)
    )
    return dirs
