"""The one error hierarchy of osm.

Every error a user can cause derives from `OsmError`, so the CLI can turn it
into a single line on stderr and exit 1 instead of showing a traceback.
Messages name the file, line, key or session at fault.
"""

from __future__ import annotations


class OsmError(Exception):
    """Base of every error osm reports to a user."""


class UsageError(OsmError):
    """Bad command-line usage: unknown flag, missing argument, wrong count."""


class ArgumentError(UsageError):
    """A command was given an argument it cannot use (an unknown `--store`, a stray word).

    The CLI exits with status 2 for it, the usual status of a usage error, so a script
    can tell "you called me wrongly" from "the work failed".
    """

    exit_status = 2


class ConfigError(OsmError):
    """A configuration file or value is wrong; the message names file, line and key."""


class SessionError(OsmError):
    """Session identity could not be determined or an ID is not acceptable."""


class StorageError(OsmError):
    """Reading, writing, locking or archiving a session failed."""


class SessionLockedError(StorageError):
    """Another backend (in this or another process) holds the session's lock."""


class ScriptError(OsmError):
    """A JavaScript script failed: syntax error, exception, time or memory limit."""


class CommandError(OsmError):
    """A command failed in a way the user should see as `Error: <message>`."""


class CommandNotFoundError(CommandError):
    """No built-in or script command has the requested name."""


def os_reason(exc: OSError) -> str:
    """The OS's reason for `exc` in a message's words: `no such file or directory`.

    Python's `str(OSError)` (`[Errno 2] No such file or directory: 'x'`) is for
    programmers; a message already names the path, so only the reason is wanted.
    """
    text = exc.strerror or str(exc)
    return text[0].lower() + text[1:] if text[1:2].islower() else text


def os_error_text(exc: OSError) -> str:
    """`<reason>: <file>` when the OS names a file, else the reason (never `[Errno N]`)."""
    if exc.strerror and exc.filename is not None:
        return f"{exc.strerror}: {exc.filename}"
    return exc.strerror or str(exc)
