"""The dnsmasq-style config grammar (spec 3.2/3.3): one `name value` option per line.

Parsing is on the start-up path of every `osm` invocation, so the loop does the
minimum per line and never validates types; `Config.validate()` does that on demand.
Unlike the Go original, a bad line is recorded as a `ConfigIssue` and skipped: it
never discards the rest of the file.
"""

from __future__ import annotations

from one_shot_man.config.model import Config
from one_shot_man.config.shared import SESSIONS_SECTION, ConfigIssue
from one_shot_man.config.values import parse_bool, parse_int, quote

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["MAX_LINE_BYTES", "SESSIONS_SECTION", "load_from_reader", "parse_into"]

# Go's bufio.Scanner holds at most 64 KiB: a line plus its newline must fit.
MAX_LINE_BYTES = 64 * 1024
# A line of at most this many characters cannot exceed MAX_LINE_BYTES in UTF-8,
# so only longer ones pay for an encode.
_SAFE_CHARS = MAX_LINE_BYTES // 4 - 1

# What Go's strings.TrimSpace removes (unicode.IsSpace). Python's str.strip() also
# strips \x1c-\x1f, which Go keeps.
_WS = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

_SESSION_INT_KEYS = {
    "maxAgeDays": ("max_age_days", 0),
    "maxCount": ("max_count", 0),
    "maxSizeMB": ("max_size_mb", 0),
    "cleanupIntervalHours": ("cleanup_interval_hours", 1),
}


def load_from_reader(reader: Iterable[str] | str | bytes, *, source: str = "<reader>") -> Config:
    """Parse config lines into a fresh `Config` (an open text file, a list, or a whole text).

    Bad `[sessions]` values and over-long lines end up in `config.issues` with their
    line numbers; every other line still loads.
    """
    cfg = Config()
    cfg.source = source
    parse_into(cfg, reader, source)
    return cfg


def parse_into(cfg: Config, reader: Iterable[str] | str | bytes, source: str) -> None:
    """Add the options in `reader` to `cfg` (later lines win, sections merge)."""
    if isinstance(reader, (bytes, bytearray)):
        reader = bytes(reader).decode("utf-8", "surrogateescape")
    if isinstance(reader, str):
        reader = reader.split("\n")
    ws = _WS
    safe = _SAFE_CHARS
    glob = cfg.global_options
    glob_lines = cfg._global_lines
    commands = cfg.commands
    command_lines = cfg._command_lines
    current = glob
    current_lines = glob_lines
    section: str | None = None
    in_sessions = False
    for lineno, raw in enumerate(reader, 1):
        if len(raw) > safe and _too_long(raw):
            message = f"line too long (over {MAX_LINE_BYTES} bytes); line ignored"
            cfg.issues.append(ConfigIssue(source, lineno, section, "", message))
            continue
        line = raw.strip(ws)
        if not line or line[0] == "#":
            continue
        if line[0] == "[" and ((closed := line[-1] == "]") or _unclosed_header(line)):
            if closed:
                name = line.lstrip("[").rstrip("]")
            else:
                # Go made `[help` a global key; the user evidently meant a header.
                name = line.lstrip("[")
                message = f'malformed section header {quote(line)} (missing "]"); read as [{name}]'
                cfg.issues.append(ConfigIssue(source, lineno, section, "", message))
            known = commands.get(name)
            if known is None:
                current = commands[name] = {}
                current_lines = command_lines[name] = {}
            else:
                current, current_lines = known, command_lines[name]
            if name == "":
                current = glob
                current_lines = glob_lines
                section = None
            else:
                section = name
            in_sessions = name == SESSIONS_SECTION
            continue
        key, _, value = line.partition(" ")
        if in_sessions:
            _apply_session_option(cfg, source, lineno, key, value)
        current[key] = value
        current_lines[key] = lineno


def _unclosed_header(line: str) -> bool:
    """`[help`: one word after the bracket, no value (a lone `[` stays an option, as in Go)."""
    name = line.lstrip("[")
    return bool(name) and " " not in name and "\t" not in name


def _too_long(raw: str) -> bool:
    content = raw.rstrip("\n")
    return len(content.encode("utf-8", "surrogateescape")) + 1 > MAX_LINE_BYTES


def _apply_session_option(cfg: Config, source: str, lineno: int, key: str, value: str) -> None:
    """Set one `[sessions]` field, or record why not; a bad value keeps the default."""
    sessions = cfg.sessions
    spec = _SESSION_INT_KEYS.get(key)
    problem: str | None = None
    message: str | None = None
    if spec is not None:
        attr, minimum = spec
        try:
            number = parse_int(value)
        except ValueError:
            problem = f"invalid integer value {quote(value)}"
        else:
            if number < minimum:
                problem = (
                    f"{key} cannot be negative: {number}"
                    if minimum == 0
                    else f"{key} must be at least {minimum}: {number}"
                )
            else:
                setattr(sessions, attr, number)
    elif key == "autoCleanupEnabled":
        try:
            sessions.auto_cleanup_enabled = parse_bool(value)
        except ValueError:
            problem = f"invalid boolean value {quote(value)} (want true/false/yes/no/on/off/1/0)"
    else:
        message = (
            f"unknown session option: {quote(key)} (known: maxAgeDays, maxCount, maxSizeMB, "
            "autoCleanupEnabled, cleanupIntervalHours)"
        )
    if problem is not None:
        message = f"invalid session option {quote(key)}: {problem}; keeping the default"
    if message is not None:
        cfg.issues.append(ConfigIssue(source, lineno, SESSIONS_SECTION, key, message))
