"""The built-in prompt workflows: code-review, prompt-flow, goals and super-document.

Their JavaScript (`js/`) and prompt templates (`templates/`) ship as package data; the
commands read them through `script_source` and `template_text`. Goals (the model, the
loader, discovery and the registry) live in `goals` and `goal_discovery`.
"""

from __future__ import annotations

import os

__all__ = ["SCRIPT_NAMES", "TEMPLATE_NAMES", "script_path", "script_source", "template_text"]

_HERE = os.path.dirname(os.path.abspath(__file__))

#: Bundled scripts, by name (file `js/<name>.js`).
SCRIPT_NAMES = ("code_review", "prompt_flow", "goal", "super_document")
#: Bundled templates, by name (file `templates/<name>.md`).
TEMPLATE_NAMES = ("code_review", "prompt_flow", "super_document")

_cache: dict[str, str] = {}


def _read(kind: str, name: str, ext: str, known: tuple[str, ...]) -> str:
    if name not in known:
        raise KeyError(f"unknown workflow {kind}: {name!r} (known: {', '.join(known)})")
    key = f"{kind}/{name}"
    text = _cache.get(key)
    if text is None:
        with open(os.path.join(_HERE, kind, name + ext), encoding="utf-8") as fh:
            text = fh.read()
        _cache[key] = text
    return text


def script_path(name: str) -> str:
    """Absolute path of a bundled script (for error messages and `require` bases)."""
    if name not in SCRIPT_NAMES:
        raise KeyError(f"unknown workflow js: {name!r}")
    return os.path.join(_HERE, "js", name + ".js")


def script_source(name: str) -> str:
    """The JavaScript of a bundled workflow, e.g. `script_source("code_review")`."""
    return _read("js", name, ".js", SCRIPT_NAMES)


def template_text(name: str) -> str:
    """A bundled prompt template (Go text/template syntax), e.g. `template_text("code_review")`."""
    return _read("templates", name, ".md", TEMPLATE_NAMES)
