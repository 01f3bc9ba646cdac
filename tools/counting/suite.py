"""The count benchmarks of the asv suite (benchmarks/), as harness operations.

Used by the spread measurement (cli.py) and by the twins themselves (prefetch.py), so both
see the same list, with the same names asv gives the benchmarks.
"""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import pkgutil
import re
import sys
from collections.abc import Iterator
from typing import Any

from . import harness


def suite_operations(pattern: str | None = None) -> list[tuple[str, harness.Operation]]:
    """(asv name, operation) of every count benchmark in benchmarks/, optionally filtered."""
    if importlib.util.find_spec("benchmarks") is None:  # run from tools/: the working tree's
        sys.path.insert(0, str(harness.ROOT))  # suite (under asv, asv's own import of it)
    import benchmarks

    found = []
    for info in pkgutil.iter_modules(benchmarks.__path__, "benchmarks."):
        module = importlib.import_module(info.name)
        for cls_name, cls in sorted(vars(module).items()):
            if not isinstance(cls, type) or cls.__module__ != module.__name__:
                continue
            for attr, fn in sorted(vars(cls).items()):
                mirrors = getattr(fn, "_mirrors", None)
                if mirrors is None:
                    continue
                for params in _param_combinations(getattr(cls, "params", [])):
                    name = _asv_name(module.__name__, cls_name, attr, params)
                    if pattern and not re.search(pattern, name):
                        continue
                    fields = fn._operation_fields(params)
                    op = harness.Operation(module.__name__, cls_name, mirrors, params, **fields)
                    found.append((name, op))
    return found


def _param_combinations(params: Any) -> Iterator[tuple[Any, ...]]:
    if not params:
        yield ()
        return
    if not isinstance(params[0], (list, tuple)):
        params = [params]
    yield from itertools.product(*params)


def _asv_name(module: str, cls: str, attr: str, params: tuple[Any, ...]) -> str:
    args = f"({', '.join(map(repr, params))})" if params else ""
    return f"{module.split('.', 1)[-1]}.{cls}.{attr}{args}"
