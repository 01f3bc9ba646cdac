"""End to end through make and asv: many machines on one dashboard, history recorded in shards.

Both tests build a toy project that uses this repository's real Makefile, mk/, tools/ and
asv.conf.json, with a one-module benchmark suite whose only benchmark is a `track_` that returns
a number stored in the package (so results are exact and two dashboards can be compared byte for
byte), and run the make targets with this checkout's .venv. asv's environment for the toy is
built once for both tests (it needs the package registry, like `make bench`).
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools import vendor_dashboard

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv"


pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (VENV / "bin" / "asv").is_file(), reason="needs make venv (asv)"),
]

TOY_BENCHMARK = """
import importlib


class Toy:
    version = "1"

    def track_level(self):
        return importlib.import_module("one_shot_man").LEVEL

    def track_level_squared(self):
        return importlib.import_module("one_shot_man").LEVEL ** 2
"""


def run(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)


def make(toy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """make in the toy project with this checkout's .venv (never reinstalled: see toy_project)."""
    return run(toy, "make", "--no-print-directory", f"VENV={VENV}", *args)


def fake_npm_cache(cache: Path) -> None:
    """npm tarballs with every file the dashboard vendors (content does not matter here)."""
    members: dict[tuple[str, str], list[str]] = {}
    for item in list(vendor_dashboard.CDN_FILES.values()) + [
        c for extra in vendor_dashboard.COMPANIONS.values() for c in extra
    ]:
        members.setdefault((item.package, item.version), []).append(item.path)
    cache.mkdir(parents=True, exist_ok=True)
    for (name, version), paths in members.items():
        with tarfile.open(cache / f"{name}-{version}.tgz", "w:gz") as tar:
            for rel in paths:
                info = tarfile.TarInfo(f"package/{rel}")
                info.size = 4
                tar.addfile(info, io.BytesIO(b"/**/"))


