"""Lazy package exports: a package's module `__getattr__` and `__dir__` from one table.

Packages imported on every `osm` start (command, config) or whose names pull in costly
modules (QuickJS, msgspec, uuid) export names that load on first access. They share this
helper so that the rule lives once: the name's submodule is imported, the value is cached
in the package namespace (later lookups never reach `__getattr__`), and an unknown name
raises the usual `AttributeError`. Importing this module imports nothing (not even
`__future__`: names only a type checker sees are quoted instead).
"""

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def lazy_exports(
    package: str,
    where: "Mapping[str, str]",
    namespace: "dict[str, object]",
    *,
    dir_lists_all_only: bool = False,
) -> "tuple[Callable[[str], object], Callable[[], list[str]]]":
    """Return `(__getattr__, __dir__)` for `package`, whose name `n` lives in `package.where[n]`.

    `namespace` is the package's `globals()`; `__dir__` lists it with `__all__`, or only
    `__all__` when `dir_lists_all_only` (a package that keeps its submodules out of `dir()`).
    """

    def get(name: str) -> object:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        # `__import__` + sys.modules is `importlib.import_module` for an absolute name,
        # without importing importlib (and warnings) into every process that uses one.
        import sys

        qualified = f"{package}.{module}"
        __import__(qualified)
        value = getattr(sys.modules[qualified], name)
        namespace[name] = value  # later lookups find the global and skip this function
        return value

    def listing() -> list[str]:
        exported = namespace["__all__"]
        assert isinstance(exported, list)  # a package's names
        if dir_lists_all_only:
            return sorted(exported)
        return sorted(set(namespace) | set(exported))

    return get, listing
