"""The engine's application log (the `log` JS global) and user-output channel.

Scripts log structured entries that users can search later from the shell (`log`
entries stay in a bounded ring buffer) and, with `osm script -log-file`, append as JSON
lines to a file. User-facing text goes through `print_to_user`, which the interactive
shell redirects into its output queue while a prompt is on screen.
"""

from __future__ import annotations

from _thread import allocate_lock  # not `threading` (+`functools`): ~7 M more

from one_shot_man.errors import UsageError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections import deque
    from collections.abc import Callable, Mapping
    from datetime import datetime
    from typing import TextIO
else:  # the same C type: `collections` itself costs ~7.8 M instructions at start-up
    from _collections import deque


def _local_now() -> datetime:
    # datetime is imported on the first log entry: most `osm script` runs never log.
    from datetime import UTC, datetime

    return datetime.now(UTC).astimezone()


DEBUG, INFO, WARN, ERROR = -4, 0, 4, 8
LEVEL_NAMES = {DEBUG: "DEBUG", INFO: "INFO", WARN: "WARN", ERROR: "ERROR"}
_LEVELS_BY_NAME = {"debug": DEBUG, "info": INFO, "warn": WARN, "warning": WARN, "error": ERROR}
DEFAULT_MAX_ENTRIES = 1000


def parse_level(name: str) -> int:
    """`debug|info|warn|error`, case-insensitive (the `-log-level` flag)."""
    try:
        return _LEVELS_BY_NAME[name.strip().lower()]
    except KeyError:
        raise UsageError(f"invalid log level: {name}") from None


class LogEntry:
    """One retained log record (a plain slotted class: `dataclasses` costs ~5 ms to import,
    and every `osm script` start pays for what the logger imports)."""

    __slots__ = ("attrs", "level", "message", "source", "time")

    def __init__(
        self,
        time: datetime,
        level: int,
        message: str,
        attrs: dict[str, str] | None = None,
        source: str = "",
    ) -> None:
        self.time = time
        self.level = level
        self.message = message
        self.attrs = attrs if attrs is not None else {}
        self.source = source

    def __repr__(self) -> str:
        return f"LogEntry({self.time!r}, {self.level!r}, {self.message!r}, {self.attrs!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LogEntry):
            return NotImplemented
        return (self.time, self.level, self.message, self.attrs, self.source) == (
            other.time,
            other.level,
            other.message,
            other.attrs,
            other.source,
        )

    __hash__ = None  # type: ignore[assignment]

    def to_js(self) -> dict[str, object]:
        """The shape scripts see (`{Time, Level, Message, Attrs, Source}`, Go field names)."""
        return {
            "Time": self.time.isoformat(),
            "Level": self.level,
            "Message": self.message,
            "Attrs": dict(self.attrs),
            "Source": self.source,
        }


class Logger:
    """Bounded in-memory log with optional JSON-lines file and a user-output sink."""

    def __init__(
        self,
        user_writer: TextIO,
        *,
        json_file: TextIO | None = None,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        min_level: int = INFO,
    ) -> None:
        self._user_writer = user_writer
        self._json_file = json_file
        self._entries: deque[LogEntry] = deque(
            maxlen=max_entries if max_entries > 0 else DEFAULT_MAX_ENTRIES
        )
        self._min_level = min_level
        self._lock = allocate_lock()
        self._sink: Callable[[str], object] | None = None

    # -- structured log -----------------------------------------------------------------

    def log(self, level: int, message: str, attrs: Mapping[str, object] | None = None) -> None:
        if level < self._min_level:
            return
        entry = LogEntry(
            _local_now(),
            level,
            str(message),
            {str(k): _attr_text(v) for k, v in (attrs or {}).items()},
        )
        with self._lock:
            self._entries.append(entry)
            if self._json_file is not None:
                record: dict[str, object] = {
                    "time": entry.time.isoformat(),
                    "level": LEVEL_NAMES.get(level, str(level)),
                    "msg": entry.message,
                }
                record.update(attrs or {})
                import json  # only with -log-file; json costs ~6 ms at start-up

                self._json_file.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                self._json_file.flush()

    def debug(self, message: str, attrs: Mapping[str, object] | None = None) -> None:
        self.log(DEBUG, message, attrs)

    def info(self, message: str, attrs: Mapping[str, object] | None = None) -> None:
        self.log(INFO, message, attrs)

    def warn(self, message: str, attrs: Mapping[str, object] | None = None) -> None:
        self.log(WARN, message, attrs)

    def error(self, message: str, attrs: Mapping[str, object] | None = None) -> None:
        self.log(ERROR, message, attrs)

    def get_logs(self, n: int = 0) -> list[LogEntry]:
        """All retained entries, or the newest `n` when 0 < n < size."""
        with self._lock:
            entries = list(self._entries)
        if 0 < n < len(entries):
            return entries[-n:]
        return entries

    def search_logs(self, query: str) -> list[LogEntry]:
        """Entries whose message or any attribute key or value contains `query` (any case)."""
        needle = query.lower()
        return [
            e
            for e in self.get_logs()
            if needle in e.message.lower()
            or any(needle in k.lower() or needle in v.lower() for k, v in e.attrs.items())
        ]

    def clear_logs(self) -> None:
        with self._lock:
            self._entries.clear()

    # -- user output --------------------------------------------------------------------

    def set_sink(self, sink: Callable[[str], object] | None) -> None:
        """Route user output to `sink` (the shell's output queue), or back to the writer."""
        with self._lock:
            self._sink = sink

    def print_to_user(self, text: str) -> None:
        """Write `text` with exactly one trailing newline added when it has none."""
        self.write_to_user(text, end=True)

    def write_to_user(self, text: str, *, end: bool) -> None:
        """Write one part of a user text; the `end` part gets the trailing newline if needed.

        A big text comes in parts so that it is never copied whole (nor encoded whole).
        """
        if end and not text.endswith("\n"):
            if len(text) > 4096:
                self.write_to_user(text, end=False)
                text = ""
            text += "\n"
        with self._lock:
            sink = self._sink
            if sink is None:
                self._user_writer.write(text)
                self._user_writer.flush()
                return
        sink(text)


def _attr_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        import json  # on the first structured attribute only

        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
