"""Count the whole selection of twins at once, two at a time, when the first twin runs.

asv runs one benchmark at a time, so one Callgrind child per twin would leave a core idle
(a count suite took 2-3.5 min per commit this way). When our make targets run asv they set
``OSM_COUNT_RUN`` (an id for that asv run) and ``OSM_COUNT_SELECT`` (the BENCH regex): the first
twin of a commit then counts every selected twin with batch.count_all and stores the results
under ``<counts dir>/prefetch/<key>/``; each twin returns its own. Without ``OSM_COUNT_RUN``
(plain ``asv run``) every twin counts itself.

The key is a digest of everything a count depends on: the run id, the commit asv installed
(``ASV_COMMIT``), the files of the installed library (under asv: the commit being measured), the suite and harness sources, the interpreter
and the fingerprint (environment.py). A twin never gets a count of other code.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path

from . import batch, environment, harness, record, suite
from .errors import CountingFailed

RUN_VARIABLE = "OSM_COUNT_RUN"
SELECT_VARIABLE = "OSM_COUNT_SELECT"


def result_for(op: harness.Operation, timeout: float) -> harness.CountResult | None:
    """The prefetched count of ``op``, counting the selection first if needed; None: not here."""
    run_id = os.environ.get(RUN_VARIABLE)
    if not run_id:
        return None
    directory = record.counts_dir() / "prefetch" / cache_key(run_id, op.suite_parent)
    if not (directory / "done").exists():
        _fill(directory, timeout)
    path = directory / _file_name(op)
    if not path.exists():
        return None  # not in the selection: the twin counts itself
    data = json.loads(path.read_text(encoding="utf-8"))
    if "skipped" in data:
        raise NotImplementedError(data["skipped"])
    if "failed" in data:
        raise CountingFailed(data["failed"])
    return harness.CountResult.from_json(data)


def _fill(directory: Path, timeout: float) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    ops = [op for _, op in suite.suite_operations(os.environ.get(SELECT_VARIABLE) or None)]

    def store(op: harness.Operation, outcome: batch.Outcome) -> None:
        if isinstance(outcome, harness.CountResult):
            data = outcome.to_json()
        elif isinstance(outcome, NotImplementedError):
            data = {"skipped": str(outcome)}
        else:
            data = {"failed": str(outcome)}
        tmp = directory / (_file_name(op) + ".tmp")
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, directory / _file_name(op))

    batch.count_all(ops, timeout=timeout, on_result=store)
    (directory / "done").write_text(f"{len(ops)} operations\n", encoding="utf-8")


def _file_name(op: harness.Operation) -> str:
    return hashlib.sha256(repr((op.label, op.calls)).encode()).hexdigest()[:24] + ".json"


def cache_key(run_id: str, suite_parent: str = "") -> str:
    """Digest of the run id and of everything outside it that a count depends on."""
    digest = hashlib.sha256(run_id.encode())
    # the commit too, although its library files are in the digest: two commits whose library
    # is byte-identical (a docs-only change) are still counted each on its own
    digest.update(record.current_commit().encode())
    digest.update(sys.executable.encode())
    fingerprint = environment.fingerprint(harness.valgrind_executable())
    digest.update(json.dumps(fingerprint, sort_keys=True).encode())
    library = importlib.util.find_spec(environment.PROJECT)
    roots = list(library.submodule_search_locations or []) if library else []
    roots.append(str(Path(suite_parent or harness.ROOT) / "benchmarks"))
    roots.append(str(Path(harness.__file__).resolve().parent))
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:20]