def toy_project(path: Path, commits: int) -> list[str]:
    """The toy repository with `commits` commits on main (LEVEL = 1..commits); returns their hashes."""
    path.mkdir()
    for name in ("Makefile", "asv.conf.json", "pyproject.toml"):
        shutil.copy2(ROOT / name, path / name)
    for folder in ("mk", "tools"):
        shutil.copytree(ROOT / folder, path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (path / "setup.cfg").write_text(
        "[metadata]\nname = one_shot_man\nversion = 0.0.1\n\n[options]\npackages = one_shot_man\n"
    )
    (path / "benchmarks").mkdir()
    (path / "benchmarks" / "__init__.py").write_text("")
    (path / "benchmarks" / "toy.py").write_text(TOY_BENCHMARK)
    (path / ".gitignore").write_text(".asv/\n")
    fake_npm_cache(path / ".asv" / "vendor")
    # The .venv's install stamp must stay newer than the toy's setup files, or make would
    # pip-install the toy into this checkout's .venv.
    for name in ("setup.cfg", "pyproject.toml"):
        os.utime(path / name, (0, 0))
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    git = ["git", "-C", str(path)]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    (path / "one_shot_man").mkdir()
    for level in range(1, commits + 1):
        (path / "one_shot_man" / "__init__.py").write_text(f"LEVEL = {level}\n")
        date = f"2026-01-{level:02d}T12:00:00Z"
        subprocess.run([*git, "add", "-A"], check=True)
        subprocess.run(
            [*git, "commit", "-q", "-m", f"level {level}"],
            check=True,
            env={**os.environ, **env, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
        )
    out = subprocess.run([*git, "rev-list", "main"], capture_output=True, text=True, check=True)
    return out.stdout.split()


def html_tree(html: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(html)): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()
    }


def without_clock_times(name: str, data: bytes) -> bytes:
    """A published file minus the wall-clock times of publishing and recording."""
    if name == "info.json":
        info = json.loads(data)
        info.pop("timestamp")
        return json.dumps(info, sort_keys=True).encode()
    return re.sub(rb"<updated>[^<]*</updated>", b"", data)


def graph_machines(html: Path, benchmark: str) -> set[str]:
    """Machines for which asv rendered a graph page of the benchmark (graphs/.../machine-X/...)."""
    found = set()
    for page in html.glob(f"graphs/**/{benchmark}.json"):
        found |= {p[len("machine-") :] for p in page.parts if p.startswith("machine-")}
    return found


def record(toy: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    proc = make(toy, *args)
    return proc, time.perf_counter() - start


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """One toy project (4 commits) for both tests, so asv builds its environment once (~15 s)."""
    path = tmp_path_factory.mktemp("multi") / "toy"
    yield path, toy_project(path, 4)


def fresh(toy: Path) -> None:
    """No results or dashboard left from the other test (asv's environment stays)."""
    for sub in ("results", "html"):
        shutil.rmtree(toy / ".asv" / sub, ignore_errors=True)


def test_merge_results_puts_two_machines_on_one_dashboard(
    toy: tuple[Path, list[str]], tmp_path: Path
) -> None:
    toy, commits = toy
    commits = commits[:2]  # N=2: the newest two, LEVEL 4 and 3
    fresh(toy)
    runner_b = tmp_path / "runner-b-results"
    for machine, where in (("box-a", None), ("box-b", runner_b)):
        proc, _ = record(toy, "history", "N=2", f"ASV_MACHINE={machine}")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        if where is not None:
            shutil.move(toy / ".asv" / "results" / machine, where / machine)
            shutil.copy2(toy / ".asv" / "results" / "benchmarks.json", where)
    assert not (toy / ".asv" / "results" / "box-b").exists()

    # A third runner calling itself box-a on other hardware is refused; nothing is written.
    impostor = tmp_path / "impostor"
    shutil.copytree(toy / ".asv" / "results" / "box-a", impostor / "box-a")
    info = json.loads((impostor / "box-a" / "machine.json").read_text())
    (impostor / "box-a" / "machine.json").write_text(json.dumps({**info, "num_cpu": "64"}))
    before = sorted((toy / ".asv" / "results").rglob("*"))
    proc = make(toy, "merge-results", f"FROM={impostor}")
    assert proc.returncode != 0 and "machine 'box-a' names different hardware" in proc.stderr
    assert "num_cpu" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted((toy / ".asv" / "results").rglob("*")) == before

    proc = make(toy, "merge-results", f"FROM={runner_b}")
    assert proc.returncode == 0, proc.stderr
    assert "box-b: 2 result file(s) added" in proc.stdout
    proc = make(toy, "dashboard")
    assert proc.returncode == 0, proc.stdout + proc.stderr

    html = toy / ".asv" / "html"
    index = json.loads((html / "index.json").read_text())
    assert sorted(index["machines"]) == ["box-a", "box-b"]
    assert sorted(index["params"]["machine"]) == ["box-a", "box-b"]
    assert set(commits) <= set(index["revision_to_hash"].values())
    for bench in ("toy.Toy.track_level", "toy.Toy.track_level_squared"):
        assert graph_machines(html, bench) == {"box-a", "box-b"}
    # Both machines' pages hold the exact values (LEVEL 3, 4), not one machine's twice.
    for machine in ("box-a", "box-b"):
        (page,) = [
            p
            for p in html.glob("graphs/**/toy.Toy.track_level.json")
            if f"machine-{machine}" in str(p)
        ]
        assert [v for _, v in json.loads(page.read_text())] == [3, 4]


def test_history_in_two_shards_gives_the_dashboard_of_one_runner(
    toy: tuple[Path, list[str]], tmp_path: Path
) -> None:
    n, m = 4, 2
    toy, commits = toy
    fresh(toy)
    results = toy / ".asv" / "results"
    machine = "ASV_MACHINE=runner"
    recorded: dict[str, Path] = {}
    timings: dict[str, float] = {}
    shard_commits: dict[str, list[str]] = {}
    for label, args in [(f"shard {k}/{m}", [f"SHARD={k}/{m}"]) for k in range(1, m + 1)] + [
        ("one runner", [])
    ]:
        proc, timings[label] = record(toy, "history", f"N={n}", machine, *args)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        shard_commits[label] = [
            sha for sha in commits if list(results.glob(f"runner/{sha[:8]}-*.json"))
        ]
        recorded[label] = tmp_path / label.replace(" ", "-").replace("/", "of")
        shutil.move(results, recorded[label])
    print(
        "\n"
        + "\n".join(
            f"{label}: {len(shard_commits[label])} commits recorded in {timings[label]:.1f} s"
            for label in recorded
        )
    )
    shards = [shard_commits[f"shard {k}/{m}"] for k in range(1, m + 1)]
    assert [len(s) for s in shards] == [2, 2]
    assert set(shards[0]).isdisjoint(shards[1]) and set(shards[0]) | set(shards[1]) == set(commits)
    assert sorted(shard_commits["one runner"]) == sorted(commits)

    def dashboard(sources: list[Path]) -> dict[str, bytes]:
        shutil.rmtree(results, ignore_errors=True)
        for src in sources:
            proc = make(toy, "merge-results", f"FROM={src}")
            assert proc.returncode == 0, proc.stderr
        proc = make(toy, "dashboard")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return html_tree(toy / ".asv" / "html")

    merged = dashboard([recorded[f"shard {k}/{m}"] for k in range(1, m + 1)])
    single = dashboard([recorded["one runner"]])
    assert sorted(merged) == sorted(single)
    differing = sorted(name for name in merged if merged[name] != single[name])
    # Only when it was published and when each commit was recorded may differ (info.json's
    # timestamp, the regression feed's <updated>): the data, graphs and pages are byte-identical.
    assert differing in ([], ["info.json"], ["info.json", "regressions.xml"]), differing
    for name in differing:
        assert without_clock_times(name, merged[name]) == without_clock_times(name, single[name])
    page = next(name for name in merged if name.endswith("toy.Toy.track_level.json"))
    assert [v for _, v in json.loads(merged[page])] == [1, 2, 3, 4]
    print(f"identical dashboards: {len(merged)} files compared byte for byte")
