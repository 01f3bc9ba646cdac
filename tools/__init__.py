"""The benchmark tooling (not part of the library): PR gate, instruction counting, dashboard.

Importable as a package from the repository root (`from tools import asv_compare`; the tests
get the root on sys.path from pytest's `pythonpath` in setup.cfg), and runnable as scripts
(``python tools/<name>.py``, as make does): a script that imports another tool first puts the
repository root, instead of tools/, at the front of sys.path, then imports ``tools.<name>``.
The ``counting`` package is also loaded by the asv suite (benchmarks/instructions.py) by file
path under the name ``counting``, so tools/counting/ imports only itself (relative imports),
never ``tools`` or the repository root as a package.
"""
