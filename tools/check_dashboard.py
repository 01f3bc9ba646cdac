#!/usr/bin/env python3
"""Prove the published asv dashboard renders with no internet access.

Serves html_dir on 127.0.0.1 (as `asv preview` does), loads it in headless chromium whose DNS
resolves nothing but 127.0.0.1 and whose proxy is a closed port, and checks that
  1. no <script>/<link> in the pages points at an http(s) URL (tools/vendor_dashboard.py ran),
  2. the browser did not fall back to asv's error page (shown when a library fails to load),
  3. the JavaScript built the summary grid: one element per benchmark listed in index.json, and
     flot drew the graph page of the first benchmark,
  4. every request the page made was answered 200 (or 304) by the local server: no 404.
It also writes a screenshot (default .asv/dashboard.png) for a human look.

Exit status: 0 rendered, 1 a check failed (each failure is printed), 3 chromium is missing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root, not tools/, on sys.path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from tools.asvconf import ROOT, conf_path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
REMOTE_TAG_RE = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)=\"(https?://[^\"]+)\"", re.I)
ERROR_PAGE_MARK = "failed to load"  # asv's error.html: "One or more external ... failed to load"


class _Server(http.server.ThreadingHTTPServer):
    """Local static server that remembers (path, status) of every request."""

    log: list[tuple[str, int]]


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: _Server

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        try:
            status = int(code)
        except ValueError:
            status = 0
        self.server.log.append((self.path, status))

    def log_message(self, format: str, *args: object) -> None:
        pass


def find_browser() -> str | None:
    """The first chromium-family executable on PATH."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def browser_argv(browser: str, profile: str) -> list[str]:
    """Headless chromium that cannot reach anything but 127.0.0.1."""
    return [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        # No network: every host name except 127.0.0.1 fails to resolve, and a proxy on a closed
        # port catches anything that would skip DNS (loopback always bypasses the proxy).
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        # Let the page's asynchronous JSON loads and rendering finish before dumping.
        "--virtual-time-budget=15000",
        "--window-size=1400,1000",
    ]


def run_browser(argv: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)


def check(html_dir: Path, screenshot: Path | None, timeout: float) -> list[str]:
    """Run every check; return the list of failures (empty = the dashboard renders offline)."""
    problems: list[str] = []
    index_json = html_dir / "index.json"
    if not index_json.is_file():
        return [f"{index_json} missing: run `make dashboard` first"]
    benchmarks = sorted(json.loads(index_json.read_text(encoding="utf-8"))["benchmarks"])
    for page in sorted(html_dir.glob("*.html")):
        for url in REMOTE_TAG_RE.findall(page.read_text(encoding="utf-8")):
            problems.append(f"{page.name} still loads {url} (run tools/vendor_dashboard.py)")

    browser = find_browser()
    if browser is None:
        raise FileNotFoundError("no chromium on PATH (apt-get install -y chromium)")

    handler = functools.partial(_Handler, directory=str(html_dir))
    server = _Server(("127.0.0.1", 0), handler)
    server.log = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    try:
        # A fresh profile per run: no browser cache, so every file is really fetched.
        with tempfile.TemporaryDirectory(prefix="osm-chromium-") as profile:
            dom = run_browser([*browser_argv(browser, profile), "--dump-dom", url], timeout).stdout
        graph_dom = ""
        if benchmarks:  # one benchmark's graph page: flot must draw on a canvas
            with tempfile.TemporaryDirectory(prefix="osm-chromium-") as profile:
                argv = [*browser_argv(browser, profile), "--dump-dom", f"{url}#{benchmarks[0]}"]
                graph_dom = run_browser(argv, timeout).stdout
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.unlink(missing_ok=True)
            with tempfile.TemporaryDirectory(prefix="osm-chromium-") as profile:
                argv = [*browser_argv(browser, profile), f"--screenshot={screenshot}", url]
                shot = run_browser(argv, timeout)
            if not screenshot.is_file():
                problems.append(f"no screenshot written: {shot.stderr.strip()[-300:]}")
    finally:
        server.shutdown()
        server.server_close()

    if not dom.strip():
        problems.append("chromium returned an empty DOM")
    elif ERROR_PAGE_MARK in dom:
        problems.append("the browser landed on asv's error page: a JS library failed to load")
    built = [name for name in benchmarks if f'id="summarygrid-{name}"' in dom]
    if not benchmarks:
        problems.append("index.json lists no benchmarks: nothing to render (run make bench)")
    elif len(built) != len(benchmarks):
        missing = sorted(set(benchmarks) - set(built))
        problems.append(
            f"summary grid has {len(built)} of {len(benchmarks)} benchmarks; missing: "
            + ", ".join(missing[:10])
        )
    if benchmarks and 'class="flot-base"' not in graph_dom:
        problems.append(f"the graph page of {benchmarks[0]} drew no plot (flot canvas missing)")
    failed = [(path, code) for path, code in server.log if code not in (200, 304)]
    problems += [f"request {path} answered {code}" for path, code in failed]
    if any(path.startswith("/graphs/summary/") for path, _ in failed):
        problems.append(
            "summary graphs are missing: the dashboard only plots commits on the branches of "
            "asv.conf.json (main); record one with `make bench` on main or `make history`"
        )
    if not any(path.startswith("/vendor/") for path, _ in server.log):
        problems.append("the page requested no vendored file (is the page vendored?)")
    print(
        f"check_dashboard: {url} -> {len(server.log)} requests, {len(failed)} failed; "
        f"summary grid built for {len(built)}/{len(benchmarks)} benchmarks"
        + (f"; screenshot {screenshot}" if screenshot else "")
    )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--html-dir", type=Path, default=None, help="default: html_dir of asv.conf.json"
    )
    parser.add_argument(
        "--screenshot",
        default=str(ROOT / ".asv" / "dashboard.png"),
        help="where to write a PNG of the page ('' for none)",
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per browser run")
    args = parser.parse_args(argv)
    html_dir = (args.html_dir or conf_path("html_dir", "html")).resolve()
    screenshot = Path(args.screenshot).resolve() if args.screenshot else None
    try:
        problems = check(html_dir, screenshot, args.timeout)
    except FileNotFoundError as exc:
        print(f"check_dashboard: {exc}", file=sys.stderr)
        return 3
    for problem in problems:
        print(f"check_dashboard: FAIL: {problem}", file=sys.stderr)
    if not problems:
        print("check_dashboard: OK, the dashboard renders with no network access")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
