"""`osm prompt PATH...`: build the prompt from files, diffs and notes in one go, no engine.

The workflows build a prompt step by step in a shell; a user who already knows what goes in
wants it in one command, piped or redirected (`osm prompt src | llm`), the way
`files-to-prompt` and `repomix` work. The text is the workflows' own context section (the
same `build_context` and txtar code: notes, fenced diffs, then the files as txtar), and the
JavaScript engine is never started, so the command costs little more than reading the files.

Directories are walked like the peers do: hidden entries and `.git` are skipped, `.gitignore`
files are honoured (`-ignore-gitignore` turns that off), `-e` keeps some extensions only.
A file named on the command line is always taken. Binary files never reach the prompt: a
named one is an error, a directory's are skipped with a note on stderr (as the shell's `add`).
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
    from one_shot_man.config import Config
    from one_shot_man.gitignore import IgnoreRules
    from one_shot_man.prompt.context import ContextManager

__all__ = ["PromptCommand", "create"]

USAGE = "prompt [options] [path ...]"
DESCRIPTION = "Print the prompt for files, directories, diffs and notes (no interactive shell)"


DETAILS = """\
The text is the workflows' context section (notes, fenced diffs, then the files as txtar),
printed to stdout; the JavaScript engine is not started. In directories, hidden entries and
.git are skipped, .gitignore files are honoured and binary files are skipped (with a note on
stderr); a file named on the command line is always taken, and an error if it is binary.

Flags follow files-to-prompt (-e/-extension, -include-hidden, -ignore-gitignore, -ignore,
-o/-output) and repomix (-copy); one dash or two, as for every osm command.

Examples:
  osm prompt src tests -e py | llm
  osm prompt . -diff HEAD~1 -note "review these changes" -copy
"""


class PromptCommand(BaseCommand):
    """Collects the paths, assembles the prompt, writes it to stdout, a file or the clipboard."""

    name = "prompt"
    description = DESCRIPTION
    usage = USAGE
    details = DETAILS
    interspersed_flags = True  # `osm prompt src -e py` as well as `osm prompt -e py src`

    def __init__(self, config: Config | None = None) -> None:
        super().__init__()
        self.config = config
        self._flags: dict[str, Flag] = {}

    def setup_flags(self, flags: FlagSet) -> None:
        f = self._flags
        keep = "Keep only files with this `extension` from directories (repeatable: -e py -e md)"
        f["e"] = flags.strings("e", keep)
        f["extension"] = flags.strings("extension", "The same as -e `extension`")
        f["include-hidden"] = flags.bool(
            "include-hidden", False, "Walk into hidden files and folders (.git is always skipped)"
        )
        f["ignore-gitignore"] = flags.bool(
            "ignore-gitignore", False, "Take files that .gitignore files exclude"
        )
        f["ignore"] = flags.strings(
            "ignore", "Leave out files matching this gitignore-style `pattern` (repeatable)"
        )
        f["diff"] = flags.strings(
            "diff",
            "Add a git diff with these `args` (repeatable; -diff= for the shell's default, HEAD)",
        )
        f["note"] = flags.strings("note", "Add a note with this `text` (repeatable)")
        f["o"] = flags.string("o", "", "Write the prompt to this `file` instead of stdout")
        f["output"] = flags.string("output", "", "The same as -o `file`")
        f["copy"] = flags.bool(
            "copy", False, "Copy the prompt to the clipboard and print the copy summary"
        )

    def execute(self, args: list[str], stdout: TextIO, stderr: TextIO) -> int:
        # Flag.value is `object`; a repeatable (`strings`) flag always holds a list[str].
        diffs: list[str] = self._flags["diff"].value  # type: ignore[assignment]
        notes: list[str] = self._flags["note"].value  # type: ignore[assignment]
        output = str(self._flags["o"].value or self._flags["output"].value)
        copy = bool(self._flags["copy"].value)
        if not args and not diffs and not notes:
            raise UsageError("prompt: give at least one path, -diff or -note (osm help prompt)")
        if output and copy:
            raise UsageError("prompt: -o and -copy do not go together")
        manager, skipped = self._collect(args)
        if skipped:
            shown = ", ".join(skipped[:5]) + (", ..." if len(skipped) > 5 else "")
            stderr.write(f"Skipped {len(skipped)} binary: {shown}\n")
        text = self._assemble(manager, diffs, notes, stderr)
        if text and not text.endswith("\n"):
            text += "\n"  # a text file's last line ends, in every destination
        if copy:
            return self._copy(text, stderr)
        if output:
            _write_file(output, text)
            self._summary(text, "Saved", f"to {output}", stderr)
            return 0
        stdout.write(text)
        return 0

    # ------------------------------------------------------------------ collect
    def _collect(self, args: list[str]) -> tuple[ContextManager, list[str]]:
        """Every file the paths stand for, read into a ContextManager; skipped binary ones."""
        from one_shot_man.prompt.context import BinaryFileError, ContextError, ContextManager

        manager = ContextManager(os.getcwd())
        skipped: list[str] = []
        for given in args:
            try:
                if os.path.isdir(given):
                    manager.add_path(given, self._selection(given, manager))
                    skipped += manager.last_skipped
                else:
                    manager.add_path(given)
            except BinaryFileError:
                raise CommandError(
                    f"prompt {given}: binary file (not put into the prompt)"
                ) from None
            except ContextError as exc:
                raise CommandError(_failure(exc, given, manager)) from None
        return manager, skipped

    def _selection(self, top: str, manager: ContextManager) -> _Selection:
        f = self._flags
        selection = _Selection(
            manager.owner_key(os.path.abspath(top)),
            # strings flags: their values are lists of str (Flag.value is typed object)
            extensions=[*f["e"].value, *f["extension"].value],  # type: ignore[misc]
            include_hidden=bool(f["include-hidden"].value),
            use_gitignore=not f["ignore-gitignore"].value,
            patterns=f["ignore"].value,  # type: ignore[arg-type]
        )
        selection.enter(top, "")
        return selection

    # ------------------------------------------------------------------ assemble
    @staticmethod
    def _assemble(
        manager: ContextManager, diffs: list[str], notes: list[str], stderr: TextIO
    ) -> str:
        """The workflows' context section: notes and diffs in flag order, then the txtar."""
        from one_shot_man.prompt.build import build_context, diff_item_label

        items: list[dict[str, object]] = [
            {"type": "note", "label": "note", "payload": note} for note in notes
        ]
        for spec in diffs:
            argv = _diff_argv(spec)
            items.append({"type": "lazy-diff", "label": diff_item_label(argv), "payload": argv})

        def report(item: object, title: str, body: str) -> None:
            stderr.write(f"Warning: {title}: {body.splitlines()[-1] if body else ''}\n")

        options = {"on_diff_error": report, "cwd": os.getcwd()}
        if len(manager):
            options["toTxtar"] = manager.to_txtar
        return build_context(items, options)

    # ------------------------------------------------------------------ destinations
    def _option(self, name: str) -> str | None:
        return self.config.get_global_option(name) if self.config is not None else None

    def _summary(self, text: str, verb: str, where: str, stderr: TextIO) -> None:
        from one_shot_man.copysummary import measure_or_estimate
        from one_shot_man.sizeformat import summary_line

        figures, warning = measure_or_estimate(text, self._option)
        stderr.write(summary_line(verb, figures, where) + "\n")
        if warning:
            stderr.write(warning + "\n")

    def _copy(self, text: str, stderr: TextIO) -> int:
        """Clipboard, with the workflows' copy summary; the prompt is saved when that fails."""
        from one_shot_man.clipboard import (
            ClipboardUnavailableError,
            copy_to_clipboard,
            destination,
            save_prompt_file,
        )
        from one_shot_man.copysummary import copy_summary

        try:
            method = copy_to_clipboard(text, command=self._option("clipboard"))
        except ClipboardUnavailableError as exc:
            saved = save_prompt_file(text)
            stderr.write(f"Error: {exc}\n")
            where = f"saved to {saved}"
            stderr.write(copy_summary(text, copied=False, where=where, option=self._option) + "\n")
            return 1
        where = destination(method)
        stderr.write(copy_summary(text, copied=True, where=where, option=self._option) + "\n")
        return 0


