"""`osm session [list|clean|purge|delete|info|path|id]`: inspect and remove persisted sessions.

Differences from the Go original, each in the user's interest:
- Looking never touches: `list` probes locks without creating lock files, and `delete`
  creates a lock file only when it must lock a session that exists, removing it again
  if the delete fails.
- `-dry-run` never prompts: it changes nothing, so there is nothing to confirm.
- IDs are validated (no `../x`): `info`/`path`/`delete` cannot reach outside the
  sessions directory.
- Unexpected extra arguments are errors (Go HEAD), not silently ignored.
"""

from __future__ import annotations

import os
import sys

from one_shot_man.command.base import BaseCommand
from one_shot_man.command.flags import FlagSet, HelpRequested
from one_shot_man.errors import CommandError, OsmError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.flags import Flag
    from one_shot_man.command.registry import Registry
    from one_shot_man.config import Config
    from one_shot_man.storage import SessionInfo

__all__ = ["SUBCOMMANDS", "SessionCommand", "create"]

SUBCOMMANDS = ("list", "clean", "purge", "delete", "info", "path", "id")

_DRY_RUN_USAGE = "Don't actually delete; show what would be deleted"
_YES_USAGE = "Assume yes to confirmation prompts"
_SESSION_USAGE = "Session ID for state persistence (overrides auto-discovery)"
_LIST_EXTRA = (
    "  -format <text|json>   Output format (default: text).\n"
    "    'text' prints tab-separated lines; 'json' prints a pretty JSON array of session"
    " objects.\n"
    "  -sort <default|active>  Sorting behavior (default: filesystem discovery order).\n"
    "    'active' surfaces active sessions first, then orders by update time (newest"
    " first).\n"
)
_DESCRIPTIONS = {
    "id": ("id", "Resolve and print the session id that would be used for this terminal."),
    "list": ("list", "Show all existing sessions with metadata."),
    "clean": ("clean", "Run automatic cleanup based on configured policies."),
    "purge": ("purge", "Permanently purge sessions (ignores configured retention policies)."),
    "delete": (
        "delete <session-id>...",
        "Remove a specific session from storage. This is irreversible.",
    ),
    "info": ("info <session-id>", "Show the raw data for a specific session."),
    "path": ("path [session-id]", "Show the sessions directory or a specific session file path."),
}
_YES_TOKENS = frozenset(("-y", "--y", "-yes", "--yes"))
_DRY_TOKENS = frozenset(("-dry-run", "--dry-run"))


def _rfc3339_local(info: SessionInfo) -> str:
    """Go `time.RFC3339` of the update time in local time, no fraction (`Z` for UTC)."""
    text = info.update_time.astimezone().replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _bracket(items: list[str]) -> str:
    """Go's `%v` of a string slice: `[a b]`."""
    return "[" + " ".join(items) + "]"


