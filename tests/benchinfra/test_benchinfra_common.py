"""Tests for benchmarks/common.py: the helpers every benchmark module builds on.

What matters: fixed inputs never change between runs (history stays comparable), `require()`
skips only for a missing API and never hides a real error, and the isolated environment is
undone afterwards.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from benchmarks import common

ROOT = Path(__file__).resolve().parents[2]


def test_require_returns_the_module_and_skips_a_missing_api() -> None:
    assert common.require("json", "dumps", "loads").__name__ == "json"
    with pytest.raises(NotImplementedError, match="does not exist"):
        common.require("one_shot_man.no_such_subsystem")
    with pytest.raises(NotImplementedError, match="has no no_such_name"):
        common.require("json", "no_such_name")


def test_require_follows_code_across_a_move_newest_place_first() -> None:
    # The first place that exists and has the names wins; a place without them is passed over.
    assert common.require(("json", "os"), "dumps").__name__ == "json"
    assert common.require(("one_shot_man.no_such_subsystem", "json"), "dumps").__name__ == "json"
    assert common.require(("os", "json"), "dumps").__name__ == "json"
    with pytest.raises(NotImplementedError, match=r"one_shot_man\.no_such_old_home does not exist"):
        common.require(("one_shot_man.no_such_subsystem", "one_shot_man.no_such_old_home"))


def test_require_does_not_hide_errors_inside_the_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "osm_bench_broken.py").write_text("import osm_bench_missing_dependency\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError):  # a broken import must fail the benchmark
        common.require("osm_bench_broken")


def test_text_blob_is_exact_and_deterministic() -> None:
    blob = common.text_blob(10_000)
    assert len(blob) == 10_000
    assert max(len(line) for line in blob.splitlines()) <= 80
    common.text_blob.cache_clear()
    assert common.text_blob(10_000) == blob  # rebuilt from the seed, identical
    assert common.text_blob(10_000, seed=common.SEED + 1) != blob


def test_config_text_shape() -> None:
    text = common.config_text(2, 3, 4)
    lines = text.splitlines()
    assert lines[0].startswith("#")
    assert sum(1 for ln in lines if ln.startswith("[")) == 3
    assert len(lines) == 1 + 2 + 3 * (1 + 4)
    assert common.CONFIG_FOUR_LINES.count("\n") == 4


def test_history_entries_follow_the_go_benchmark_shape() -> None:
    entries = common.history_entry_dicts(100)
    assert len(entries) == 100
    assert entries[0] == {
        "entryId": "entry",
        "modeId": "test-mode",
        "command": "echo 'test'",
        "readTime": "2026-01-01T00:00:00Z",
        "finalState": {"state": "test"},
    }


def test_source_tree_round_trip(tmp_path: Path) -> None:
    tree = common.source_tree(6, 200)
    paths = common.write_tree(tmp_path, tree)
    assert [p.read_text(encoding="utf-8") for p in paths] == [text for _, text in tree]
    assert len({p.parent for p in paths}) == 4


def test_temp_dir_benchmark_isolates_and_cleans_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-0/default,1,0")
    home_before = os.environ["HOME"]
    bench = common.TempDirBenchmark()
    bench.setup()
    try:
        assert os.environ["HOME"] == str(bench.tmpdir)
        assert os.environ["XDG_CONFIG_HOME"] == str(bench.tmpdir / ".config")
        assert "TMUX" not in os.environ
    finally:
        bench.teardown()
    assert not bench.tmpdir.exists()
    assert os.environ["HOME"] == home_before
    assert os.environ["TMUX"] == "/tmp/tmux-0/default,1,0"


def test_osm_command_uses_this_interpreter() -> None:
    assert common.osm_command("version") == [sys.executable, "-m", "one_shot_man", "version"]


def test_isolated_vars_come_from_the_library() -> None:
    from one_shot_man import environ

    assert common.ISOLATED_VARS is environ.ISOLATED_VARS


def test_isolated_vars_of_a_commit_without_the_library_list_cover_it() -> None:
    """Older commits lack one_shot_man.environ: the fallback still clears what they read."""
    import subprocess

    from one_shot_man.environ import ISOLATED_VARS

    code = (
        "import sys; sys.modules['one_shot_man.environ'] = None\n"
        "from benchmarks import common; print(' '.join(common.ISOLATED_VARS))"
    )
    env = {**os.environ, **{name: "set" for name in ISOLATED_VARS if name.startswith("OSM_")}}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert set(ISOLATED_VARS) <= set(out)
