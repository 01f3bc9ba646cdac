"""The type checker's per-module sections in setup.cfg name modules that exist.

mypy applies a `[mypy-<pattern>]` section to whatever matches and says nothing about a pattern
that matches nothing, so when a module moves (as the host globals did, into scripting/globals/),
its `Any` exemption would silently stop meaning anything, or keep naming a module that is gone.
This reads the sections and resolves every pattern against the source tree.
"""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _sections() -> dict[str, dict[str, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    return {name: dict(parser[name]) for name in parser.sections() if name.startswith("mypy")}


def _exists(pattern: str) -> bool:
    """Whether a mypy module pattern (`a.b`, or `a.b.*` for a package) names source here."""
    package = pattern.endswith(".*")
    path = ROOT.joinpath(*pattern.removesuffix(".*").split("."))
    if package:
        return (path / "__init__.py").is_file()
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _patterns() -> list[str]:
    found: list[str] = []
    for name in _sections():
        if name.startswith("mypy-"):
            found += [p.strip() for p in name.removeprefix("mypy-").split(",") if p.strip()]
    return found


def test_the_checker_is_configured_strict() -> None:
    sections = _sections()
    assert sections["mypy"].get("strict", "").lower() == "true"
    assert sections["mypy-one_shot_man.*"].get("disallow_any_explicit", "").lower() == "true"


@pytest.mark.parametrize("pattern", _patterns())
def test_every_per_module_section_names_existing_source(pattern: str) -> None:
    assert _exists(pattern), f"setup.cfg [mypy-...] names {pattern}, which is not in the tree"
