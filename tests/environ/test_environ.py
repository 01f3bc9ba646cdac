"""`one_shot_man.environ` lists every variable osm reads: checked against the source itself."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from one_shot_man.config.schema import default_schema
from one_shot_man.environ import ISOLATED_VARS, READ_VARS
from one_shot_man.session import discovery

LIBRARY = Path(__file__).resolve().parents[2] / "one_shot_man"
_NAME = re.compile(r"^[A-Z][A-Z0-9_]+$")


def _trees() -> list[ast.AST]:
    return [ast.parse(p.read_text(encoding="utf-8"), str(p)) for p in LIBRARY.rglob("*.py")]


def _env_lookups(tree: ast.AST) -> set[str]:
    """Names in `os.environ.get("X")`, `os.getenv("X")`, `env.get("X")`, `os.environ["X"]`."""
    found: set[str] = set()
    for node in ast.walk(tree):
        key: ast.expr | None = None
        if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if (node.func.attr in ("get", "pop") and owner.endswith(("environ", "env"))) or (
                node.func.attr == "getenv"
            ):
                key = node.args[0]
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("environ"):
            key = node.slice
        if isinstance(key, ast.Constant) and isinstance(key.value, str) and _NAME.match(key.value):
            found.add(key.value)
    return found


def test_every_literal_environment_lookup_is_listed() -> None:
    read = set().union(*(_env_lookups(tree) for tree in _trees()))
    assert read, "the scan found no lookups at all: the pattern is broken"
    assert read - READ_VARS.keys() == set()


def test_every_osm_variable_named_in_the_source_is_listed() -> None:
    named = {
        node.value
        for tree in _trees()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"OSM_[A-Z_]+", node.value)
    }
    assert "OSM_SESSION" in named
    assert named - READ_VARS.keys() == set()


def test_config_overrides_and_session_sources_are_listed() -> None:
    schema = default_schema()
    options = schema.global_options() + [
        o for s in schema.sections() for o in schema.section_options(s)
    ]
    overrides = {o.env_var for o in options}
    overrides.discard("")
    assert overrides, "no config key declares an environment override"
    assert overrides - READ_VARS.keys() == set()
    assert set(discovery._ENV_KEYS) - READ_VARS.keys() == set()


def test_isolated_variables_are_read_by_osm_and_unique() -> None:
    assert set(ISOLATED_VARS) <= READ_VARS.keys()
    assert len(set(ISOLATED_VARS)) == len(ISOLATED_VARS)