class SessionCommand(BaseCommand):
    """Session management; `stdin` and `sessions_dir` can be injected for tests."""

    name = "session"
    description = "Manage persisted sessions"
    usage = "session [list|clean|purge|delete|info|path|id]"

    def __init__(
        self,
        config: Config | None = None,
        *,
        stdin: TextIO | None = None,
        sessions_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        super().__init__()
        if config is None:
            from one_shot_man.config import Config

            config = Config()
        self.config = config
        self.stdin = stdin
        self.sessions_dir = sessions_dir
        self._dry: Flag | None = None
        self._yes: Flag | None = None

    def setup_flags(self, flags: FlagSet) -> None:
        self._dry = flags.bool("dry-run", False, _DRY_RUN_USAGE)
        self._yes = flags.bool("y", False, _YES_USAGE)

    @property
    def dry_run(self) -> bool:
        return bool(self._dry and self._dry.value)

    @property
    def yes(self) -> bool:
        return bool(self._yes and self._yes.value)

    # -- dispatch -------------------------------------------------------------

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        if not args:
            return self._list(stdout, "text", "default")
        sub = args[0].lower()
        rest = args[1:]
        handler = {
            "id": self._cmd_id,
            "list": self._cmd_list,
            "clean": self._cmd_clean,
            "purge": self._cmd_clean,
            "delete": self._cmd_delete,
            "info": self._cmd_info,
            "path": self._cmd_path,
        }.get(sub)
        if handler is None:
            raise UsageError(f"unknown subcommand: {args[0]}")
        return handler(sub, rest, stdout, stderr)

    # -- helpers --------------------------------------------------------------

    def _usage(self, sub: str, flags: FlagSet) -> str:
        synopsis, description = _DESCRIPTIONS[sub]
        text = f"Usage: {self.name} {synopsis}\n\n{description}\n"
        if sub == "list":
            text += "\nOptions:\n" + _LIST_EXTRA + flags.defaults_text()
        elif flags.has_flags():
            text += "\nOptions:\n" + flags.defaults_text()
        return text

    def _parse(
        self, sub: str, flags: FlagSet, args: list[str], stdout: TextIO, stderr: TextIO
    ) -> list[str] | None:
        """Parse a subcommand's flags; None after `-h` (usage on stdout, success)."""
        try:
            return flags.parse(args)
        except HelpRequested:
            stdout.write(self._usage(sub, flags))
            return None
        except UsageError:
            stderr.write(self._usage(sub, flags))
            raise

    def _confirm(self, prompt: str, stdout: TextIO) -> bool:
        """Ask on stdout, read one line; only `y`/`yes` (any case) proceeds."""
        stdout.write(prompt)
        try:
            stdout.flush()
        except (OSError, ValueError, AttributeError):
            pass
        stream = self.stdin if self.stdin is not None else sys.stdin
        if stream is None:  # no stdin at all (closed fd 0): same as EOF
            line = ""
        else:
            try:
                line = stream.readline()
            except (OSError, ValueError) as exc:
                raise CommandError(f"failed to read confirmation: {exc}") from exc
        answer = line.strip().lower()
        if answer in ("y", "yes"):
            return True
        stdout.write("aborted\n")
        return False

    def _sessions_dir_text(self) -> str:
        from one_shot_man.storage import session_directory

        if self.sessions_dir is not None:
            return os.fspath(self.sessions_dir)
        return os.fspath(session_directory())

    # -- id -------------------------------------------------------------------

    def _cmd_id(self, sub: str, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        flags = FlagSet("session-id")
        explicit = flags.string("session", "", _SESSION_USAGE)
        rest = self._parse(sub, flags, args, stdout, stderr)
        if rest is None:
            return 0
        if rest:
            raise UsageError(f"session id: unexpected arguments: {_bracket(rest)}")
        from one_shot_man.session import get_session_id

        session_id, _source = get_session_id(str(explicit.value) or None)
        stdout.write(session_id + "\n")
        return 0

    # -- list -------------------------------------------------------------------

    def _cmd_list(self, sub: str, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        flags = FlagSet("session-list")
        fmt = flags.string("format", "text", "output format: text|json")
        order = flags.string("sort", "default", "sorting: default|active")
        rest = self._parse(sub, flags, args, stdout, stderr)
        if rest is None:
            return 0
        if rest:
            raise UsageError(f"session list: unexpected arguments: {_bracket(rest)}")
        return self._list(stdout, str(fmt.value), str(order.value))

    def _list(self, stdout: TextIO, fmt: str, order: str) -> int:
        from one_shot_man.storage import scan_sessions

        infos = scan_sessions(self.sessions_dir)
        if fmt not in ("text", "json"):
            raise UsageError(f'invalid format: "{fmt}"')
        if order not in ("default", "active"):
            raise UsageError(f'invalid sort: "{order}"')
        if order == "active":
            infos.sort(key=lambda i: i.id)
            infos.sort(key=lambda i: i.update_time, reverse=True)
            infos.sort(key=lambda i: not i.active)
        if fmt == "json":
            import json

            data = [info.to_json_dict() for info in infos]
            stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
            return 0
        if not infos:
            stdout.write("No sessions found\n")
            return 0
        stdout.write(
            "".join(
                f"{i.id}\t{_rfc3339_local(i)}\t{i.size} bytes\t{'active' if i.active else 'idle'}\n"
                for i in infos
            )
        )
        return 0

    # -- clean / purge ------------------------------------------------------------

    def _cmd_clean(self, sub: str, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        flags = FlagSet(f"session-{sub}")
        yes_local = flags.bool("y", False, _YES_USAGE)
        dry = flags.bool("dry-run", self.dry_run, _DRY_RUN_USAGE)
        rest = self._parse(sub, flags, args, stdout, stderr)
        if rest is None:
            return 0
        if rest:
            raise UsageError(f"session {sub}: unexpected arguments: {_bracket(rest)}")
        purge = sub == "purge"
        dry_run = bool(dry.value)
        if not dry_run and not (self.yes or yes_local.value):
            prompt = (
                "This will permanently purge sessions (ignoring retention). Proceed? (y/N): "
                if purge
                else "This will permanently remove sessions according to your configured "
                "policies. Proceed? (y/N): "
            )
            if not self._confirm(prompt, stdout):
                return 0
        from one_shot_man.storage import Cleaner

        policy = self.config.sessions
        cleaner = Cleaner(
            max_age_days=policy.max_age_days,
            max_count=policy.max_count,
            max_size_mb=policy.max_size_mb,
            dry_run=dry_run,
            purge=purge,
            sessions_dir=self.sessions_dir,
        )
        report = cleaner.execute_cleanup("")
        out: list[str] = []
        if dry_run:
            verb = "purged" if purge else "removed"
            out.append(f"Dry-run: the following would be {verb}:\n")
            out.extend(f"{sid}\n" for sid in report.removed)
        else:
            label = "purged" if purge else "removed"
            out.extend(f"{label}: {sid}\n" for sid in report.removed)
            out.extend(
                f"skipped: {sid} ({report.reasons.get(sid, 'kept')})\n" for sid in report.skipped
            )
        stdout.write("".join(out))
        return 0

    # -- delete -----------------------------------------------------------------------

    def _cmd_delete(self, sub: str, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        scanned_yes, scanned_dry, parsable, explicit_ids = _scan_delete_args(args)
        flags = FlagSet("session-delete")
        yes_local = flags.bool("y", False, _YES_USAGE)
        dry_local = flags.bool("dry-run", False, _DRY_RUN_USAGE)
        rest = self._parse(sub, flags, parsable, stdout, stderr)
        if rest is None:
            return 0
        yes = self.yes or bool(yes_local.value) or scanned_yes
        dry_run = self.dry_run or bool(dry_local.value) or scanned_dry
        ids = [*rest, *explicit_ids]
        if not ids:
            raise UsageError("delete requires a session id")
        from one_shot_man.storage import validate_session_id

        for session_id in ids:  # a typo'd or hostile ID is an error before any question
            validate_session_id(session_id)
        if not dry_run and not yes and not self._confirm(_delete_prompt(ids), stdout):
            return 0
        failures: list[str] = []
        for session_id in ids:
            if dry_run:
                stdout.write(f"Dry-run: would delete session {session_id}\n")
                continue
            try:
                stdout.write(self._delete_one(session_id))
            except OsmError as exc:
                failures.append(f"{session_id}: {exc}")
        if failures:
            raise CommandError("failed to delete: " + "; ".join(failures))
        return 0

    def _delete_one(self, session_id: str) -> str:
        """Delete one session under its lock; returns the line to print.

        A lock file is created only when the session file exists and has none, and is
        removed again whatever happens; a pre-existing lock file is kept if the delete
        fails (its session is still there).
        """
        from one_shot_man.storage import (
            acquire_lock_handle,
            lock_file_path,
            release_lock_handle,
            session_file_path,
        )

        path = session_file_path(session_id, sessions_dir=self.sessions_dir)
        lock = lock_file_path(session_id, sessions_dir=self.sessions_dir)
        try:
            os.lstat(path)
        except FileNotFoundError:
            raise CommandError(f"session not found: {path}") from None
        except OSError as exc:
            raise CommandError(f"stat {path}: {exc.strerror or exc}") from exc
        lock_existed = os.path.lexists(lock)
        try:
            handle = acquire_lock_handle(lock)
        except OsmError as exc:
            raise CommandError(f"failed to check session lock: {exc}") from exc
        if handle is None:
            raise CommandError(f"session {session_id} appears active or locked")
        try:
            os.remove(path)
        except OSError as exc:
            if lock_existed:
                handle.close()  # keep the lock file: the session file is still there
            else:
                try:
                    release_lock_handle(handle)  # remove the lock file we created
                except OsmError:
                    pass
            raise CommandError(f"remove {path}: {exc.strerror or exc}") from exc
        try:
            release_lock_handle(handle)
        except OsmError as exc:
            return f"deleted {session_id} (warning: failed to remove lock: {exc})\n"
        return f"deleted {session_id}\n"

    # -- info / path ------------------------------------------------------------------

    def _cmd_info(self, sub: str, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        rest = self._parse(sub, FlagSet("session-info"), args, stdout, stderr)
        if rest is None:
            return 0
        if not rest:
            raise UsageError("info requires a session id")
        if len(rest) > 1:
            raise UsageError(f"unexpected arguments after session id: {_bracket(rest[1:])}")
        data = self._read_session(rest[0], stderr)
        stdout.write(data.decode("utf-8", "replace") + "\n")
        return 0

    def _read_session(self, name: str, stderr: TextIO) -> bytes:
        """The file of session `name`, or of the ID `--session name` maps it to.

        `OSM_SESSION=readme1` is stored as `ex--readme1_<hash>`; a user who asks for
        `readme1` means that session, so it is shown with a note naming the real ID.
        """
        from one_shot_man.session.formatting import format_explicit_id
        from one_shot_man.storage import session_file_path

        path = session_file_path(name, sessions_dir=self.sessions_dir)
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise CommandError(f"open {path}: {exc.strerror or exc}") from exc
        real = format_explicit_id(name)
        real_path = session_file_path(real, sessions_dir=self.sessions_dir)
        try:
            with open(real_path, "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            raise CommandError(
                f"session not found: {name} (neither {path} nor {real_path} exists; a name "
                f'given with --session or OSM_SESSION is stored as "{real}"; '
                "'osm session list' shows the IDs)"
            ) from None
        except OSError as exc:
            raise CommandError(f"open {real_path}: {exc.strerror or exc}") from exc
        stderr.write(f'Note: the session named "{name}" is stored as "{real}"\n')
        return data

    def _cmd_path(self, sub: str, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        rest = self._parse(sub, FlagSet("session-path"), args, stdout, stderr)
        if rest is None:
            return 0
        if len(rest) > 1:
            raise UsageError(f"unexpected arguments for path: {_bracket(rest[1:])}")
        if not rest:
            stdout.write(self._sessions_dir_text() + "\n")
            return 0
        from one_shot_man.storage import session_file_path

        stdout.write(os.fspath(session_file_path(rest[0], sessions_dir=self.sessions_dir)) + "\n")
        return 0


def create(registry: Registry) -> SessionCommand:
    """Registry factory."""
    return SessionCommand(registry.config)


def _scan_delete_args(args: list[str]) -> tuple[bool, bool, list[str], list[str]]:
    """`(yes, dry_run, flag tokens, ids after --)`: `-y`/`--dry-run` count anywhere."""
    yes = dry = terminated = False
    parsable: list[str] = []
    explicit_ids: list[str] = []
    for token in args:
        if terminated:
            explicit_ids.append(token)
        elif token == "--":
            terminated = True
        elif token in _YES_TOKENS:
            yes = True
        elif token in _DRY_TOKENS:
            dry = True
        else:
            parsable.append(token)
    return yes, dry, parsable, explicit_ids


def _delete_prompt(ids: list[str]) -> str:
    if len(ids) > 1:
        return f"Are you sure you want to delete {len(ids)} sessions? This is irreversible. (y/N): "
    return f"Are you sure you want to delete session '{ids[0]}'? This is irreversible. (y/N): "
