"""one-shot-man (osm): assemble reproducible one-shot LLM prompts from the terminal.

The package root stays import-light on purpose: `osm version` must start in
about the time of a bare interpreter, so nothing heavy is imported here.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
