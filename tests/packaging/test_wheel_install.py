"""The built wheel is what users get: it builds without warnings and works when installed.

An editable install (what `make venv` does) reads the source tree, so a data file missing
from the wheel or a packaging warning that a newer setuptools turns into an error would
never show in the other tests. This one builds the wheel from a copy of the project,
installs it (not editable) into a fresh virtual environment, and runs `osm` from there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ("one_shot_man", "setup.cfg", "pyproject.toml", "README.md")


def _run(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """(the fresh venv's `osm` executable, the wheel build's output)."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in PROJECT_FILES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, src / name)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    dist = work / "dist"
    build = _run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(src)], env=env
    )
    assert build.returncode == 0, build.stdout + build.stderr
    wheels = list(dist.glob("one_shot_man-*.whl"))
    assert len(wheels) == 1, wheels
    target = work / "venv"
    venv.EnvBuilder(with_pip=True).create(target)
    python = target / "bin" / "python"
    install = _run([str(python), "-m", "pip", "install", "--quiet", str(wheels[0])], env=env)
    assert install.returncode == 0, install.stdout + install.stderr
    return target / "bin" / "osm", build.stdout + build.stderr


def test_wheel_builds_without_warnings(installed: tuple[Path, str]) -> None:
    _, output = installed
    warnings = [line for line in output.splitlines() if "warning" in line.lower()]
    assert warnings == []


def test_installed_wheel_is_not_the_source_tree(installed: tuple[Path, str]) -> None:
    osm, _ = installed
    python = osm.parent / "python"
    code = "import one_shot_man, sys; print(one_shot_man.__file__)"
    out = _run([str(python), "-c", code], cwd=osm.parent)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()).is_relative_to(osm.parent.parent)


def test_installed_osm_lists_goals(installed: tuple[Path, str], isolated_home: Path) -> None:
    osm, _ = installed
    out = _run([str(osm), "goal", "-l"], cwd=isolated_home)
    assert out.returncode == 0, out.stderr
    assert "comment-stripper" in out.stdout
    assert "Traceback" not in out.stderr


def test_installed_osm_runs_a_workflow(installed: tuple[Path, str], isolated_home: Path) -> None:
    """The prompt-flow workflow's JavaScript and template come from the installed wheel."""
    osm, _ = installed
    (isolated_home / "notes.txt").write_text("a note for the prompt\n")
    out = _run(
        [str(osm), "prompt-flow"],
        input="goal fix the thing\nadd notes.txt\ngenerate\nshow\nexit\n",
        cwd=isolated_home,
        env={**os.environ, "OSM_SESSION": "wheel-test", "NO_COLOR": "1"},
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert "fix the thing" in out.stdout
    assert "-- notes.txt --\na note for the prompt" in out.stdout
    assert "**TEMPLATE:**" in out.stdout  # the template file shipped in the wheel
