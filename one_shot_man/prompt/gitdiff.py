"""Running `git diff` for lazy diffs (spec §7): argv in, text or an explanation out.

A prompt must always be produced, so nothing here lets a git problem escape as anything
but `GitDiffError`, whose message becomes the prompt's `Diff Error` block. `subprocess`
is imported only when a diff is really resolved.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from one_shot_man.errors import ScriptError

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    import subprocess

__all__ = [
    "DEFAULT_TIMEOUT",
    "EMPTY_TREE",
    "GitDiffError",
    "default_diff",
    "default_diff_args",
    "run_git",
    "run_git_diff",
]

# git's well-known hash of the empty tree: "everything in HEAD" when HEAD has no parent.
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
DEFAULT_TIMEOUT = 30.0


class GitDiffError(ScriptError):
    """`git diff` could not produce a diff; the message is shown in the prompt."""


def run_git(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    combine: bool = False,
) -> tuple[int, str, str]:
    """`git <args>` → (exit code, stdout, stderr); stderr folded into stdout when `combine`.

    Start failures and time-outs raise `GitDiffError` with Go-like wording.
    """
    import subprocess

    try:
        # Own process group, so a time-out also ends whatever git started (hooks, helpers).
        proc = subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if combine else subprocess.PIPE,
            start_new_session=True,
        )
    except FileNotFoundError as exc:
        if cwd is not None and not os.path.isdir(cwd):
            raise GitDiffError(f"chdir {os.fspath(cwd)}: no such file or directory") from exc
        raise GitDiffError('exec: "git": executable file not found in $PATH') from exc
    except OSError as exc:
        raise GitDiffError(f"git {' '.join(args)}: {exc.strerror or exc}") from exc
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        _kill_group(proc)
        raise GitDiffError(f"git {' '.join(args)}: timed out after {timeout:g}s") from exc
    out = stdout.decode("utf-8", "replace")
    err = "" if combine or stderr is None else stderr.decode("utf-8", "replace")
    return proc.returncode, out, err


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.communicate()


def _exit_text(code: int) -> str:
    return f"signal: {_signal_name(-code)}" if code < 0 else f"exit status {code}"


def _signal_name(num: int) -> str:
    import signal

    try:
        text = signal.strsignal(num) or str(num)
    except ValueError:
        return str(num)
    return text[0].lower() + text[1:]  # Go's wording: "signal: killed"


def run_git_diff(
    args: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> str:
    """Stdout of `git diff <args>`; failure → `GitDiffError("<stderr> exit status <n>")`."""
    code, out, err = run_git(["diff", *args], cwd=cwd, timeout=timeout)
    if code != 0:
        raise GitDiffError(f"{err} {_exit_text(code)}".strip())
    return out


def default_diff_args(
    *,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> list[str]:
    """The most useful `git diff` argv when the user gave none.

    Uncommitted changes → `HEAD`; else the last commit (`HEAD~1`); else everything in the
    only commit (empty tree vs HEAD). Outside a git work tree this raises a clear
    `GitDiffError` instead of the Go original's choice of `HEAD` (spec §13 item 8).
    """
    return default_diff(cwd=cwd, timeout=timeout)[0]


def default_diff(
    *,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> tuple[list[str], str | None]:
    """`default_diff_args` plus, when the probe already produced it, the `HEAD` diff itself.

    The probe `git diff --no-ext-diff --no-color HEAD` is the diff a `HEAD` default shows;
    when it succeeded cleanly (exit 0, nothing on stderr) its output is returned so the
    prompt needs one git run instead of two.
    """
    code, out, err = run_git(
        ["diff", "--no-ext-diff", "--no-color", "HEAD"], cwd=cwd, timeout=timeout
    )
    if code != 0 and "not a git repository" in (out + err).lower():
        where = os.path.abspath(os.fspath(cwd)) if cwd is not None else os.getcwd()
        raise GitDiffError(
            f"not a git repository: {where} (start osm inside a git work tree, "
            "or give explicit arguments such as --no-index <a> <b>)"
        )
    if out.strip() or err.strip():
        clean = code == 0 and not err and out.strip()
        return ["HEAD"], (out if clean else None)
    code, _, _ = run_git(
        ["rev-parse", "-q", "--verify", "HEAD~1"], cwd=cwd, timeout=timeout, combine=True
    )
    if code == 0:
        return ["HEAD~1"], None
    return [EMPTY_TREE, "HEAD"], None
