"""The benchmark tooling (not part of the library): PR gate, instruction counting, dashboard.

Scripts here run as ``python tools/<name>.py`` (their directory is then on sys.path) and the
``counting`` package is also loaded by the asv suite (benchmarks/instructions.py) by file path,
so nothing in tools/ may import the repository root as a package.
"""
