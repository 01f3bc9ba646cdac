#!/usr/bin/env python3
"""Keep the K-th of M disjoint slices of a commit list, so M runners can record history together.

`make history N=200 SHARD=K/M` writes the last N commits to a hash file and runs this on it: each
runner records only its slice, and merging the M result sets (`make merge-results`) gives the
dashboard one runner would have built. Slices are taken round-robin (commit i goes to shard
i mod M), so every shard gets old and new commits alike and the shards take about the same time.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


class ShardError(ValueError):
    """A SHARD value that is not K/M with 1 <= K <= M."""


def parse_shard(text: str) -> tuple[int, int]:
    """'2/4' -> (2, 4); anything else is a ShardError that says what a valid value looks like."""
    k_text, sep, m_text = text.strip().partition("/")
    try:
        k, m = int(k_text), int(m_text)
    except ValueError:
        k = m = 0
    if not sep or m < 1 or not 1 <= k <= m:
        raise ShardError(f"SHARD={text!r} is not K/M with 1 <= K <= M (for example SHARD=1/2)")
    return k, m


def shard(commits: list[str], k: int, m: int) -> list[str]:
    """The K-th (1-based) of M round-robin slices; the M slices are disjoint and cover the list."""
    return commits[k - 1 :: m]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shard", required=True, help="K/M: keep the K-th of M slices")
    parser.add_argument("hashfile", type=Path, help="one commit per line; rewritten in place")
    args = parser.parse_args(argv)
    try:
        k, m = parse_shard(args.shard)
        commits = [c for c in args.hashfile.read_text(encoding="utf-8").split() if c]
    except (ShardError, OSError) as exc:
        print(f"shard_commits: {exc}", file=sys.stderr)
        return 2
    mine = shard(commits, k, m)
    args.hashfile.write_text("".join(f"{c}\n" for c in mine), encoding="utf-8")
    print(f"shard_commits: shard {k}/{m} records {len(mine)} of {len(commits)} commits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
