#!/usr/bin/env python3
"""Merge another machine's or runner's asv results into this checkout's, refusing to mix machines.

asv files results per machine name (`results/<machine>/machine.json` plus one JSON file per
commit and environment) and `asv publish` draws every machine it finds, so "many machines, one
dashboard" is a matter of copying those folders side by side. What asv does not check is that one
name means one machine: if two boxes with different CPUs both call themselves `ci`, their numbers
land in one graph line and every step in it is a lie. So, before anything is copied:

- a machine name present on both sides must carry the same hardware facts: `arch`, `cpu`,
  `num_cpu` equal, `ram` within 3 % (the kernel's MemTotal moves by a few MB between boots and
  VM images); `os` and the rest are software and may change. Otherwise nothing is merged.
- a result file present on both sides with different content is a commit recorded twice on one
  machine: the copy already here is kept (first recording wins) and the file is named.
- `benchmarks.json` (the suite's description) gets the entries it lacks; existing ones stay.

The source is never modified; files are written atomically (temp file + rename).
Exit status: 0 merged (or nothing new), 1 refused (nothing written), 2 bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root, not tools/, on sys.path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from tools.asvconf import conf_path

EXACT_FACTS = ("arch", "cpu", "num_cpu")
RAM_TOLERANCE = 0.03
BENCHMARKS_JSON = "benchmarks.json"
MACHINE_JSON = "machine.json"


class MergeError(Exception):
    """The merge cannot go ahead; the message names the file or machine at fault."""


@dataclass
class MergeReport:
    """What a merge did, per machine name: files added, already identical, kept as they were."""

    added: dict[str, int] = field(default_factory=dict)
    identical: dict[str, int] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # "machine/file" recorded on both sides
    benchmarks_added: int = 0

    def lines(self) -> list[str]:
        out = []
        for machine in sorted(set(self.added) | set(self.identical)):
            out.append(
                f"{machine}: {self.added.get(machine, 0)} result file(s) added, "
                f"{self.identical.get(machine, 0)} already here"
            )
        out += [f"kept this side's copy of {name} (recorded on both sides)" for name in self.kept]
        if self.benchmarks_added:
            out.append(f"{BENCHMARKS_JSON}: {self.benchmarks_added} benchmark(s) added")
        return out


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MergeError(f"{path}: not readable asv JSON ({exc})") from None


def results_root(path: Path) -> Path:
    """Accept the results directory itself, or a folder holding `results/` or `.asv/results/`."""
    for candidate in (path, path / "results", path / ".asv" / "results"):
        if any(candidate.glob(f"*/{MACHINE_JSON}")):
            return candidate
    raise MergeError(
        f"{path}: no <machine>/{MACHINE_JSON} found (expected asv's results/<machine>/ layout)"
    )


def hardware_differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Facts that say two machine.json files describe different hardware ([] = same machine)."""
    diffs = [
        f"{key} {ours.get(key)!r} here vs {theirs.get(key)!r}"
        for key in EXACT_FACTS
        if str(ours.get(key, "")) != str(theirs.get(key, ""))
    ]
    try:
        a, b = float(ours.get("ram") or 0), float(theirs.get("ram") or 0)
    except (TypeError, ValueError):
        a = b = -1.0
    if a != b and (min(a, b) <= 0 or abs(a - b) > RAM_TOLERANCE * max(a, b)):
        diffs.append(f"ram {ours.get('ram')!r} here vs {theirs.get('ram')!r}")
    return diffs


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plan(src: Path, dest: Path) -> tuple[list[tuple[Path, Path]], MergeReport]:
    """Check everything first: the files to copy and the report, or a MergeError (nothing written)."""
    copies: list[tuple[Path, Path]] = []
    report = MergeReport()
    problems: list[str] = []
    for machine_file in sorted(src.glob(f"*/{MACHINE_JSON}")):
        machine = machine_file.parent.name
        theirs = read_json(machine_file)
        ours_file = dest / machine / MACHINE_JSON
        if ours_file.is_file():
            diffs = hardware_differences(read_json(ours_file), theirs)
            if diffs:
                problems.append(
                    f"machine {machine!r} names different hardware ({'; '.join(diffs)} in "
                    f"{machine_file}): one name per machine, rename one side's ASV_MACHINE"
                )
                continue
        else:
            copies.append((machine_file, ours_file))
        for result in sorted(machine_file.parent.glob("*.json")):
            if result.name == MACHINE_JSON:
                continue
            read_json(result)  # refuse a torn or foreign file before copying anything
            target = dest / machine / result.name
            if not target.exists():
                copies.append((result, target))
                report.added[machine] = report.added.get(machine, 0) + 1
            elif target.read_bytes() == result.read_bytes():
                report.identical[machine] = report.identical.get(machine, 0) + 1
            else:
                report.kept.append(f"{machine}/{result.name}")
    if problems:
        raise MergeError("refusing to merge, nothing written: " + " | ".join(problems))
    return copies, report


def merge_benchmarks_json(src: Path, dest: Path) -> int:
    """Add the suite entries this side lacks; return how many."""
    theirs_path, ours_path = src / BENCHMARKS_JSON, dest / BENCHMARKS_JSON
    if not theirs_path.is_file():
        return 0
    theirs = read_json(theirs_path)
    ours = read_json(ours_path) if ours_path.is_file() else {"version": theirs.get("version", 2)}
    new = {k: v for k, v in theirs.items() if k not in ours}
    if new:
        write_atomic(ours_path, (json.dumps({**ours, **new}, indent=4) + "\n").encode("utf-8"))
    return sum(1 for k in new if k != "version")


def merge(src: Path, dest: Path) -> MergeReport:
    """Merge results directory src into dest (both asv `results_dir`s); see the module docstring."""
    src = results_root(src)
    if src.resolve() == dest.resolve():
        raise MergeError(f"{src}: source and destination are the same directory")
    copies, report = plan(src, dest)
    for source, target in copies:
        write_atomic(target, source.read_bytes())
    report.benchmarks_added = merge_benchmarks_json(src, dest)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="results dir (or a folder with results/ in it)")
    parser.add_argument(
        "--into", type=Path, default=None, help="default: results_dir of asv.conf.json"
    )
    args = parser.parse_args(argv)
    dest = args.into or conf_path("results_dir", "results")
    try:
        report = merge(args.source, dest)
    except MergeError as exc:
        print(f"merge_results: {exc}", file=sys.stderr)
        return 1 if str(exc).startswith("refusing") else 2
    for line in report.lines() or ["nothing to merge"]:
        print(f"merge_results: {line}")
    print(f"merge_results: results in {dest}; `make dashboard` draws every machine")
    return 0


if __name__ == "__main__":
    sys.exit(main())
