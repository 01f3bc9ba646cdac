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
    from one_shot_man.scripting.context import ContextManager

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
            skipped = [manager.owner_key(os.path.abspath(p)) for p in skipped]
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
        from one_shot_man.scripting.context import BinaryFileError, ContextError, ContextManager

        manager = ContextManager(os.getcwd())
        walker = _Walker(
            extensions=[*self._flags["e"].value, *self._flags["extension"].value],  # type: ignore[misc]
            include_hidden=bool(self._flags["include-hidden"].value),
            use_gitignore=not self._flags["ignore-gitignore"].value,
            patterns=self._flags["ignore"].value,  # type: ignore[arg-type]
        )
        skipped: list[str] = []
        for given in args:
            try:
                if os.path.isdir(given):
                    for path in walker.files(given):
                        try:
                            manager.add_path(path)
                        except BinaryFileError:
                            skipped.append(path)
                else:
                    manager.add_path(given)
            except BinaryFileError:
                raise CommandError(
                    f"prompt {given}: binary file (not put into the prompt)"
                ) from None
            except ContextError as exc:
                raise CommandError(f"prompt {given}: {_reason(exc, given)}") from None
            except OSError as exc:
                text = (exc.strerror or str(exc)).lower()
                raise CommandError(f"prompt {exc.filename or given}: {text}") from None
        return manager, skipped

    # ------------------------------------------------------------------ assemble
    @staticmethod
    def _assemble(
        manager: ContextManager, diffs: list[str], notes: list[str], stderr: TextIO
    ) -> str:
        """The workflows' context section: notes and diffs in flag order, then the txtar."""
        from one_shot_man.scripting.prompt import build_context, diff_item_label

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


class _Walker:
    """The files a directory contributes: sorted, pruned by hidden/.gitignore/-ignore/-e."""

    def __init__(
        self,
        extensions: list[str],
        include_hidden: bool,
        use_gitignore: bool,
        patterns: list[str],
    ) -> None:
        self.suffixes = tuple("." + e.lstrip(".") for e in extensions if e.lstrip("."))
        self.include_hidden = include_hidden
        self.use_gitignore = use_gitignore
        self.patterns = patterns

    def files(self, top: str) -> list[str]:
        rules = None
        if self.patterns:
            rules = self._rules()
            rules.add_lines(self.patterns)
        out: list[str] = []
        self._walk(top, "", rules, out, set())
        return out

    @staticmethod
    def _rules() -> IgnoreRules:
        from one_shot_man.gitignore import IgnoreRules

        return IgnoreRules()

    def _walk(
        self, folder: str, rel: str, rules: IgnoreRules | None, out: list[str], seen: set
    ) -> None:
        st = os.stat(folder)
        ident = (st.st_dev, st.st_ino)
        if ident in seen:  # a symlink loop ends here
            return
        seen.add(ident)
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        if self.use_gitignore and any(e.name == ".gitignore" for e in entries):
            if rules is None:
                rules = self._rules()
            rules.add_file(os.path.join(folder, ".gitignore"), rel)
        for entry in entries:
            name = entry.name
            if name == ".git" or (name[0] == "." and not self.include_hidden):
                continue
            child_rel = rel + "/" + name if rel else name
            is_dir = entry.is_dir()  # follows symlinks, as the shell's `add` does
            if rules and rules.ignored(child_rel, is_dir):
                continue
            if is_dir:
                self._walk(entry.path, child_rel, rules, out, seen)
            elif entry.is_file() and (not self.suffixes or name.endswith(self.suffixes)):
                out.append(entry.path)


def _diff_argv(spec: str) -> list[str] | None:
    """`-diff "HEAD~2 -- src"` → git diff arguments; empty → the shell's default diff."""
    from one_shot_man.scripting.argv import parse_argv

    argv = parse_argv(spec)
    return argv or None


def _reason(exc: Exception, given: str) -> str:
    """The OS reason of a context error (`no such file or directory`), else its message."""
    text = str(exc)
    _, sep, tail = text.rpartition(": ")
    return tail if sep and tail else text


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
