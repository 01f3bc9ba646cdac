"""Command line of the counting harness: the bench-counts table and the spread measurement.

    python tools/counting/cli.py report [--previous DIR]   # table of the last bench-counts run
    python tools/counting/cli.py spread --runs 20 --jobs 2  # each count benchmark 20 times

`spread` runs the suite's count benchmarks (two at a time, in two run directories, inside the
box lock: see count_all) directly through the harness (no asv), with the
working tree's library (run it with .venv/bin/python), ``--runs`` times each, every run but
the first few with a deliberately different memory layout (``perturb``: more live objects
before import and after set-up, a longer command line; harness.count), a different one in
each run. It prints, per benchmark, the largest relative spread of the gated
figure, of raw Ir and of the other method (N calls minus N empty calls). The gate's threshold
(1%) holds only while every gated spread stays below a tenth of it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root, not tools/counting/, first
    sys.path[0] = str(Path(__file__).resolve().parents[2])

from tools.counting import batch, harness, record
from tools.counting.suite import suite_operations

#: Runs with the heap left alone before the perturbed ones start.
PLAIN_RUNS = 5


def relative_spread(values: list[float]) -> float:
    """(max - min) / median, in percent (0 for no values: e.g. no plain runs)."""
    if not values:
        return 0.0
    mid = statistics.median(values)
    return 0.0 if mid == 0 else (max(values) - min(values)) / abs(mid) * 100


def spread(args: argparse.Namespace) -> int:
    ops = suite_operations(args.bench)
    if not ops:
        print(f"counting: no count benchmark matches {args.bench!r}", file=sys.stderr)
        return 1
    harness.check_available()
    out = args.output or record.counts_dir() / "spread.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[harness.CountResult]] = {name: [] for name, _ in ops}
    for run in range(args.runs):
        # each perturbed run in a layout of its own: level 1, 2, 3, ... (harness.count)
        perturb = 0 if run < args.plain or not args.perturb else run - args.plain + 1
        for (name, _), result in zip(
            ops, batch.count_all([op for _, op in ops], perturb, args.jobs)
        ):
            results[name].append(result)
        rows = spread_rows(results, args.plain)
        # written after every run, so an interrupted measurement still shows what it saw
        out.write_text(json.dumps({"runs": run + 1, "rows": rows}, indent=1), encoding="utf-8")
        print(f"counting: {run + 1}/{args.runs} runs done", file=sys.stderr, flush=True)
    print(
        f"{args.runs} runs per benchmark ({args.plain} plain, the rest with heap perturbations"
        f"{'' if args.perturb else ' (off)'}); spread = (max - min) / median\n"
    )
    print(
        "| Benchmark | Median Ir/call | Gated spread | Plain-run spread | Raw spread "
        "| N-minus-empty spread |"
    )
    print("|:---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| `{r['name']}` | {r['median']:,.1f} | {r['gated_spread_pct']:.4f}% | "
            f"{r['plain_gated_spread_pct']:.4f}% | {r['raw_spread_pct']:.4f}% | "
            f"{r['minus_empty_spread_pct']:.4f}% |"
        )
    worst = rows[0]
    print(f"\nLargest gated spread: {worst['gated_spread_pct']:.4f}% ({worst['name']}); {out}")
    return 0 if worst["gated_spread_pct"] <= args.limit else 1


def spread_rows(
    results: dict[str, list[harness.CountResult]], plain: int = PLAIN_RUNS
) -> list[dict[str, Any]]:
    """Per benchmark: median and relative spreads of every figure, largest gated spread first."""
    rows = [
        {
            "name": name,
            "median": statistics.median(r.instructions for r in rs),
            "gated_spread_pct": relative_spread([r.instructions for r in rs]),
            "raw_spread_pct": relative_spread([r.raw for r in rs]),
            "minus_empty_spread_pct": relative_spread([r.minus_empty for r in rs]),
            "plain_gated_spread_pct": relative_spread([r.instructions for r in rs[:plain]]),
            "allocation_calls": statistics.median(r.allocation_calls for r in rs),
            "values": [r.instructions for r in rs],
        }
        for name, rs in results.items()
    ]
    return sorted(rows, key=lambda r: -r["gated_spread_pct"])


def report(args: argparse.Namespace) -> int:
    """The bench-counts table; exit 1 when a count that this machine can take is missing."""
    try:
        harness.check_available()
    except harness.CountingUnavailable as exc:
        print(f"counting: count benchmarks skipped: {exc}")
        return 0
    now = record.read_all(record.WORKTREE)
    before = record.read_all(record.WORKTREE, root=args.previous) if args.previous else {}
    print("| Benchmark | Ir/call (gated) | vs previous run | Raw Ir/call | Allocation calls |")
    print("|:---|---:|---:|---:|---:|")
    for name in sorted(now):
        r, p = now[name], before.get(name)
        change = (
            f"{(r.instructions / p.instructions - 1) * 100:+.2f}%" if p and p.instructions else ""
        )
        print(
            f"| `{name}` | {r.instructions:,.1f} | {change} | {r.raw:,.1f} | "
            f"{r.allocation_calls:,.2f} |"
        )
    missing = [name for name, _ in suite_operations(args.bench) if name not in now]
    if missing:
        print(
            f"counting: {len(missing)} count benchmark(s) gave no count (failed, see above): "
            + ", ".join(missing),
            file=sys.stderr,
        )
        return 1
    print(f"\n{len(now)} counts; details in {record.counts_dir() / record.WORKTREE}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("spread", help="run every count benchmark N times; report the spread")
    sp.add_argument("--runs", type=int, default=20)
    sp.add_argument("--jobs", type=int, default=2)
    sp.add_argument("-b", "--bench", default=None, help="only benchmarks matching this regex")
    sp.add_argument("--no-perturb", dest="perturb", action="store_false")
    sp.add_argument("--plain", type=int, default=PLAIN_RUNS, help="runs before perturbing")
    sp.add_argument("--limit", type=float, default=0.1, help="exit 1 above this spread (%%)")
    sp.add_argument("--output", type=Path, default=None)
    rp = sub.add_parser("report", help="table of the working tree's counts (make bench-counts)")
    rp.add_argument("--previous", type=Path, default=None, help="counts dir of the run before")
    rp.add_argument("-b", "--bench", default=None, help="only benchmarks matching this regex")
    args = parser.parse_args(argv)
    try:
        return spread(args) if args.command == "spread" else report(args)
    except (harness.CountingUnavailable, harness.CountingFailed) as exc:
        print(f"counting: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
