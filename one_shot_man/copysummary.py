"""The one line a user sees after every copy: what was copied, how big, and where it went.

`Copied │ 12.3k tokens (estimate) · 410 lines · 48.1 kB │ clipboard via xclip`. Every
workflow prints it (through `osm:ctxutil.copySummary`) and `osm tokenize` prints the same
figures, so the numbers a user learns to read mean the same thing everywhere.
"""

from __future__ import annotations

from one_shot_man.sizeformat import summary_line
from one_shot_man.tokencount import Counter, Measure, Option, TokenizerError, measure

__all__ = ["copy_summary", "measure_or_estimate"]


def measure_or_estimate(text: str, option: Option | None = None) -> tuple[Measure, str]:
    """The figures of `text`, and a warning when the configured tokenizer failed.

    A broken tokenizer setting must not hide that the copy worked: the figures then come
    from the estimate (and say so), and the warning names the file and the reason.
    """
    try:
        return measure(text, option), ""
    except TokenizerError as exc:
        return Counter().measure(text), f"Warning: {exc}; tokens are estimated"


def copy_summary(
    text: str, *, copied: bool, where: str, label: str = "", option: Option | None = None
) -> str:
    """The summary line for one copy (plus a warning line when the tokenizer failed).

    `label` names what was copied (`Meta prompt`); `where` is the destination in words
    (`clipboard via xclip`, `printed above and saved to /tmp/...`).
    """
    if label:
        verb = f"{label} copied" if copied else f"{label} not copied"
    else:
        verb = "Copied" if copied else "Not copied"
    figures, warning = measure_or_estimate(text, option)
    line = summary_line(verb, figures, where)
    return f"{line}\n{warning}" if warning else line
