"""The package layering of docs/architecture.md, checked on the source so it cannot rot.

Every `import` in `one_shot_man/` (module level or inside a function: a lazy import is still
an arrow) is read with `ast`. A package may import only packages in a lower layer; a new
top-level module or package must be given a layer here (and in docs/architecture.md) before
it can be imported by anything. Inside the subsystem packages the modules must not import
each other in a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LIBRARY = Path(__file__).resolve().parents[2] / "one_shot_man"

#: Top first; a package may import the packages of the layers below its own, never its own
#: layer's other members and never a layer above. Mirrors docs/architecture.md.
LAYERS: list[list[str]] = [
    ["__main__"],
    ["cli"],
    ["command"],
    ["workflows"],
    ["shell"],
    ["scripting"],
    ["prompt", "pathsearch"],
    ["gotemplate", "argv", "gitignore", "clipboard", "copysummary", "config", "trust", "session"],
    ["storage", "sizeformat", "jsstring"],
    ["tokencount", "brokenpipe"],
    ["errors", "_lazy", "environ", "jsvalue"],
]

#: Packages held to a narrower list than their layer allows.
ONLY: dict[str, set[str]] = {
    "gotemplate": {"errors"},
}

#: Packages whose modules must not import each other in a circle.
ACYCLIC = ["gotemplate", "shell", "prompt", "config"]

#: Sub-packages the rest of their package must not import (`(inner, outer)`: no module of
#: `outer` outside `inner` imports `inner`): the command framework never imports a built-in
#: command (the registry's lazy table names them as strings, so `osm version` imports one).
INWARD_ONLY = [("command.builtins", "command")]

#: Sibling sub-packages that never import each other: the `osm:` modules a script requires
#: and the host globals every context gets (the engine, above both, installs each).
APART = [("scripting.modules", "scripting.globals")]

RANK = {name: depth for depth, layer in enumerate(LAYERS) for name in layer}


def _module_name(path: Path) -> str:
    parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """`(line, module)` for every absolute import of osm in `path` (relative ones resolved)."""
    found: list[tuple[int, str]] = []
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.append((node.lineno, base))
            # `from one_shot_man.pkg import sub` names the submodule `pkg.sub` if there is one.
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return [(line, name) for line, name in found if name.startswith("one_shot_man.")]


def _top(name: str) -> str | None:
    """The top-level package or module of `one_shot_man.<top>...`, if it exists."""
    top = name.split(".")[1]
    if (LIBRARY / top).is_dir() or (LIBRARY / f"{top}.py").is_file():
        return top
    return None


def _sources() -> list[Path]:
    return sorted(LIBRARY.rglob("*.py"))


def _owner(path: Path) -> str:
    rel = path.relative_to(LIBRARY)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def test_every_top_level_module_has_a_layer() -> None:
    tops = {_owner(path) for path in _sources()} - {"__init__"}
    assert sorted(tops - set(RANK)) == []


def test_no_package_imports_a_higher_or_sibling_layer() -> None:
    wrong: list[str] = []
    for path in _sources():
        source = _owner(path)
        if source == "__init__":
            continue
        for line, name in _imports(path):
            target = _top(name)
            if target is None or target == source:
                continue
            allowed = RANK[target] > RANK[source] and target in ONLY.get(source, {target})
            if not allowed:
                wrong.append(f"{path.relative_to(LIBRARY.parent)}:{line}: {source} -> {name}")
    assert sorted(set(wrong)) == []


def _module_graph(package: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    paths = sorted((LIBRARY / package).rglob("*.py"))
    names = {_module_name(path) for path in paths}
    for path in paths:
        module = _module_name(path)
        targets = {name for _, name in _imports(path) if name in names and name != module}
        # A package's `__init__` is imported on the way to any of its submodules: not an arrow.
        graph[module] = targets - {f"one_shot_man.{package}"}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle in `graph` (as a path that returns to its start), else []."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return []

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return []


@pytest.mark.parametrize("package", ACYCLIC)
def test_no_import_circle_inside(package: str) -> None:
    assert (LIBRARY / package / "__init__.py").is_file()
    assert _cycle(_module_graph(package)) == []


def _within(module: str, package: str) -> bool:
    name = f"one_shot_man.{package}"
    return module == name or module.startswith(name + ".")


def _crossings(
    graph: dict[str, set[str]], source: str, target: str, outside: str = ""
) -> list[str]:
    """`A -> B` for each module A of `source` (not of `outside`) that imports one B of `target`."""
    return sorted(
        f"{module} -> {name}"
        for module, names in graph.items()
        if _within(module, source) and not (outside and _within(module, outside))
        for name in names
        if _within(name, target)
    )


def _library_graph() -> dict[str, set[str]]:
    return {_module_name(path): {name for _, name in _imports(path)} for path in _sources()}


@pytest.mark.parametrize(("inner", "outer"), INWARD_ONLY)
def test_sub_package_is_not_imported_by_the_rest_of_its_package(inner: str, outer: str) -> None:
    assert (LIBRARY / inner.replace(".", "/") / "__init__.py").is_file()
    assert _crossings(_library_graph(), outer, inner, outside=inner) == []


@pytest.mark.parametrize(("one", "other"), APART)
def test_sibling_sub_packages_do_not_import_each_other(one: str, other: str) -> None:
    graph = _library_graph()
    for package in (one, other):
        assert (LIBRARY / package.replace(".", "/") / "__init__.py").is_file()
    assert _crossings(graph, one, other) + _crossings(graph, other, one) == []


def test_the_checker_sees_circles_and_upward_arrows() -> None:
    # The checks above pass only if they can fail: a circle and an arrow they must catch.
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) == []
    assert RANK["gotemplate"] > RANK["scripting"]  # so scripting -> gotemplate points down
    here = _imports(LIBRARY / "gotemplate" / "template.py")
    assert any(name == "one_shot_man.gotemplate.parser" for _, name in here)
    # A framework module importing a built-in, and an `osm:` module importing a global, are seen;
    # the engine (outside both) installing globals and modules is not a crossing.
    fake = {
        "one_shot_man.command.registry": {"one_shot_man.command.builtins.help"},
        "one_shot_man.command.builtins.help": {"one_shot_man.command.registry"},
        "one_shot_man.scripting.modules.os_": {"one_shot_man.scripting.globals.tui"},
    }
    assert _crossings(fake, "command", "command.builtins", outside="command.builtins") == [
        "one_shot_man.command.registry -> one_shot_man.command.builtins.help"
    ]
    assert _crossings(fake, "scripting.modules", "scripting.globals") == [
        "one_shot_man.scripting.modules.os_ -> one_shot_man.scripting.globals.tui"
    ]
    engine = _library_graph()["one_shot_man.scripting.engine"]
    assert "one_shot_man.scripting.globals.ctx" in engine
