"""osm's prompt build against the prompt-assembly peers, whole processes, same trees.

`make bench-peers` installs the peers (mk/peers.mk) and runs this. For every tree (10, 100 and
1000 files; small and 4 KB files) each tool turns the same files into one prompt on stdout;
the runs alternate (the order rotates every round, so load on the box hits every tool alike),
each output is checked to hold every file's content, and the table gives medians and the ratio
of osm to each peer (below 1: osm is faster). Wall-clock numbers on a shared box are noisy:
compare the ratios of one run, not numbers of two runs.

    python tools/bench_peers.py --files-to-prompt PATH --repomix PATH [--rounds N] [--work DIR]
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

TREES = [(10, "small"), (100, "small"), (1000, "small"), (10, "4KB"), (100, "4KB"), (1000, "4KB")]
SIZES = {"small": 200, "4KB": 4096}
#: The same work through the library alone (the floor of the `osm prompt` command).
OSM_LIBRARY = (
    "import sys; from one_shot_man.prompt.context import ContextManager; "
    "m = ContextManager('.'); m.add_path('.'); sys.stdout.write(m.to_txtar() + '\\n')"
)
#: A tool whose every run took longer than this stops after SLOW_ROUNDS (repomix: 2-10 s a run).
SLOW_SECONDS = 1.0
SLOW_ROUNDS = 3
REPOMIX_LEAN = ["--no-security-check", "--no-file-summary", "--no-directory-structure"]


def build_tree(root: Path, files: int, size: int) -> list[str]:
    """`files` text files of `size` bytes in folders of ten; returns one marker per file."""
    markers = []
    for i in range(files):
        folder = root / f"pkg{i // 10:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        marker = f"marker-{i:05d}"
        line = f"# {marker} line of a source file\n"
        body = (line * (size // len(line) + 1))[:size]
        (folder / f"mod{i:05d}.py").write_text(body)
        markers.append(marker)
    return markers


def commands(args: argparse.Namespace) -> dict[str, list[str]]:
    osm = [args.python, "-m", "one_shot_man"] if not args.osm else [args.osm]
    return {
        "osm prompt": [*osm, "prompt", "."],
        "osm library": [args.python, "-c", OSM_LIBRARY],
        "files-to-prompt": [args.files_to_prompt, "."],
        "repomix": [args.repomix, "--stdout", "--quiet", "."],
        "repomix lean": [
            args.repomix,
            "--stdout",
            "--quiet",
            *REPOMIX_LEAN,
            "--style",
            "plain",
            ".",
        ],
    }


def run_once(argv: list[str], cwd: Path, env: dict[str, str], markers: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{shlex.join(argv)} failed in {cwd}: {done.stderr.decode(errors='replace')}")
    out = done.stdout.decode(errors="replace")
    missing = [m for m in markers if m not in out]
    if missing:
        sys.exit(f"{shlex.join(argv)} left out {len(missing)} of {len(markers)} files in {cwd}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files-to-prompt", required=True)
    parser.add_argument("--repomix", required=True)
    parser.add_argument("--python", default=sys.executable, help="interpreter with osm installed")
    parser.add_argument("--osm", default="", help="osm console script (default: python -m)")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--work", default=".peers/trees")
    parser.add_argument("--only", default="", help="comma-separated tool names to run")
    args = parser.parse_args()
    for key in ("files_to_prompt", "repomix", "python", "osm"):
        value = getattr(args, key)
        if os.sep in value:  # the tools run inside each tree
            setattr(args, key, os.path.abspath(value))
    tools = commands(args)
    if args.only:
        tools = {k: v for k, v in tools.items() if k in args.only.split(",")}
    home = Path(args.work).resolve() / "home"
    home.mkdir(parents=True, exist_ok=True)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8"}
    env["OSM_SESSION"] = "bench-peers"  # no session discovery: every tool starts alike
    header = ["files", "size", *[f"{t} (ms)" for t in tools]]
    ratios = [t for t in tools if t not in ("osm prompt", "osm library")]
    header += [f"osm prompt ÷ {t}" for t in ratios] + [f"osm library ÷ {t}" for t in ratios]
    rows = []
    for files, size in TREES:
        root = Path(args.work).resolve() / f"{files}-{size}"
        if not root.exists():
            build_tree(root, files, SIZES[size])
        markers = [f"marker-{i:05d}" for i in range(files)]
        names = list(tools)
        times: dict[str, list[float]] = {t: [] for t in names}
        for r in range(args.rounds):
            order = names[r % len(names) :] + names[: r % len(names)]
            for name in order:
                if len(times[name]) >= SLOW_ROUNDS and min(times[name]) > SLOW_SECONDS:
                    continue  # a tool 10-100x slower needs no more rounds to tell
                times[name].append(run_once(tools[name], root, env, markers))
        med = {t: statistics.median(v) for t, v in times.items()}
        row = [str(files), size, *[f"{med[t] * 1e3:.1f}" for t in names]]
        for base in ("osm prompt", "osm library"):
            row += [f"{med[base] / med[t]:.2f}" if base in med else "-" for t in ratios]
        rows.append(row)
        print(f"done: {files} files of {size}", file=sys.stderr)
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print(
        f"\nmedians of {args.rounds} alternating runs per tool and tree ({SLOW_ROUNDS} for a tool "
        f"slower than {SLOW_SECONDS:g} s a run); commands:"
    )
    for name, argv in tools.items():
        print(f"- {name}: `{shlex.join(argv)}`")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
