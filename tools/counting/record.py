"""The details of each count, kept beside asv's results: raw Ir, allocation calls, fingerprint.

asv records one number per `track_` benchmark (the gated figure, which the dashboard plots).
The gate also needs what that number leaves out, so the harness writes one small JSON file per
benchmark and commit: ``<dir>/<commit or "worktree">/<file>.json``. The directory is
``$OSM_COUNTS_DIR`` when set (make compare sets a fresh one per run), else ``.asv/counts``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from .harness import ROOT, CountResult

DEFAULT_DIR = ROOT / ".asv" / "counts"
#: Key of counts taken outside a commit asv installed (make bench-counts: the working tree).
WORKTREE = "worktree"


def counts_dir() -> Path:
    return Path(os.environ.get("OSM_COUNTS_DIR") or DEFAULT_DIR)


def current_commit() -> str:
    """The commit asv installed for this benchmark process (asv sets ASV_COMMIT), or WORKTREE."""
    return os.environ.get("ASV_COMMIT") or WORKTREE


def _file_name(name: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:120]
    return f"{safe}-{hashlib.sha256(name.encode()).hexdigest()[:8]}.json"


def write(
    name: str, result: CountResult, *, commit: str | None = None, root: Path | None = None
) -> Path:
    """Store ``result`` for benchmark ``name`` (asv's name, parameters included)."""
    directory = (root or counts_dir()) / (commit or current_commit())
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / _file_name(name)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"name": name, **result.to_json()}, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return path


def read_all(commit: str, *, root: Path | None = None) -> dict[str, CountResult]:
    """Every recorded count of ``commit`` (a full hash, an 8-digit prefix or WORKTREE), by name."""
    base = root or counts_dir()
    dirs = [base / commit] if (base / commit).is_dir() else sorted(base.glob(f"{commit[:8]}*"))
    out: dict[str, CountResult] = {}
    for directory in dirs:
        for path in sorted(directory.glob("*.json")):
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            name = data.pop("name")
            out[name] = CountResult.from_json(data)
    return out
