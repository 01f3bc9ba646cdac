"""Prompt assembly: `buildContext(items, options)` of `osm:ctxutil` (spec §7).

Every workflow's prompt ends with this text, and users paste it into an LLM, so the layout
is reproduced byte for byte: one `### <title>` block per note or diff, fenced diffs, then
the txtar file section. Lazy diffs run `git diff` each time the prompt is built; whatever
goes wrong becomes a `Diff Error` block and the rest of the prompt is still produced.

Also here: the small pure helpers of the REPL command factory `contextManager` (spec §8)
that do not need JavaScript (labels, editor parsing, list lines).
"""

from __future__ import annotations

import os

# `collections.abc.Mapping` without importing `collections` (see jsstring).
from _collections_abc import Mapping

from one_shot_man.jsstring import js_string

TYPE_CHECKING = False  # typing costs ~2 ms to import; annotations only need it for checkers
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from one_shot_man.jsvalue import JSValue

    DiffRunner = Callable[[list[str]], str]
    DefaultArgs = Callable[[], list[str]]

__all__ = [
    "DEFAULT_DIFF_LABEL",
    "MIN_FENCE",
    "build_context",
    "build_context_around",
    "diff_item_label",
    "fence_for",
    "format_list_line",
    "js_string",
    "longest_backtick_run",
    "parse_editor_paths",
    "payload_argv",
    "resolve_lazy_diff",
]

MIN_FENCE = 5
DEFAULT_DIFF_LABEL = "git diff (default: HEAD)"
_TICKS = "`" * MIN_FENCE


def _text(value: object) -> str:
    """A payload or label as text: missing (None) is empty."""
    return "" if value is None else js_string(value)


# ---------------------------------------------------------------------- fences
def longest_backtick_run(text: str) -> int:
    """Length of the longest run of consecutive backticks in `text`."""
    if "`" not in text:
        return 0
    best = 0
    i = text.find("`")
    n = len(text)
    while i >= 0:
        j = i + 1
        while j < n and text[j] == "`":
            j += 1
        if j - i > best:
            best = j - i
        i = text.find("`", j)
    return best


def fence_for(contents: Sequence[str]) -> str:
    """The code fence: one backtick more than the longest run in `contents`, at least five."""
    longest = 0
    for text in contents:
        if "`" in text and _TICKS in text:  # only runs of five or more can lengthen the fence
            longest = max(longest, longest_backtick_run(text))
    return "`" * max(MIN_FENCE, longest + 1)


# ---------------------------------------------------------------------- lazy diffs
def _go_type_name(value: object) -> str:
    """Go's name of a value's type, for the errors only (gotemplate.formatting brings `re`: ~3 ms)."""
    from one_shot_man.gotemplate.formatting import go_type_name as name_of

    return name_of(value)


class PayloadError(ValueError):
    """A lazy-diff payload is not a string or a list of strings."""


def payload_argv(payload: object) -> list[str] | None:
    """The argv a lazy-diff payload asks for; None = use the runtime default.

    Raises `PayloadError` with the spec's `Invalid payload: ...` message.
    """
    if payload is None:
        return None
    if isinstance(payload, str):
        from one_shot_man.argv import parse_argv

        return parse_argv(payload)
    if isinstance(payload, (list, tuple)):
        for i, item in enumerate(payload):
            if not isinstance(item, str):
                kind = "undefined" if item is None else _go_type_name(item)
                raise PayloadError(
                    "Invalid payload: expected a string array, but found non-string element "
                    f"at index {i} (type '{kind}')"
                )
        return list(payload)
    raise PayloadError(
        "Invalid payload: expected a string or string array, "
        f"but got type '{_go_type_name(payload)}'"
    )


def resolve_lazy_diff(
    label: str,
    payload: object,
    *,
    run_diff: DiffRunner | None = None,
    default_args: DefaultArgs | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float | None = None,
) -> tuple[str, str, bool]:
    """Run one lazy diff → (block title, body, ok). Never raises for git or payload trouble."""
    from one_shot_man.prompt import gitdiff

    kwargs: dict[str, JSValue] = {"cwd": cwd}
    if timeout is not None:
        kwargs["timeout"] = timeout
    args: list[str] = []
    try:
        argv = payload_argv(payload)
        output: str | None = None
        if argv:
            args = argv
        elif default_args is not None:
            args = list(default_args())
        elif run_diff is None:
            args, output = gitdiff.default_diff(**kwargs)  # may carry the HEAD diff already
        else:
            args = gitdiff.default_diff_args(**kwargs)
        if output is None:
            output = (
                run_diff(args) if run_diff is not None else gitdiff.run_git_diff(args, **kwargs)
            )
    except (PayloadError, gitdiff.GitDiffError) as exc:
        title = label or "git diff " + " ".join(args).strip()
        return "Diff Error: " + title, "Error executing git diff: " + str(exc), False
    title = label or ("git diff " + " ".join(args).strip())
    return "Diff: " + title, output, True


