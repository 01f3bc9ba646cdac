#!/usr/bin/env python3
"""The Markdown a CI run shows for `make compare`: the report, where the chart and log are, why.

The pull-request workflow puts this in the job summary and in the PR comment. It never fails
itself (a report about a failure is still a report): when `make compare` wrote no report (the
setup or asv broke), it says so and quotes the end of asv's log instead.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

#: The PR comment is found again by this line, so one comment is updated instead of many posted.
MARKER = "<!-- osm-benchmarks: make compare -->"
STATUS_RE = re.compile(r"^asv_compare: .*; exit (\d+)$", re.M)
MEANING = {
    0: "no confirmed regression",
    1: "confirmed regression",
    2: "a benchmark fails on HEAD",
    3: "nothing could be compared (see the asv log)",
}


def tool_status(log: str) -> int | None:
    """tools/asv_compare.py's own status, from its last stderr line (make turns it into 2)."""
    found = STATUS_RE.findall(log)
    return int(found[-1]) if found else None


def report(report_md: Path, log: Path, make_rc: int, artifact_url: str | None) -> str:
    """The body: marker, gate line, the compare report (or the log's tail), the artifact link."""
    log_text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    status = tool_status(log_text)
    gate = "passed" if make_rc == 0 else "failed"
    if status is not None:
        why = MEANING.get(status, f"tool status {status}")
    else:
        why = "it stopped before the gate ran: setup or asv failed" if make_rc else "ok"
    out = [MARKER, f"**Benchmark gate {gate}** (`make compare` exit {make_rc}: {why}).", ""]
    if report_md.is_file():
        out.append(report_md.read_text(encoding="utf-8").rstrip())
    else:
        tail = "\n".join(log_text.splitlines()[-30:]) or "(no log)"
        out += ["`make compare` wrote no report. Last lines of its log:", "", "```", tail, "```"]
    if artifact_url:
        out += ["", f"Report, chart (`compare.svg`) and asv's log: [artifact]({artifact_url})"]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", type=Path, default=Path(".asv/compare.md"))
    parser.add_argument("--log", type=Path, default=Path(".asv/compare.log"))
    parser.add_argument("--rc", type=int, required=True, help="exit status of make compare")
    parser.add_argument("--artifact-url", default=None)
    args = parser.parse_args(argv)
    sys.stdout.write(report(args.report, args.log, args.rc, args.artifact_url or None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
