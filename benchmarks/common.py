"""Shared helpers for the asv suite: fixed inputs, private temp dirs, an isolated environment.

Why this module exists: asv runs every benchmark in a fresh process and against OLD commits of the
library too (project code comes from the commit, benchmarks from the working tree). So the helpers
here depend on the standard library only (except the library's list of environment variables,
when the commit has one), and benchmark modules turn the plain data below into library objects
in their own ``setup``.

APPEND ONLY, NEVER ALTER. A fixed input (size, seed, text, shape) is part of what a benchmark's
history measures. Changing an existing getter would silently make every benchmark that uses it
measure different work while its graph continues as if nothing happened. Add a new getter (or a
new argument value) instead, and leave the old ones exactly as they are.
"""

from __future__ import annotations

import functools
import importlib
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Seed of every pseudo-random input below (append-only rule applies).
SEED = 1_000_003

#: Environment variables that change what osm does (session ID source, store, config path).
#: Benchmarks unset them so a developer's terminal (tmux, ssh) does not change the numbers. The
#: library owns the list (`one_shot_man.environ`). A commit from before that module is measured
#: with every OSM_* variable set now plus the terminal-session sources, which covers its list.
try:
    from one_shot_man.environ import ISOLATED_VARS
except ImportError:
    ISOLATED_VARS = (
        *(name for name in os.environ if name.startswith("OSM_")),
        *("TMUX", "TMUX_PANE", "STY", "SSH_CONNECTION", "TERM_SESSION_ID"),
    )


class Benchmark:
    """Base class of every benchmark class: one place for suite-wide asv attributes.

    Subclasses still set their own explicit ``version`` on each class (asv otherwise keys history
    to the source text of the method and its setup, so a comment edit would restart the graph).
    """

    #: Seconds before asv gives up on one benchmark (asv's default is 60).
    timeout = 60.0


class TempDirBenchmark(Benchmark):
    """Benchmark base that gives each run a private HOME and temp dir, removed afterwards.

    ``self.tmpdir`` is a fresh directory; ``HOME`` and ``XDG_CONFIG_HOME`` point inside it and the
    variables in ``ISOLATED_VARS`` are unset, so sessions and config files never touch the real
    user's files. Subclasses that define ``setup`` call ``super().setup(*params)`` first.
    """

    tmpdir: Path
    _saved_environ: dict[str, str]

    def setup(self, *params: Any) -> None:
        self.tmpdir = make_temp_dir()
        self._saved_environ = isolate_environ(self.tmpdir)

    def teardown(self, *params: Any) -> None:
        restore_environ(self._saved_environ)
        remove_tree(self.tmpdir)


class BatchedBenchmark(Benchmark):
    """Base of micro-benchmarks (a few µs or less): no `setup`, so asv times batches of calls.

    asv_runner 0.3.2 times ONE call per sample whenever a class has a `setup` hook (asv#966:
    every call must see fresh set-up state). For an operation of a microsecond that
    measures the timer and the cache misses setup left behind (an in-memory load read
    2.0 µs that way against 0.55 µs batched). These classes therefore build their inputs
    once per process with `once()` helpers in their module, inside `process_home()`, and
    their bodies stay exactly the operation named. Slower operations keep `setup`.
    """


_PROCESS_HOME: Path | None = None


def process_home() -> Path:
    """A private HOME for this whole benchmark process (removed at exit); idempotent.

    For `BatchedBenchmark` classes, which cannot isolate per run in `setup`.
    """
    global _PROCESS_HOME
    if _PROCESS_HOME is None:
        import atexit

        _PROCESS_HOME = make_temp_dir()
        isolate_environ(_PROCESS_HOME)
        atexit.register(remove_tree, _PROCESS_HOME)
    return _PROCESS_HOME


def require(module: str | tuple[str, ...], *names: str) -> Any:
    """Import ``module`` for a benchmark, or skip the benchmark on commits that predate it.

    asv runs today's benchmarks against old commits (``make history``). Raising
    NotImplementedError in ``setup`` makes asv record "skipped" (n/a) instead of "failed", so the
    history of older commits stays readable. Only a missing module or attribute skips: any other
    error (a SyntaxError, an ImportError inside the module) still fails the benchmark, loudly.
    A tuple names where the code lived over time, newest first: the first that exists is used
    (a benchmark that follows its code across a move still runs on the commits before it).

    Usage, in ``setup``: ``self.storage = require("one_shot_man.storage", "InMemoryBackend")``.
    """
    if isinstance(module, tuple):
        for place in module[:-1]:
            try:
                return require(place, *names)
            except NotImplementedError:
                continue
        module = module[-1]
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (module == exc.name or module.startswith(exc.name + ".")):
            raise NotImplementedError(f"{module} does not exist at this commit") from exc
        raise
    missing = [name for name in names if not hasattr(mod, name)]
    if missing:
        raise NotImplementedError(f"{module} has no {', '.join(missing)} at this commit")
    return mod