# ---------------------------------------------------------------------- buildContext
def build_context(items: object, options: Mapping[str, JSValue] | None = None) -> str:
    """The context section of a prompt from context items (spec §7 layout, exact).

    `items`: a list of `{type, label?, payload?}` mappings (`note`, `diff`, `diff-error`,
    `lazy-diff`; others, including `file`, are skipped: files arrive through txtar).
    `options`: `toTxtar` (callable returning the txtar text; its errors are ignored), and
    for the host: `cwd` and `git_timeout` for git, `run_git_diff(args) -> str` and
    `default_diff_args() -> list[str]` to replace git (tests, benchmarks), and
    `on_diff_error(item, title, body)`, told of each diff that failed (the shell reports
    it to the user, who would otherwise find it only inside the prompt).
    """
    if not isinstance(items, (list, tuple)):
        return ""
    opts = options if isinstance(options, Mapping) else {}
    titles, bodies, fenced = _blocks(items, opts)
    txtar = ""
    to_txtar = opts.get("toTxtar", opts.get("to_txtar"))
    if callable(to_txtar):
        try:
            result = to_txtar()
        except Exception:
            result = None
        if result is not None:
            txtar = js_string(result)
    head, tail = _render_around(titles, bodies, fenced, txtar)
    # One join: `head + txtar + tail` would copy the (possibly large) txtar twice.
    return "".join((head, txtar, tail)) if txtar else head


def build_context_around(
    items: object, txtar: str, options: Mapping[str, JSValue] | None = None
) -> tuple[str, str]:
    """`build_context` with the txtar given, as `(head, tail)`: the prompt is head+txtar+tail.

    JS joins the three itself, so a big txtar is not copied once more on the host.
    `items` that are not a list count as none.
    """
    if not isinstance(items, (list, tuple)):
        items = []
    opts = options if isinstance(options, Mapping) else {}
    titles, bodies, fenced = _blocks(items, opts)
    return _render_around(titles, bodies, fenced, txtar)


def _blocks(
    items: list[JSValue] | tuple[JSValue, ...], opts: Mapping[str, JSValue]
) -> tuple[list[str], list[str], list[bool]]:
    """Stage 1: a title and body per item, in item order; `fenced` marks code bodies."""
    run_diff = opts.get("run_git_diff")
    default_args = opts.get("default_diff_args")
    cwd = opts.get("cwd")
    timeout = opts.get("git_timeout")
    on_diff_error = opts.get("on_diff_error")

    titles: list[str] = []
    bodies: list[str] = []
    fenced: list[bool] = []
    for item in items:
        if type(item) is not dict and not isinstance(item, Mapping):
            continue
        kind = item.get("type")
        if kind is None or kind == "file":  # files reach the prompt through txtar only
            continue
        if type(kind) is not str:
            kind = js_string(kind)
        label = _text(item.get("label"))
        if kind == "note":
            titles.append("Note: " + (label or "note"))
            bodies.append(_text(item.get("payload")))
            fenced.append(False)
        elif kind == "diff":
            titles.append("Diff: " + (label or "git diff"))
            bodies.append(_text(item.get("payload")))
            fenced.append(True)
        elif kind == "diff-error":
            titles.append("Diff Error: " + (label or "git diff"))
            bodies.append(_text(item.get("payload")))
            fenced.append(False)
        elif kind == "lazy-diff":
            title, body, ok = resolve_lazy_diff(
                label,
                item.get("payload"),
                run_diff=run_diff,
                default_args=default_args,
                cwd=cwd,
                timeout=timeout,
            )
            titles.append(title)
            bodies.append(body)
            fenced.append(ok)
            if not ok and on_diff_error is not None:
                on_diff_error(item, title, body)
    return titles, bodies, fenced


def _render_around(
    titles: list[str], bodies: list[str], fenced: list[bool], txtar: str
) -> tuple[str, str]:
    """The prompt text before and after the txtar (Stage 2 and 3 of `build_context`)."""
    # Stage 2: one fence for every code block.
    code = [b for b, f in zip(bodies, fenced) if f]
    if txtar:
        code.append(txtar)
    fence = fence_for(code)

    # Stage 3: render.
    out: list[str] = []
    open_diff = fence + "diff\n"
    close_diff = "\n" + fence + "\n\n---\n"
    for title, body, is_code in zip(titles, bodies, fenced):
        out.append("### " + title + "\n\n")
        if is_code:
            out.append(open_diff)
            out.append(body)
            out.append(close_diff)
        else:
            out.append(body)
            out.append("\n\n---\n")
    if txtar:
        out.append(fence + "txtar\n")
        return "".join(out), "\n" + fence
    return "".join(out), ""


# ---------------------------------------------------------------------- REPL helpers (§8)
def diff_item_label(argv: Sequence[str] | None) -> str:
    """Label of a `lazy-diff` item: `git diff <formatArgv(argv)>` or the default label."""
    if not argv:
        return DEFAULT_DIFF_LABEL
    from one_shot_man.argv import format_argv

    return "git diff " + format_argv(list(argv))


def parse_editor_paths(text: str) -> list[str]:
    """Paths from the `add` editor buffer: trimmed non-empty lines not starting with `#`."""
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def format_list_line(item: Mapping[str, JSValue], file_exists: Callable[[str], bool]) -> str:
    """One `list` line: `[<id>] [<type>] <label>`, plus ` (missing)` for absent files."""
    label = item.get("label") or ""
    line = f"[{_text(item.get('id'))}] [{_text(item.get('type'))}] {_text(label)}"
    if item.get("type") == "file" and label and not file_exists(js_string(label)):
        line += " (missing)"
    return line