class _Selection:
    """Which entries of a directory go into the prompt: the `skip` of `ContextManager.add_path`.

    Hidden entries and `.git` are left out, `.gitignore` files apply below their folder (read
    as the walk enters it), `-ignore` patterns from the top, `-e` keeps some extensions only.
    """

    def __init__(
        self,
        top_key: str,
        extensions: list[str],
        include_hidden: bool,
        use_gitignore: bool,
        patterns: list[str],
    ) -> None:
        self.prefix = "" if top_key == "." else top_key + os.sep  # keys below the top
        self.suffixes = tuple("." + e.lstrip(".") for e in extensions if e.lstrip("."))
        self.include_hidden = include_hidden
        self.use_gitignore = use_gitignore
        self.rules: IgnoreRules | None = None
        if patterns:
            self._rules().add_lines(patterns)

    def _rules(self) -> IgnoreRules:
        if self.rules is None:
            from one_shot_man.gitignore import IgnoreRules

            self.rules = IgnoreRules()
        return self.rules

    def enter(self, folder: str, rel: str) -> None:
        """The walk goes into `folder` (`rel` from the top): its `.gitignore` applies below."""
        if self.use_gitignore:
            path = os.path.join(folder, ".gitignore")
            if os.path.isfile(path):
                self._rules().add_file(path, rel)

    def __call__(self, abs_path: str, key: str, is_dir: bool) -> bool:
        """True: leave this entry out."""
        name = abs_path.rpartition(os.sep)[2]
        if name == ".git" or (name[:1] == "." and not self.include_hidden):
            return True
        rel = key[len(self.prefix) :].replace(os.sep, "/")
        if self.rules and self.rules.ignored(rel, is_dir):
            return True
        if is_dir:
            self.enter(abs_path, rel)
            return False
        return bool(self.suffixes) and not name.endswith(self.suffixes)


def _diff_argv(spec: str) -> list[str] | None:
    """`-diff "HEAD~2 -- src"` → git diff arguments; empty → the shell's default diff."""
    from one_shot_man.argv import parse_argv

    argv = parse_argv(spec)
    return argv or None


def _failure(exc: Exception, given: str, manager: ContextManager) -> str:
    """`prompt <the path that failed>: <the OS reason>` (a broken link inside a directory too)."""
    cause = exc.__cause__
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__
    if cause is None:
        return f"prompt {given}: {exc}"
    path = given
    if isinstance(cause.filename, str):
        path = manager.owner_key(os.path.abspath(cause.filename))
    return f"prompt {path}: {(cause.strerror or str(cause)).lower()}"


def _write_file(path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise CommandError(f"prompt -o {path}: {reason}") from None


def create(registry: Registry) -> PromptCommand:
    """Registry factory."""
    return PromptCommand(registry.config)
