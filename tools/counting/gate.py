"""The count gate of `make compare`: a change of THRESHOLD% or more in instructions per call fails.

Counts need no re-runs: on identical code the gated figure repeated to within 0.02% in 20 runs
with deliberate heap perturbations (docs/performance.md), so one run of BASE and one of HEAD,
taken in the same `asv continuous` with the same interpreter, Valgrind and dependencies, is the
verdict. A change smaller than the threshold but at least REPORT% is listed (either way, so
improvements show too), with raw Ir and allocation calls beside the gated figure: a change that
only allocates more moves those columns, not the gated one.

Counts are never compared across toolchains: when the fingerprints of BASE and HEAD differ (a
dependency bump in the PR, say) the row reads "not comparable" and names what differs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .harness import CountResult

#: Default threshold and report level, in percent of instructions per call.
THRESHOLD = 1.0
REPORT = 0.5
UNIT = "instructions"

REGRESSION, IMPROVEMENT, SAME, NOT_COMPARABLE, FAILED, SKIPPED, NEW = (
    "regression",
    "improvement",
    "same",
    "not comparable",
    "failed",
    "skipped",
    "new",
)


def count_benchmark_names(results_dir: Path) -> set[str]:
    """Names (without parameters) of the benchmarks whose unit is instructions."""
    path = results_dir / "benchmarks.json"
    if not path.exists():
        return set()
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        name for name, info in data.items() if isinstance(info, dict) and info.get("unit") == UNIT
    }


def base_name(name: str) -> str:
    """``mod.Cls.track_x(10)`` -> ``mod.Cls.track_x``."""
    return re.sub(r"\(.*\)$", "", name)


@dataclass(frozen=True)
class CountChange:
    """One count benchmark, BASE against HEAD."""

    name: str
    before: float | None  # gated Ir per call recorded by asv, None = failed or skipped
    after: float | None
    before_detail: CountResult | None = None
    after_detail: CountResult | None = None
    failed_on_head: bool = False  # asv's "failed" (raised), not merely skipped

    @property
    def change_pct(self) -> float | None:
        if self.before is None or self.after is None or self.before <= 0:
            return None
        return (self.after / self.before - 1) * 100

    def fingerprint_diff(self) -> list[str]:
        """What differs between the toolchains of the two counts (empty: comparable)."""
        if self.before_detail is None or self.after_detail is None:
            return []
        a, b = self.before_detail.fingerprint, self.after_detail.fingerprint
        return [
            f"{k}: {a.get(k, '-')} -> {b.get(k, '-')}"
            for k in sorted(a.keys() | b.keys())
            if a.get(k) != b.get(k)
        ]

    def verdict(self, threshold: float) -> str:
        if self.failed_on_head:
            return FAILED
        if self.after is None:
            return SKIPPED  # skipped on HEAD (asv's n/a): no count to judge
        if self.before is None:
            return NEW
        if self.fingerprint_diff():
            return NOT_COMPARABLE
        change = self.change_pct
        if change is None:
            return NOT_COMPARABLE
        if change >= threshold:
            return REGRESSION
        if change <= -threshold:
            return IMPROVEMENT
        return SAME


@dataclass(frozen=True)
class CountReport:
    """Every count benchmark of one compare, and the rule they were judged by."""

    changes: list[CountChange]
    threshold: float = THRESHOLD
    report: float = REPORT

    def regressions(self) -> list[CountChange]:
        return [c for c in self.changes if c.verdict(self.threshold) == REGRESSION]

    def measured(self) -> list[CountChange]:
        return [c for c in self.changes if c.verdict(self.threshold) != SKIPPED]

    def summary(self) -> str:
        """The count half of the report's first line."""
        if not self.changes:
            return "counts: none in this run"
        if not self.measured():
            return "counts not measured (skipped: valgrind or a C compiler missing)"
        bad = self.regressions()
        if bad:
            return f"counts FAIL ({len(bad)} regression(s) >= {self.threshold:g}%)"
        return f"counts OK (no change >= {self.threshold:g}%)"

    def largest(self) -> CountChange | None:
        """The comparable count that moved most either way: how close the run came to the gate."""
        judged = [
            c
            for c in self.changes
            if c.change_pct is not None and c.verdict(self.threshold) != NOT_COMPARABLE
        ]
        return max(judged, key=lambda c: abs(c.change_pct or 0), default=None)

    def listed(self) -> list[CountChange]:
        """Rows for the table: every change >= REPORT% either way, and every abnormal row."""
        out = []
        for c in self.changes:
            verdict = c.verdict(self.threshold)
            change = c.change_pct
            if verdict in (FAILED, NOT_COMPARABLE, NEW) or (
                change is not None and abs(change) >= self.report
            ):
                out.append(c)
        return sorted(out, key=lambda c: -(c.change_pct or 0))

    def markdown(self) -> str:
        measured = self.measured()
        lines = [
            "#### Instruction counts (Callgrind)",
            "",
            f"{len(self.changes)} count benchmarks, {len(measured)} measured on both sides or "
            f"HEAD. Gate: instructions per call (allocators and thread hand-offs excluded) up by "
            f">= {self.threshold:g}% fails, no re-run needed; listed: every change >= "
            f"{self.report:g}% either way.",
            "",
        ]
        top = self.largest()
        if top is not None:
            lines += [f"Largest change: {top.change_pct or 0:+.3f}% (`{top.name}`).", ""]
        if not measured:
            lines.append("No count was taken (the count benchmarks skipped on this machine).")
            return "\n".join(lines) + "\n"
        rows = self.listed()
        if not rows:
            lines.append(f"No count changed by {self.report:g}% or more.")
            return "\n".join(lines) + "\n"
        lines += [
            "| Before | After | Change | Raw Ir change | Allocation calls | Benchmark | Verdict |",
            "|---:|---:|---:|---:|---:|:---|:---|",
        ]
        for c in rows:
            lines.append(
                f"| {_ir(c.before)} | {_ir(c.after)} | {_pct(c.change_pct)} | {_raw_change(c)} | "
                f"{_allocs(c)} | `{c.name}` | {self._verdict_text(c)} |"
            )
        return "\n".join(lines) + "\n"

    def _verdict_text(self, c: CountChange) -> str:
        verdict = c.verdict(self.threshold)
        if verdict == REGRESSION:
            return f"**regression** (>= {self.threshold:g}%)"
        if verdict == IMPROVEMENT:
            return "improvement"
        if verdict == NOT_COMPARABLE:
            diff = c.fingerprint_diff()
            return "not comparable" + (f" ({'; '.join(diff)})" if diff else "")
        if verdict == FAILED:
            return "**fails on HEAD**"
        if verdict == NEW:
            return "new (no BASE count)"
        return f"below the {self.threshold:g}% threshold"


def judge(
    before: Mapping[str, float | None],
    after: Mapping[str, float | None],
    details_before: Mapping[str, CountResult],
    details_after: Mapping[str, CountResult],
    *,
    failed: frozenset[str] = frozenset(),
    threshold: float = THRESHOLD,
    report: float = REPORT,
) -> CountReport:
    """The report for every count benchmark named in ``before`` or ``after``.

    ``failed``: names asv reports as failed (raised) on HEAD.
    """
    names = sorted(set(before) | set(after))
    changes = [
        CountChange(
            name,
            before.get(name),
            after.get(name),
            details_before.get(name),
            details_after.get(name),
            name in failed,
        )
        for name in names
    ]
    return CountReport(changes, threshold, report)


def _ir(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:+.2f}%"


def _raw_change(c: CountChange) -> str:
    a, b = c.before_detail, c.after_detail
    if a is None or b is None or a.raw <= 0:
        return "n/a"
    return _pct((b.raw / a.raw - 1) * 100)


def _allocs(c: CountChange) -> str:
    a, b = c.before_detail, c.after_detail
    if a is None or b is None:
        return "n/a"
    return f"{a.allocation_calls:,.1f} -> {b.allocation_calls:,.1f}"
