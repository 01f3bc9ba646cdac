"""Where the config file lives and how it is read from disk (spec 3.4, 3.5).

`pathlib` is imported inside the functions: it pulls in `re` and `fnmatch`, which
`osm` must not pay for before it knows it needs a path object. The config model and the
error classes load with the first read or error too: `osm version` without a config file
only asks `config_absent()` and never builds a `Config` (about 1.4 M instructions less).
"""

import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from one_shot_man.config.model import Config
    from one_shot_man.errors import ConfigError

__all__ = [
    "CONFIG_ENV_VAR",
    "DEFAULT_CONFIG_DIR",
    "LEGACY_CONFIG_DIR",
    "config_absent",
    "ensure_config_dir",
    "get_config_path",
    "load",
    "load_from_path",
]

CONFIG_ENV_VAR = "OSM_CONFIG"
DEFAULT_CONFIG_DIR = ".osm"
LEGACY_CONFIG_DIR = ".one-shot-man"
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BOM = b"\xef\xbb\xbf"


def _error(message: str) -> "ConfigError":
    """A ConfigError (the error classes load only when something is wrong)."""
    from one_shot_man.errors import ConfigError

    return ConfigError(message)


def _home_dir() -> str:
    """The user's home as Go's os.UserHomeDir sees it: $HOME (%USERPROFILE% on Windows)."""
    home = os.environ.get("USERPROFILE" if os.name == "nt" else "HOME", "")
    if not home:
        name = "%USERPROFILE%" if os.name == "nt" else "$HOME"
        raise _error(f"failed to get config path: {name} is not defined")
    return home


def _config_path_str() -> str:
    explicit = os.environ.get(CONFIG_ENV_VAR)
    if explicit:
        return explicit
    home = _home_dir()
    new_dir = os.path.join(home, DEFAULT_CONFIG_DIR)
    new_path = os.path.join(new_dir, "config")
    if os.path.isdir(new_dir):
        return new_path
    legacy = os.path.join(home, LEGACY_CONFIG_DIR, "config")
    if os.path.isfile(legacy):
        return legacy
    return new_path


def get_config_path() -> "Path":
    """The config file to use: `$OSM_CONFIG` verbatim, else `~/.osm/config`.

    The legacy `~/.one-shot-man/config` is used only while `~/.osm` does not exist and
    the legacy file does, so old installs keep working until the user moves over.
    Raises ConfigError when there is no home directory.
    """
    from pathlib import Path

    return Path(_config_path_str())


def ensure_config_dir() -> "Path":
    """Create the config file's directory (0755) and return the config path."""
    from pathlib import Path

    path = _config_path_str()
    parent = os.path.dirname(path)
    if parent:
        try:
            os.makedirs(parent, mode=0o755, exist_ok=True)
        except OSError as exc:
            raise _error(
                f"failed to create config directory {parent}: {exc.strerror or exc}"
            ) from exc
    return Path(path)


def config_absent() -> bool:
    """True when nothing exists at the config path, so `load()` would give an empty
    Config with no issues; False when a file (or anything else) is there or the path
    cannot be worked out, i.e. when `load()` has something to read or to warn about.
    """
    try:
        os.lstat(_config_path_str())
    except FileNotFoundError:
        return True
    except Exception:  # no home (ConfigError), a path that cannot be stat'ed: load() says so
        return False
    return False


def load_from_path(path: "str | os.PathLike[str]") -> "Config":
    """Load the config file at `path`; a missing file gives an empty config.

    A symlink as the final component is refused (a config file is trusted input, and
    a planted link could make osm read another file); symlinked parent directories
    are fine. A directory or unreadable file is a ConfigError naming the path.
    """
    text_path = os.fspath(path)
    cfg = _read(text_path)
    cfg.path = text_path
    return cfg


def _read(path: str) -> "Config":
    from one_shot_man.config.model import Config

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        cfg = Config()
        cfg.source = path
        return cfg
    except (OSError, ValueError) as exc:
        raise _error(f"failed to stat config file {path}: {_reason(exc)}") from exc
    if stat.S_ISLNK(st.st_mode):
        raise _error(f"symlink not allowed in config path: {path}")
    if stat.S_ISDIR(st.st_mode):
        raise _error(f"error reading config {path}: is a directory")
    fd = _open_no_follow(path, "failed to open config file")
    chunks: list[bytes] = []
    try:
        # Raw reads: a buffered file object costs more than the whole parse of a small file.
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    except OSError as exc:
        raise _error(f"error reading config {path}: {_reason(exc)}") from exc
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if data.startswith(_BOM):
        # Windows editors add one; Go would make it part of the first key.
        data = data[len(_BOM) :]
    # Imported here: without a config file (the common case) `osm version` never needs it.
    from one_shot_man.config.parser import parse_into

    cfg = Config()
    cfg.source = path
    parse_into(cfg, data.decode("utf-8", "surrogateescape"), path)
    return cfg


def _open_no_follow(path: str, failure: str) -> int:
    """Open a config file read-only, refusing a symlink as its final component.

    The lstat check before it can race with a rename; O_NOFOLLOW closes that gap.
    Other failures are a ConfigError `<failure> <path>: <reason>`.
    """
    try:
        return os.open(path, os.O_RDONLY | _O_NOFOLLOW)
    except OSError as exc:
        import errno  # here: the module costs 0.3 M instructions of every `osm` start

        if _O_NOFOLLOW and exc.errno == errno.ELOOP:
            raise _error(f"symlink not allowed in config path: {path}") from exc
        raise _error(f"{failure} {path}: {_reason(exc)}") from exc


def _reason(exc: BaseException) -> str:
    """An OSError's bare reason (`No such file or directory`), as Go prints it."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def load() -> "Config":
    """Load the config from `get_config_path()` (what `osm` does at start-up)."""
    return load_from_path(_config_path_str())
