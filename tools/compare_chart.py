"""An SVG chart of the benchmarks `make compare` lists: HEAD/BASE ratio and its spread, per row.

A reviewer reading a table of ratios has to do the arithmetic of "how big, how sure" in their
head; one horizontal bar per benchmark on a log scale (1.0 in the middle, the report and fail
factors as guide lines) shows both at a glance. Plain SVG text, no plotting dependency: it opens
in a browser, in GitHub's file view and in the CI artifact.

Each bar shows the latest run of that benchmark (for gate candidates: their last confirmation
re-run), so it can differ from pass 1's ratio in the table. Dot: asv's value HEAD/BASE. Bar: the
interquartile ranges of both sides' samples combined (HEAD q25/BASE q75 to HEAD q75/BASE q25);
benchmarks without samples (peakmem_, track_) get a dot only.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape


class _Row(Protocol):
    name: str
    changed: bool


class _Measured(Protocol):
    value: float | None
    samples: tuple[float, ...]


@dataclass(frozen=True)
class Bar:
    """One benchmark's ratio (HEAD/BASE) with the low and high end of its spread."""

    name: str
    ratio: float
    low: float
    high: float


def quartiles(samples: Sequence[float]) -> tuple[float, float] | None:
    good = [x for x in samples if x is not None and not math.isnan(x) and x > 0]
    if len(good) < 2:
        return None
    q = statistics.quantiles(good, n=4, method="inclusive")
    return q[0], q[2]


def bar(name: str, before: _Measured, after: _Measured) -> Bar | None:
    """The bar for one benchmark, or None when a side has no positive value (failed, skipped)."""
    if not before.value or not after.value or before.value <= 0 or after.value <= 0:
        return None
    r = after.value / before.value
    qb, qa = quartiles(before.samples), quartiles(after.samples)
    if qb is None or qa is None:
        return Bar(name, r, r, r)
    return Bar(name, r, min(r, qa[0] / qb[1]), max(r, qa[1] / qb[0]))


def bars(
    rows: Sequence[_Row],
    before: Mapping[str, _Measured],
    after: Mapping[str, _Measured],
    extra: Sequence[str] = (),
) -> list[Bar]:
    """Bars for the rows the report lists (changed, or re-run by the gate), slowest first."""
    out = []
    for row in rows:
        if not (row.changed or row.name in extra):
            continue
        b, a = before.get(row.name), after.get(row.name)
        made = bar(row.name, b, a) if b is not None and a is not None else None
        if made is not None:
            out.append(made)
    return sorted(out, key=lambda x: -x.ratio)


def svg(items: Sequence[Bar], report: float, fail: float, title: str) -> str:
    """The chart as an SVG document (log-scale x axis, one row per bar)."""
    label_w, plot_w, row_h, top, right = 430, 420, 22, 48, 70
    lo = min([1 / fail / 1.15, *(b.low for b in items)])
    hi = max([fail * 1.15, *(b.high for b in items)])
    span = math.log(hi) - math.log(lo)

    def x(v: float) -> float:
        return label_w + plot_w * (math.log(v) - math.log(lo)) / span

    height = top + row_h * len(items) + 36
    width = label_w + plot_w + right
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="8" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
        f'<text x="8" y="36" fill="#555">ratio HEAD/BASE (log scale); dot: asv value, bar: '
        f"spread of the samples; lines at 1, {report:g}x and {fail:g}x</text>",
    ]
    bottom = top + row_h * len(items)
    for v, style in [
        (1.0, 'stroke="#333"'),
        (report, 'stroke="#999" stroke-dasharray="3,3"'),
        (1 / report, 'stroke="#999" stroke-dasharray="3,3"'),
        (fail, 'stroke="#c00" stroke-dasharray="6,3"'),
        (1 / fail, 'stroke="#080" stroke-dasharray="6,3"'),
    ]:
        parts.append(
            f'<line x1="{x(v):.1f}" y1="{top - 4}" x2="{x(v):.1f}" y2="{bottom}" {style}/>'
        )
        if v not in (report, 1 / report):  # their labels would sit on top of 1.00's
            parts.append(
                f'<text x="{x(v):.1f}" y="{bottom + 14}" text-anchor="middle" fill="#555">'
                f"{v:.2f}</text>"
            )
    for i, b in enumerate(items):
        y = top + row_h * i + row_h / 2
        colour = "#c00" if b.ratio >= fail else "#e80" if b.ratio > 1 else "#080"
        name = b.name if len(b.name) <= 62 else b.name[:59] + "..."
        parts += [
            f'<text x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(name)}</text>',
            f'<line x1="{x(b.low):.1f}" y1="{y:.1f}" x2="{x(b.high):.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="6" stroke-opacity="0.35"/>',
            f'<circle cx="{x(b.ratio):.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>',
            f'<text x="{label_w + plot_w + 8}" y="{y + 4:.1f}">{b.ratio:.2f}x</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def write_chart(
    path: Path,
    rows: Sequence[_Row],
    before: Mapping[str, _Measured],
    after: Mapping[str, _Measured],
    factors: tuple[float, float],
    extra: Sequence[str] = (),
    title: str = "Benchmarks that changed",
) -> str:
    """Write the chart next to the report; return the Markdown that links it ('' if no bars).

    An old chart is removed when nothing changed, so the link never points at a stale picture.
    """
    items = bars(rows, before, after, extra)
    if not items:
        path.unlink(missing_ok=True)
        return ""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg(items, factors[0], factors[1], title), encoding="utf-8")
    return (
        f"\nChart of these {len(items)} benchmark(s), ratio with spread: "
        f"[{path.name}]({path.name})\n"
    )
