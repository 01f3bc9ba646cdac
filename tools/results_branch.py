#!/usr/bin/env python3
"""Keep asv results across CI runs on a git branch of their own (default `benchmark-results`).

CI runners start empty, so the push-to-main workflow brings the history in before `make bench`
(`pull`: the branch's `results/` merged into .asv/results) and sends the new commit's results
back after it (`push`). The branch holds only `results/<machine>/...` and `results/benchmarks.json`
and is written with git plumbing (a private index, `commit-tree`, `push`), so the checkout and
its work tree are never touched.

Rule for concurrent pushes: a push is a fast-forward or nothing. When another runner moved the
branch since we fetched it (git rejects the push), we fetch again, merge our results into the new
tip with tools/merge_results.py's rules (union; a commit recorded by both keeps the copy already
on the branch; a machine name with different hardware refuses), commit on top and push again, up
to --attempts times. Nobody's results are overwritten, and nobody force-pushes. The workflow also
runs one push-to-main job at a time (a concurrency group), so a retry is the exception.

Exit status: 0 done (or nothing new), 1 refused or gave up, 2 bad input or git failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root, not tools/, on sys.path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from tools import merge_results
from tools.asvconf import ROOT, conf_path


class BranchError(Exception):
    """git failed or the branch holds something unexpected; the message says what."""


def git(repo: Path, *args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    proc = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if check and proc.returncode != 0:
        raise BranchError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip() if proc.returncode == 0 else ""


def fetch(repo: Path, remote: str, branch: str) -> str | None:
    """The branch's tip on the remote, fetched; None when the branch does not exist yet."""
    if not git(repo, "ls-remote", "--heads", remote, branch):
        return None
    git(repo, "fetch", "--quiet", "--no-tags", remote, f"refs/heads/{branch}")
    return git(repo, "rev-parse", "FETCH_HEAD")


def extract(repo: Path, commit: str, into: Path) -> Path:
    """The commit's `results/` folder, written under `into`; returns into/results."""
    into.mkdir(parents=True, exist_ok=True)
    index = into / ".index"
    env = {"GIT_INDEX_FILE": str(index)}
    git(repo, "read-tree", commit, env=env)
    git(repo, f"--work-tree={into}", "checkout-index", "--all", "--force", env=env)
    index.unlink()
    return into / "results"


def commit_tree(repo: Path, tree_root: Path, parent: str | None, message: str) -> str:
    """A commit whose tree is tree_root's contents (a private index; the checkout is untouched)."""
    with tempfile.TemporaryDirectory(prefix="osm-results-index-") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        git(repo, f"--work-tree={tree_root}", "add", "--all", "--force", ".", env=env)
        tree = git(repo, "write-tree", env=env)
    if parent is not None and git(repo, "rev-parse", f"{parent}^{{tree}}") == tree:
        return parent  # nothing new
    argv = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
    return git(repo, *argv)


def pull(repo: Path, remote: str, branch: str, dest: Path) -> merge_results.MergeReport | None:
    """Merge the branch's results into dest (None: the branch does not exist yet)."""
    tip = fetch(repo, remote, branch)
    if tip is None:
        return None
    with tempfile.TemporaryDirectory(prefix="osm-results-") as tmp:
        results = extract(repo, tip, Path(tmp))
        if not results.is_dir():
            raise BranchError(f"{remote}/{branch} ({tip[:8]}) has no results/ folder")
        return merge_results.merge(results, dest)


def push(
    repo: Path,
    remote: str,
    branch: str,
    source: Path,
    message: str,
    attempts: int = 5,
    before_push: Callable[[int], None] | None = None,
) -> str:
    """Merge source (a results dir) into the branch and push; retry on a moved branch."""
    for attempt in range(1, attempts + 1):
        tip = fetch(repo, remote, branch)
        with tempfile.TemporaryDirectory(prefix="osm-results-") as tmp:
            root = Path(tmp)
            results = extract(repo, tip, root) if tip else root / "results"
            merge_results.merge(source, results)
            new = commit_tree(repo, root, tip, message)
        if new == tip:
            return f"{remote}/{branch} already has these results ({tip[:8]})"
        if before_push is not None:
            before_push(attempt)  # tests: another runner pushes here
        proc = subprocess.run(
            ["git", "-C", str(repo), "push", "--quiet", remote, f"{new}:refs/heads/{branch}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode == 0:
            return f"pushed {new[:8]} to {remote}/{branch} (attempt {attempt})"
        print(
            f"results_branch: push rejected (attempt {attempt}/{attempts}), fetching again: "
            f"{proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else 'no message'}",
            file=sys.stderr,
        )
    raise BranchError(f"gave up after {attempts} rejected pushes to {remote}/{branch}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("pull", "push"))
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--branch", default="benchmark-results")
    parser.add_argument("--results", type=Path, default=None, help="default: asv's results_dir")
    parser.add_argument("--message", default="benchmark results")
    parser.add_argument("--attempts", type=int, default=5)
    args = parser.parse_args(argv)
    results = args.results or conf_path("results_dir", "results")
    if shutil.which("git") is None:
        print("results_branch: git is not installed", file=sys.stderr)
        return 2
    try:
        if args.action == "pull":
            report = pull(ROOT, args.remote, args.branch, results)
            if report is None:
                print(f"results_branch: {args.remote}/{args.branch} does not exist yet: no history")
            else:
                for line in report.lines() or ["nothing new"]:
                    print(f"results_branch: {line}")
        else:
            print(
                "results_branch: "
                + push(ROOT, args.remote, args.branch, results, args.message, args.attempts)
            )
    except merge_results.MergeError as exc:
        print(f"results_branch: {exc}", file=sys.stderr)
        return 1
    except BranchError as exc:
        print(f"results_branch: {exc}", file=sys.stderr)
        return 1 if str(exc).startswith("gave up") else 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
