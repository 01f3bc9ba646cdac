"""Command line of the counting harness: the bench-counts table and the spread measurement.

    python tools/counting/cli.py report [--previous DIR]   # table of the last bench-counts run
    python tools/counting/cli.py spread --runs 20 --jobs 2  # each count benchmark 20 times

`spread` runs the suite's count benchmarks (two at a time, in two run directories, inside the
box lock: see count_all) directly through the harness (no asv), with the
working tree's library (run it with .venv/bin/python), ``--runs`` times each, every run but
the first few with a deliberately different memory layout (``perturb``: more live objects
before import and after set-up, a longer command line; harness.count). It prints, per benchmark, the largest relative spread of the gated
figure, of raw Ir and of the other method (N calls minus N empty calls). The gate's threshold
(1%) holds only while every gated spread stays below a tenth of it.
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import pkgutil
import re
import statistics
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root, not tools/counting/, first
    sys.path[0] = str(Path(__file__).resolve().parents[2])

from tools.counting import environment, harness, record

#: Runs with the heap left alone before the perturbed ones start.
PLAIN_RUNS = 5


def suite_operations(pattern: str | None = None) -> list[tuple[str, harness.Operation]]:
    """(asv name, operation) of every count benchmark in benchmarks/, optionally filtered."""
    sys.path.insert(0, str(harness.ROOT))  # the working tree's suite and library (.venv)
    import benchmarks

    found = []
    for info in pkgutil.iter_modules(benchmarks.__path__, "benchmarks."):
        module = importlib.import_module(info.name)
        for cls_name, cls in sorted(vars(module).items()):
            if not isinstance(cls, type) or cls.__module__ != module.__name__:
                continue
            for attr, fn in sorted(vars(cls).items()):
                mirrors = getattr(fn, "_mirrors", None)
                if mirrors is None:
                    continue
                for params in _param_combinations(getattr(cls, "params", [])):
                    name = _asv_name(module.__name__, cls_name, attr, params)
                    if pattern and not re.search(pattern, name):
                        continue
                    op = harness.Operation(
                        module.__name__, cls_name, mirrors, params, _calls(fn._calls, params)
                    )
                    found.append((name, op))
    return found


def _param_combinations(params: Any) -> Iterator[tuple[Any, ...]]:
    if not params:
        yield ()
        return
    if not isinstance(params[0], (list, tuple)):
        params = [params]
    yield from itertools.product(*params)


def _calls(calls: int | Mapping[Any, int], params: tuple[Any, ...]) -> int:
    return calls[params[0]] if isinstance(calls, Mapping) else calls


def _asv_name(module: str, cls: str, attr: str, params: tuple[Any, ...]) -> str:
    args = f"({', '.join(map(repr, params))})" if params else ""
    return f"{module.split('.', 1)[-1]}.{cls}.{attr}{args}"


def relative_spread(values: list[float]) -> float:
    """(max - min) / median, in percent."""
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
        perturb = 0 if run < args.plain or not args.perturb else 1 + run % 4
        for (name, _), result in zip(ops, count_all(ops, perturb, args.jobs)):
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


def count_all(
    ops: list[tuple[str, harness.Operation]], perturb: int, jobs: int
) -> list[harness.CountResult]:
    """Count every operation once; with ``jobs`` 2, two children at a time (one per core).

    The pair runs inside one holding of the box lock, in the two run slots; operation i always
    runs in slot i % jobs, so each benchmark sees the same paths in every run. Between pairs
    the lock is let go, so other counts on the machine get their turn.
    """
    jobs = max(1, min(jobs, len(environment.SLOTS)))
    results: list[harness.CountResult] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for start in range(0, len(ops), jobs):
            batch = ops[start : start + jobs]
            with environment.box_lock():
                futures = [
                    pool.submit(harness.count, op, perturb=perturb, slot=i, locked=True)
                    for i, (_, op) in enumerate(batch)
                ]
                results.extend(f.result() for f in futures)
    return results


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
