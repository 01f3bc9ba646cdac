"""Short human figures for counts and sizes, and the one-line summary printed on a copy.

The figures follow the Go original's `osm:format`: counts below 10,000 with comma groups,
larger ones as `12.3k`/`4.5M`/`1.2G`; sizes in 1024 steps labelled `B`, `kB`, `MB`, `GB`,
`TB` with one decimal. One summary format serves every workflow and `osm tokenize`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from one_shot_man.tokencount import Measure

__all__ = ["format_bytes", "format_num", "measure_text", "summary_line"]

_BAR, _DOT = "\u2502", "\u00b7"


def format_num(n: int) -> str:
    """`1,234` below 10,000, else `50.0k`, `1.2M`, `3.4G`; negative counts read `0`."""
    n = int(n)
    if n < 0:
        return "0"
    if n < 10_000:
        return f"{n:,}"
    for limit, suffix in ((1_000_000, "k"), (1_000_000_000, "M")):
        if n < limit:
            return f"{n / (limit // 1000):.1f}{suffix}"
    return f"{n / 1_000_000_000:.1f}G"


def format_bytes(n: int) -> str:
    """`512 B`, else one decimal in 1024 steps: `2.0 kB`, `48.1 kB`, `1.5 MB`."""
    n = int(n)
    if n < 0:
        return "0 B"
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("kB", "MB", "GB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} TB"


def measure_text(measure: Measure) -> str:
    """`12.3k tokens (estimate) · 410 lines · 48.1 kB`: the figures and how tokens were counted."""
    return (
        f"{_count(measure.tokens, 'token')} ({measure.counter}) {_DOT} "
        f"{_count(measure.lines, 'line')} {_DOT} {format_bytes(measure.bytes)}"
    )


def _count(n: int, noun: str) -> str:
    return f"{format_num(n)} {noun}" + ("" if n == 1 else "s")


def summary_line(verb: str, measure: Measure, where: str) -> str:
    """`Copied │ 12.3k tokens (estimate) · 410 lines · 48.1 kB │ clipboard via xclip`."""
    line = f"{verb} {_BAR} {measure_text(measure)} {_BAR}"
    return f"{line} {where}" if where else line
