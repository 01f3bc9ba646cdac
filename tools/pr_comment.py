#!/usr/bin/env python3
"""Post the benchmark report on a pull request, or update the one already there.

One comment per PR, found by the marker line ci_report.py puts first, so a PR pushed ten times
has one current report instead of ten stale ones. Uses GitHub's REST API with the job's token
(stdlib only). A token that may not comment (pull requests from forks get a read-only one) is
not an error: the report is still in the job summary, and this says so and exits 0.

Exit status: 0 created, updated, or not allowed (said so); 1 the API failed otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the repository root, not tools/, on sys.path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from tools.ci_report import MARKER

NOT_ALLOWED = (401, 403, 404)


class GitHub:
    """The three issue-comment calls this needs."""

    def __init__(self, api: str, repo: str, token: str) -> None:
        self.base = f"{api.rstrip('/')}/repos/{repo}"
        self.token = token

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        req = urllib.request.Request(
            self.base + path,
            data=None if body is None else json.dumps(body).encode("utf-8"),
            method=method,
            headers={
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
                "X-GitHub-Api-Version": "2022-11-28",
            },
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def find(self, pr: int, marker: str) -> int | None:
        """Id of the first comment on the PR whose body starts with the marker."""
        page = 1
        while True:
            comments = self.call("GET", f"/issues/{pr}/comments?per_page=100&page={page}")
            for c in comments:
                if (c.get("body") or "").startswith(marker):
                    return int(c["id"])
            if len(comments) < 100:
                return None
            page += 1


def upsert(gh: GitHub, pr: int, body: str, marker: str = MARKER) -> str:
    """'updated' or 'created'."""
    existing = gh.find(pr, marker)
    if existing is not None:
        gh.call("PATCH", f"/issues/comments/{existing}", {"body": body})
        return "updated"
    gh.call("POST", f"/issues/{pr}/comments", {"body": body})
    return "created"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", required=True, help="owner/name")
    parser.add_argument("--pr", type=int, required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--api", default=os.environ.get("GITHUB_API_URL", "https://api.github.com"))
    args = parser.parse_args(argv)
    token = os.environ.get("GITHUB_TOKEN", "")
    if not token:
        print("pr_comment: GITHUB_TOKEN is not set: no comment (the job summary has the report)")
        return 0
    try:
        body = args.body_file.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"pr_comment: cannot read {args.body_file}: {exc}", file=sys.stderr)
        return 1
    if not body.startswith(MARKER):
        body = f"{MARKER}\n{body}"
    try:
        done = upsert(GitHub(args.api, args.repo, token), args.pr, body)
    except urllib.error.HTTPError as exc:
        if exc.code in NOT_ALLOWED:
            print(
                f"pr_comment: the token may not comment on {args.repo}#{args.pr} (HTTP "
                f"{exc.code}; a pull request from a fork?): the report is in the job summary"
            )
            return 0
        print(f"pr_comment: GitHub API error HTTP {exc.code}: {exc.reason}", file=sys.stderr)
        return 1
    except (urllib.error.URLError, OSError, ValueError) as exc:
        print(f"pr_comment: GitHub API unreachable or answered garbage: {exc}", file=sys.stderr)
        return 1
    print(f"pr_comment: {done} the benchmark comment on {args.repo}#{args.pr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
