"""`osm trust [DIR]`, `--list`, `--revoke [DIR]`: the user's consent for a project's code.

Trusting records the folder's real path and a digest of every goal and script file osm
would take from it (`osm-goals/`, the goal and script path patterns, `scripts/`); a file
that is added or changed later is untrusted again until the next `osm trust`. Nothing
here ever prompts, so it behaves the same on a pipe as in a terminal.
"""

from __future__ import annotations

import os

from one_shot_man.command.base import BaseCommand
from one_shot_man.errors import CommandError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

    from one_shot_man.command.flags import Flag, FlagSet
    from one_shot_man.command.registry import Registry
    from one_shot_man.config.model import Config
    from one_shot_man.trust.store import TrustStore

__all__ = ["TrustCommand", "create", "project_files"]

NAME = "trust"
DESCRIPTION = "Allow a project folder's goals and scripts to run (or list/revoke trust)"
USAGE = "trust [options] [dir]"


def _code_dirs(root: str, config: Config | None) -> list[tuple[str, bool]]:
    """(path below root, holds scripts?) for every folder osm takes project code from."""
    from one_shot_man.command.discovery import ScriptDiscoveryConfig
    from one_shot_man.workflows.goal_discovery import PROJECT_GOAL_DIR, GoalDiscoveryConfig

    goals = [PROJECT_GOAL_DIR, *GoalDiscoveryConfig.from_config(config).path_patterns]
    scripts = ["scripts", *ScriptDiscoveryConfig.from_config(config).path_patterns]
    out: list[tuple[str, bool]] = []
    for rel, is_script in [(g, False) for g in goals] + [(s, True) for s in scripts]:
        if (rel, is_script) not in out:
            out.append((rel, is_script))
    return out


def _script_files(directory: str) -> list[str]:
    from one_shot_man.command.discovery import is_executable
    from one_shot_man.command.registry import is_valid_script_name

    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        return []
    out = []
    for entry in entries:
        try:
            if entry.is_dir() or not is_valid_script_name(entry.name):
                continue
            if is_executable(entry.path, entry.stat().st_mode):
                out.append(entry.path)
        except OSError:
            continue
    return out


def project_files(root: str, config: Config | None = None) -> dict[str, str]:
    """Trust-store key -> digest of every goal and script file in project folder `root`."""
    from one_shot_man.trust.project import digest, file_key
    from one_shot_man.workflows.goals import find_goal_files

    files: dict[str, str] = {}
    for rel, is_script in _code_dirs(root, config):
        directory = os.path.join(root, rel)
        try:
            paths = _script_files(directory) if is_script else find_goal_files(directory)
        except OSError:
            continue
        for path in paths:
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
            files[file_key(rel, os.path.basename(path))] = digest(data)
    return files


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TrustCommand(BaseCommand):
    """The `trust` built-in command."""

    name = NAME
    description = DESCRIPTION
    usage = USAGE

    def __init__(self, config: Config | None = None) -> None:
        super().__init__()
        self.config = config
        self._list: Flag | None = None
        self._revoke: Flag | None = None

    def setup_flags(self, flags: FlagSet) -> None:
        self._list = flags.bool("list", False, "List trusted folders and whether they changed")
        self._revoke = flags.bool("revoke", False, "Stop trusting the folder")

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        from one_shot_man.trust.store import default_store

        want_list = bool(self._list and self._list.value)
        revoke = bool(self._revoke and self._revoke.value)
        if want_list and (revoke or args):
            raise UsageError("--list takes no folder and cannot be combined with --revoke")
        if len(args) > 1:
            raise UsageError(f"expected at most one folder, got {len(args)}")
        store = default_store(lambda message: stderr.write(message + "\n"))
        if want_list:
            return self._write_list(store, stdout)
        folder = os.path.abspath(args[0] if args else os.curdir)
        if revoke:
            real = store.revoke(folder)
            if real is None:
                raise CommandError(f"{folder} is not trusted")
            stdout.write(f"No longer trusted: {real}\n")
            return 0
        if not os.path.isdir(folder):
            raise CommandError(f"not a directory: {folder}")
        files = project_files(folder, self.config)
        if not files:
            looked = ", ".join(f"{rel}/" for rel, _ in _code_dirs(folder, self.config))
            nearest = self._nearest_project(folder)
            hint = f"; the nearest project folder above is {nearest}" if nearest else ""
            raise CommandError(
                f"no project goals or scripts in {folder} (looked in {looked}){hint}"
            )
        real = store.record(folder, files, _now())
        stdout.write(f"Trusted {real} ({len(files)} file{'s' if len(files) != 1 else ''}):\n")
        stdout.writelines(f"  {key}\n" for key in sorted(files))
        stdout.write(
            "osm now runs these files' code; if any of them changes or a new one appears, "
            "osm asks for trust again.\n"
        )
        return 0

    def _nearest_project(self, folder: str) -> str | None:
        """The closest ancestor of `folder` that holds project code (what to trust instead)."""
        from one_shot_man.workflows.goals import find_goal_files

        current = folder
        for _ in range(100):
            parent = os.path.dirname(current)
            if parent == current:
                return None
            current = parent
            for rel, is_script in _code_dirs(current, self.config):
                directory = os.path.join(current, rel)
                try:
                    if (_script_files if is_script else find_goal_files)(directory):
                        return current
                except OSError:
                    continue
        return None

    def _write_list(self, store: TrustStore, stdout: TextIO) -> int:
        folders = store.folders()
        if not folders:
            stdout.write("No trusted folders.\n")
            return 0
        for real in sorted(folders):
            record = folders[real]
            recorded = record["files"]
            if not os.path.isdir(real):
                state = "folder missing"
            elif project_files(real, self.config) == recorded:
                state = "unchanged"
            else:
                state = "changed since trusted: new or changed files do not run until trusted again"
            count = len(recorded)
            stdout.write(
                f"{real}  ({count} file{'s' if count != 1 else ''}, trusted "
                f"{record.get('trustedAt') or 'at an unknown time'}; {state})\n"
            )
        return 0


def create(registry: Registry) -> TrustCommand:
    """Registry factory."""
    return TrustCommand(registry.config)