def make_temp_dir(prefix: str = "osm-bench-") -> Path:
    """Create a private temp dir; the caller removes it with `remove_tree` in ``teardown``."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_tree(path: str | os.PathLike[str]) -> None:
    """Remove a temp tree, ignoring what is already gone (teardown must never fail a benchmark)."""
    shutil.rmtree(path, ignore_errors=True)


def isolate_environ(home: str | os.PathLike[str]) -> dict[str, str]:
    """Point HOME/XDG_CONFIG_HOME at ``home`` and unset ISOLATED_VARS; return the old environ."""
    saved = dict(os.environ)
    os.environ["HOME"] = os.fspath(home)
    os.environ["XDG_CONFIG_HOME"] = os.path.join(os.fspath(home), ".config")
    for name in ISOLATED_VARS:
        os.environ.pop(name, None)
    return saved


def restore_environ(saved: dict[str, str]) -> None:
    """Put back the environment `isolate_environ` returned."""
    os.environ.clear()
    os.environ.update(saved)


@contextmanager
def isolated_home() -> Iterator[Path]:
    """Context-manager form of `make_temp_dir` + `isolate_environ`, for setup_cache and helpers."""
    path = make_temp_dir()
    saved = isolate_environ(path)
    try:
        yield path
    finally:
        restore_environ(saved)
        remove_tree(path)


def osm_command(*args: str) -> list[str]:
    """argv that runs ``osm <args>`` in a child process with the benchmarked interpreter.

    Start-up cost is measured on purpose in a child (design.md), never inside another benchmark.
    """
    return [sys.executable, "-m", "one_shot_man", *args]


# --- Fixed inputs (functools.cache = unbounded lru_cache), APPEND ONLY ------------------------
# Getters return plain data (dicts, str, bytes); treat the results as read-only, they are shared.


@functools.cache
def history_entry_dicts(count: int) -> tuple[dict[str, Any], ...]:
    """``count`` history entries shaped like the Go benchmark's (spec Part 5.1), as plain dicts.

    Keys follow the session JSON schema (entryId, modeId, command, readTime, finalState). The
    timestamp is fixed so encoded sizes are identical on every run.
    """
    return tuple(
        {
            "entryId": "entry",
            "modeId": "test-mode",
            "command": "echo 'test'",
            "readTime": "2026-01-01T00:00:00Z",
            "finalState": {"state": "test"},
        }
        for _ in range(count)
    )


#: The 4-line config the Go ``ConfigLoadFromReader`` benchmark parses (spec Part 5.3).
CONFIG_FOUR_LINES = "# Test configuration\nglobal-option global-value\n[command1]\noption1 value1\n"


@functools.cache
def config_text(global_options: int, sections: int, options_per_section: int) -> str:
    """A dnsmasq-style config with the given numbers of global and per-section options.

    Growth benchmarks use it to show how loading scales; keys are unknown to osm on purpose so
    the text stays valid for every osm version.
    """
    lines = ["# generated benchmark configuration"]
    lines += [f"bench-global-{i} value-{i}" for i in range(global_options)]
    for s in range(sections):
        lines.append(f"[bench-command-{s}]")
        lines += [f"bench-option-{i} value-{s}-{i}" for i in range(options_per_section)]
    return "\n".join(lines) + "\n"


@functools.cache
def text_blob(size: int, seed: int = SEED) -> str:
    """Deterministic pseudo-random ASCII text of exactly ``size`` characters, in lines of <= 80."""
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyz      ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:"
    out: list[str] = []
    remaining = size
    while remaining > 0:
        n = min(remaining, rng.randint(20, 80))
        line = "".join(rng.choice(alphabet) for _ in range(n - 1)) + "\n" if n > 1 else "\n"
        out.append(line)
        remaining -= n
    return "".join(out)


@functools.cache
def source_tree(files: int, file_size: int) -> tuple[tuple[str, str], ...]:
    """``files`` (relative path, text) pairs spread over a few directories, for context/prompt work.

    Write them under a temp dir with `write_tree`.
    """
    return tuple(
        (f"pkg{i % 4}/module_{i:04d}.py", text_blob(file_size, SEED + i)) for i in range(files)
    )


def write_tree(root: str | os.PathLike[str], tree: tuple[tuple[str, str], ...]) -> list[Path]:
    """Write a `source_tree` under ``root``; return the file paths in the tree's order."""
    paths = []
    for rel, text in tree:
        path = Path(root, rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


@functools.cache
def context_item_dicts(count: int) -> tuple[dict[str, Any], ...]:
    """``count`` small context items as the workflows store them (`contextItems`), plain dicts.

    Each is a file item of about 80 bytes of JSON, so a session's size shows what its
    history costs rather than what the items hold.
    """
    return tuple(
        {"id": i + 1, "type": "file", "label": f"pkg{i % 4}/module_{i:04d}.py", "payload": None}
        for i in range(count)
    )
